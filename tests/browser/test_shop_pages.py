"""The shop in a real browser, on a phone: a buyer finds coffee typing without diacritics,
and the card shows the stars and the certificate's validity. Saleor is a FakeSaleor in this
process (the live server's threads reach it through saleor_client())."""
from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.integration.shop_catalogue import fake_saleor, make_listing, publish  # noqa: F401

pytestmark = pytest.mark.browser


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_buyer_finds_coffee_without_diacritics_and_sees_stars_and_validity(phone_page, fake_saleor, artifacts):
    # given coffee and cashews on sale
    cache.clear()
    coffee = make_listing("Cà phê Natural Toàn Hằng", stars=4, prices=(120_000, 200_000))
    make_listing("Hạt điều rang muối", producer_name="HTX Điều Bình Phước", stars=3)
    publish(fake_saleor)
    valid_until = coffee.certificate.expires_on.strftime("%d/%m/%Y")
    page = phone_page

    # when a buyer types "ca phe" in the header's search box on the home page
    page.goto("/")
    page.fill("header input[name=q]", "ca phe")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=ca+phe*")

    # then only the coffee shows, its card with the stars, "4 sao", the validity and the price
    cards = page.locator("article.product-card")
    assert cards.locator("h3").all_inner_texts() == ["Cà phê Natural Toàn Hằng"]
    assert cards.locator(".stars").inner_text() == "★★★★"
    assert "4 sao" in cards.inner_text()
    assert f"Hiệu lực đến {valid_until}" in cards.inner_text()
    assert "120.000 ₫ – 200.000 ₫" in cards.inner_text()
    assert page.get_by_text("Hạt điều rang muối").count() == 0
    assert horizontal_overflow(page) == 0
    page.screenshot(path=artifacts / "shop-search-phone.png", full_page=True)

    # and the product page offers the variants and the certificate check
    cards.locator("h3 a").click()
    page.wait_for_url("**/san-pham/**")
    assert page.locator("form.add-to-cart input[name=variant]").count() == 2
    assert page.get_by_role("link", name="Kiểm tra giấy chứng nhận trong sổ đăng ký ›").is_visible()
    assert horizontal_overflow(page) == 0
    page.screenshot(path=artifacts / "shop-product-phone.png", full_page=True)
