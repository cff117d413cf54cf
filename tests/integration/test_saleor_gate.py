"""The certification gate on the Saleor side: PRODUCT_* webhooks undo what ocop_rules
forbids, the daily sweep does the same over the catalogue, ORDER_CREATED takes sold stock
off our variants, and officers read the audit. Saleor is a FakeSaleorTransport."""
from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from storefront_adapter import catalogue, connection
from storefront_adapter.crypto import encrypt_text
from storefront_adapter.fakes import FakeSaleorTransport
from storefront_adapter.gate import gate_sweep
from storefront_adapter.provisioning import CHANNEL_SLUG as SHOP_CHANNEL_SLUG
from storefront_adapter.models import GateAuditEntry, SaleorInstallation, WebhookDelivery
from storefront_adapter.services import webhook_delivery_process
from tests.integration.factories import make_vendor
from vendors.listings.models import Listing, OutboxEvent, Variant
from vendors.listings.services import VariantInput, listing_create
from vendors.registry.services import certificate_revoke

pytestmark = pytest.mark.django_db

SALEOR = "https://saleor.example.vn/graphql/"
CHANNEL = {"id": "Q2hhbm5lbDox", "slug": SHOP_CHANNEL_SLUG}
PRODUCT_ID = "UHJvZHVjdDo0Mg=="
TODAY = timezone.localdate
_keys = itertools.count(1)


@pytest.fixture
def saleor(settings, monkeypatch) -> FakeSaleorTransport:
    settings.SALEOR_API_URL = SALEOR
    SaleorInstallation.objects.create(api_url=SALEOR, encrypted_token=encrypt_text("app-token"))
    transport = FakeSaleorTransport()
    monkeypatch.setattr(connection, "transport_override", transport)
    # The PRODUCT_*/ORDER_CREATED handlers also refresh the catalogue read model, which reads
    # Saleor again; that is tested in test_shop_product.py, so this scripted fake sees only the gate.
    monkeypatch.setattr(catalogue, "catalogue_refresh_enqueue", lambda **ids: None)
    return transport


def on_sale_listing(*, stock: int = 10) -> Listing:
    vendor = make_vendor("HTX Cà phê Đạo Nghĩa")
    return listing_create(vendor=vendor, certificate=vendor.producer.certificates.get(), today=TODAY(), variants=[
        VariantInput(name="Hộp 250 g", sku="CF-250", price_vnd=120_000, stock=stock, weight_grams=250)])


def revoke(listing: Listing, reason: str = "Vi phạm chất lượng") -> None:
    certificate_revoke(certificate=listing.certificate, revoked_on=TODAY(), reason=reason, actor=None,
                       source="test", today=TODAY())


def channel_listings(published: bool, *, with_id: bool = False) -> list[dict]:
    channel = CHANNEL if with_id else {"slug": CHANNEL["slug"]}
    return [{"channel": channel, "isPublished": published, "visibleInListings": published,
             "isAvailableForPurchase": published}]


def product_delivery(reference: str | None, *, published: bool = True, event: str = "PRODUCT_UPDATED") -> WebhookDelivery:
    """As ProductUpdatedEvent/ProductCreatedEvent.graphql make Saleor send it."""
    payload = {"issuedAt": "2026-11-29T05:00:00.123456+00:00", "product": {
        "id": PRODUCT_ID, "externalReference": reference, "updatedAt": "2026-11-29T05:00:00.100000+00:00",
        "channelListings": channel_listings(published)}}
    return WebhookDelivery.objects.create(installation=SaleorInstallation.objects.get(), event=event,
                                          payload=payload, key=f"key-{next(_keys)}")


def gate_product_answer(reference: str | None, *, published: bool = True) -> dict:
    return {"product": {"id": PRODUCT_ID, "externalReference": reference, "updatedAt": "2026-11-29T05:00:01+00:00",
                        "channelListings": channel_listings(published, with_id=True)}}


def unpublished_answer() -> dict:
    return {"productChannelListingUpdate": {"product": {"id": PRODUCT_ID, "channelListings": [
        {"channel": {"slug": "ocop"}, "isPublished": False, "visibleInListings": False,
         "isAvailableForPurchase": False}]}, "errors": []}}


UNPUBLISH_VARIABLES = {"id": PRODUCT_ID, "channelId": CHANNEL["id"], "isPublished": False,
                       "visibleInListings": False, "isAvailableForPurchase": False}


def process(delivery: WebhookDelivery, capture) -> None:
    with capture(execute=True):
        assert webhook_delivery_process(delivery_id=delivery.id) is True


def sent(transport: FakeSaleorTransport) -> list[tuple[str, dict]]:
    return [(r.operation_name, dict(r.variables)) for r in transport.requests]


# --- PRODUCT_UPDATED / PRODUCT_CREATED ---------------------------------------------------


@pytest.mark.parametrize("event", ["PRODUCT_UPDATED", "PRODUCT_CREATED"])
def test_a_revoked_listing_published_by_hand_is_unpublished_and_audited(
        saleor, django_capture_on_commit_callbacks, event):
    # given our listing whose certificate was revoked, published again by hand in Saleor
    listing = on_sale_listing()
    revoke(listing)
    reference = f"listing-{listing.pk}"
    saleor.add_data(gate_product_answer(reference)).add_data(unpublished_answer())
    # when Saleor's webhook is processed
    process(product_delivery(reference, event=event), django_capture_on_commit_callbacks)
    # then the task asked Saleor again and unpublished it from the channel
    assert sent(saleor) == [("GateProduct", {"id": PRODUCT_ID}),
                            ("ProductChannelListingUpdate", UNPUBLISH_VARIABLES)]
    # and one audit row says why, in Vietnamese
    [entry] = GateAuditEntry.objects.all()
    assert (entry.action, entry.saleor_product_id, entry.listing_id, entry.reason) == (
        "unpublished", PRODUCT_ID, listing.pk,
        f"Giấy chứng nhận OCOP đã bị thu hồi ngày {TODAY():%d/%m/%Y}. Lý do thu hồi: Vi phạm chất lượng")
    assert entry.details == {"source": "webhook", "external_reference": reference, "channels": [SHOP_CHANNEL_SLUG]}


def test_the_unpublish_runs_after_commit_not_inside_the_handler(saleor, django_capture_on_commit_callbacks):
    # given a revoked listing published by hand
    listing = on_sale_listing()
    revoke(listing)
    delivery = product_delivery(f"listing-{listing.pk}")
    # when the delivery is processed but its transaction's on-commit callbacks are held
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        webhook_delivery_process(delivery_id=delivery.id)
    # then nothing reached Saleor yet, and exactly one task waits for the commit
    assert (saleor.requests, len(callbacks), GateAuditEntry.objects.count()) == ([], 1, 0)


def test_a_draft_listing_published_by_hand_is_unpublished(saleor, django_capture_on_commit_callbacks):
    # given a listing the vendor has not put on sale
    listing = on_sale_listing()
    Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.DRAFT)
    reference = f"listing-{listing.pk}"
    saleor.add_data(gate_product_answer(reference)).add_data(unpublished_answer())
    # when someone publishes it in Saleor
    process(product_delivery(reference), django_capture_on_commit_callbacks)
    # then it is unpublished with the reason
    assert [op for op, _ in sent(saleor)] == ["GateProduct", "ProductChannelListingUpdate"]
    assert list(GateAuditEntry.objects.values_list("action", "reason")) == [
        ("unpublished", "Sản phẩm còn là bản nháp, gian hàng chưa đăng bán.")]


@pytest.mark.parametrize("reference", [None, "", "SKU-123", "listing-999999", "listing-abc"])
def test_a_product_that_is_not_ours_is_unpublished_as_foreign(saleor, django_capture_on_commit_callbacks, reference):
    # given a product made in Saleor by hand, not by our sync
    saleor.add_data(gate_product_answer(reference)).add_data(unpublished_answer())
    # when it is published
    process(product_delivery(reference, event="PRODUCT_CREATED"), django_capture_on_commit_callbacks)
    # then it is unpublished and logged as foreign
    assert sent(saleor) == [("GateProduct", {"id": PRODUCT_ID}),
                            ("ProductChannelListingUpdate", UNPUBLISH_VARIABLES)]
    [entry] = GateAuditEntry.objects.all()
    assert (entry.action, entry.listing_id, entry.reason) == (
        "foreign_product", None,
        (f"Sản phẩm không do sàn OCOP đăng (mã tham chiếu: {reference or 'không có'}); "
         "chỉ sản phẩm OCOP của sàn được bán trong kênh."))


@pytest.mark.parametrize("namespace", ["", "h17-"])
def test_a_listing_we_published_legitimately_is_left_alone(saleor, settings, django_capture_on_commit_callbacks,
                                                           namespace):
    # given an ACTIVE listing with a valid certificate, published by our sync (which
    # namespaces references with SALEOR_REFERENCE_PREFIX when one Saleor is shared)
    settings.SALEOR_REFERENCE_PREFIX = namespace
    listing = on_sale_listing()
    # when its PRODUCT_UPDATED arrives
    process(product_delivery(f"{namespace}listing-{listing.pk}"), django_capture_on_commit_callbacks)
    # then Saleor is not called and nothing is logged
    assert (saleor.requests, GateAuditEntry.objects.count()) == ([], 0)


def test_the_echo_of_our_own_unpublish_does_nothing(saleor, django_capture_on_commit_callbacks):
    # given a revoked listing, and the PRODUCT_UPDATED our unpublish caused
    listing = on_sale_listing()
    revoke(listing)
    # when that webhook (no longer published anywhere) is processed
    process(product_delivery(f"listing-{listing.pk}", published=False), django_capture_on_commit_callbacks)
    # then no call, no audit: no loop
    assert (saleor.requests, GateAuditEntry.objects.count()) == ([], 0)


def test_a_product_already_unpublished_when_the_task_runs_is_not_touched(saleor, django_capture_on_commit_callbacks):
    # given two webhooks for one hand publication; by the second task Saleor has it unpublished
    listing = on_sale_listing()
    revoke(listing)
    reference = f"listing-{listing.pk}"
    saleor.add_data(gate_product_answer(reference, published=False))
    # when the task runs
    process(product_delivery(reference), django_capture_on_commit_callbacks)
    # then it only looked, and logged nothing
    assert (sent(saleor), GateAuditEntry.objects.count()) == ([("GateProduct", {"id": PRODUCT_ID})], 0)


# --- the daily sweep ----------------------------------------------------------------------


def test_the_sweep_pages_through_the_catalogue_and_unpublishes_what_is_refused(saleor):
    # given Saleor holding (page 1) our legitimate product and our revoked one, (page 2) a
    # foreign product that is published and one that is not
    legit = on_sale_listing()
    revoked = listing_create(vendor=legit.vendor, certificate=legit.certificate, today=TODAY(), variants=[
        VariantInput(name="Hộp 500 g", sku="CF-500", price_vnd=200_000, stock=5, weight_grams=500)])
    Listing.objects.filter(pk=revoked.pk).update(status=Listing.Status.HIDDEN, hidden_by="vendor",
                                                 hidden_reason="Gian hàng đã ẩn sản phẩm này.")

    def node(product_id, reference, published):
        return {"node": {"id": product_id, "externalReference": reference, "updatedAt": "2026-11-29T05:00:00+00:00",
                         "channelListings": channel_listings(published, with_id=True)}}

    saleor.add_data({"products": {"pageInfo": {"hasNextPage": True, "endCursor": "c1"}, "edges": [
        node("P1", f"listing-{legit.pk}", True), node("P2", f"listing-{revoked.pk}", True)]}})
    saleor.add_data(unpublished_answer())
    saleor.add_data({"products": {"pageInfo": {"hasNextPage": False, "endCursor": "c2"}, "edges": [
        node("P3", "tay-tu-tao", True), node("P4", "tay-tu-tao-2", False)]}})
    saleor.add_data(unpublished_answer())
    # when the sweep runs
    unpublished = gate_sweep(connection.saleor_client(), today=TODAY())
    # then it read both pages and unpublished the hidden listing and the foreign product
    assert unpublished == 2
    assert sent(saleor) == [
        ("GateProducts", {"first": 100, "after": None}),
        ("ProductChannelListingUpdate", {**UNPUBLISH_VARIABLES, "id": "P2"}),
        ("GateProducts", {"first": 100, "after": "c1"}),
        ("ProductChannelListingUpdate", {**UNPUBLISH_VARIABLES, "id": "P3"}),
    ]
    assert list(GateAuditEntry.objects.order_by("id").values_list("action", "saleor_product_id", "reason")) == [
        ("unpublished", "P2", "Gian hàng đã ẩn sản phẩm này."),
        ("foreign_product", "P3", ("Sản phẩm không do sàn OCOP đăng (mã tham chiếu: tay-tu-tao); "
                                   "chỉ sản phẩm OCOP của sàn được bán trong kênh.")),
    ]
    assert {e.details["source"] for e in GateAuditEntry.objects.all()} == {"sweep"}


def test_the_sweep_task_uses_the_installed_saleor(saleor):
    from storefront_adapter.gate_tasks import gate_sweep as gate_sweep_task

    saleor.add_data({"products": {"pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}})
    assert gate_sweep_task.delay().get() == 0
    assert saleor.requests[0].authorization == "Bearer app-token"


# --- ORDER_CREATED: stock flows back ------------------------------------------------------


def order_delivery(listing: Listing, quantity: int, *, order_id: str = "T3JkZXI6MQ==", number: str = "1001",
                   status: str = "UNCONFIRMED") -> WebhookDelivery:
    """As OrderCreatedEvent.graphql makes Saleor send it (the fields we read, and then some)."""
    variant = listing.variants.get()
    money = {"gross": {"amount": 120000.0 * quantity, "currency": "VND"}}
    payload = {"issuedAt": "2026-11-29T05:00:00+00:00", "order": {
        "id": order_id, "number": number, "created": "2026-11-29T05:00:00+00:00",
        "updatedAt": "2026-11-29T05:00:00+00:00", "status": status, "chargeStatus": "NONE",
        "authorizeStatus": "NONE", "userEmail": "nguoimua@example.vn", "channel": {"slug": "ocop"},
        "total": money, "shippingPrice": {"gross": {"amount": 30000.0, "currency": "VND"}},
        "lines": [
            {"id": "T3JkZXJMaW5lOjE=", "productName": listing.title, "variantName": variant.name,
             "productSku": variant.sku, "quantity": quantity, "quantityFulfilled": 0,
             "unitPrice": {"gross": {"amount": 120000.0, "currency": "VND"}}, "totalPrice": money,
             "variant": {"id": "UHJvZHVjdFZhcmlhbnQ6MQ==", "externalReference": f"variant-{variant.pk}",
                         "product": {"externalReference": f"listing-{listing.pk}"}},
             "allocations": [{"quantity": quantity, "warehouse": {"id": "V2FyZWhvdXNlOjE=",
                                                                  "externalReference": "vendor-1"}}]},
            {"id": "T3JkZXJMaW5lOjI=", "productName": "Quà tặng", "variantName": "", "productSku": None,
             "quantity": 1, "quantityFulfilled": 0, "unitPrice": {"gross": {"amount": 0.0, "currency": "VND"}},
             "totalPrice": {"gross": {"amount": 0.0, "currency": "VND"}},
             "variant": {"id": "UHJvZHVjdFZhcmlhbnQ6OQ==", "externalReference": None,
                         "product": {"externalReference": None}}, "allocations": []},
        ]}}
    return WebhookDelivery.objects.create(installation=SaleorInstallation.objects.get(), event="ORDER_CREATED",
                                          payload=payload, key=f"key-{next(_keys)}")


def test_an_order_takes_its_quantity_off_our_stock_once(saleor, django_capture_on_commit_callbacks):
    # given a variant with 10 in stock
    listing = on_sale_listing(stock=10)
    outbox_before = OutboxEvent.objects.count()
    # when Saleor sends ORDER_CREATED for 3, then again for the same order with another body
    process(order_delivery(listing, 3), django_capture_on_commit_callbacks)
    process(order_delivery(listing, 3, status="UNFULFILLED"), django_capture_on_commit_callbacks)
    # and the first delivery's task runs again
    assert webhook_delivery_process(delivery_id=WebhookDelivery.objects.order_by("id").first().id) is False
    # then 3 left stock once, with no outbox event, no audit and no call to Saleor
    assert Variant.objects.get(listing=listing).stock == 7
    assert (OutboxEvent.objects.count(), GateAuditEntry.objects.count(), saleor.requests) == (outbox_before, 0, [])


def test_an_oversold_order_takes_nothing_is_audited_and_cancelled_in_saleor_after_commit(
        saleor, django_capture_on_commit_callbacks, mailoutbox):
    # given a variant with 2 in stock
    listing = on_sale_listing(stock=2)
    saleor.add_data({"order": {"id": "T3JkZXI6MQ==", "status": "UNFULFILLED", "userEmail": "nguoimua@example.vn"}})
    saleor.add_data({"orderCancel": {"order": {"id": "T3JkZXI6MQ==", "number": "1042", "status": "CANCELED"},
                                     "errors": []}})
    # when Saleor sold 5 by another path
    process(order_delivery(listing, 5, number="1042"), django_capture_on_commit_callbacks)
    # then our stock is untouched (the order is cancelled, Saleor gives its allocation back)
    variant = Variant.objects.get(listing=listing)
    assert variant.stock == 2
    # and the oversell is logged with the order and the excess
    [entry] = GateAuditEntry.objects.all()
    assert (entry.action, entry.listing_id, entry.reason) == (
        "oversold", listing.pk,
        "Đơn hàng #1042 đặt 5 “Hộp 250 g” (SKU CF-250) nhưng chỉ còn 2: bán vượt 3. Đơn bị huỷ trên Saleor.")
    assert entry.details == {"order_id": "T3JkZXI6MQ==", "order_number": "1042", "variant_id": variant.pk,
                             "sku": "CF-250", "quantity": 5, "stock_before": 2, "excess": 3,
                             "buyer_email": "nguoimua@example.vn", "cancelled": True}
    # and after commit the order was cancelled in Saleor, its buyer and the vendor told
    assert sent(saleor) == [("Order", {"id": "T3JkZXI6MQ=="}), ("OrderCancel", {"id": "T3JkZXI6MQ=="})]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["nguoimua@example.vn"], "Đơn hàng #1042 đã bị huỷ vì sản phẩm hết hàng"),
        ([listing.vendor.memberships.get().user.email], "[Sàn OCOP] Đơn #1042 vượt tồn kho đã bị huỷ")]


# --- the officers' audit page -------------------------------------------------------------


def audit_rows(count: int, listing: Listing | None = None) -> None:
    for n in range(count):
        GateAuditEntry.objects.create(action="unpublished", saleor_product_id=f"P{n}", listing=listing,
                                      reason=f"Lý do số {n}")


def test_officers_read_the_audit_newest_first_in_vietnamese(client, officer):
    # given two entries, the later one about a listing
    listing = on_sale_listing()
    GateAuditEntry.objects.create(action="foreign_product", saleor_product_id="P-old", reason="Sản phẩm lạ")
    GateAuditEntry.objects.create(action="unpublished", saleor_product_id="P-new", listing=listing,
                                  reason="Giấy chứng nhận OCOP đã bị thu hồi")
    client.force_login(officer)
    # when the officer opens the page
    response = client.get(reverse("storefront:gate_audit"))
    # then both show, newest first, with time, label, product, listing link and reason
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("P-new") < html.index("P-old")
    newest = GateAuditEntry.objects.get(saleor_product_id="P-new")
    local = timezone.localtime(newest.created_at)
    assert f"{local:%d/%m/%Y %H:%M}" in html
    assert "Đã gỡ sản phẩm đăng bán trái quy định" in html and "Sản phẩm không thuộc sàn OCOP" in html
    assert f'href="{reverse("officer:vendor", args=[listing.vendor_id])}"' in html
    assert "Giấy chứng nhận OCOP đã bị thu hồi" in html


@pytest.mark.parametrize("rows", [1, 30])
def test_the_audit_page_costs_the_same_queries_for_1_and_n_rows(client, officer, django_assert_num_queries, rows):
    listing = on_sale_listing()
    audit_rows(rows, listing)
    client.force_login(officer)
    # session, user, membership, user and group permissions, count, the page with its listings
    with django_assert_num_queries(7):
        response = client.get(reverse("storefront:gate_audit"))
    assert response.status_code == 200


def test_the_audit_page_is_paginated(client, officer):
    audit_rows(55)
    client.force_login(officer)
    response = client.get(reverse("storefront:gate_audit"), {"page": 2})
    assert (response.status_code, len(response.context["entries"])) == (200, 5)
    assert "Trang 2/2" in response.content.decode()


def test_a_buyer_is_refused_the_audit_page(client, buyer):
    client.force_login(buyer)
    assert client.get(reverse("storefront:gate_audit")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    url = reverse("storefront:gate_audit")
    response = client.get(url)
    assert (response.status_code, response.url) == (302, f"{reverse('accounts:login')}?next={url}")


def test_the_sweep_leaves_other_channels_of_the_same_saleor_alone(saleor):
    # given a foreign product live only in a channel that is not the shop's
    other = [{"channel": {"id": "Q2hhbm5lbDoy", "slug": "default-channel"}, "isPublished": True,
              "visibleInListings": True, "isAvailableForPurchase": True}]
    saleor.add_data({"products": {"pageInfo": {"hasNextPage": False, "endCursor": "c1"}, "edges": [
        {"node": {"id": "P9", "externalReference": None, "updatedAt": "2026-11-29T05:00:00+00:00",
                  "channelListings": other}}]}})
    # when the sweep runs, then nothing is unpublished and nothing audited
    assert gate_sweep(connection.saleor_client(), today=TODAY()) == 0
    assert sent(saleor) == [("GateProducts", {"first": 100, "after": None})]
    assert GateAuditEntry.objects.count() == 0
