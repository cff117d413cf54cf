"""A buyer's cart across two producers, checked out with cash on delivery in a real
browser; the FakeSaleor answers in-process as the transport of the live server. Products
are added from the shop's product pages."""
from __future__ import annotations

import pytest

from storefront_adapter.catalogue import catalogue_rebuild
from storefront_adapter.fake_saleor.mirror import mirror_listings
from storefront_adapter.models import CatalogueProduct
from tests.integration.shop import KIEN_DUC, LAM_DONG, install_fake, on_sale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_to_cart(page, listing, quantity: int) -> None:
    """From the product page: the first variant, the quantity, "Thêm vào giỏ"."""
    page.goto(f"/san-pham/{CatalogueProduct.objects.get(listing=listing).slug}/")
    page.locator("form.add-to-cart input[name=variant]").first.check()
    page.get_by_label("Số lượng").fill(str(quantity))
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.get_by_text("Đã thêm vào giỏ hàng.").wait_for()


def test_a_guest_buys_from_two_producers_with_cash_on_delivery(page, live_server, settings, monkeypatch, artifacts):
    # given two producers' products on sale in Saleor
    coffee = on_sale("HTX Cà phê Đạo Nghĩa", title="Cà phê bột Đạo Nghĩa", price=120_000, stock=10)
    honey = on_sale("HTX Mật ong Tây Nguyên", title="Mật ong hoa cà phê", price=95_000, stock=4)
    fake = install_fake(settings, monkeypatch)
    mirror_listings(fake)
    catalogue_rebuild()

    # when the buyer adds 2 coffee and 1 honey
    add_to_cart(page, coffee, 2)
    add_to_cart(page, honey, 1)
    page.get_by_role("link", name="Giỏ hàng (3)").click()
    page.wait_for_url("**/gio-hang/")

    # then the cart shows both producers with their subtotals, and the header counts 3
    parts = page.locator("section.cart-part")
    assert parts.evaluate_all("els => els.map(e => e.dataset.vendor)") == [
        "HTX Cà phê Đạo Nghĩa", "HTX Mật ong Tây Nguyên"]
    assert page.locator(".part-subtotal").all_inner_texts() == ["240.000 ₫", "95.000 ₫"]
    assert page.locator("a.cart-link").inner_text() == "Giỏ hàng (3)"
    page.reload()
    assert page.locator("section.cart-part").count() == 2

    # when they check out as a guest with an address in today's units and cash on delivery
    page.get_by_role("link", name="Thanh toán").click()
    page.wait_for_url("**/thanh-toan/")
    page.get_by_label("Email").fill("lan@example.vn")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Họ tên người nhận").fill("Nguyễn Thị Lan")
    page.get_by_label("Tỉnh/thành phố").select_option(LAM_DONG.code)
    page.locator(f"#id_commune option[value='{KIEN_DUC.code}']").wait_for(state="attached")
    page.get_by_label("Xã/phường").select_option(KIEN_DUC.code)
    page.get_by_label("Số nhà, đường, thôn/ấp").fill("Thôn 3, đường Nguyễn Tất Thành")
    assert page.get_by_label("Thanh toán khi nhận hàng (COD)").is_checked()
    page.get_by_role("button", name="Đặt hàng").click()

    # then the order page shows the two producers' parts, each being prepared, and the total
    page.wait_for_url("**/don-hang/**")
    page.screenshot(path=str(artifacts / "order-two-producers.png"), full_page=True)
    order_parts = page.locator("section.order-part")
    assert order_parts.evaluate_all("els => els.map(e => e.dataset.vendor)") == [
        "HTX Cà phê Đạo Nghĩa", "HTX Mật ong Tây Nguyên"]
    assert page.locator(".part-status").all_inner_texts() == ["Chờ xác nhận", "Chờ xác nhận"]
    assert page.locator("#order-total").inner_text() == "365.000 ₫"
    assert "Cảm ơn bạn! Đơn hàng #1 đã được đặt." in page.content()
    [order] = fake.table("orders").values()
    assert [(line["product_name"], line["quantity"]) for line in order["lines"]] == [
        ("Cà phê bột Đạo Nghĩa", 2), ("Mật ong hoa cà phê", 1)]
    assert page.locator("a.cart-link").inner_text() == "Giỏ hàng"


def test_a_guest_pays_by_card_and_the_order_is_placed_once_paid(page, live_server, settings, monkeypatch, artifacts):
    from storefront_adapter.payments import gateway
    from storefront_adapter.payments.fake_stripe import FakeStripe
    from tests.integration.payment_support import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET

    # given Stripe configured (behind its seam: no network here) and a product on sale
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = SECRET_KEY, PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    stripe_fake = FakeStripe()
    monkeypatch.setattr(gateway, "http_client_override", stripe_fake)
    honey = on_sale("HTX Mật ong Tây Nguyên", title="Mật ong hoa cà phê", price=95_000, stock=4)
    fake = install_fake(settings, monkeypatch)
    mirror_listings(fake)
    catalogue_rebuild()
    add_to_cart(page, honey, 2)

    # when the buyer checks out choosing the card
    page.goto("/thanh-toan/")
    page.get_by_label("Email").fill("lan@example.vn")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Họ tên người nhận").fill("Nguyễn Thị Lan")
    page.get_by_label("Tỉnh/thành phố").select_option(LAM_DONG.code)
    page.locator(f"#id_commune option[value='{KIEN_DUC.code}']").wait_for(state="attached")
    page.get_by_label("Xã/phường").select_option(KIEN_DUC.code)
    page.get_by_label("Số nhà, đường, thôn/ấp").fill("Thôn 3, đường Nguyễn Tất Thành")
    page.get_by_label("Thẻ (Stripe)").check()
    page.get_by_role("button", name="Đặt hàng").click()

    # then the card page asks for 220.000 ₫ (2 × 95.000 ₫ and shipping) with the PaymentIntent
    # opened through Saleor; Stripe.js cannot load on this offline machine, which the page says
    page.wait_for_url("**/thanh-toan/the/")
    assert page.locator("#card-amount").inner_text() == "220.000 ₫"
    page.get_by_text("Không tải được cổng thanh toán thẻ.", exact=False).wait_for()
    [(pi, intent)] = stripe_fake.intents.items()
    assert (intent["amount"], intent["currency"]) == (220_000, "vnd")
    assert fake.table("orders") == {}

    # when the card is charged at Stripe and Stripe.js sends the buyer back
    stripe_fake.succeed(pi)
    page.goto("/thanh-toan/the/xong/")

    # then the order is placed and paid
    page.wait_for_url("**/don-hang/**")
    page.screenshot(path=str(artifacts / "order-paid-by-card.png"), full_page=True)
    assert "Đã thanh toán" in page.content()
    assert page.locator("#order-total").inner_text() == "220.000 ₫"
    [order] = fake.table("orders").values()
    assert order["status"] == "UNFULFILLED"
