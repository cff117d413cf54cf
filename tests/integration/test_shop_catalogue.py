"""The shop's catalogue pages against a FakeSaleor: search without diacritics, each filter,
sorting, pagination, the cards, and what a page costs (SQL and Saleor calls), warm and cold."""
from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from marketplace.shop.selectors import CatalogueFilters
from storefront_adapter.models import CatalogueProduct
from tests.integration.factories import make_vendor
from tests.integration.shop_catalogue import fake_saleor, make_listing, publish  # noqa: F401
from vendors.registry import places

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<h3><a href="/san-pham/[^"]+/">([^<]+)</a></h3>',
                                                  response.content.decode())]


def saleor_calls(fake) -> int:
    return len(fake.requests)


def test_an_anonymous_buyer_finds_coffee_typing_without_diacritics(client, fake_saleor):
    # given coffee and cashews on sale
    make_listing("Cà phê Natural Toàn Hằng")
    make_listing("Hạt điều rang muối", producer_name="HTX Điều Bình Phước")
    publish(fake_saleor)
    # when an anonymous buyer searches "ca phe", then "hat dieu"
    coffee = client.get("/search", {"q": "ca phe"})
    cashews = client.get("/search", {"q": "hat dieu"})
    # then each finds its product only
    assert coffee.status_code == 200
    assert titles(coffee) == ["Cà phê Natural Toàn Hằng"]
    assert titles(cashews) == ["Hạt điều rang muối"]
    assert "1 sản phẩm" in coffee.content.decode()


def test_a_card_shows_stars_validity_producer_commune_and_price(client, fake_saleor):
    # given a 4-star coffee with two sizes at different prices
    listing = make_listing("Cà phê Robusta", prices=(120_000, 200_000))
    publish(fake_saleor)
    valid_until = listing.certificate.expires_on.strftime("%d/%m/%Y")
    commune = places.commune(listing.certificate.commune_code).name
    # when the catalogue is shown
    page = client.get("/search").content.decode()
    # then the card has the badge, validity, producer, commune and the price range
    assert re.search(r'<span class="stars" title="4 sao" aria-label="4 sao">★★★★</span>\s*<span>4 sao</span>', page)
    assert f"Hiệu lực đến {valid_until}" in page
    assert "HTX Cà phê Đạo Nghĩa" in page and commune in page
    assert "<strong>120.000 ₫ – 200.000 ₫</strong>" in page


def test_a_product_on_sale_shows_the_undiscounted_price_struck_through(client, fake_saleor):
    # given a product whose variant is on a promotion in Saleor
    make_listing("Mật ong hoa cà phê", prices=(150_000,))
    mirror = publish(fake_saleor)  # noqa: F841
    [variant] = fake_saleor.variants.values()
    variant.sale_price = 120_000
    from storefront_adapter.catalogue import catalogue_rebuild
    catalogue_rebuild()
    # when the catalogue is shown
    page = client.get("/search").content.decode()
    # then the promotion price is shown, the old one struck through
    assert '<strong>120.000 ₫</strong> <s class="was">150.000 ₫</s>' in page


@pytest.fixture
def assorted(fake_saleor):
    """Four products differing in every filter."""
    a = make_listing("Cà phê Đắk R'Lấp", stars=5, group="beverages", prices=(300_000,), stock=5)
    b = make_listing("Trà xanh Thái Nguyên", producer_name="HTX Chè Tân Cương", stars=4, group="beverages",
                     prices=(90_000,), stock=0, district="Thành phố Thái Nguyên", province="Tỉnh Thái Nguyên")
    c = make_listing("Hạt điều rang muối", producer_name="HTX Điều Bù Đăng", stars=3, group="food",
                     prices=(150_000,), district="Huyện Bù Đăng", province="Tỉnh Bình Phước")
    d = make_listing("Mây tre đan", producer_name="HTX Mây tre Phú Vinh", stars=4, group="handicrafts",
                     prices=(500_000,))
    publish(fake_saleor)
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.mark.parametrize(("params", "expected"), [
    ({"stars": "5"}, ["Cà phê Đắk R'Lấp"]),
    ({"group": "beverages"}, ["Cà phê Đắk R'Lấp", "Trà xanh Thái Nguyên"]),
    ({"area": "Huyện Bù Đăng"}, ["Hạt điều rang muối"]),
    ({"price_min": "100000", "price_max": "400000"}, ["Cà phê Đắk R'Lấp", "Hạt điều rang muối"]),
    ({"in_stock": "1", "group": "beverages"}, ["Cà phê Đắk R'Lấp"]),
    ({"q": "tan cuong"}, ["Trà xanh Thái Nguyên"]),  # the producer's name, folded
])
def test_each_filter_narrows_the_catalogue(client, assorted, params, expected):
    # when the buyer filters
    response = client.get("/search", params)
    # then only the matching products show
    assert sorted(titles(response)) == expected


def test_the_province_commune_and_producer_filters(client, assorted):
    # given the places and producers the products come from (former Đắk R'Lấp is in Lâm Đồng today)
    cashews, coffee = assorted["c"].certificate, assorted["a"].certificate
    # when filtering by today's province, by commune, by producer
    by_province = client.get("/search", {"province": cashews.province_code})
    by_commune = client.get("/search", {"commune": coffee.commune_code})
    by_producer = client.get("/search", {"producer": cashews.producer_id})
    # then only the products from there, or of that producer, show
    assert titles(by_province) == ["Hạt điều rang muối"]
    assert sorted(titles(by_commune)) == ["Cà phê Đắk R'Lấp", "Mây tre đan"]
    assert titles(by_producer) == ["Hạt điều rang muối"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("price_asc", ["Trà xanh Thái Nguyên", "Hạt điều rang muối", "Cà phê Đắk R'Lấp", "Mây tre đan"]),
    ("price_desc", ["Mây tre đan", "Cà phê Đắk R'Lấp", "Hạt điều rang muối", "Trà xanh Thái Nguyên"]),
    ("stars", ["Cà phê Đắk R'Lấp", "Mây tre đan", "Trà xanh Thái Nguyên", "Hạt điều rang muối"]),
])
def test_sorting(client, assorted, sort, expected):
    assert titles(client.get("/search", {"sort": sort})) == expected


def test_the_facets_offer_only_what_is_on_sale(client, assorted):
    # when the search page is shown
    page = client.get("/search").content.decode()
    # then the area and producer choices are those of the products, with counts
    assert '<option value="Huyện Bù Đăng">Huyện Bù Đăng (1)</option>' in page
    assert "HTX Mây tre Phú Vinh (1)</option>" in page
    assert "Sinh vật cảnh" not in page  # a product group with nothing on sale


def test_pages_of_24(client, fake_saleor):
    # given 25 products of one vendor
    vendor = make_vendor("HTX Nông sản Nhân Cơ")
    for n in range(25):
        make_listing(f"Sản phẩm {n:02d}", vendor=vendor)
    publish(fake_saleor)
    # when the first and second pages are shown
    first = client.get("/search", {"sort": "stars"})
    second = client.get("/search", {"sort": "stars", "page": "2"})
    # then 24, then 1, with a way between them
    assert len(titles(first)) == 24 and titles(second) == ["Sản phẩm 24"]
    assert "Trang 1/2" in first.content.decode() and "page=2" in first.content.decode()


def test_an_empty_search_says_what_to_try(client, fake_saleor):
    response = client.get("/search", {"q": "khong co gi"})
    assert "Không có sản phẩm nào khớp." in response.content.decode()
    assert "0 sản phẩm" in response.content.decode()


@pytest.mark.parametrize("count", [1, 24])
def test_a_warm_catalogue_page_costs_no_sql_and_no_saleor_call(client, fake_saleor, django_assert_num_queries,
                                                                count):
    # given `count` products and the page seen once
    vendor = make_vendor("HTX Nông sản Nhân Cơ")
    for n in range(count):
        make_listing(f"Cà phê {n:02d}", vendor=vendor)
    publish(fake_saleor)
    client.get("/search", {"q": "ca phe"})
    calls = saleor_calls(fake_saleor)
    # when it is shown again
    with django_assert_num_queries(0):
        response = client.get("/search", {"q": "ca phe"})
    # then nothing was asked of PostgreSQL or Saleor
    assert len(titles(response)) == count
    assert saleor_calls(fake_saleor) == calls


def cold_queries(client, path: str, params: dict | None = None) -> int:
    cache.clear()
    with CaptureQueriesContext(db_connection) as queries:
        assert client.get(path, params or {}).status_code == 200
    return len(queries)


def test_a_cold_page_costs_the_same_sql_for_1_and_24_products(client, fake_saleor):
    # given one product, then 24
    vendor = make_vendor("HTX Nông sản Nhân Cơ")
    make_listing("Cà phê 00", vendor=vendor)
    publish(fake_saleor)
    one = {path: cold_queries(client, path) for path in ("/search", "/", f"/nha-san-xuat/{vendor.producer_id}/")}
    for n in range(1, 24):
        make_listing(f"Cà phê {n:02d}", vendor=vendor)
    publish(fake_saleor)
    calls = saleor_calls(fake_saleor)
    many = {path: cold_queries(client, path) for path in one}
    # then each page costs a constant number of queries, and no Saleor call
    assert many == one
    assert one == {"/search": 3, "/": 4, f"/nha-san-xuat/{vendor.producer_id}/": 2}
    assert saleor_calls(fake_saleor) == calls


def test_home_shows_groups_newest_and_an_area_showcase(client, assorted):
    # when the home page is shown
    page = client.get("/").content.decode()
    # then the six groups with counts, the area showcase of the former Đắk R'Lấp district, and room for events
    assert page.count('class="group card"') == 6
    assert "Đồ uống<br><span class=\"en\">Beverages · 2 sản phẩm</span>" in page
    assert "Gian hàng Huyện Đắk R&#x27;Lấp" in page
    assert 'id="live-events"' in page and 'id="campaigns"' in page
    assert "Mới được công nhận" in page


def test_an_empty_shop_says_so(client, fake_saleor):
    page = client.get("/").content.decode()
    assert "Chưa có sản phẩm nào đang bán." in page


def test_a_certificate_past_its_last_day_drops_out_before_the_sweep(client, assorted):
    # given the catalogue row of a product whose certificate ended yesterday (the nightly sweep has not run)
    from datetime import timedelta

    from django.utils import timezone

    CatalogueProduct.objects.filter(listing=assorted["a"]).update(valid_until=timezone.localdate() - timedelta(days=1))
    # when the catalogue is shown
    # then it is not there
    assert "Cà phê Đắk R'Lấp" not in titles(client.get("/search"))


def cached_search_pages() -> int:
    client = cache._cache.get_client(write=False)
    return len(client.keys(cache.make_key("catalogue:versioned:html:search:*")))


def test_junk_parameters_share_one_cached_page_and_stay_out_of_its_links(client, fake_saleor):
    # given 25 products, two pages
    vendor = make_vendor("HTX Nông sản Nhân Cơ")
    for n in range(25):
        make_listing(f"Cà phê {n:02d}", vendor=vendor)
    publish(fake_saleor)
    # when the same search is asked with two different junk parameters
    first = client.get("/search", {"sort": "stars", "x": "a1", "q": "ca phe"})
    second = client.get("/search", {"q": "ca phe", "sort": "stars", "utm_source": "b2"})
    # then one page is cached and its link to the next page carries only the filters
    assert cached_search_pages() == 1
    assert first.content == second.content
    assert '<a href="?q=ca+phe&amp;sort=stars&page=2">Trang sau ›</a>' in first.content.decode()


@pytest.mark.parametrize("filters", [
    CatalogueFilters(),
    CatalogueFilters(q="cà phê & mật ong", star_level=4, product_group="beverages", province_code="68", area="Đắk R'Lấp",
                     commune_code="24611", producer_id=7, price_min=0, price_max=200_000, in_stock=True,
                     sort="stars"),
])
def test_the_links_query_string_reads_back_as_the_same_filters(filters):
    from django.http import QueryDict

    from marketplace.shop.views import filters_from, query_string

    assert filters_from(QueryDict(query_string(filters))) == filters
