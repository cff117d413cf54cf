"""The certification gate on the Saleor side: a product is published in the shop's channel
only while ocop_rules says its certificate allows it (ARCHITECTURE.md, "Who owns which
data" and flow 4), and stock sold in Saleor flows back to our listings (flow 5).

Three ways in: every PRODUCT_CREATED/PRODUCT_UPDATED webhook (someone publishing by hand
is undone and logged), the daily sweep over the whole catalogue, and ORDER_CREATED for
stock. The webhook handlers run inside the delivery's transaction and never call Saleor;
the handlers enqueue ``gate_tasks.unpublish_product`` on commit, which asks Saleor again, unpublishes
and writes the audit row only once Saleor has confirmed.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

import ocop_rules
from vendors.listings.models import Listing, Variant
from vendors.listings.services import latest_certificate

from . import admission, order_tasks
from .client import SaleorClient
from .errors import raise_for_mutation_errors
from .models import GateAuditEntry, ListingSync, WebhookDelivery
from .provisioning import CHANNEL_SLUG as SHOP_CHANNEL_SLUG

logger = logging.getLogger(__name__)

# The externalReference our sync gives products and variants (listing-<id>, variant-<id>).
LISTING_REFERENCE_PREFIX = "listing-"
VARIANT_REFERENCE_PREFIX = "variant-"
SWEEP_PAGE_SIZE = 100


def _id_from_reference(reference: Any, prefix: str) -> int | None:
    # The sync namespaces its references with SALEOR_REFERENCE_PREFIX (empty in production;
    # set by live tests and benchmarks sharing one Saleor), so the gate reads them the same way.
    prefix = getattr(settings, "SALEOR_REFERENCE_PREFIX", "") + prefix
    if not isinstance(reference, str) or not reference.startswith(prefix):
        return None
    number = reference.removeprefix(prefix)
    return int(number) if number.isascii() and number.isdigit() else None


def listing_id_from_reference(reference: Any) -> int | None:
    return _id_from_reference(reference, LISTING_REFERENCE_PREFIX)


def variant_id_from_reference(reference: Any) -> int | None:
    return _id_from_reference(reference, VARIANT_REFERENCE_PREFIX)


def live_channel_listings(product: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The product's channel listings where a buyer can see or buy it. Our own unpublish
    clears both flags, so its PRODUCT_UPDATED echo has none and the gate stops there."""
    return [cl for cl in product.get("channelListings") or ()
            if cl.get("isPublished") or cl.get("isAvailableForPurchase")]


@dataclass(frozen=True)
class GateVerdict:
    """Whether a product may stay published; when not, the audit action and the reason."""

    allowed: bool
    action: str = ""
    reason: str = ""
    listing: Listing | None = None


def product_verdict(*, external_reference: Any, today: date) -> GateVerdict:
    """May the Saleor product with this externalReference be published on `today`?

    Only our listings (listing-<id> of a listing that exists) may be, and only while the
    listing is on sale (ACTIVE) and ocop_rules.listing_decision allows its certificate now
    in force (followed through renewals) and its vendor's state.
    """
    listing_id = listing_id_from_reference(external_reference)
    listing = (Listing.objects.select_related("certificate", "vendor").filter(pk=listing_id).first()
               if listing_id is not None else None)
    return listing_verdict(listing=listing, today=today, external_reference=external_reference)


def listing_verdict(*, listing: Listing | None, today: date, external_reference: Any = None) -> GateVerdict:
    """``product_verdict`` for a listing already loaded (with its certificate and vendor):
    the cart checks many lines at once with it."""
    if listing is None:
        shown = external_reference or "không có"
        return GateVerdict(False, GateAuditEntry.Action.FOREIGN_PRODUCT,
                           f"Sản phẩm không do sàn OCOP đăng (mã tham chiếu: {shown}); "
                           "chỉ sản phẩm OCOP của sàn được bán trong kênh.")
    certificate = latest_certificate(listing.certificate)
    decision = ocop_rules.listing_decision(certificate, listing.vendor.state, today)
    if listing.status == Listing.Status.ACTIVE and decision.allowed:
        return GateVerdict(True, listing=listing)
    if not decision.allowed:
        reason = decision.reason_vi
        if certificate.revoked_on and certificate.revocation_reason:
            reason = f"{reason}. Lý do thu hồi: {certificate.revocation_reason}"
    elif listing.status == Listing.Status.DRAFT:
        reason = "Sản phẩm còn là bản nháp, gian hàng chưa đăng bán."
    else:
        reason = listing.hidden_reason or "Sản phẩm đang ẩn trên sàn."
    return GateVerdict(False, GateAuditEntry.Action.UNPUBLISHED, reason, listing)


def product_channels_to_unpublish(*, product: Mapping[str, Any], today: date) -> list[str]:
    """PRODUCT_CREATED/PRODUCT_UPDATED (`product` as the webhook payload has it): the slugs
    of the channels it is live in when the gate refuses it; none for a legitimate product,
    or for the echo of our own unpublish. Reads only our database."""
    channels = [cl["channel"]["slug"] for cl in live_channel_listings(product)]
    if not product.get("id") or not channels:
        return []
    verdict = product_verdict(external_reference=product.get("externalReference"), today=today)
    if verdict.allowed:
        return []
    logger.info("Gate: Saleor product %s is live in %s but refused (%s)", product["id"], channels, verdict.action)
    return channels


def _unpublish_refused(*, client: SaleorClient, product: Mapping[str, Any], channel_slugs: list[str] | None,
                       today: date, source: str) -> GateAuditEntry | None:
    """Unpublish `product` (as GateProduct/GateProducts return it) from its live channels
    (only those in `channel_slugs`, when given) if the gate refuses it, then audit."""
    live = [cl for cl in live_channel_listings(product)
            if channel_slugs is None or cl["channel"]["slug"] in channel_slugs]
    if not live:
        return None
    verdict = product_verdict(external_reference=product.get("externalReference"), today=today)
    if verdict.allowed:
        return None
    for channel_listing in live:
        raise_for_mutation_errors(client.execute("ProductChannelListingUpdate", {
            "id": product["id"], "channelId": channel_listing["channel"]["id"],
            "isPublished": False, "visibleInListings": False, "isAvailableForPurchase": False,
        }), "productChannelListingUpdate")
    entry = GateAuditEntry.objects.create(
        action=verdict.action, saleor_product_id=product["id"], listing=verdict.listing, reason=verdict.reason,
        details={"source": source, "external_reference": product.get("externalReference"),
                 "channels": [cl["channel"]["slug"] for cl in live]},
    )
    logger.warning("Gate unpublished Saleor product %s (%s): %s", product["id"], verdict.action, verdict.reason)
    return entry


def product_unpublish(*, client: SaleorClient, saleor_product_id: str, channel_slugs: list[str],
                      today: date) -> GateAuditEntry | None:
    """Undo a publication the gate refused (task unpublish_product): ask Saleor for the
    product as it is now and check again, so a repeat, a deleted product or a listing put
    back on sale meanwhile sends nothing. Returns the audit row, or None."""
    product = client.execute("GateProduct", {"id": saleor_product_id})["product"]
    if product is None:
        return None
    return _unpublish_refused(client=client, product=product, channel_slugs=channel_slugs, today=today,
                              source="webhook")


def _catalogue(client: SaleorClient) -> Iterator[Mapping[str, Any]]:
    after = None
    while True:
        page = client.execute("GateProducts", {"first": SWEEP_PAGE_SIZE, "after": after})["products"]
        for edge in page["edges"]:
            yield edge["node"]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def gate_sweep(client: SaleorClient, *, today: date) -> int:
    """The daily sweep (ARCHITECTURE.md: the guard also runs daily): every product live in
    the shop's channel whose listing is not on sale or not allowed by ocop_rules on
    `today`, or that is not ours at all, is unpublished and audited. Other channels of the
    same Saleor are not the shop's and are left alone. Returns how many were unpublished."""
    unpublished = 0
    for product in _catalogue(client):
        if _unpublish_refused(client=client, product=product, channel_slugs=[SHOP_CHANNEL_SLUG], today=today,
                              source="sweep"):
            unpublished += 1
    return unpublished


def order_lock(*, order_id: str) -> None:
    """Serialise the stock handlers of one order (ORDER_CREATED, ORDER_CANCELLED, and two
    deliveries of either) until the delivery's transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"order-stock:{order_id}"])


def order_event_processed(*, event: str, order_id: str, other_than: WebhookDelivery | None = None) -> bool:
    """Was a delivery of `event` for this order processed already (under ``order_lock``)?"""
    deliveries = WebhookDelivery.objects.filter(event=event, payload__order__id=order_id, processed_at__isnull=False)
    if other_than is not None:
        deliveries = deliveries.exclude(pk=other_than.pk)
    return deliveries.exists()


def order_variant_quantities(order: Mapping[str, Any], *, unfulfilled: bool = False) -> dict[int, int]:
    """{our variant id: quantity} over an ORDER_* payload's lines (`unfulfilled`: only what
    is not fulfilled yet), for variants we have; a variant-<id> we do not have is logged."""
    wanted: dict[int, int] = {}
    for line in order.get("lines") or ():
        variant_id = variant_id_from_reference((line.get("variant") or {}).get("externalReference"))
        quantity = int(line.get("quantity") or 0)
        if unfulfilled:
            quantity -= int(line.get("quantityFulfilled") or 0)
        if variant_id is None or quantity <= 0:
            continue
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
    known = set(Variant.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    for variant_id in sorted(set(wanted) - known):
        logger.warning("Order %s has a line of variant-%s, which we do not have", order.get("number"), variant_id)
        del wanted[variant_id]
    return wanted


def order_stock_apply(*, delivery: WebhookDelivery) -> int:
    """ORDER_CREATED: what Saleor sold leaves our variants' stock (flow 5), once per order.

    Saleor may send ORDER_CREATED for one order twice with different bodies (so two
    deliveries); an advisory lock on the order id serialises them and the later one sees
    the earlier one processed and applies nothing. An order cancelled before its
    ORDER_CREATED came (a delivery retried late) takes nothing: Saleor released it already.
    An order whose checkout our admission count admitted took its stock already
    (storefront_adapter.admission); it takes only what it has beyond its hold (the cart
    changed in another tab before Saleor completed it) and gives back what the hold took
    beyond it (_admitted_order_apply).
    An order that came by another path (another storefront, the dashboard) takes its
    lines all or nothing with conditional UPDATEs in variant-id order; one beyond stock
    takes nothing, is audited OVERSOLD per short line for officers, and is cancelled in
    Saleor after commit with emails to its vendors and its buyer (issue 5, "Never sell
    what is not there"). No outbox event: Saleor already holds the new stock. Returns
    the lines applied.
    """
    order = (delivery.payload or {}).get("order") or {}
    order_id = order.get("id")
    if not order_id:
        return 0
    order_lock(order_id=order_id)
    if order_event_processed(event=delivery.event, order_id=order_id, other_than=delivery):
        logger.info("ORDER_CREATED for order %s was applied already; delivery %s skipped", order_id, delivery.pk)
        return 0
    if order_event_processed(event="ORDER_CANCELLED", order_id=order_id):
        logger.info("Order %s was cancelled before its ORDER_CREATED came; nothing taken", order.get("number"))
        return 0
    if admission.order_admitted(checkout_id=order.get("checkoutId"), order_id=order_id):
        return _admitted_order_apply(order=order)
    wanted = order_variant_quantities(order)
    with transaction.atomic():
        short = [(variant_id, quantity) for variant_id, quantity in sorted(wanted.items())
                 if not Variant.objects.filter(pk=variant_id, stock__gte=quantity).update(stock=F("stock") - quantity)]
        if short:
            transaction.set_rollback(True)
    if not short:
        return len(wanted)
    entries = [_audit_oversold(variant_id=variant_id, quantity=quantity, order=order) for variant_id, quantity in short]
    order_tasks.cancel_oversold_order.delay_on_commit(order_id, [entry.pk for entry in entries])
    return 0


def _admitted_order_apply(*, order: Mapping[str, Any]) -> int:
    """ORDER_CREATED for an order our admission admitted: its hold took the cart's lines as
    they were at admission, but another tab may have changed the cart before Saleor completed
    it. What the order has beyond the hold takes stock like an order from another path
    (conditional UPDATEs in variant-id order, all or nothing); beyond stock, it is audited
    OVERSOLD and cancelled, and the hold is given back since the cancelled order keeps
    nothing. What the hold took beyond the order comes back. So an admitted order ends up
    holding exactly its lines (issue 5, "Admission counter"). Returns the lines changed."""
    ordered = order_variant_quantities(order)
    held = admission.admitted_quantities(order_id=order["id"])
    changes = {variant_id: ordered.get(variant_id, 0) - held.get(variant_id, 0) for variant_id in ordered | held}
    changes = {variant_id: change for variant_id, change in changes.items() if change}
    if not changes:
        logger.info("Order %s was admitted by our checkout; its stock is taken already", order.get("number"))
        return 0
    logger.warning("Order %s differs from its admitted cart by %s; applied to our stock", order.get("number"), changes)
    with transaction.atomic():
        short = []
        for variant_id, change in sorted(changes.items()):
            if change < 0:
                Variant.objects.filter(pk=variant_id).update(stock=F("stock") - change)
            elif not Variant.objects.filter(pk=variant_id, stock__gte=change).update(stock=F("stock") - change):
                short.append((variant_id, change))
        if short:
            transaction.set_rollback(True)
    if not short:
        return len(changes)
    entries = [_audit_oversold(variant_id=variant_id, quantity=quantity, order=order) for variant_id, quantity in short]
    admission.hold_give_back(order_id=order["id"])
    order_tasks.cancel_oversold_order.delay_on_commit(order["id"], [entry.pk for entry in entries])
    return 0


def _audit_oversold(*, variant_id: int, quantity: int, order: Mapping[str, Any]) -> GateAuditEntry:
    variant = Variant.objects.select_related("listing").get(pk=variant_id)
    excess = quantity - variant.stock
    sync = ListingSync.objects.filter(listing_id=variant.listing_id).first()
    logger.warning("Order %s oversold variant-%s by %d; it will be cancelled", order.get("number"), variant_id, excess)
    return GateAuditEntry.objects.create(
        action=GateAuditEntry.Action.OVERSOLD, listing=variant.listing,
        saleor_product_id=sync.saleor_product_id if sync else "",
        reason=(f"Đơn hàng #{order.get('number')} đặt {quantity} “{variant.name}” (SKU {variant.sku}) "
                f"nhưng chỉ còn {variant.stock}: bán vượt {excess}. Đơn bị huỷ trên Saleor."),
        details={"order_id": order.get("id"), "order_number": order.get("number"), "variant_id": variant_id,
                 "sku": variant.sku, "quantity": quantity, "stock_before": variant.stock, "excess": excess,
                 "buyer_email": order.get("userEmail") or ""},
    )
