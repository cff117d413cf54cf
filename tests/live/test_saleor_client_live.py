"""SaleorClient and our documents against a real Saleor 3.23 (opt-in: SALEOR_API_URL).

Everything created here is a throwaway with a unique slug, deleted again at the end.
"""
from __future__ import annotations

import json

import pytest
from graphql import OperationDefinitionNode, OperationType, parse

from storefront_adapter.client import SaleorClient
from storefront_adapter.errors import SaleorAuthError, SaleorMutationError, raise_for_mutation_errors
from storefront_adapter.operations import load_operation, operation_names


def queries_without_required_variables() -> list[str]:
    names = []
    for name in operation_names():
        [operation] = [d for d in parse(load_operation(name)).definitions if isinstance(d, OperationDefinitionNode)]
        required = [v for v in operation.variable_definitions if v.type.kind == "non_null_type"]
        if operation.operation is OperationType.QUERY and not required:
            names.append(name)
    return names


def test_shop_info_reports_the_saleor_version_we_target(saleor):
    shop = saleor.execute("ShopInfo", {})["shop"]
    assert shop["version"].startswith("3.23")


def test_channel_by_slug_finds_the_default_channel(saleor):
    channel = saleor.execute("ChannelBySlug", {"slug": "default-channel"})["channel"]
    assert channel["slug"] == "default-channel"
    assert set(channel["orderSettings"]) == {
        "automaticallyConfirmAllNewOrders", "allowUnpaidOrders", "markAsPaidStrategy"}


@pytest.mark.parametrize("operation_name", queries_without_required_variables())
def test_every_query_without_required_variables_runs(saleor, operation_name):
    # AppInfo answers {"app": null} for a staff token; it still has to run without errors.
    assert isinstance(saleor.execute(operation_name, {}), dict)


def test_a_tampered_token_is_an_auth_error(saleor_api_url, saleor_staff_token):
    # Saleor answers a bad signature with HTTP 200 and the code InvalidSignatureError.
    client = SaleorClient(saleor_api_url, saleor_staff_token[:-4] + "AAAA")
    with pytest.raises(SaleorAuthError):
        client.execute("ShopInfo", {})


def test_a_throwaway_product_type_is_created_found_and_refused_twice(saleor, cleanup, throwaway_tag):
    # given a new product type
    variables = {"name": f"OCOP {throwaway_tag}", "slug": f"{throwaway_tag}-ocop"}
    created = raise_for_mutation_errors(saleor.execute("ProductTypeCreate", variables), "productTypeCreate")
    cleanup.append(("ProductTypeDelete", {"id": created["productType"]["id"]}, "productTypeDelete"))
    # then it is found by slug, ships, and a second one with its slug is refused as a duplicate
    found = saleor.execute("ProductTypes", {"slugs": [variables["slug"]]})["productTypes"]["edges"]
    assert [(e["node"]["slug"], e["node"]["isShippingRequired"]) for e in found] == [(variables["slug"], True)]
    with pytest.raises(SaleorMutationError) as caught:
        raise_for_mutation_errors(saleor.execute("ProductTypeCreate", variables), "productTypeCreate")
    assert [(e.field, e.code) for e in caught.value.errors] == [("slug", "UNIQUE")]


@pytest.fixture
def ocop_shop(saleor, cleanup, throwaway_tag) -> dict:
    """Provisioning as the app will do it: a VND channel for cash on delivery, a vendor's
    warehouse in it, a Vietnam shipping zone, the OCOP attributes, a product type, a category."""
    tag = throwaway_tag

    def create(operation_name, variables, mutation_field, result_field, delete_operation, delete_field):
        made = raise_for_mutation_errors(saleor.execute(operation_name, variables), mutation_field)[result_field]
        cleanup.append((delete_operation, {"id": made["id"]}, delete_field))
        return made

    channel = create("ChannelCreate", {"name": f"OCOP {tag}", "slug": f"{tag}-ocop"},
                     "channelCreate", "channel", "ChannelDelete", "channelDelete")
    warehouse = create("WarehouseCreate", {
        "name": f"HTX {tag}", "slug": f"{tag}-vendor", "externalReference": f"{tag}:vendor",
        "address": {"streetAddress1": "Số 1 Hoàng Văn Thụ", "city": "Thái Nguyên", "country": "VN"},
    }, "createWarehouse", "warehouse", "WarehouseDelete", "deleteWarehouse")
    zone = create("ShippingZoneCreate", {"name": f"Việt Nam {tag}", "addChannels": [channel["id"]]},
                  "shippingZoneCreate", "shippingZone",
                  "ShippingZoneDelete", "shippingZoneDelete")
    # The warehouse must serve the channel before the zone takes it.
    raise_for_mutation_errors(saleor.execute("ChannelUpdate", {
        "id": channel["id"], "addWarehouses": [warehouse["id"]]}), "channelUpdate")
    raise_for_mutation_errors(saleor.execute("AssignWarehouseShippingZone", {
        "id": warehouse["id"], "shippingZoneIds": [zone["id"]]}), "assignWarehouseShippingZone")
    attributes = {
        slug: create("AttributeCreate", {"name": name, "slug": f"{tag}-{slug}", "inputType": input_type},
                     "attributeCreate", "attribute", "AttributeDelete", "attributeDelete")["id"]
        for name, slug, input_type in [("Số sao OCOP", "stars", "NUMERIC"),
                                       ("Số giấy chứng nhận", "certificate", "PLAIN_TEXT"),
                                       ("Ngày hết hạn", "expires-on", "DATE")]}
    product_type = create("ProductTypeCreate", {"name": f"OCOP {tag}", "slug": f"{tag}-ocop",
                                                "productAttributes": list(attributes.values())},
                          "productTypeCreate", "productType", "ProductTypeDelete", "productTypeDelete")
    category = create("CategoryCreate", {"name": "Chè", "slug": f"{tag}-che"},
                      "categoryCreate", "category", "CategoryDelete", "categoryDelete")
    return {"tag": tag, "channel": channel, "warehouse": warehouse, "attributes": attributes,
            "product_type": product_type, "category": category}


def test_the_channel_is_set_up_for_cash_on_delivery_in_dong(ocop_shop):
    channel = ocop_shop["channel"]
    assert (channel["currencyCode"], channel["defaultCountry"]["code"], channel["orderSettings"]) == (
        "VND", "VN", {"allowUnpaidOrders": True, "markAsPaidStrategy": "TRANSACTION_FLOW",
                      "automaticallyConfirmAllNewOrders": True})


def test_a_listing_reaches_the_storefront_and_leaves_it_when_unpublished(saleor, cleanup, ocop_shop):
    tag, channel, attributes = ocop_shop["tag"], ocop_shop["channel"], ocop_shop["attributes"]
    reference, slug = f"{tag}:listing", f"{tag}-che-tan-cuong"

    def run(operation_name, variables, mutation_field):
        return raise_for_mutation_errors(saleor.execute(operation_name, variables), mutation_field)

    def publish(product_id, published):
        run("ProductChannelListingUpdate", {"id": product_id, "channelId": channel["id"], "isPublished": published,
                                            "visibleInListings": published, "isAvailableForPurchase": published},
            "productChannelListingUpdate")

    # given a listing pushed as the sync will: product with OCOP facts, published, a variant
    product = run("ProductCreate", {
        "externalReference": reference, "productType": ocop_shop["product_type"]["id"],
        "category": ocop_shop["category"]["id"], "name": "Chè Tân Cương", "slug": slug,
        "description": json.dumps({"blocks": [{"type": "paragraph", "data": {"text": "Chè búp"}}]}),
        "attributes": [{"id": attributes["stars"], "numeric": "4"},
                       {"id": attributes["certificate"], "plainText": "123/QĐ-UBND"},
                       {"id": attributes["expires-on"], "date": "2028-06-30"}],
    }, "productCreate")["product"]
    cleanup.append(("ProductDelete", {"externalReference": reference}, "productDelete"))
    publish(product["id"], True)
    run("ProductVariantBulkCreate", {"product": product["id"], "variants": [{
        "attributes": [], "sku": f"{tag}-200g", "name": "Hộp 200g", "externalReference": f"{tag}:variant",
        "stocks": [{"warehouse": ocop_shop["warehouse"]["id"], "quantity": 10}],
        "channelListings": [{"channelId": channel["id"], "price": "150000"}]}]}, "productVariantBulkCreate")
    # when stock is set by our own references, and an update sends only the name
    run("StockBulkUpdate", {"stocks": [{"variantExternalReference": f"{tag}:variant",
                                        "warehouseExternalReference": f"{tag}:vendor", "quantity": 7}]},
        "stockBulkUpdate")
    run("ProductUpdate", {"externalReference": reference, "input": {"name": "Chè Tân Cương đặc biệt"}}, "productUpdate")

    # then the product page shows the OCOP facts, the price in dong and the stock left
    page_variables = {"slug": slug, "channel": channel["slug"]}
    [page] = storefront_products(saleor, "StorefrontProduct", page_variables)
    facts = {a["attribute"]["slug"].removeprefix(f"{tag}-"): a for a in page["assignedAttributes"]}
    assert (facts["stars"]["numeric"], facts["certificate"]["plainText"], facts["expires-on"]["date"]) == (
        4.0, "123/QĐ-UBND", "2028-06-30")
    [variant] = [edge["node"] for edge in page["productVariants"]["edges"]]
    assert variant["pricing"]["price"]["gross"] == {"amount": 150000.0, "currency": "VND"}
    assert variant["quantityAvailable"] == 7
    # and the product list finds it with no filter and by star level
    cards = {"channel": channel["slug"], "first": 10, "where": {}}
    assert [p["slug"] for p in storefront_products(saleor, "StorefrontProducts", cards)] == [slug]
    for at_least, found in [(4, [slug]), (5, [])]:
        by_stars = {"attributes": [{"slug": f"{tag}-stars", "value": {"numeric": {"range": {"gte": at_least}}}}]}
        listed = storefront_products(saleor, "StorefrontProducts", {**cards, "where": by_stars})
        assert [p["slug"] for p in listed] == found
    # and the update kept the category it did not mention
    synced = saleor.execute("ProductByExternalReference", {"externalReference": reference, "channel": channel["slug"]})
    assert (synced["product"]["name"], synced["product"]["category"]["slug"]) == (
        "Chè Tân Cương đặc biệt", f"{tag}-che")

    # when the certification guard unpublishes it
    publish(product["id"], False)
    # then neither a buyer (no token) nor our privileged token finds it through the storefront reads
    for client in (SaleorClient(saleor.api_url, None), saleor):
        assert storefront_products(client, "StorefrontProduct", page_variables) == []
        assert storefront_products(client, "StorefrontProducts", cards) == []


def storefront_products(client: SaleorClient, operation_name: str, variables: dict) -> list[dict]:
    return [edge["node"] for edge in client.execute(operation_name, variables)["products"]["edges"]]
