"""The registry's public lookup page."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.integration.factories import make_certificate, make_producer

pytestmark = pytest.mark.django_db


def result_titles(response) -> list[str]:
    return [row.certificate.product_name for row in response.context["rows"]]


def test_search_without_diacritics_finds_vietnamese_names(client):
    make_certificate(product_name="Cà phê Natural Toàn Hằng")
    make_certificate(product_name="Hạt điều rang muối")
    assert result_titles(client.get("/registry/", {"q": "ca phe"})) == ["Cà phê Natural Toàn Hằng"]
    assert result_titles(client.get("/registry/", {"q": "HAT DIEU"})) == ["Hạt điều rang muối"]
    assert result_titles(client.get("/registry/", {"q": "Hạt điều"})) == ["Hạt điều rang muối"]


def test_search_finds_by_producer_name_without_diacritics(client):
    make_certificate(product_name="Mật ong", producer=make_producer("Hộ kinh doanh Mật ong Quảng Tín"))
    make_certificate(product_name="Tiêu đen")
    assert result_titles(client.get("/registry/", {"q": "quang tin"})) == ["Mật ong"]


def test_filters_by_stars_group_district_and_status(client):
    make_certificate(product_name="Cà phê bốn sao", star_level=4)
    make_certificate(product_name="Rượu cần", star_level=3, group="beverages", district="Huyện Krông Nô")
    make_certificate(product_name="Tiêu hết hạn", star_level=3, expires_in_days=-5)
    assert result_titles(client.get("/registry/", {"stars": "4"})) == ["Cà phê bốn sao"]
    assert result_titles(client.get("/registry/", {"group": "beverages"})) == ["Rượu cần"]
    assert result_titles(client.get("/registry/", {"district": "Huyện Krông Nô"})) == ["Rượu cần"]
    assert result_titles(client.get("/registry/", {"status": "expired"})) == ["Tiêu hết hạn"]


def test_province_filter_uses_todays_units(client):
    make_certificate(product_name="Cà phê Đắk Nông cũ", province="Tỉnh Đắk Nông")
    make_certificate(product_name="Chè Thái Nguyên", province="Tỉnh Thái Nguyên", district="")
    response = client.get("/registry/")
    lam_dong = [p for p in response.context["provinces"] if "Lâm Đồng" in p.name][0]
    assert result_titles(client.get("/registry/", {"province": lam_dong.code})) == ["Cà phê Đắk Nông cũ"]


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/registry/", params).status_code == 200
    return len(context.captured_queries)


def test_lookup_costs_the_same_queries_for_one_and_many_results(client):
    make_certificate(product_name="Cà phê số 0")
    one = count_queries(client, {})
    for index in range(1, 24):
        make_certificate(product_name=f"Cà phê số {index}", producer=make_producer(f"HTX số {index}"))
    many = count_queries(client, {})
    assert one == many
