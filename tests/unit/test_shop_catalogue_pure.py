"""Pure parts of the shop's read path: FakeSaleor answering the catalogue documents as Saleor
3.23 does, and the search form's parsing. No database."""
from __future__ import annotations

import pytest
from django.http import QueryDict

from marketplace.shop.views import filters_from
from storefront_adapter.fake_saleor import FakeProduct, FakeSaleor, FakeVariant, global_id
from storefront_adapter.fake_saleor.catalogue import catalogue_products, storefront_product
from storefront_adapter.fake_saleor import FakeGraphQLError


def shop(*published: bool) -> FakeSaleor:
    fake = FakeSaleor()
    for index, is_published in enumerate(published):
        product = FakeProduct(pk=fake.next_pk(), slug=f"san-pham-{index}", name=f"Sản phẩm {index}",
                              external_reference=f"listing-{index}", is_published=is_published,
                              attributes={"ocop-star-level": "4 sao", "ocop-valid-until": "2028-01-03"})
        fake.add_product(product, [
            FakeVariant(pk=fake.next_pk(), product_pk=product.pk, name="Nhỏ", sku=f"S-{index}", external_reference="",
                        price=100_000, quantity=5, allocated=2),
            FakeVariant(pk=fake.next_pk(), product_pk=product.pk, name="Lớn", sku=f"L-{index}", external_reference="",
                        price=180_000, quantity=100, sale_price=150_000)])
    return fake


def ask(fake, **variables):
    return catalogue_products(fake, {"channel": "ocop-vn", "first": 2, "after": None, "where": {}, **variables})


def test_catalogue_products_pages_through_published_products_only():
    # given three published products and one unpublished
    fake = shop(True, False, True, True)
    # when paged two at a time
    first = ask(fake)["products"]
    second = ask(fake, after=first["pageInfo"]["endCursor"])["products"]
    # then the three published come, in slug order, over two pages
    assert [e["node"]["slug"] for e in first["edges"] + second["edges"]] == ["san-pham-0", "san-pham-2", "san-pham-3"]
    assert (first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]) == (True, False)


def test_catalogue_products_answers_prices_and_quantity_available_as_saleor():
    [edge] = ask(shop(True))["products"]["edges"]
    node = edge["node"]
    assert node["pricing"] == {
        "onSale": True,
        "priceRange": {"start": {"gross": {"amount": 100000.0, "currency": "VND"}},
                       "stop": {"gross": {"amount": 150000.0, "currency": "VND"}}},
        "priceRangeUndiscounted": {"start": {"gross": {"amount": 100000.0, "currency": "VND"}},
                                   "stop": {"gross": {"amount": 180000.0, "currency": "VND"}}}}
    # quantity - allocated, capped by the shop's limit per checkout (50)
    assert [v["node"]["quantityAvailable"] for v in node["productVariants"]["edges"]] == [3, 50]
    assert node["thumbnail"] is None


def test_catalogue_products_filters_by_ids_and_refuses_what_saleor_refuses():
    fake = shop(True, True)
    wanted = next(iter(fake.products.values()))
    assert [e["node"]["id"] for e in ask(fake, where={"ids": [wanted.id]})["products"]["edges"]] == [wanted.id]
    with pytest.raises(FakeGraphQLError, match="Channel with 'other' slug does not exist."):
        ask(fake, channel="other")
    with pytest.raises(FakeGraphQLError, match="exceeds the `first` limit of 100"):
        ask(fake, first=101)
    with pytest.raises(FakeGraphQLError, match="Expected: Product"):
        ask(fake, where={"ids": [global_id("ProductVariant", 1)]})


def test_storefront_product_finds_a_published_slug_only():
    fake = shop(True, False)
    [edge] = storefront_product(fake, {"slug": "san-pham-0", "channel": "ocop-vn"})["products"]["edges"]
    assert storefront_product(fake, {"slug": "san-pham-1", "channel": "ocop-vn"}) == {"products": {"edges": []}}
    node = edge["node"]
    assert [(v["node"]["name"], v["node"]["quantityAvailable"], v["node"]["pricing"]["onSale"])
            for v in node["productVariants"]["edges"]] == [("Nhỏ", 3, False), ("Lớn", 50, True)]
    assert {"attribute": {"slug": "ocop-star-level", "name": "Hạng sao OCOP", "inputType": "DROPDOWN"},
            "choice": {"name": "4 sao", "slug": "4-sao"}} in node["assignedAttributes"]
    assert {"attribute": {"slug": "ocop-valid-until", "name": "Giấy chứng nhận có hiệu lực đến",
                          "inputType": "DATE"}, "date": "2028-01-03"} in node["assignedAttributes"]


def test_the_search_form_ignores_what_is_malformed():
    filters = filters_from(QueryDict("q=+ca+phe+&stars=7&group=nope&price_min=100.000&price_max=abc&in_stock=1"
                                     "&sort=evil&producer=-1"))
    assert (filters.q, filters.star_level, filters.product_group, filters.price_min, filters.price_max,
            filters.in_stock, filters.sort, filters.producer_id) == ("ca phe", None, "", 100000, None, True,
                                                                     "relevance", None)
