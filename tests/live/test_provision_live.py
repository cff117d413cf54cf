"""Provisioning against a real Saleor 3.23 (opt-in: SALEOR_API_URL).

The shop objects (channel ocop-vn, zone "Việt Nam" and its method, OCOP attributes,
product types, categories) are left in place on purpose: later live tests sell in that
channel, and provisioning finds them again. Only the test vendor's warehouse is deleted.
"""
from __future__ import annotations

import pytest

from storefront_adapter.models import SaleorObject
from storefront_adapter.provisioning import (
    ATTRIBUTES,
    CHANNEL_SLUG,
    STANDARD_SHIPPING_PRICE_VND,
    Action,
    Kind,
    provision,
    warehouse_reference,
)
from tests.integration.factories import make_vendor

pytestmark = pytest.mark.django_db


def test_provisioning_twice_makes_the_shop_once(saleor, cleanup):
    # given an approved vendor (its warehouse is a throwaway; the shop objects stay)
    vendor = make_vendor("HTX Chè Tân Cương (kiểm thử)")
    # when the shop is provisioned twice
    first = provision(saleor, vendors=[vendor])
    warehouse = saleor.execute("WarehouseByExternalReference",
                               {"externalReference": warehouse_reference(vendor.pk)})["warehouse"]
    cleanup.append(("WarehouseDelete", {"id": warehouse["id"]}, "deleteWarehouse"))
    second = provision(saleor, vendors=[vendor])

    # then the second run creates and changes nothing, and finds what the first made
    assert [(o.kind, o.key, o.action) for o in second.objects] == [
        (o.kind, o.key, Action.FOUND) for o in first.objects]
    assert [o.saleor_id for o in second.objects] == [o.saleor_id for o in first.objects]
    assert second.changed_nothing
    assert SaleorObject.objects.get(kind=Kind.WAREHOUSE, key=f"vendor:{vendor.pk}").saleor_id == warehouse["id"]

    # and the channel sells in dong for cash on delivery, with the vendor's warehouse in it
    channel = saleor.execute("ChannelBySlug", {"slug": CHANNEL_SLUG})["channel"]
    assert (channel["name"], channel["currencyCode"], channel["defaultCountry"]["code"]) == ("Sàn OCOP", "VND", "VN")
    assert channel["orderSettings"] == {"allowUnpaidOrders": True, "markAsPaidStrategy": "TRANSACTION_FLOW",
                                        "automaticallyConfirmAllNewOrders": True}
    assert warehouse["id"] in {w["id"] for w in channel["warehouses"]}
    # and the warehouse ships through the zone, whose method costs the placeholder rate
    [zone] = [e["node"] for e in warehouse["shippingZones"]["edges"]]
    assert zone["name"] == "Việt Nam"
    methods = saleor.execute("ShippingZoneMethods", {"id": zone["id"]})["shippingZone"]["shippingMethods"]
    prices = {(m["name"], listing["channel"]["slug"], listing["price"]["amount"], listing["price"]["currency"])
              for m in methods for listing in m["channelListings"]}
    assert ("Giao hàng tiêu chuẩn", CHANNEL_SLUG, STANDARD_SHIPPING_PRICE_VND, "VND") in prices

    # and the OCOP attributes exist with their types, on both product types
    edges = saleor.execute("Attributes", {"slugs": [spec.slug for spec in ATTRIBUTES]})["attributes"]["edges"]
    assert sorted((e["node"]["slug"], e["node"]["inputType"]) for e in edges) == sorted(
        (spec.slug, spec.input_type) for spec in ATTRIBUTES)
    types = saleor.execute("ProductTypes", {"slugs": ["san-pham-ocop", "dich-vu-du-lich-ocop"]})["productTypes"]
    assert sorted((e["node"]["slug"], e["node"]["isShippingRequired"], len(e["node"]["productAttributes"]))
                  for e in types["edges"]) == [("dich-vu-du-lich-ocop", False, 6), ("san-pham-ocop", True, 6)]
