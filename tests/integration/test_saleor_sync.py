"""The listing sync and its outbox consumer, against a scripted FakeSaleorTransport."""
from __future__ import annotations

import json
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from storefront_adapter import connection
from storefront_adapter.admission import held_quantities, hold_complete, hold_release, hold_take
from storefront_adapter.client import SaleorClient
from storefront_adapter.crypto import encrypt_text
from storefront_adapter.fakes import FakeSaleorTransport
from storefront_adapter.models import ListingSync, SaleorInstallation, SaleorObject
from storefront_adapter.sync import Outcome, listing_sync_pending, outbox_drain, sync_listing
from tests.integration.factories import make_vendor
from vendors.listings.models import Listing, OutboxEvent, Variant
from vendors.listings.services import VariantInput, listing_create, listing_hide, listing_update

API = "https://saleor.test/graphql/"
ATTRIBUTES = ["ocop-star-level", "ocop-certificate-number", "ocop-valid-until", "ocop-issuing-level",
              "ocop-product-group", "ocop-producer"]


@pytest.fixture
def vendor(db):
    return make_vendor("HTX Cà phê Nhân Đạo")


@pytest.fixture
def provisioned(vendor):
    rows = [("channel", "ocop-vn", "CH"), ("product-type", "san-pham-ocop", "PT-GOODS"),
            ("product-type", "dich-vu-du-lich-ocop", "PT-TOUR"), ("category", "food", "CAT-FOOD"),
            ("warehouse", f"vendor:{vendor.pk}", "WH")]
    rows += [("attribute", slug, f"A-{slug}") for slug in ATTRIBUTES]
    for kind, key, saleor_id in rows:
        SaleorObject.objects.create(kind=kind, key=key, saleor_id=saleor_id)


@pytest.fixture
def transport(settings):
    settings.SALEOR_API_URL = API
    SaleorInstallation.objects.create(api_url=API, encrypted_token=encrypt_text("app-token"))
    fake = FakeSaleorTransport()
    connection.transport_override = fake
    yield fake
    connection.transport_override = None


@pytest.fixture
def client(transport):
    return SaleorClient(API, "app-token", transport=transport, retries=1)


def make_listing(vendor, **kwargs) -> Listing:
    return listing_create(
        vendor=vendor, certificate=vendor.producer.certificates.get(), title="Cà phê rang xay Nhân Đạo",
        description="Rang mộc.\n\nHạt Robusta <100%>.", today=timezone.localdate(), variants=[
            VariantInput(name="Hộp 250 g", sku="CF-250", price_vnd=120_000, stock=10, weight_grams=250),
            VariantInput(name="Hộp 500 g", sku="CF-500", price_vnd=200_000, stock=5, weight_grams=500)],
        **kwargs)


def ops(transport) -> list[str]:
    return [r.operation_name for r in transport.requests]


def mutation_ok(field: str, **payload) -> dict:
    return {field: {**payload, "errors": []}}


def saleor_product(listing: Listing, *, published=True, name=None, prices=None, stocks=None, stars="4 sao") -> dict:
    variants = list(listing.variants.all())
    prices = prices or [v.price_vnd for v in variants]
    stocks = stocks or [v.stock for v in variants]
    return {"product": {
        "id": "P1", "externalReference": f"listing-{listing.id}", "slug": "ca-phe", "name": name or listing.title,
        "productType": {"slug": "san-pham-ocop"}, "category": {"slug": "food"},
        "channelListings": [{"channel": {"slug": "ocop-vn"}, "isPublished": published,
                             "visibleInListings": published, "isAvailableForPurchase": published}],
        "assignedAttributes": [{"attribute": {"slug": "ocop-star-level"}, "choice": {"name": stars}}],
        "productVariants": {"edges": [{"node": {
            "id": f"V{i}", "sku": v.sku, "name": v.name, "externalReference": f"variant-{v.id}",
            "weight": {"unit": "KG", "value": v.weight_grams / 1000},
            "quantityLimitPerCustomer": v.limit_per_customer,
            "channelListings": [{"channel": {"slug": "ocop-vn"}, "price": {"amount": float(price)}}],
            "stocks": [{"warehouse": {"id": "WH"}, "quantity": stock}],
        }} for i, (v, price, stock) in enumerate(zip(variants, prices, stocks, strict=True), start=1)]},
    }}


def script_first_sync(transport, listing: Listing) -> None:
    transport.add_data({"product": None})
    transport.add_data(mutation_ok("productCreate", product={"id": "P1", "externalReference": f"listing-{listing.id}",
                                                             "slug": "ca-phe"}))
    transport.add_data(mutation_ok("productChannelListingUpdate", product={"id": "P1", "channelListings": []}))
    transport.add_data(mutation_ok("productVariantBulkCreate", count=2, results=[
        {"productVariant": {"id": f"V{i}", "sku": v.sku, "externalReference": f"variant-{v.id}"}, "errors": []}
        for i, v in enumerate(listing.variants.all(), start=1)]))


def test_first_sync_creates_product_channel_listing_and_variants_with_exact_variables(vendor, provisioned, client,
                                                                                      transport):
    # given an active listing never synced
    listing = make_listing(vendor)
    certificate = listing.certificate
    [v250, v500] = listing.variants.all()
    script_first_sync(transport, listing)
    # when it is synced
    result = sync_listing(client, listing.id)
    # then Saleor is read, then product, channel listing and variants are created, in that order
    assert ops(transport) == ["SyncedProduct", "ProductCreate", "ProductChannelListingUpdate",
                              "ProductVariantBulkCreate"]
    lookup, create, channel, variants = (r.variables for r in transport.requests)
    assert lookup == {"externalReference": f"listing-{listing.id}", "channel": "ocop-vn"}
    assert create.pop("slug") == f"ca-phe-rang-xay-nhan-dao-listing-{listing.id}"
    assert create == {
        "externalReference": f"listing-{listing.id}", "productType": "PT-GOODS", "category": "CAT-FOOD",
        "name": "Cà phê rang xay Nhân Đạo",
        "description": json.dumps({"blocks": [
            {"type": "paragraph", "data": {"text": "Rang mộc."}},
            {"type": "paragraph", "data": {"text": "Hạt Robusta &lt;100%&gt;."}}], "version": "2.24.3"},
            ensure_ascii=False),
        "attributes": [
            {"id": "A-ocop-star-level", "dropdown": {"value": "4 sao"}},
            {"id": "A-ocop-certificate-number", "plainText": certificate.number},
            {"id": "A-ocop-valid-until", "date": certificate.expires_on.isoformat()},
            {"id": "A-ocop-issuing-level", "dropdown": {"value": certificate.get_issuing_level_display()}},
            {"id": "A-ocop-product-group", "dropdown": {"value": "Thực phẩm"}},
            {"id": "A-ocop-producer", "plainText": "HTX Cà phê Nhân Đạo"},
        ],
        "metadata": [{"key": "ocop.listing_id", "value": str(listing.id)},
                     {"key": "ocop.vendor_id", "value": str(vendor.id)},
                     {"key": "ocop.certificate_number", "value": certificate.number}],
    }
    assert channel == {"id": "P1", "channelId": "CH", "isPublished": True, "visibleInListings": True,
                       "isAvailableForPurchase": True}
    assert variants == {"product": "P1", "variants": [
        {"externalReference": f"variant-{v.id}", "sku": v.sku, "name": v.name, "attributes": [],
         "trackInventory": True, "weight": {"value": grams, "unit": "g"}, "quantityLimitPerCustomer": None,
         "channelListings": [{"channelId": "CH", "price": price}],
         "stocks": [{"warehouse": "WH", "quantity": stock}]}
        for v, grams, price, stock in [(v250, 250, "120000", 10), (v500, 500, "200000", 5)]]}
    assert (result.saleor_product_id, result.created) == ("P1", True)
    assert result.saleor_variant_ids == {str(v250.id): "V1", str(v500.id): "V2"}


def test_second_sync_updates_only_what_changed_and_creates_nothing(vendor, provisioned, client, transport):
    # given a listing Saleor has, whose 500 g price then changed here
    listing = make_listing(vendor)
    transport.add_data(saleor_product(listing, prices=[120_000, 180_000]))
    transport.add_data(mutation_ok("productUpdate", product={"id": "P1"}))
    transport.add_data(mutation_ok("productVariantChannelListingUpdate", variant={"id": "V2"}))
    # when it is synced again
    result = sync_listing(client, listing.id)
    # then the product is updated and only the changed price is sent; nothing is created
    assert ops(transport) == ["SyncedProduct", "ProductUpdate", "ProductVariantChannelListingUpdate"]
    update, price = transport.requests[1].variables, transport.requests[2].variables
    assert update["externalReference"] == f"listing-{listing.id}"
    assert set(update["input"]) == {"name", "description", "category", "attributes", "metadata"}
    assert price == {"id": "V2", "channelId": "CH", "price": "200000"}
    assert result.created is False


def test_a_per_customer_limit_set_by_the_vendor_reaches_saleor(vendor, provisioned, client, transport):
    # given a listing Saleor has without limits, whose 500 g variant now allows 2 per buyer
    listing = make_listing(vendor)
    transport.add_data(saleor_product(listing))
    v500 = listing.variants.get(name="Hộp 500 g")
    v500.limit_per_customer = 2
    v500.save()
    transport.add_data(mutation_ok("productUpdate", product={"id": "P1"}))
    transport.add_data(mutation_ok("productVariantUpdate", productVariant={"id": "V2"}))
    # when synced
    sync_listing(client, listing.id)
    # then only that variant is updated, with Saleor's quantityLimitPerCustomer
    assert ops(transport) == ["SyncedProduct", "ProductUpdate", "ProductVariantUpdate"]
    assert transport.requests[2].variables == {"externalReference": f"variant-{v500.id}", "input": {
        "sku": v500.sku, "name": "Hộp 500 g", "quantityLimitPerCustomer": 2, "weight": {"value": 500, "unit": "g"}}}


def test_a_repeated_create_refused_as_unique_updates_the_existing_product(vendor, provisioned, client, transport):
    # given Saleor has the product although our first look-up missed it (a lost answer)
    listing = make_listing(vendor)
    transport.add_data({"product": None})
    transport.add_data({"productCreate": {"product": None, "errors": [
        {"field": "externalReference", "code": "UNIQUE", "message": "exists", "attributes": None}]}})
    transport.add_data(saleor_product(listing))
    transport.add_data(mutation_ok("productUpdate", product={"id": "P1"}))
    # when synced
    result = sync_listing(client, listing.id)
    # then it is looked up again and updated; no second product
    assert ops(transport) == ["SyncedProduct", "ProductCreate", "SyncedProduct", "ProductUpdate"]
    assert result.saleor_product_id == "P1"


def test_a_hidden_listing_is_unpublished_and_deleted_variants_are_deleted(vendor, provisioned, client, transport):
    # given a published listing that the vendor hides after dropping its 500 g variant
    listing = make_listing(vendor)
    in_saleor = saleor_product(listing)
    [v250, v500] = listing.variants.all()
    listing_update(listing=listing, title=listing.title, description=listing.description, variants=[
        VariantInput(id=v250.id, name=v250.name, sku=v250.sku, price_vnd=120_000, stock=10, weight_grams=250)])
    listing_hide(listing=listing)
    transport.add_data(in_saleor)
    transport.add_data(mutation_ok("productUpdate", product={"id": "P1"}))
    transport.add_data(mutation_ok("productChannelListingUpdate", product={"id": "P1"}))
    transport.add_data(mutation_ok("productVariantDelete", productVariant={"id": "V2"}))
    # when synced
    sync_listing(client, listing.id)
    # then it is unpublished, unavailable and unlisted, and the dropped variant is gone
    assert ops(transport) == ["SyncedProduct", "ProductUpdate", "ProductChannelListingUpdate", "ProductVariantDelete"]
    assert transport.requests[2].variables == {"id": "P1", "channelId": "CH", "isPublished": False,
                                               "visibleInListings": False, "isAvailableForPurchase": False}
    assert transport.requests[3].variables == {"externalReference": f"variant-{v500.id}"}


def test_saleor_down_leaves_events_pending_and_a_later_drain_applies_them_once(vendor, provisioned, client, transport):
    # given an active listing with its outbox event, and Saleor down
    listing = make_listing(vendor)
    [event] = OutboxEvent.objects.filter(listing=listing)
    transport.add_exception(requests.ConnectionError("refused"))
    # when the outbox is drained
    assert outbox_drain(client=client) == {"unavailable": 1}
    # then the event is still pending and the failure is recorded
    event.refresh_from_db()
    assert event.processed_at is None
    sync = ListingSync.objects.get(listing=listing)
    assert (sync.attempts, sync.last_event_id) == (1, None)
    assert "unavailable" in sync.last_error
    # when Saleor is back and the outbox is drained twice
    script_first_sync(transport, listing)
    assert outbox_drain(client=client) == {"synced": 1}
    assert outbox_drain(client=client) == {}
    # then the listing was synced once and its event marked processed
    assert ops(transport).count("ProductCreate") == 1
    event.refresh_from_db()
    assert event.processed_at is not None
    sync.refresh_from_db()
    assert (sync.attempts, sync.last_error, sync.last_event_id, sync.saleor_product_id) == (0, "", event.id, "P1")


def test_two_events_for_one_listing_are_one_sync_and_both_marked_processed(vendor, provisioned, client, transport):
    # given a listing created then edited: two pending events
    listing = make_listing(vendor)
    [v250, v500] = listing.variants.all()
    listing_update(listing=listing, title="Cà phê Nhân Đạo", description="", variants=[
        VariantInput(id=v.id, name=v.name, sku=v.sku, price_vnd=v.price_vnd, stock=v.stock,
                     weight_grams=v.weight_grams) for v in (v250, v500)])
    events = list(OutboxEvent.objects.filter(listing=listing).order_by("id"))
    assert len(events) == 2
    script_first_sync(transport, listing)
    # when drained
    assert outbox_drain(client=client) == {"synced": 1}
    # then Saleor got the current title once, and both events are processed
    assert ops(transport).count("SyncedProduct") == 1
    assert transport.requests[1].variables["name"] == "Cà phê Nhân Đạo"
    assert OutboxEvent.objects.filter(listing=listing, processed_at__isnull=True).count() == 0
    assert ListingSync.objects.get(listing=listing).last_event_id == events[-1].id


def test_a_refused_sync_keeps_events_pending_without_raising(vendor, client, transport):
    # given nothing provisioned in Saleor
    listing = make_listing(vendor)
    # when synced
    outcome = listing_sync_pending(listing_id=listing.id, client=client)
    # then nothing is sent, the events wait, and the reason is recorded for a person
    assert (outcome, transport.requests) == (Outcome.FAILED, [])
    assert OutboxEvent.objects.filter(listing=listing, processed_at__isnull=True).count() == 1
    assert "saleor_provision" in ListingSync.objects.get(listing=listing).last_error


def test_writing_an_outbox_event_enqueues_the_sync_on_commit(vendor, provisioned, transport,
                                                             django_capture_on_commit_callbacks):
    # given the receiver connected
    import storefront_adapter.sync_receivers  # noqa: F401
    # when a listing is created (writes an event) and the transaction commits
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        listing = make_listing(vendor)
    # then exactly one sync is waiting for the commit, and running it syncs the listing
    assert len(callbacks) == 1
    script_first_sync(transport, listing)
    callbacks[0]()
    assert ops(transport)[:2] == ["SyncedProduct", "ProductCreate"]
    assert OutboxEvent.objects.filter(listing=listing, processed_at__isnull=True).count() == 0


def test_reconcile_prints_the_drift_in_vietnamese_and_fix_resyncs(vendor, provisioned, transport):
    # given a listing Saleor shows with another name, price, stock and star level
    listing = make_listing(vendor)
    drifted = saleor_product(listing, name="Cà phê cũ", prices=[100_000, 200_000], stocks=[3, 5], stars="3 sao")
    transport.add_data(drifted)
    out = StringIO()
    # when reconciled
    call_command("saleor_reconcile", stdout=out)
    # then each difference is printed
    assert out.getvalue().splitlines() == [
        f"Sản phẩm #{listing.id} «Cà phê rang xay Nhân Đạo»: lệch 4 điểm",
        "  - Tên khác: Saleor «Cà phê cũ», sàn «Cà phê rang xay Nhân Đạo».",
        "  - Hạng sao khác: Saleor «3 sao», sàn «4 sao».",
        "  - Giá CF-250 khác: Saleor 100.000 đ, sàn 120.000 đ.",
        "  - Tồn kho CF-250 khác: Saleor 3, sàn 10.",
        "Đã kiểm tra 1 sản phẩm; 1 sản phẩm lệch.",
    ]
    # when reconciled with --fix
    transport.add_data(drifted).add_data(drifted)
    transport.add_data(mutation_ok("productUpdate", product={"id": "P1"}))
    transport.add_data(mutation_ok("productVariantChannelListingUpdate", variant={"id": "V1"}))
    transport.add_data(mutation_ok("productVariantStocksUpdate", productVariant={"id": "V1"}))
    out = StringIO()
    call_command("saleor_reconcile", "--fix", stdout=out)
    # then the drifted listing is synced again and its event processed
    assert ops(transport)[-5:] == ["SyncedProduct", "SyncedProduct", "ProductUpdate",
                                   "ProductVariantChannelListingUpdate", "ProductVariantStocksUpdate"]
    assert transport.requests[-1].variables == {"variantId": "V1", "stocks": [{"warehouse": "WH", "quantity": 10}]}
    assert out.getvalue().splitlines()[-2:] == ["  → đã đồng bộ lại.",
                                                "Đã kiểm tra 1 sản phẩm; 1 sản phẩm lệch; đã đồng bộ lại 1."]
    assert ListingSync.objects.get(listing=listing).last_event_id is not None


def test_stock_is_compared_as_what_is_left_and_pushed_with_what_is_allocated(vendor, provisioned, client, transport):
    # given our 250 g has 7 left and Saleor 10 with 3 allocated to unshipped orders (7 left: agrees),
    # and our 500 g has 5 left while Saleor has 9 with 2 allocated (7 left: differs)
    listing = make_listing(vendor)
    [v250, v500] = listing.variants.all()
    Variant.objects.filter(pk=v250.pk).update(stock=7)
    answer = saleor_product(listing)
    first, second = (e["node"] for e in answer["product"]["productVariants"]["edges"])
    first["stocks"] = [{"warehouse": {"id": "WH"}, "quantity": 10, "quantityAllocated": 3}]
    second["stocks"] = [{"warehouse": {"id": "WH"}, "quantity": 9, "quantityAllocated": 2}]
    transport.add_data(answer)
    transport.add_data(mutation_ok("productUpdate", product={"id": "P1"}))
    transport.add_data(mutation_ok("productVariantStocksUpdate", productVariant={"id": "V2", "stocks": []}))
    # when it is synced
    sync_listing(client, listing.id)
    # then only the 500 g is pushed: what is left (5) plus what Saleor has allocated (2)
    assert ops(transport) == ["SyncedProduct", "ProductUpdate", "ProductVariantStocksUpdate"]
    assert transport.requests[-1].variables == {"variantId": "V2", "stocks": [{"warehouse": "WH", "quantity": 7}]}


def test_units_held_for_a_checkout_not_yet_completed_count_as_still_in_saleor(vendor, provisioned, client, transport):
    # given Saleor has 10 of the 250 g, none allocated, and a checkout of ours holds 3 (our count: 7 left)
    # while a completed and a released hold no longer count
    listing = make_listing(vendor)
    [v250, v500] = listing.variants.all()
    hold_take(checkout_id="CHK-HELD", quantities={v250.id: 3})
    hold_take(checkout_id="CHK-DONE", quantities={v500.id: 1})
    hold_complete(checkout_id="CHK-DONE", order_id="O1")
    hold_take(checkout_id="CHK-GONE", quantities={v250.id: 2})
    hold_release(checkout_id="CHK-GONE")
    answer = saleor_product(listing, stocks=[10, 5])
    first, second = (e["node"] for e in answer["product"]["productVariants"]["edges"])
    first["stocks"] = [{"warehouse": {"id": "WH"}, "quantity": 10, "quantityAllocated": 0}]
    second["stocks"] = [{"warehouse": {"id": "WH"}, "quantity": 5, "quantityAllocated": 1}]
    transport.add_data(answer)
    transport.add_data(mutation_ok("productUpdate", product={"id": "P1"}))
    # when it is synced
    sync_listing(client, listing.id)
    # then Saleor's 10 agrees with 7 left plus 3 held, and the 500 g (4 left, 1 allocated) too: no stock is pushed
    assert ops(transport) == ["SyncedProduct", "ProductUpdate"]


def test_a_stock_push_adds_the_units_held_for_checkouts(vendor, provisioned, client, transport):
    # given our 250 g has 7 left with 3 held, and Saleor shows 9 with 2 allocated (7 available there: 3 short)
    listing = make_listing(vendor)
    [v250, _] = listing.variants.all()
    hold_take(checkout_id="CHK-HELD", quantities={v250.id: 3})
    answer = saleor_product(listing)
    first = answer["product"]["productVariants"]["edges"][0]["node"]
    first["stocks"] = [{"warehouse": {"id": "WH"}, "quantity": 9, "quantityAllocated": 2}]
    transport.add_data(answer)
    transport.add_data(mutation_ok("productUpdate", product={"id": "P1"}))
    transport.add_data(mutation_ok("productVariantStocksUpdate", productVariant={"id": "V1", "stocks": []}))
    # when it is synced
    sync_listing(client, listing.id)
    # then Saleor gets what is left (7) plus what is held (3) plus what it has allocated (2)
    assert ops(transport) == ["SyncedProduct", "ProductUpdate", "ProductVariantStocksUpdate"]
    assert transport.requests[-1].variables == {"variantId": "V1", "stocks": [{"warehouse": "WH", "quantity": 12}]}


def test_held_quantities_sums_only_held_lines_in_one_query(vendor, django_assert_num_queries):
    listing = make_listing(vendor)
    [v250, v500] = listing.variants.all()
    hold_take(checkout_id="CHK-1", quantities={v250.id: 3, v500.id: 1})
    hold_take(checkout_id="CHK-2", quantities={v250.id: 2})
    hold_take(checkout_id="CHK-3", quantities={v500.id: 4})
    hold_release(checkout_id="CHK-3")
    with django_assert_num_queries(1):
        held = held_quantities([v250.id, v500.id])
    assert held == {v250.id: 5, v500.id: 1}
    assert held_quantities([v500.id + 1000]) == {}


def test_reconcile_sees_no_drift_in_units_held_for_a_checkout(vendor, provisioned, transport):
    # given Saleor shows 10 of the 250 g and our count is 7 with 3 held for a checkout being completed
    listing = make_listing(vendor)
    hold_take(checkout_id="CHK-HELD", quantities={listing.variants.first().id: 3})
    transport.add_data(saleor_product(listing, stocks=[10, 5]))
    out = StringIO()
    # when reconciled
    call_command("saleor_reconcile", stdout=out)
    # then nothing is reported
    assert out.getvalue().splitlines() == ["Đã kiểm tra 1 sản phẩm; 0 sản phẩm lệch."]
