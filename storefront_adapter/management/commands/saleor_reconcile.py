"""Compare every listing with its product in Saleor and print the drift, in Vietnamese.

    python manage.py saleor_reconcile          # report only
    python manage.py saleor_reconcile --fix    # and sync the drifted listings again

Checked: the product exists (for a listing on sale), published exactly while the listing
is ACTIVE, name, each variant's price and stock in the vendor's warehouse, the stars
attribute. It reads Saleor once per listing and writes nothing unless --fix.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.management.base import BaseCommand

from storefront_adapter.admission import held_quantities
from storefront_adapter.connection import saleor_client
from storefront_adapter.errors import SaleorUnavailable
from storefront_adapter.sync import (
    CHANNEL_SLUG,
    STAR_LEVEL,
    CatalogueNotProvisioned,
    Outcome,
    catalogue_ids,
    fetch_product,
    listing_sync_pending,
    star_level_value,
    variant_reference,
)
from vendors.listings.models import Listing


def _dong(amount: float | None) -> str:
    return "không có" if amount is None else f"{int(amount):,} đ".replace(",", ".")


def listing_drift(listing: Listing, product: dict[str, Any] | None, warehouse_id: str,
                  held: Mapping[int, int] | None = None) -> list[str]:
    """What Saleor shows differently from our listing, one sentence each. ``held``: units our
    admission holds for checkouts not yet completed (admission.held_quantities)."""
    held = held or {}
    on_sale = listing.status == Listing.Status.ACTIVE
    if product is None:
        return ["Chưa có trên Saleor."] if on_sale else []
    drift = []
    listed = [c for c in product["channelListings"] or () if c["channel"]["slug"] == CHANNEL_SLUG]
    published = bool(listed and listed[0]["isPublished"])
    if published != on_sale:
        drift.append("Đang bán trên sàn nhưng chưa đăng trên Saleor." if on_sale
                     else "Đã ngừng bán trên sàn nhưng vẫn đăng trên Saleor.")
    if product["name"] != listing.title:
        drift.append(f"Tên khác: Saleor «{product['name']}», sàn «{listing.title}».")
    stars = [(a.get("choice") or {}).get("name") for a in product["assignedAttributes"]
             if a["attribute"]["slug"] == STAR_LEVEL]
    wanted_stars = star_level_value(listing.certificate.star_level)
    if stars != [wanted_stars]:
        drift.append(f"Hạng sao khác: Saleor «{', '.join(filter(None, stars)) or 'không có'}», sàn «{wanted_stars}».")
    theirs = {e["node"]["externalReference"]: e["node"] for e in product["productVariants"]["edges"]}
    ours = {variant_reference(v.id): v for v in listing.variants.all()}
    for reference, variant in ours.items():
        node = theirs.get(reference)
        if node is None:
            drift.append(f"Thiếu phân loại {variant.sku} trên Saleor.")
            continue
        prices = [c["price"]["amount"] for c in node["channelListings"] if c["channel"]["slug"] == CHANNEL_SLUG]
        if prices != [variant.price_vnd]:
            drift.append(f"Giá {variant.sku} khác: Saleor {_dong(prices[0] if prices else None)}, "
                         f"sàn {_dong(variant.price_vnd)}.")
        # Saleor's quantity counts what is allocated to unshipped orders; ours is what is left,
        # less what is held for checkouts being completed (still in Saleor, not yet allocated).
        stock = [s["quantity"] - (s.get("quantityAllocated") or 0) for s in node["stocks"]
                 if s["warehouse"]["id"] == warehouse_id]
        available = variant.stock + held.get(variant.id, 0)
        if stock != [available]:
            drift.append(f"Tồn kho {variant.sku} khác: Saleor {stock[0] if stock else 'không có'}, "
                         f"sàn {available}.")
    for reference, node in theirs.items():
        if reference not in ours:
            drift.append(f"Thừa phân loại {node['sku'] or reference} trên Saleor (đã xoá ở sàn).")
    return drift


class Command(BaseCommand):
    help = "So sánh sản phẩm trên sàn với Saleor và in chỗ lệch; --fix để đồng bộ lại."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Đồng bộ lại các sản phẩm bị lệch.")

    def handle(self, *args, fix: bool = False, **options):
        client = saleor_client()
        fix_requested = fix
        listings = (Listing.objects.exclude(status=Listing.Status.DRAFT)
                    .select_related("vendor", "certificate").prefetch_related("variants").order_by("id"))
        checked, drifted, fixed = 0, [], 0
        for listing in listings:
            checked += 1
            try:
                warehouse_id = catalogue_ids(listing).warehouse
            except CatalogueNotProvisioned as exc:
                self.stdout.write(f"Sản phẩm #{listing.id} «{listing.title}»: {exc}")
                continue
            held = held_quantities(v.id for v in listing.variants.all())
            drift = listing_drift(listing, fetch_product(client, listing.id), warehouse_id, held)
            if not drift:
                continue
            drifted.append(listing.id)
            self.stdout.write(f"Sản phẩm #{listing.id} «{listing.title}»: lệch {len(drift)} điểm")
            for line in drift:
                self.stdout.write(f"  - {line}")
            if fix:
                try:
                    outcome = listing_sync_pending(listing_id=listing.id, client=client)
                except SaleorUnavailable as exc:
                    self.stderr.write(f"  Saleor không phản hồi, dừng sửa: {exc}")
                    fix = False
                    continue
                fixed += outcome is Outcome.SYNCED
                self.stdout.write("  → đã đồng bộ lại." if outcome is Outcome.SYNCED
                                  else f"  → chưa đồng bộ được ({outcome.value}).")
        self.stdout.write(f"Đã kiểm tra {checked} sản phẩm; {len(drifted)} sản phẩm lệch"
                          + (f"; đã đồng bộ lại {fixed}." if fix_requested else "."))
