"""Provisioning the Saleor shop, the saleor_provision command and a newly approved vendor's
warehouse, against FakeSaleorTransport answering as Saleor 3.23 does."""
from __future__ import annotations

import io

import pytest
import requests
from django.core.management import CommandError, call_command
from django.utils import timezone

from storefront_adapter import connection
from storefront_adapter.client import SaleorClient
from storefront_adapter.crypto import encrypt_text
from storefront_adapter.errors import SaleorUnavailable
from storefront_adapter.fakes import FakeSaleorTransport
from storefront_adapter.models import SaleorInstallation, SaleorObject
from storefront_adapter.provisioning import (
    ATTRIBUTES,
    Action,
    provision,
    warehouse_address,
)
from storefront_adapter.warehouses import ensure_vendor_warehouse
from tests.integration.factories import make_vendor
from vendors.onboarding import services as onboarding

pytestmark = pytest.mark.django_db

API_URL = "https://saleor.test/graphql/"
CHANNEL_ID, ZONE_ID, METHOD_ID = "Q2hhbm5lbDo3", "U2hpcHBpbmdab25lOjM=", "U2hpcHBpbmdNZXRob2RUeXBlOjU="
READ_OPERATIONS = {"ChannelBySlug", "ShippingZones", "ShippingZoneMethods", "Attributes", "ProductTypes",
                   "Categories", "WarehouseByExternalReference"}
GROUPS = ["food", "beverages", "herbal", "handicrafts", "ornamental", "tourism"]


def ok(field: str, result_key: str, result: dict) -> dict:
    return {field: {result_key: result, "errors": []}}


def attribute_id(slug: str) -> str:
    return f"QXR0cmlidXRlOi{slug}"


def warehouse_id(vendor_id: int) -> str:
    return f"V2FyZWhvdXNlOn{vendor_id}"


def channel(*warehouse_vendor_ids: int) -> dict:
    return {"id": CHANNEL_ID, "slug": "ocop-vn", "name": "Sàn OCOP", "isActive": True, "currencyCode": "VND",
            "defaultCountry": {"code": "VN"},
            "warehouses": [{"id": warehouse_id(v), "slug": f"vendor-{v}", "externalReference": f"vendor-{v}"}
                           for v in warehouse_vendor_ids],
            "orderSettings": {"automaticallyConfirmAllNewOrders": True, "allowUnpaidOrders": True,
                              "markAsPaidStrategy": "TRANSACTION_FLOW"}}


ZONE = {"id": ZONE_ID, "name": "Việt Nam", "countries": [{"code": "VN"}],
        "channels": [{"id": CHANNEL_ID, "slug": "ocop-vn"}], "warehouses": []}
# Saleor's search is a substring match: a zone named otherwise must not be taken for ours.
OTHER_ZONE = {"id": "U2hpcHBpbmdab25lOjE=", "name": "Việt Nam (hàng cồng kềnh)", "countries": [{"code": "VN"}],
              "channels": [], "warehouses": []}


def script_vendor_warehouse_created(transport: FakeSaleorTransport, vendor_id: int) -> None:
    transport.add_data({"warehouse": None})
    transport.add_data(ok("createWarehouse", "warehouse", {
        "id": warehouse_id(vendor_id), "slug": f"vendor-{vendor_id}", "externalReference": f"vendor-{vendor_id}"}))
    transport.add_data(ok("channelUpdate", "channel", {"id": CHANNEL_ID, "slug": "ocop-vn", "warehouses": [
        {"id": warehouse_id(vendor_id), "slug": f"vendor-{vendor_id}"}]}))
    transport.add_data(ok("shippingZoneUpdate", "shippingZone", {"id": ZONE_ID, "name": "Việt Nam", "warehouses": [
        {"id": warehouse_id(vendor_id), "slug": f"vendor-{vendor_id}"}]}))


def script_first_run(transport: FakeSaleorTransport, vendor_ids: list[int]) -> None:
    """Saleor's answers when nothing of the shop exists yet."""
    transport.add_data({"channel": None})
    created_channel = {key: channel()[key] for key in ("id", "slug", "currencyCode", "defaultCountry", "orderSettings")}
    transport.add_data(ok("channelCreate", "channel", created_channel))
    transport.add_data({"shippingZones": {"edges": [{"node": OTHER_ZONE}]}})
    transport.add_data(ok("shippingZoneCreate", "shippingZone", {
        "id": ZONE_ID, "name": "Việt Nam", "countries": [{"code": "VN"}], "channels": [{"slug": "ocop-vn"}]}))
    transport.add_data({"shippingZone": {"id": ZONE_ID, "name": "Việt Nam", "shippingMethods": []}})
    transport.add_data(ok("shippingPriceCreate", "shippingMethod", {"id": METHOD_ID, "name": "Giao hàng tiêu chuẩn"}))
    transport.add_data(ok("shippingMethodChannelListingUpdate", "shippingMethod", {"id": METHOD_ID, "channelListings": [
        {"channel": {"slug": "ocop-vn"}, "price": {"amount": 30000.0, "currency": "VND"}}]}))
    transport.add_data({"attributes": {"edges": []}})
    for spec in ATTRIBUTES:
        transport.add_data(ok("attributeCreate", "attribute", {
            "id": attribute_id(spec.slug), "slug": spec.slug, "inputType": spec.input_type}))
    transport.add_data({"productTypes": {"edges": []}})
    for number, slug in enumerate(["san-pham-ocop", "dich-vu-du-lich-ocop"], start=1):
        transport.add_data(ok("productTypeCreate", "productType", {
            "id": f"UHJvZHVjdFR5cGU6{number}", "slug": slug, "isShippingRequired": slug == "san-pham-ocop",
            "productAttributes": [{"id": attribute_id(s.slug), "slug": s.slug} for s in ATTRIBUTES]}))
    transport.add_data({"categories": {"edges": []}})
    for number, code in enumerate(GROUPS, start=1):
        transport.add_data(ok("categoryCreate", "category", {"id": f"Q2F0ZWdvcnk6{number}", "slug": code, "level": 0}))
    for vendor_id in vendor_ids:
        script_vendor_warehouse_created(transport, vendor_id)


def script_second_run(transport: FakeSaleorTransport, vendor_ids: list[int]) -> None:
    """Saleor's answers once the first run has made everything."""
    transport.add_data({"channel": channel(*vendor_ids)})
    transport.add_data({"shippingZones": {"edges": [{"node": OTHER_ZONE}, {"node": ZONE}]}})
    transport.add_data({"shippingZone": {"id": ZONE_ID, "name": "Việt Nam", "shippingMethods": [
        {"id": METHOD_ID, "name": "Giao hàng tiêu chuẩn", "channelListings": [
            {"channel": {"id": CHANNEL_ID, "slug": "ocop-vn"}, "price": {"amount": 30000.0, "currency": "VND"}}]}]}})
    transport.add_data({"attributes": {"edges": [{"node": {
        "id": attribute_id(s.slug), "slug": s.slug, "name": s.name, "type": "PRODUCT_TYPE", "inputType": s.input_type,
        "valueRequired": False, "visibleInStorefront": True}} for s in ATTRIBUTES]}})
    transport.add_data({"productTypes": {"edges": [{"node": {
        "id": f"UHJvZHVjdFR5cGU6{number}", "slug": slug, "name": slug, "kind": "NORMAL", "isShippingRequired": True,
        "productAttributes": [{"id": attribute_id(s.slug), "slug": s.slug} for s in ATTRIBUTES]}}
        for number, slug in enumerate(["san-pham-ocop", "dich-vu-du-lich-ocop"], start=1)]}})
    transport.add_data({"categories": {"edges": [{"node": {
        "id": f"Q2F0ZWdvcnk6{number}", "slug": code, "name": code, "level": 0, "parent": None}}
        for number, code in enumerate(GROUPS, start=1)]}})
    for vendor_id in vendor_ids:
        transport.add_data({"warehouse": {
            "id": warehouse_id(vendor_id), "slug": f"vendor-{vendor_id}", "name": "HTX",
            "externalReference": f"vendor-{vendor_id}",
            "shippingZones": {"edges": [{"node": {"id": ZONE_ID, "name": "Việt Nam"}}]}}})


@pytest.fixture
def transport() -> FakeSaleorTransport:
    return FakeSaleorTransport()


@pytest.fixture
def fake_client(transport) -> SaleorClient:
    return SaleorClient(API_URL, "app-token", transport=transport, sleep=lambda seconds: None)


@pytest.fixture
def installed(settings, monkeypatch, transport) -> SaleorInstallation:
    settings.SALEOR_API_URL = API_URL
    monkeypatch.setattr(connection, "transport_override", transport)
    return SaleorInstallation.objects.create(api_url=API_URL, encrypted_token=encrypt_text("app-token"))


def sent(transport: FakeSaleorTransport) -> list[str]:
    return [r.operation_name for r in transport.requests]


def test_first_run_creates_the_shop_and_records_every_object(fake_client, transport):
    # given an empty Saleor and one approved vendor
    vendor = make_vendor("HTX Chè Tân Cương")
    script_first_run(transport, [vendor.pk])
    # when the shop is provisioned
    report = provision(fake_client)
    # then everything was created, in this order, and nothing was left unanswered
    assert sent(transport) == [
        "ChannelBySlug", "ChannelCreate", "ShippingZones", "ShippingZoneCreate", "ShippingZoneMethods",
        "ShippingPriceCreate", "ShippingMethodChannelListingUpdate", "Attributes", *["AttributeCreate"] * 6,
        "ProductTypes", "ProductTypeCreate", "ProductTypeCreate", "Categories", *["CategoryCreate"] * 6,
        "WarehouseByExternalReference", "WarehouseCreate", "ChannelUpdate", "ShippingZoneUpdate"]
    assert [o.action for o in report.objects] == [Action.CREATED] * 18
    assert not report.changed_nothing
    # and each object is recorded by our key
    assert sorted(SaleorObject.objects.values_list("kind", "key")) == sorted([
        ("channel", "ocop-vn"), ("shipping-zone", "viet-nam"), ("shipping-method", "giao-hang-tieu-chuan"),
        *[("attribute", s.slug) for s in ATTRIBUTES],
        ("product-type", "san-pham-ocop"), ("product-type", "dich-vu-du-lich-ocop"),
        *[("category", code) for code in GROUPS], ("warehouse", f"vendor:{vendor.pk}")])
    assert SaleorObject.objects.get(kind="warehouse").saleor_id == warehouse_id(vendor.pk)


def test_first_run_sends_what_saleor_needs(fake_client, transport):
    vendor = make_vendor("HTX Chè Tân Cương")
    script_first_run(transport, [vendor.pk])
    provision(fake_client)
    variables = {r.operation_name: r.variables for r in transport.requests}
    # the channel, the zone in it, and the method priced at the placeholder rate in that channel
    assert variables["ChannelCreate"] == {"name": "Sàn OCOP", "slug": "ocop-vn"}
    assert variables["ShippingZoneCreate"] == {"name": "Việt Nam", "addChannels": [CHANNEL_ID]}
    assert variables["ShippingMethodChannelListingUpdate"] == {"id": METHOD_ID, "channelId": CHANNEL_ID, "price": 30000}
    # the star level is a dropdown of 3, 4 and 5 stars; the product types carry all six attributes
    [stars] = [r.variables for r in transport.requests if r.variables.get("slug") == "ocop-star-level"]
    assert (stars["inputType"], stars["values"]) == ("DROPDOWN", [{"name": "3 sao"}, {"name": "4 sao"}, {"name": "5 sao"}])
    [goods, tourism] = [r.variables for r in transport.requests if r.operation_name == "ProductTypeCreate"]
    assert (goods["slug"], goods["isShippingRequired"], len(goods["productAttributes"])) == ("san-pham-ocop", True, 6)
    assert (tourism["slug"], tourism["isShippingRequired"]) == ("dich-vu-du-lich-ocop", False)
    # the warehouse: the vendor's name and address, keyed by its id; in the channel before the zone
    assert variables["WarehouseCreate"] == {
        "name": "HTX Chè Tân Cương", "slug": f"vendor-{vendor.pk}", "externalReference": f"vendor-{vendor.pk}",
        "address": {"streetAddress1": "Thôn 3", "city": "Xã Nhân Cơ", "countryArea": "Lâm Đồng", "country": "VN"}}
    assert variables["ChannelUpdate"] == {"id": CHANNEL_ID, "addWarehouses": [warehouse_id(vendor.pk)]}
    assert variables["ShippingZoneUpdate"] == {"id": ZONE_ID, "input": {"addWarehouses": [warehouse_id(vendor.pk)]}}


def test_second_run_finds_everything_and_sends_no_mutation_even_without_our_records(fake_client, transport):
    # given a provisioned shop whose SaleorObject rows were lost
    vendor = make_vendor("HTX Chè Tân Cương")
    script_first_run(transport, [vendor.pk])
    first = provision(fake_client)
    SaleorObject.objects.all().delete()
    transport.requests.clear()
    script_second_run(transport, [vendor.pk])
    # when it is provisioned again
    second = provision(fake_client)
    # then only look-ups were sent, everything was found under the same ids and recorded again
    assert set(sent(transport)) == READ_OPERATIONS
    assert second.changed_nothing and second.created == []
    assert [(o.kind, o.key, o.saleor_id) for o in second.objects] == [(o.kind, o.key, o.saleor_id) for o in first.objects]
    assert SaleorObject.objects.count() == 18


def test_saigon_and_hue_use_the_province_names_saleor_knows():
    # Saleor's VN address rules predate the 2025 merger: "Hồ Chí Minh" and "Huế" are refused.
    vendor = make_vendor("HTX Sài Gòn", state="draft")
    vendor.province_code, vendor.commune_code = "79", ""
    assert warehouse_address(vendor)["countryArea"] == "Thành phố Hồ Chí Minh"
    vendor.province_code = "46"
    assert warehouse_address(vendor) == {"streetAddress1": "Thôn 3", "city": "Huế", "countryArea": "Thừa Thiên–Huế",
                                         "country": "VN"}


def test_command_prints_what_it_created_then_that_nothing_was_new(installed, transport):
    script_first_run(transport, [])
    out = io.StringIO()
    call_command("saleor_provision", stdout=out)
    assert "Đã tạo kênh bán hàng “Sàn OCOP” (ocop-vn): Q2hhbm5lbDo3" in out.getvalue()
    assert "Đã tạo 17, bổ sung 0, đã có sẵn 0." in out.getvalue()
    assert "Lưu ý: phí giao hàng 30.000 ₫ là mức tạm, đồng giá toàn quốc." in out.getvalue()

    script_second_run(transport, [])
    out = io.StringIO()
    call_command("saleor_provision", stdout=out)
    assert "Đã có kênh bán hàng “Sàn OCOP” (ocop-vn): Q2hhbm5lbDo3" in out.getvalue()
    assert "Không tạo gì mới: mọi thứ đã có sẵn trong Saleor." in out.getvalue()


def test_command_fails_with_a_clear_message_when_saleor_is_down(installed, transport):
    for _ in range(3):  # the client's three attempts
        transport.add_exception(requests.ConnectionError("Connection refused"))
    with pytest.raises(CommandError) as failed:
        call_command("saleor_provision", stdout=io.StringIO())
    assert str(failed.value) == (
        f"Không kết nối được Saleor ({API_URL}): ConnectionError: Connection refused. Những gì đã tạo vẫn được giữ; "
        "chạy lại lệnh khi Saleor hoạt động trở lại.")
    assert SaleorObject.objects.count() == 0


def test_command_fails_with_a_clear_message_when_the_app_is_not_installed(settings):
    settings.SALEOR_API_URL = API_URL
    with pytest.raises(CommandError) as failed:
        call_command("saleor_provision", stdout=io.StringIO())
    assert str(failed.value) == ("Ứng dụng chưa được cài vào Saleor (chạy appInstall từ Saleor). "
                                 "Chưa khởi tạo được gì trong Saleor.")


def test_approving_a_vendor_creates_its_warehouse(installed, transport, django_capture_on_commit_callbacks):
    # given a provisioned shop and a vendor waiting for review
    vendor = make_vendor("HTX Chè Tân Cương", state="submitted")
    transport.add_data({"channel": channel()})
    transport.add_data({"shippingZones": {"edges": [{"node": ZONE}]}})
    script_vendor_warehouse_created(transport, vendor.pk)
    # when an officer approves it (the task runs in-process here)
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.application_approve(vendor=vendor, officer=None, today=timezone.localdate())
    # then its warehouse is made, put in the channel and the zone, and recorded
    assert sent(transport) == ["ChannelBySlug", "ShippingZones", "WarehouseByExternalReference", "WarehouseCreate",
                               "ChannelUpdate", "ShippingZoneUpdate"]
    assert SaleorObject.objects.get(kind="warehouse", key=f"vendor:{vendor.pk}").saleor_id == warehouse_id(vendor.pk)


def test_the_task_does_nothing_for_a_vendor_with_a_warehouse_or_not_approved(installed, transport):
    approved, submitted = make_vendor("HTX Chè Tân Cương"), make_vendor("HTX Cà phê", state="submitted")
    transport.add_data({"channel": channel(approved.pk)})
    transport.add_data({"shippingZones": {"edges": [{"node": ZONE}]}})
    transport.add_data({"warehouse": {"id": warehouse_id(approved.pk), "slug": f"vendor-{approved.pk}", "name": "HTX",
                                      "externalReference": f"vendor-{approved.pk}",
                                      "shippingZones": {"edges": [{"node": {"id": ZONE_ID, "name": "Việt Nam"}}]}}})
    assert ensure_vendor_warehouse.delay(approved.pk).get() == warehouse_id(approved.pk)
    assert ensure_vendor_warehouse.delay(submitted.pk).get() is None
    assert set(sent(transport)) == {"ChannelBySlug", "ShippingZones", "WarehouseByExternalReference"}


def test_approving_while_the_app_is_not_installed_still_approves(transport, monkeypatch, caplog,
                                                                 django_capture_on_commit_callbacks):
    monkeypatch.setattr(connection, "transport_override", transport)
    vendor = make_vendor("HTX Chè Tân Cương", state="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.application_approve(vendor=vendor, officer=None, today=timezone.localdate())
    vendor.refresh_from_db()
    assert vendor.state == "approved"
    assert transport.requests == []
    assert f"The Saleor app is not installed; no warehouse for vendor {vendor.pk}" in caplog.text


def test_the_task_retries_only_saleor_being_down_and_a_bounded_number_of_times():
    assert (ensure_vendor_warehouse.autoretry_for, ensure_vendor_warehouse.max_retries) == ((SaleorUnavailable,), 5)
    assert ensure_vendor_warehouse.retry_backoff == 60
