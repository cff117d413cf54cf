"""The catalogue read model: what Saleor publishes in the shop's channel, joined with our
registry, in our database (ARCHITECTURE.md, the storefront's read path).

Saleor owns products, prices and stock; the storefront's lists, filters and search run on
``CatalogueProduct`` rows in PostgreSQL instead of asking Saleor on every page view, as
Saleor storefronts feed a search index from webhooks. A row holds what Saleor says (id,
slug, name, thumbnail, price range, stock) and the OCOP facts of the listing its
externalReference ``listing-<id>`` names. Only a product Saleor publishes and whose
listing is on sale has a row; one Saleor stops publishing loses it.

Refreshed (each refresh reads Saleor outside any transaction, then writes in one):
- after a successful sync of a listing (storefront_adapter.sync),
- on PRODUCT_CREATED/PRODUCT_UPDATED/PRODUCT_DELETED and ORDER_CREATED (stock) webhooks,
- by ``manage.py catalogue_rebuild`` and the beat's ``rebuild_catalogue`` every 10 minutes.

Every change bumps a version counter in Redis; pages cache their results under it, so a
warm page costs neither SQL nor Saleor, and a change shows on the next view.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

import ocop_rules
from vendors.listings.models import Listing
from vendors.registry import places

from .client import SaleorClient
from .connection import saleor_client
from .gate import listing_id_from_reference
from .models import CatalogueProduct, ListingSync
from .money import saleor_dong
from .provisioning import CHANNEL_SLUG

logger = logging.getLogger(__name__)

VERSION_KEY = "catalogue:version"
PAGE_SIZE = 100  # products per Saleor request
LIVE_PRODUCT_SECONDS = 10 * 60  # a product page's Saleor part, also dropped on every version bump
_MISSING = "missing"


# -- the version every cached catalogue result is keyed by ----------------------------
def _version_seed() -> int:
    # Never set, or Redis evicted it: start from the clock (milliseconds), above any number
    # used before, so results cached under an old version are never read again.
    return int(timezone.now().timestamp() * 1000)


def catalogue_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _version_seed(), timeout=None)
        version = cache.get(VERSION_KEY)
    return int(version)


def catalogue_version_bump() -> int:
    """Every cached catalogue result is stale from now on (the keys carry the version)."""
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, _version_seed(), timeout=None)
        return cache.incr(VERSION_KEY)


def cache_key(*parts: Any) -> str:
    return ":".join(["catalogue", str(catalogue_version()), *(str(p) for p in parts)])


def _versioned_key(parts: tuple[Any, ...]) -> str:
    return ":".join(["catalogue", "versioned", *(str(p) for p in parts)])


def versioned_get(*parts: Any) -> tuple[int, Any]:
    """The catalogue version and the value cached under ``parts`` for that version (None
    when there is none, or it was cached under an older one), in one Redis round trip:
    the hot path of a warm page."""
    key = _versioned_key(parts)
    found = cache.get_many([VERSION_KEY, key])
    version = int(found[VERSION_KEY]) if VERSION_KEY in found else catalogue_version()
    entry = found.get(key)
    return version, (entry[1] if isinstance(entry, tuple) and entry[0] == version else None)


def versioned_set(version: int, value: Any, *parts: Any, timeout: int) -> None:
    """Cache ``value`` under ``parts`` for catalogue ``version`` (a bump meanwhile makes it
    stale at once: readers compare the versions)."""
    cache.set(_versioned_key(parts), (version, value), timeout)


# -- enqueueing --------------------------------------------------------------------------
def catalogue_refresh_enqueue(*, saleor_product_ids: Iterable[str] = (), listing_ids: Iterable[int] = ()) -> None:
    """Refresh these products from Saleor after the current transaction commits."""
    product_ids = sorted({p for p in saleor_product_ids if p})
    listing_ids = sorted({int(i) for i in listing_ids if i})
    if product_ids or listing_ids:
        from .catalogue_tasks import refresh_catalogue

        refresh_catalogue.delay_on_commit(product_ids, listing_ids)


def order_listing_ids(payload: Mapping[str, Any] | None) -> list[int]:
    """The listings an ORDER_* payload sold from (their products' externalReference)."""
    lines = ((payload or {}).get("order") or {}).get("lines") or ()
    found = (listing_id_from_reference(((line.get("variant") or {}).get("product") or {}).get("externalReference"))
             for line in lines)
    return sorted({i for i in found if i is not None})


def catalogue_remove(*, saleor_product_ids: Iterable[str] = (), listing_ids: Iterable[int] = ()) -> int:
    """Drop rows at once, without asking Saleor: a product deleted in Saleor, a listing
    taken off sale (its unpublish reaches Saleor later). Bumps the version on commit."""
    removed, _ = CatalogueProduct.objects.filter(
        Q(saleor_product_id__in=list(saleor_product_ids)) | Q(listing_id__in=list(listing_ids))).delete()
    if removed:
        transaction.on_commit(catalogue_version_bump)
    return removed


# -- reading Saleor ----------------------------------------------------------------------

def catalogue_products_fetch(client: SaleorClient, *, ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Every product Saleor publishes and lists in our channel (or those of ``ids``), page by page."""
    where: dict[str, Any] = {"ids": ids} if ids is not None else {}
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        data = client.execute("CatalogueProducts", {"channel": CHANNEL_SLUG, "first": PAGE_SIZE, "after": after,
                                                    "where": where})["products"]
        nodes.extend(edge["node"] for edge in data["edges"])
        if not data["pageInfo"]["hasNextPage"]:
            return nodes
        after = data["pageInfo"]["endCursor"]


def _saleor_values(node: Mapping[str, Any]) -> dict[str, Any]:
    pricing = node.get("pricing") or {}
    price_range = pricing.get("priceRange") or {}
    undiscounted = pricing.get("priceRangeUndiscounted") or {}
    quantities = [int(edge["node"].get("quantityAvailable") or 0)
                  for edge in ((node.get("productVariants") or {}).get("edges") or ())]
    thumbnail = node.get("thumbnail") or {}
    return {
        "slug": node["slug"], "name": node["name"],
        "thumbnail_url": thumbnail.get("url") or "", "thumbnail_alt": thumbnail.get("alt") or "",
        "price_min": saleor_dong(price_range.get("start")), "price_max": saleor_dong(price_range.get("stop")),
        "undiscounted_min": saleor_dong(undiscounted.get("start")), "undiscounted_max": saleor_dong(undiscounted.get("stop")),
        "on_sale": bool(pricing.get("onSale")),
        "quantity_available": sum(quantities), "in_stock": any(q > 0 for q in quantities),
        "saleor_updated_at": parse_datetime(node["updatedAt"]) if node.get("updatedAt") else None,
    }


def _registry_values(listing: Listing) -> dict[str, Any]:
    certificate = listing.certificate
    producer = certificate.producer
    commune = places.commune_or_none(certificate.commune_code)
    province = places.province_or_none(certificate.province_code)
    commune_name = commune.name if commune else certificate.issued_commune
    searchable = [listing.title, certificate.product_name, producer.name, commune_name,
                  province.name if province else certificate.issued_province, certificate.issued_district,
                  certificate.number]
    return {
        "vendor_id": listing.vendor_id, "producer_id": producer.pk, "certificate_number": certificate.number,
        "star_level": certificate.star_level, "valid_until": certificate.expires_on,
        "certified_on": certificate.decision_date,
        "product_group": ocop_rules.product_group(certificate.current_product_group).current_code,
        "producer_name": producer.name, "province_code": certificate.province_code,
        "commune_code": certificate.commune_code, "commune_name": commune_name,
        "former_district": certificate.issued_district, "former_district_folded": certificate.issued_district_folded,
        "search_folded": ocop_rules.fold(" ".join(s for s in searchable if s)),
    }


@dataclass
class RefreshResult:
    saved: list[str] = field(default_factory=list)  # Saleor product ids
    removed: int = 0
    skipped: list[str] = field(default_factory=list)  # published, but not a listing of ours on sale


def _apply(nodes: list[dict[str, Any]], *, gone: Q | None) -> RefreshResult:
    """Write what Saleor answered, in one transaction; ``gone`` selects the rows to drop
    (what was asked for and not answered). The version is bumped on commit."""
    result = RefreshResult()
    by_listing = {listing_id_from_reference(node.get("externalReference")): node for node in nodes}
    listings = {listing.pk: listing for listing in Listing.objects.filter(
        pk__in=[pk for pk in by_listing if pk is not None], status=Listing.Status.ACTIVE,
    ).select_related("certificate", "certificate__producer")}
    now = timezone.now()
    with transaction.atomic():
        kept = []
        for listing_id, node in by_listing.items():
            listing = listings.get(listing_id)
            if listing is None:
                result.skipped.append(node["id"])
                continue
            values = {**_saleor_values(node), **_registry_values(listing), "saleor_product_id": node["id"],
                      "refreshed_at": now}
            # A product re-created in Saleor for the same listing (or a slug moved) replaces the old row.
            CatalogueProduct.objects.filter(Q(slug=values["slug"]) | Q(saleor_product_id=node["id"])).exclude(
                listing_id=listing_id).delete()
            CatalogueProduct.objects.update_or_create(listing_id=listing_id, defaults=values)
            kept.append(node["id"])
            result.saved.append(node["id"])
        if gone is not None:
            result.removed, _ = CatalogueProduct.objects.filter(gone).exclude(saleor_product_id__in=kept).delete()
        transaction.on_commit(catalogue_version_bump)
    return result


def catalogue_refresh(*, saleor_product_ids: Iterable[str] = (), listing_ids: Iterable[int] = (),
                      client: SaleorClient | None = None) -> RefreshResult:
    """Make these products' rows agree with Saleor: saved when published in our channel and
    their listing is on sale, removed otherwise. Listings are found by the Saleor id the
    sync recorded or their catalogue row."""
    product_ids = set(saleor_product_ids)
    listing_ids = set(listing_ids)
    if listing_ids:
        product_ids |= set(ListingSync.objects.filter(listing_id__in=listing_ids).exclude(saleor_product_id="")
                           .values_list("saleor_product_id", flat=True))
        product_ids |= set(CatalogueProduct.objects.filter(listing_id__in=listing_ids)
                           .values_list("saleor_product_id", flat=True))
    if not product_ids:
        return RefreshResult()
    nodes = catalogue_products_fetch(client or saleor_client(), ids=sorted(product_ids))
    return _apply(nodes, gone=Q(saleor_product_id__in=product_ids) | Q(listing_id__in=listing_ids))


def catalogue_rebuild(*, client: SaleorClient | None = None) -> RefreshResult:
    """The whole catalogue again from Saleor: every published product, and nothing else."""
    nodes = catalogue_products_fetch(client or saleor_client())
    return _apply(nodes, gone=Q())


# -- a product page's live part ------------------------------------------------------------
@dataclass(frozen=True)
class LiveVariant:
    id: str
    name: str
    sku: str
    price: int | None
    undiscounted: int | None
    on_sale: bool
    quantity_available: int
    limit_per_customer: int | None


@dataclass(frozen=True)
class LiveProduct:
    id: str
    slug: str
    name: str
    description: list[str]
    photos: list[dict[str, str]]
    variants: list[LiveVariant]
    available_for_purchase: bool


def _paragraphs(description: str | None) -> list[str]:
    """Saleor's Editor.js JSON, as plain paragraphs (the sync escaped our text into it)."""
    if not description:
        return []
    try:
        blocks = json.loads(description).get("blocks") or []
    except (ValueError, AttributeError):
        return []
    import html

    return [html.unescape(str((b.get("data") or {}).get("text") or "")).replace("<br>", "\n") for b in blocks
            if (b.get("data") or {}).get("text")]


def _live_product(node: Mapping[str, Any]) -> LiveProduct:
    variants = []
    for edge in (node.get("productVariants") or {}).get("edges") or ():
        v = edge["node"]
        pricing = v.get("pricing") or {}
        variants.append(LiveVariant(
            id=v["id"], name=v.get("name") or "", sku=v.get("sku") or "", price=saleor_dong(pricing.get("price")),
            undiscounted=saleor_dong(pricing.get("priceUndiscounted")), on_sale=bool(pricing.get("onSale")),
            quantity_available=int(v.get("quantityAvailable") or 0),
            limit_per_customer=v.get("quantityLimitPerCustomer")))
    return LiveProduct(
        id=node["id"], slug=node["slug"], name=node["name"], description=_paragraphs(node.get("description")),
        photos=[{"url": m["url"], "alt": m.get("alt") or ""} for m in node.get("media") or () if m.get("url")],
        variants=variants, available_for_purchase=bool(node.get("isAvailableForPurchase")))


def storefront_product(*, slug: str, client: SaleorClient | None = None) -> LiveProduct | None:
    """The product page's live part (variants, prices, what is left to buy) as Saleor has
    it now, cached under the catalogue version; None when Saleor does not publish it."""
    key = cache_key("live", slug)
    cached = cache.get(key)
    if cached is not None:
        return None if cached == _MISSING else cached
    edges = (client or saleor_client()).execute(
        "StorefrontProduct", {"slug": slug, "channel": CHANNEL_SLUG})["products"]["edges"]
    product = _live_product(edges[0]["node"]) if edges else None
    cache.set(key, product if product is not None else _MISSING, LIVE_PRODUCT_SECONDS)
    return product


def lapsed_reason(listing: Listing, *, today: date) -> str:
    """Why a listing is not on sale, in Vietnamese: the reason the system recorded when it
    hid it, or what ocop_rules.listing_decision says today."""
    if listing.status == Listing.Status.HIDDEN and listing.hidden_reason:
        return listing.hidden_reason
    decision = ocop_rules.listing_decision(listing.certificate, listing.vendor.state, today)
    if not decision.allowed:
        return decision.reason_vi
    return "Sản phẩm hiện đang tạm ngừng bán trên sàn."
