"""Push one listing's current state to Saleor (ARCHITECTURE.md, flow 3).

``sync_listing`` reads the listing as it is now and makes Saleor agree: the product keyed
by ``listing-<id>``, its variants keyed by ``variant-<id>``, prices in the channel, stock
in the vendor's warehouse, the OCOP attributes written from our registry, and the channel
listing published only while the listing is ACTIVE (the certification gate decided that
already). It reads Saleor first and sends only what differs, so running it again changes
nothing and creates nothing. Photos are not pushed yet.

It calls Saleor and never opens a transaction (STYLE.md rule 6). ``listing_sync_pending``
below is the outbox consumer: it runs the sync for a listing with pending events, one
worker per listing, and marks those events processed only once Saleor has them.
"""
from __future__ import annotations

import html
import json
import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.text import slugify

import ocop_rules
from vendors.listings.models import Listing, OutboxEvent, Variant

from . import admission, provisioning
from .catalogue import catalogue_refresh_enqueue
from .client import SaleorClient
from .connection import SaleorNotInstalled, saleor_client
from .errors import (
    SaleorError,
    SaleorMutationError,
    SaleorUnavailable,
    raise_for_mutation_errors,
)
from .models import ListingSync, SaleorObject
from .provisioning import CHANNEL_SLUG, Kind

logger = logging.getLogger(__name__)

STAR_LEVEL = "ocop-star-level"
CERTIFICATE_NUMBER = "ocop-certificate-number"
VALID_UNTIL = "ocop-valid-until"
ISSUING_LEVEL = "ocop-issuing-level"
PRODUCT_GROUP = "ocop-product-group"
PRODUCER = "ocop-producer"
# The value shape each attribute takes, by the input type provisioning gave it.
ATTRIBUTE_INPUT_TYPES = {spec.slug: spec.input_type for spec in provisioning.ATTRIBUTES}
_VALUE_SHAPE = {"NUMERIC": "numeric", "PLAIN_TEXT": "plainText", "DATE": "date"}


def _namespace() -> str:
    # Empty in production (one database, one Saleor). Live tests and the benchmark set
    # SALEOR_REFERENCE_PREFIX so their rows never meet another database's `listing-1`.
    return getattr(settings, "SALEOR_REFERENCE_PREFIX", "")


def listing_reference(listing_id: int) -> str:
    """The product's externalReference in Saleor."""
    return f"{_namespace()}listing-{listing_id}"


def variant_reference(variant_id: int) -> str:
    return f"{_namespace()}variant-{variant_id}"


def star_level_value(star_level: int) -> str:
    """The ocop-star-level dropdown value (provisioning made "3 sao" .. "5 sao")."""
    return f"{star_level} sao"


class CatalogueNotProvisioned(SaleorError):
    """A channel, product type, attribute, category or warehouse the sync needs has not
    been made in Saleor yet; provisioning must run first. Not transient: no retry helps."""


@dataclass
class SyncResult:
    listing_id: int
    saleor_product_id: str | None = None
    # {our variant id (as a string, like ListingSync.saleor_variant_ids): Saleor id}
    saleor_variant_ids: dict[str, str] = field(default_factory=dict)
    created: bool = False
    on_sale: bool = False
    operations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CatalogueIds:
    channel: str
    product_type: str
    category: str
    warehouse: str
    attributes: dict[str, str]


def load_listing(listing_id: int) -> Listing:
    return (Listing.objects.select_related("vendor", "certificate", "certificate__producer")
            .prefetch_related("variants").get(pk=listing_id))


def catalogue_ids(listing: Listing) -> CatalogueIds:
    """The Saleor ids provisioning recorded for this listing, in one query."""
    group = ocop_rules.product_group(listing.certificate.current_product_group)
    [product_type] = [slug for slug, _, shipped in provisioning.PRODUCT_TYPES if shipped == group.ships]
    wanted = [
        (Kind.CHANNEL, CHANNEL_SLUG),
        (Kind.PRODUCT_TYPE, product_type),
        (Kind.CATEGORY, group.current_code),
        (Kind.WAREHOUSE, f"vendor:{listing.vendor_id}"),  # as provisioning.warehouse_ensure records it
        *((Kind.ATTRIBUTE, slug) for slug in ATTRIBUTE_INPUT_TYPES),
    ]
    found = {(o.kind, o.key): o.saleor_id for o in SaleorObject.objects.filter(
        kind__in={kind for kind, _ in wanted}, key__in={key for _, key in wanted})}
    missing = [f"{kind}:{key}" for kind, key in wanted if (kind, key) not in found]
    if missing:
        raise CatalogueNotProvisioned("Chưa khởi tạo trên Saleor (chạy saleor_provision): " + ", ".join(missing))
    return CatalogueIds(
        channel=found[wanted[0]], product_type=found[wanted[1]], category=found[wanted[2]],
        warehouse=found[wanted[3]],
        attributes={slug: found[(Kind.ATTRIBUTE, slug)] for slug in ATTRIBUTE_INPUT_TYPES},
    )


def description_json(text: str) -> str:
    """Saleor keeps descriptions as Editor.js JSON: one paragraph block per paragraph.
    Editor.js paragraph text is HTML, so ours is escaped."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    blocks = [{"type": "paragraph", "data": {"text": html.escape(p).replace("\n", "<br>")}} for p in paragraphs]
    return json.dumps({"blocks": blocks, "version": "2.24.3"}, ensure_ascii=False)


def ocop_facts(listing: Listing) -> dict[str, str]:
    """The OCOP facts buyers see, by attribute slug, as written from our registry."""
    certificate = listing.certificate
    return {
        STAR_LEVEL: star_level_value(certificate.star_level),
        CERTIFICATE_NUMBER: certificate.number,
        VALID_UNTIL: certificate.expires_on.isoformat(),
        ISSUING_LEVEL: ocop_rules.IssuingLevel(certificate.issuing_level).label_vi,
        PRODUCT_GROUP: ocop_rules.product_group(certificate.current_product_group).name_vi,
        PRODUCER: certificate.producer.name,
    }


def _attribute_value(slug: str, attribute_id: str, value: str) -> dict[str, Any]:
    shape = _VALUE_SHAPE.get(ATTRIBUTE_INPUT_TYPES[slug])
    return {"id": attribute_id, shape: value} if shape else {"id": attribute_id, "dropdown": {"value": value}}


def product_input(listing: Listing, ids: CatalogueIds) -> dict[str, Any]:
    """Every product field the sync owns (ProductUpdate sends the whole input)."""
    return {
        "name": listing.title,
        "description": description_json(listing.description),
        "category": ids.category,
        "attributes": [_attribute_value(slug, ids.attributes[slug], value)
                       for slug, value in ocop_facts(listing).items()],
        "metadata": [
            {"key": "ocop.listing_id", "value": str(listing.id)},
            {"key": "ocop.vendor_id", "value": str(listing.vendor_id)},
            {"key": "ocop.certificate_number", "value": listing.certificate.number},
        ],
    }


def weight_input(variant: Variant) -> dict[str, Any] | None:
    # Grams with their unit, whatever the shop's default weight unit is.
    return {"value": variant.weight_grams, "unit": "g"} if variant.weight_grams else None


def saleor_weight_grams(weight: dict[str, Any] | None) -> int | None:
    if not weight:
        return None
    factor = {"G": 1, "KG": 1000, "TONNE": 1_000_000, "LB": 453.59237, "OZ": 28.349523125}[weight["unit"]]
    return round(weight["value"] * factor) or None


def fetch_product(client: SaleorClient, listing_id: int) -> dict[str, Any] | None:
    return client.execute("SyncedProduct", {
        "externalReference": listing_reference(listing_id), "channel": CHANNEL_SLUG})["product"]


def sync_listing(client: SaleorClient, listing_id: int) -> SyncResult:
    """Make Saleor show listing ``listing_id`` as it is now; see the module docstring.

    Raises ``Listing.DoesNotExist``, ``CatalogueNotProvisioned``, or the client's
    ``SaleorError`` (``SaleorUnavailable`` is the transient one).
    """
    listing = load_listing(listing_id)
    # Read right after the stock, so the two agree as nearly as two reads can.
    held = admission.held_quantities(v.id for v in listing.variants.all())
    ids = catalogue_ids(listing)
    on_sale = listing.status == Listing.Status.ACTIVE
    result = SyncResult(listing_id=listing.id, on_sale=on_sale)

    def call(operation: str, variables: dict[str, Any], mutation_field: str | None = None) -> dict[str, Any]:
        result.operations.append(operation)
        data = client.execute(operation, variables)
        return raise_for_mutation_errors(data, mutation_field) if mutation_field else data

    result.operations.append("SyncedProduct")
    current = fetch_product(client, listing.id)
    if current is None and not on_sale:
        return result  # never shown, not on sale: nothing to take down
    reference = listing_reference(listing.id)
    if current is None:
        current = _create_product(listing, ids, reference, call, client, result)
    else:
        call("ProductUpdate", {"externalReference": reference, "input": product_input(listing, ids)}, "productUpdate")
    result.saleor_product_id = current["id"]

    _sync_channel_listing(current, ids, on_sale, call)
    _sync_variants(listing, held, current, ids, call, result)
    return result


def _create_product(listing, ids, reference, call, client, result) -> dict[str, Any]:
    slug = f"{slugify(ocop_rules.fold(listing.title))[:80].strip('-')}-{reference}".lstrip("-")
    try:
        created = call("ProductCreate", {
            "externalReference": reference, "productType": ids.product_type, "slug": slug,
            **product_input(listing, ids)}, "productCreate")
    except SaleorMutationError as exc:
        # A create whose answer was lost and got sent again, or a race: it exists, so update it.
        if "UNIQUE" not in exc.codes:
            raise
        result.operations.append("SyncedProduct")
        existing = fetch_product(client, listing.id)
        if existing is None:
            raise
        call("ProductUpdate", {"externalReference": reference, "input": product_input(listing, ids)}, "productUpdate")
        return existing
    result.created = True
    return {**created["product"], "channelListings": [], "productVariants": {"edges": []}}


def _sync_channel_listing(current, ids, on_sale, call) -> None:
    listed = [c for c in current["channelListings"] or () if c["channel"]["slug"] == CHANNEL_SLUG]
    now = (listed[0]["isPublished"], listed[0]["visibleInListings"], listed[0]["isAvailableForPurchase"]) \
        if listed else None
    # A product taken off sale keeps its channel listing (unpublished): variants are
    # priced in the channel, which Saleor allows only for a product in it.
    if now == (on_sale,) * 3:
        return
    call("ProductChannelListingUpdate", {
        "id": current["id"], "channelId": ids.channel, "isPublished": on_sale,
        "visibleInListings": on_sale, "isAvailableForPurchase": on_sale}, "productChannelListingUpdate")


def _sync_variants(listing, held, current, ids, call, result) -> None:
    ours = {variant_reference(v.id): v for v in listing.variants.all()}
    theirs = {e["node"]["externalReference"]: e["node"] for e in current["productVariants"]["edges"]}
    for reference, node in theirs.items():
        if reference not in ours and reference:
            call("ProductVariantDelete", {"externalReference": reference}, "productVariantDelete")
    new = [v for reference, v in ours.items() if reference not in theirs]
    for reference, variant in ours.items():
        node = theirs.get(reference)
        if node is None:
            continue
        result.saleor_variant_ids[str(variant.id)] = node["id"]
        fields = {"sku": variant.sku, "name": variant.name, "quantityLimitPerCustomer": variant.limit_per_customer}
        if (node["sku"], node["name"], node["quantityLimitPerCustomer"]) != tuple(fields.values()) \
                or saleor_weight_grams(node["weight"]) != variant.weight_grams:
            call("ProductVariantUpdate", {"externalReference": reference, "input": {
                **fields, "weight": weight_input(variant)}}, "productVariantUpdate")
        prices = [c["price"]["amount"] for c in node["channelListings"] if c["channel"]["slug"] == CHANNEL_SLUG]
        if prices != [variant.price_vnd]:
            call("ProductVariantChannelListingUpdate", {
                "id": node["id"], "channelId": ids.channel, "price": str(variant.price_vnd)},
                "productVariantChannelListingUpdate")
        # Our stock is what is left to sell; Saleor's quantity also counts what is allocated
        # to orders not yet shipped (the contract's "Stock semantics"), and what our
        # admission holds for checkouts not yet completed, which Saleor has not allocated.
        stocks = [(s["quantity"], s.get("quantityAllocated") or 0) for s in node["stocks"]
                  if s["warehouse"]["id"] == ids.warehouse]
        allocated = stocks[0][1] if stocks else 0
        available = variant.stock + held.get(variant.id, 0)
        if [quantity - allocated for quantity, allocated in stocks] != [available]:
            call("ProductVariantStocksUpdate", {
                "variantId": node["id"],
                "stocks": [{"warehouse": ids.warehouse, "quantity": available + allocated}]},
                "productVariantStocksUpdate")
    if new:
        created = call("ProductVariantBulkCreate", {"product": result.saleor_product_id, "variants": [{
            "externalReference": variant_reference(v.id), "sku": v.sku, "name": v.name,
            "attributes": [], "trackInventory": True, "weight": weight_input(v),
            "quantityLimitPerCustomer": v.limit_per_customer,
            "channelListings": [{"channelId": ids.channel, "price": str(v.price_vnd)}],
            "stocks": [{"warehouse": ids.warehouse, "quantity": v.stock + held.get(v.id, 0)}],
        } for v in new]}, "productVariantBulkCreate")
        for variant, row in zip(new, created["results"], strict=True):
            result.saleor_variant_ids[str(variant.id)] = row["productVariant"]["id"]


# --- the outbox consumer ---------------------------------------------------------------

class Outcome(StrEnum):
    SYNCED = "synced"
    BUSY = "busy"  # another worker is syncing this listing right now
    GONE = "gone"  # the listing was deleted (its events went with it)
    FAILED = "failed"  # Saleor refused, or the catalogue is not provisioned: needs a person
    NOT_INSTALLED = "not_installed"


# pg_try_advisory_lock(space, key): the first number names our lock space.
_LISTING_LOCK_SPACE = 0x0C0B


@contextmanager
def _listing_lock(listing_id: int) -> Iterator[bool]:
    """A session-level advisory lock, not a row lock: it must stay held while we call
    Saleor, which happens outside any transaction. Postgres drops it if the worker dies."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LISTING_LOCK_SPACE, listing_id])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LISTING_LOCK_SPACE, listing_id])


def listing_sync_pending(*, listing_id: int, client: SaleorClient | None = None) -> Outcome:
    """Sync a listing's current state once and mark its pending outbox events processed
    (ARCHITECTURE.md flow 3: Saleor being down delays, never loses, a change).

    One worker per listing at a time (advisory lock), so changes are never applied out of
    order. Events are marked only after Saleor accepted everything, and only those up to
    the newest one seen before the listing was read: an event written meanwhile stays
    pending for the next run. ``SaleorUnavailable`` is recorded and re-raised (the task
    retries); other Saleor refusals are recorded and leave the events pending.
    """
    with _listing_lock(listing_id) as acquired:
        if not acquired:
            return Outcome.BUSY
        high_water = OutboxEvent.objects.filter(
            listing_id=listing_id, processed_at__isnull=True).aggregate(Max("id"))["id__max"]
        try:
            result = sync_listing(client or saleor_client(), listing_id)
        except Listing.DoesNotExist:
            return Outcome.GONE
        except SaleorNotInstalled:
            logger.warning("Saleor is not installed; listing %s waits in the outbox", listing_id)
            return Outcome.NOT_INSTALLED
        except SaleorUnavailable as exc:
            _record_failure(listing_id, exc)
            raise
        except SaleorError as exc:
            logger.error("Saleor sync of listing %s failed: %s", listing_id, exc)
            _record_failure(listing_id, exc)
            return Outcome.FAILED
        _record_success(result, high_water)
        return Outcome.SYNCED


def _record_failure(listing_id: int, exc: SaleorError) -> None:
    """``attempts`` counts failures since the last success."""
    with transaction.atomic():
        ListingSync.objects.get_or_create(listing_id=listing_id)
        ListingSync.objects.filter(listing_id=listing_id).update(attempts=F("attempts") + 1, last_error=str(exc)[:2000])


def _record_success(result: SyncResult, high_water: int | None) -> None:
    now = timezone.now()
    with transaction.atomic():
        if high_water is not None:
            OutboxEvent.objects.filter(listing_id=result.listing_id, id__lte=high_water,
                                       processed_at__isnull=True).update(processed_at=now)
        sync, _ = ListingSync.objects.select_for_update().get_or_create(listing_id=result.listing_id)
        sync.saleor_product_id = result.saleor_product_id or ""
        sync.saleor_variant_ids = result.saleor_variant_ids
        if high_water is not None:
            sync.last_event_id = max(high_water, sync.last_event_id or 0)
        sync.synced_at = now
        sync.attempts = 0
        sync.last_error = ""
        sync.save()
    # The catalogue read model reads what Saleor now shows of the listing (after commit).
    catalogue_refresh_enqueue(saleor_product_ids=[result.saleor_product_id or ""], listing_ids=[result.listing_id])


def outbox_drain(*, limit: int = 200, client: SaleorClient | None = None) -> dict[str, int]:
    """Sync every listing with pending outbox events, oldest event first, each once.
    Stops at the first ``SaleorUnavailable``: the rest waits for the next drain."""
    listing_ids = list(OutboxEvent.objects.filter(processed_at__isnull=True).values("listing_id")
                       .annotate(first=Min("id")).order_by("first").values_list("listing_id", flat=True)[:limit])
    counts: Counter[str] = Counter()
    if not listing_ids:
        return {}
    try:
        client = client or saleor_client()
    except SaleorNotInstalled:
        logger.warning("Saleor is not installed; %d listings wait in the outbox", len(listing_ids))
        return {Outcome.NOT_INSTALLED.value: len(listing_ids)}
    for listing_id in listing_ids:
        try:
            counts[listing_sync_pending(listing_id=listing_id, client=client).value] += 1
        except SaleorUnavailable:
            counts["unavailable"] += 1
            break
    return dict(counts)
