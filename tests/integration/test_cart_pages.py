"""The cart, checkout and order pages against the FakeSaleor: one cart across producers
kept in the session, quantities with clear messages, a guest checkout in today's units,
cash on delivery, the confirmation email and the order page per producer."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.cart.selectors import order_token
from storefront_adapter.fake_saleor.orders import fulfil
from storefront_adapter.models import CheckoutHold
from tests.integration.shop import (
    HA_NOI_COMMUNE,
    KIEN_DUC,
    LAM_DONG,
    mirror_listings,
    on_sale,
    saleor_variant,
)
from vendors.listings.models import Variant
from vendors.registry.services import certificate_revoke

pytestmark = pytest.mark.django_db

CHECKOUT_FORM = {"email": "Lan@Example.vn", "phone": "0912 345 678", "full_name": "Nguyễn Thị Lan",
                 "province": LAM_DONG.code, "commune": KIEN_DUC.code, "street": "Thôn 3, đường Nguyễn Tất Thành",
                 "payment": "cod"}


def two_producers(fake):
    coffee = on_sale("HTX Cà phê Đạo Nghĩa", title="Cà phê bột Đạo Nghĩa", price=120_000, stock=10)
    honey = on_sale("HTX Mật ong Tây Nguyên", title="Mật ong hoa cà phê", price=95_000, stock=4)
    mirror_listings(fake)
    return coffee, honey


def add(client, fake, listing, quantity=1, next_="/gio-hang/", follow=True):
    return client.post("/gio-hang/them/", {"variant": saleor_variant(fake, listing).id, "quantity": quantity,
                                           "next": next_}, follow=follow)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_one_cart_across_two_producers_grouped_with_subtotals_survives_a_reload(client, fake_saleor):
    coffee, honey = two_producers(fake_saleor)
    # when the buyer adds 2 coffee and 1 honey from product pages
    response = add(client, fake_saleor, coffee, 2, next_="/san-pham/ca-phe/", follow=False)
    assert (response.status_code, response["Location"]) == (302, "/san-pham/ca-phe/")
    add(client, fake_saleor, honey, 1)
    # then the cart page groups the lines by producer with their subtotals, in đồng
    first = client.get("/gio-hang/")
    again = client.get("/gio-hang/")
    for page in (first, again):
        parts = [(p.vendor_name, [(line.product_name, line.quantity) for line, _ in p.lines], p.subtotal)
                 for p in page.context["parts"]]
        assert parts == [("HTX Cà phê Đạo Nghĩa", [("Cà phê bột Đạo Nghĩa", 2)], 240_000),
                         ("HTX Mật ong Tây Nguyên", [("Mật ong hoa cà phê", 1)], 95_000)]
    html = again.content.decode()
    assert "240.000 ₫" in html and "335.000 ₫" in html
    assert 'data-cart-count="3"' in html
    assert len(fake_saleor.table("checkouts")) == 1


def test_an_add_with_a_bad_quantity_or_a_forged_variant_says_why_and_adds_nothing(client, fake_saleor):
    coffee, _ = two_producers(fake_saleor)
    for data, message in [
        ({"variant": saleor_variant(fake_saleor, coffee).id, "quantity": "0"},
         "Số lượng phải từ 1 trở lên; để bỏ sản phẩm khỏi giỏ, bấm “Xoá”."),
        # (on the product page the buyer knows which; in the cart the product is named)
        ({"variant": saleor_variant(fake_saleor, coffee).id, "quantity": "11"},
         "Sản phẩm này không còn đủ hàng cho số lượng bạn chọn."),
        ({"variant": "UHJvZHVjdFZhcmlhbnQ6OTk5OQ==", "quantity": "1"}, "Sản phẩm này không có trên sàn."),
    ]:
        response = client.post("/gio-hang/them/", {**data, "next": "https://evil.example.com/"}, follow=True)
        assert response.redirect_chain == [("/gio-hang/", 302)]  # never off the site
        assert messages_of(response) == [message]
    assert fake_saleor.table("checkouts") == {}


def test_quantities_are_edited_with_clear_messages_and_lines_removed(client, fake_saleor):
    coffee, honey = two_producers(fake_saleor)
    add(client, fake_saleor, coffee, 1)
    add(client, fake_saleor, honey, 1)
    line = client.get("/gio-hang/").context["cart"].lines[1]
    url = reverse("cart:line", args=[line.id])
    # over the stock of 4, and negative: refused, unchanged
    response = client.post(url, {"quantity": "5"}, follow=True)
    assert messages_of(response) == ["“Mật ong hoa cà phê – Hộp 250 g” không còn đủ hàng cho số lượng bạn chọn."]
    response = client.post(url, {"quantity": "-1"}, follow=True)
    assert messages_of(response) == ["Số lượng phải từ 1 trở lên; để bỏ sản phẩm khỏi giỏ, bấm “Xoá”."]
    assert [ln.quantity for ln in response.context["cart"].lines] == [1, 1]
    # within: changed; then removed
    response = client.post(url, {"quantity": "3"}, follow=True)
    assert [ln.quantity for ln in response.context["cart"].lines] == [1, 3]
    response = client.post(url, {"action": "remove"}, follow=True)
    assert messages_of(response) == ["Đã bỏ sản phẩm khỏi giỏ."]
    assert [ln.product_name for ln in response.context["cart"].lines] == ["Cà phê bột Đạo Nghĩa"]


def test_another_buyers_line_cannot_be_touched_from_my_session(client, fake_saleor):
    from django.test import Client

    coffee, _ = two_producers(fake_saleor)
    other = Client()
    add(other, fake_saleor, coffee, 4)
    their_line = other.get("/gio-hang/").context["cart"].lines[0].id
    add(client, fake_saleor, coffee, 1)
    for data in ({"quantity": "1"}, {"action": "remove"}):
        response = client.post(reverse("cart:line", args=[their_line]), data, follow=True)
        assert messages_of(response) == ["Dòng hàng này không có trong giỏ của bạn."]
    assert [ln.quantity for ln in other.get("/gio-hang/").context["cart"].lines] == [4]


def test_a_line_whose_certificate_lapsed_shows_why_and_cannot_be_checked_out(client, fake_saleor):
    coffee, honey = two_producers(fake_saleor)
    add(client, fake_saleor, coffee, 1)
    add(client, fake_saleor, honey, 1)
    today = timezone.localdate()
    certificate_revoke(certificate=honey.certificate, revoked_on=today, reason="Vi phạm chất lượng", actor=None,
                       source="test", today=today)
    response = client.get("/gio-hang/")
    html = response.content.decode()
    assert (f"Không đặt được: Giấy chứng nhận OCOP đã bị thu hồi ngày {today:%d/%m/%Y}. "
            "Lý do thu hồi: Vi phạm chất lượng") in html
    assert 'id="to-checkout"' not in html
    # and posting the checkout anyway orders nothing
    response = client.post("/thanh-toan/", CHECKOUT_FORM)
    assert response.status_code == 200
    assert "Không thể đặt hàng. “Mật ong hoa cà phê”: Giấy chứng nhận OCOP đã bị thu hồi" in \
        " ".join(response.context["form"].non_field_errors())
    assert fake_saleor.table("orders") == {}


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, fake_saleor):
    response = client.get("/thanh-toan/", follow=True)
    assert response.redirect_chain == [("/gio-hang/", 302)]
    assert messages_of(response) == ["Giỏ hàng đang trống."]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("phone", "12345", ("Số điện thoại không hợp lệ: nhập số di động 10 chữ số (ví dụ 0912 345 678) "
                       "hoặc số cố định có mã vùng.")),
    ("commune", HA_NOI_COMMUNE.code, "Hãy chọn xã/phường thuộc Tỉnh Lâm Đồng."),
    ("email", "lan@", "Hãy nhập email hợp lệ để nhận xác nhận đơn hàng."),
    ("province", "", "Chọn tỉnh/thành phố."),
])
def test_a_bad_checkout_form_says_why_on_its_field_and_changes_nothing(client, fake_saleor, field, value, message):
    coffee, _ = two_producers(fake_saleor)
    add(client, fake_saleor, coffee, 1)
    response = client.post("/thanh-toan/", {**CHECKOUT_FORM, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    [checkout] = fake_saleor.table("checkouts").values()
    assert (checkout["email"], checkout["shipping_address"], fake_saleor.table("orders")) == (None, None, {})


def test_cash_on_delivery_places_the_order_emails_the_link_and_the_order_page_shows_each_producer(
        client, fake_saleor, mailoutbox, django_capture_on_commit_callbacks):
    coffee, honey = two_producers(fake_saleor)
    add(client, fake_saleor, coffee, 2)
    add(client, fake_saleor, honey, 1)
    page = client.get("/thanh-toan/")
    assert len(page.context["form"].fields["province"].widget.choices) == 35  # 34 provinces and the prompt
    # when the guest checks out with cash on delivery
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/thanh-toan/", CHECKOUT_FORM)
    # then the order is placed and the buyer lands on its page
    [order] = fake_saleor.table("orders").values()
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:order", args=[order_token(order["id"])])
    assert [(Variant.objects.get(listing=x).stock) for x in (coffee, honey)] == [8, 3]
    assert CheckoutHold.objects.get().state == "completed"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert [(p.vendor_name, p.subtotal, p.status_vi) for p in page.context["parts"]] == [
        ("HTX Cà phê Đạo Nghĩa", 240_000, "Chờ xác nhận"), ("HTX Mật ong Tây Nguyên", 95_000, "Chờ xác nhận")]
    assert "Cảm ơn bạn! Đơn hàng #1 đã được đặt. Xác nhận đã gửi tới lan@example.vn." in html
    assert "365.000 ₫" in html and "Thanh toán khi nhận hàng (COD)" in html and "Xã Kiến Đức" in html
    # and the cart is empty again
    assert client.get("/gio-hang/").context["cart"] is None
    # and the confirmation email carries the order's link and both producers' parts
    [mail] = mailoutbox
    assert (mail.to, mail.subject) == (["lan@example.vn"], "Sàn OCOP: đã nhận đơn hàng #1")
    link = re.search(r"https://ocop\.example\.vn(/don-hang/\S+/)", mail.body).group(1)
    assert link == response["Location"]
    assert "HTX Mật ong Tây Nguyên:" in mail.body and "Tổng cộng: 365.000 ₫" in mail.body


def test_sold_out_at_admission_is_told_at_once_and_nothing_is_ordered(client, fake_saleor):
    coffee, honey = two_producers(fake_saleor)
    add(client, fake_saleor, coffee, 1)
    add(client, fake_saleor, honey, 2)
    Variant.objects.filter(listing=honey).update(stock=0)  # the last ones went to another buyer meanwhile
    response = client.post("/thanh-toan/", CHECKOUT_FORM)
    assert response.context["form"].non_field_errors() == [
        "“Mật ong hoa cà phê – Hộp 250 g” đã hết hàng. Chưa có gì được đặt."]
    assert fake_saleor.table("orders") == {}
    assert Variant.objects.get(listing=coffee).stock == 10


def placed_order(client, fake) -> dict:
    coffee, honey = two_producers(fake)
    add(client, fake, coffee, 2)
    add(client, fake, honey, 1)
    client.post("/thanh-toan/", CHECKOUT_FORM)
    [order] = fake.table("orders").values()
    return order


def test_the_order_page_shows_each_producers_part_status_from_fulfilments(client, fake_saleor):
    order = placed_order(client, fake_saleor)
    coffee_line = order["lines"][0]["id"]
    fulfil(fake_saleor, order["id"], [coffee_line])
    page = client.get(reverse("cart:order", args=[order_token(order["id"])]))
    assert [(p.vendor_name, p.status_vi) for p in page.context["parts"]] == [
        ("HTX Cà phê Đạo Nghĩa", "Đã gửi hàng"), ("HTX Mật ong Tây Nguyên", "Đang chuẩn bị hàng")]
    assert page.context["status_vi"] == "Đã gửi một phần"


@pytest.mark.parametrize("token", ["abc", "T3JkZXI6MQ", None])
def test_a_forged_or_tampered_order_link_is_not_found(client, fake_saleor, token):
    order = placed_order(client, fake_saleor)
    token = token or order_token(order["id"])[:-2] + "xx"
    assert client.get(f"/don-hang/{token}/").status_code == 404


def test_an_order_is_found_by_email_and_number_only_both_matching(client, fake_saleor):
    order = placed_order(client, fake_saleor)
    other = client.__class__()
    response = other.post("/don-hang/tra-cuu/", {"email": "LAN@example.vn ", "number": order["number"]})
    assert response["Location"] == reverse("cart:order", args=[order_token(order["id"])])
    for data in ({"email": "khac@example.vn", "number": order["number"]}, {"email": "lan@example.vn", "number": "2"}):
        response = other.post("/don-hang/tra-cuu/", data)
        assert response.context["form"].non_field_errors() == [
            "Không tìm thấy đơn hàng với email và mã đơn này. Kiểm tra lại email xác nhận đơn hàng."]
    response = other.post("/don-hang/tra-cuu/", {"email": "lan@example.vn", "number": "x"})
    assert response.context["form"].errors["number"] == ["Mã đơn hàng là một số."]


def queries_for_cart_page(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/gio-hang/").status_code == 200
    return len(queries)


def test_the_cart_page_costs_the_same_queries_for_one_line_and_for_many(client, fake_saleor):
    # given one line, then five lines of five producers
    listings = [on_sale(f"HTX số {n}", title=f"Sản phẩm {n}", stock=5) for n in range(5)]
    mirror_listings(fake_saleor)
    add(client, fake_saleor, listings[0])
    one = queries_for_cart_page(client)
    for listing in listings[1:]:
        add(client, fake_saleor, listing)
    many = queries_for_cart_page(client)
    # then the page reads our database as often for 5 lines as for 1, and asks Saleor once
    assert one == many
    calls = len(fake_saleor.requests)
    client.get("/gio-hang/")
    assert len(fake_saleor.requests) - calls == 1


def test_a_busy_saleor_is_told_on_the_cart_page_and_the_cart_is_kept(client, fake_saleor, monkeypatch):
    from storefront_adapter import fake_saleor as fake_module
    from storefront_adapter.fake_saleor import FakeGraphQLError

    coffee, _ = two_producers(fake_saleor)
    add(client, fake_saleor, coffee, 1)

    def failing(fake, variables):
        raise FakeGraphQLError("Internal Server Error", "OperationalError")

    with monkeypatch.context() as patch:
        patch.setitem(fake_module._HANDLERS, "Checkout", failing)
        response = client.get("/gio-hang/")
        assert messages_of(response) == [
            "Sàn đang bận nên chưa thực hiện được; chưa có gì thay đổi. Hãy thử lại sau ít phút."]
    assert [ln.quantity for ln in client.get("/gio-hang/").context["cart"].lines] == [1]
