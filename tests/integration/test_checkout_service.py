"""The cart and checkout service (storefront_adapter.checkout) against the FakeSaleor:
Saleor's refusals reach the buyer in Vietnamese, bad input changes nothing, completion
goes through the admission count and gives the hold back when Saleor does not complete."""
from __future__ import annotations

import pytest
from django.utils import timezone

from storefront_adapter import checkout as service
from storefront_adapter.checkout import CheckoutError
from storefront_adapter.fake_saleor.checkout import shipping_method
from storefront_adapter.models import CheckoutHold
from tests.integration.shop import (
    HA_NOI_COMMUNE,
    address,
    mirror_listings,
    on_sale,
    saleor_variant,
)
from vendors.listings.models import Variant
from vendors.registry.services import certificate_revoke

pytestmark = pytest.mark.django_db


def ready_cart(fake, listing, quantity=2) -> str:
    mirror_listings(fake)
    checkout_id = service.checkout_line_add(checkout_id=None, variant_id=saleor_variant(fake, listing).id,
                                            quantity=quantity)
    service.checkout_contact_set(checkout_id=checkout_id, email="lan@example.vn", address=address())
    service.checkout_delivery_set(checkout_id=checkout_id, shipping_method_id=shipping_method(fake)["id"])
    return checkout_id


def test_a_cart_is_made_on_first_add_and_adding_again_raises_the_quantity(fake_saleor):
    # given a listing on sale in Saleor
    listing = on_sale(stock=10)
    mirror_listings(fake_saleor)
    variant_id = saleor_variant(fake_saleor, listing).id
    # when the buyer adds 2 and then 3
    checkout_id = service.checkout_line_add(checkout_id=None, variant_id=variant_id, quantity="2")
    same = service.checkout_line_add(checkout_id=checkout_id, variant_id=variant_id, quantity=3)
    # then one cart with one line of 5 at Saleor's price
    cart = service.checkout_get(checkout_id=checkout_id)
    assert same == checkout_id
    assert [(line.product_name, line.quantity, line.unit_price, line.total_price, line.our_variant_id)
            for line in cart.lines] == [(listing.title, 5, 120_000, 600_000, listing.variants.get().pk)]
    assert (cart.subtotal, cart.shipping_price, cart.total, cart.shipping_options) == (600_000, 0, 600_000, ())


@pytest.mark.parametrize(("quantity", "message"), [
    (0, "Số lượng phải từ 1 trở lên; để bỏ sản phẩm khỏi giỏ, bấm “Xoá”."),
    (-3, "Số lượng phải từ 1 trở lên; để bỏ sản phẩm khỏi giỏ, bấm “Xoá”."),
    ("hai", "Số lượng phải là một số nguyên."),
])
def test_a_bad_quantity_is_refused_before_saleor_is_asked(fake_saleor, quantity, message):
    listing = on_sale()
    mirror_listings(fake_saleor)
    with pytest.raises(CheckoutError) as refused:
        service.checkout_line_add(checkout_id=None, variant_id=saleor_variant(fake_saleor, listing).id,
                                  quantity=quantity)
    assert refused.value.message_vi == message
    assert fake_saleor.requests == []


def test_more_than_saleor_has_is_refused_in_vietnamese_and_the_cart_is_unchanged(fake_saleor):
    # given a cart with 2 of a variant that has 3
    listing = on_sale(stock=3)
    mirror_listings(fake_saleor)
    variant_id = saleor_variant(fake_saleor, listing).id
    checkout_id = service.checkout_line_add(checkout_id=None, variant_id=variant_id, quantity=2)
    # when the buyer adds 2 more
    with pytest.raises(CheckoutError) as refused:
        service.checkout_line_add(checkout_id=checkout_id, variant_id=variant_id, quantity=2)
    # then Saleor's INSUFFICIENT_STOCK reads in Vietnamese, naming the product, and the line stays 2
    assert refused.value.code == "INSUFFICIENT_STOCK"
    assert refused.value.message_vi == f"“{listing.title} – Hộp 250 g” không còn đủ hàng cho số lượng bạn chọn."
    assert [line.quantity for line in service.checkout_get(checkout_id=checkout_id).lines] == [2]


def test_the_per_customer_limit_is_refused_with_the_limit(fake_saleor):
    listing = on_sale(stock=50)
    mirror_listings(fake_saleor)
    variant = saleor_variant(fake_saleor, listing)
    variant.limit_per_customer = 2
    checkout_id = service.checkout_line_add(checkout_id=None, variant_id=variant.id, quantity=1)
    line_id = service.checkout_get(checkout_id=checkout_id).lines[0].id
    with pytest.raises(CheckoutError) as refused:
        service.checkout_line_quantity_set(checkout_id=checkout_id, line_id=line_id, quantity=3)
    assert refused.value.code == "QUANTITY_GREATER_THAN_LIMIT"
    assert refused.value.message_vi == (
        f"“{listing.title} – Hộp 250 g”: mỗi khách chỉ được mua tối đa 2 theo giới hạn của gian hàng.")
    assert [line.quantity for line in service.checkout_get(checkout_id=checkout_id).lines] == [1]


def test_a_forged_variant_id_is_refused(fake_saleor):
    on_sale()
    mirror_listings(fake_saleor)
    for forged in ("UHJvZHVjdFZhcmlhbnQ6OTk5OQ==", "not-an-id"):
        with pytest.raises(CheckoutError) as refused:
            service.checkout_line_add(checkout_id=None, variant_id=forged, quantity=1)
        assert refused.value.message_vi == "Sản phẩm này không có trên sàn."
    assert fake_saleor.table("checkouts") == {}


def test_a_line_of_another_buyers_cart_cannot_be_changed_or_removed(fake_saleor):
    # given two buyers' carts
    listing = on_sale()
    mirror_listings(fake_saleor)
    variant_id = saleor_variant(fake_saleor, listing).id
    mine = service.checkout_line_add(checkout_id=None, variant_id=variant_id, quantity=1)
    theirs = service.checkout_line_add(checkout_id=None, variant_id=variant_id, quantity=4)
    their_line = service.checkout_get(checkout_id=theirs).lines[0].id
    # when I name their line with my cart
    for attempt in (lambda: service.checkout_line_quantity_set(checkout_id=mine, line_id=their_line, quantity=1),
                    lambda: service.checkout_line_remove(checkout_id=mine, line_id=their_line)):
        with pytest.raises(CheckoutError) as refused:
            attempt()
        assert refused.value.message_vi == "Dòng hàng này không có trong giỏ của bạn."
    # then their line is as it was
    assert [line.quantity for line in service.checkout_get(checkout_id=theirs).lines] == [4]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"phone": "12345"}, ("Số điện thoại không hợp lệ: nhập số di động 10 chữ số (ví dụ 0912 345 678) "
                         "hoặc số cố định có mã vùng.")),
    ({"phone": "0112345678"}, ("Số điện thoại không hợp lệ: nhập số di động 10 chữ số (ví dụ 0912 345 678) "
                              "hoặc số cố định có mã vùng.")),
    ({"commune_code": HA_NOI_COMMUNE.code}, "Hãy chọn xã/phường thuộc Tỉnh Lâm Đồng."),
    ({"province_code": "99"}, "Hãy chọn tỉnh/thành phố."),
    ({"street": "  "}, "Hãy nhập số nhà, tên đường, thôn/ấp."),
])
def test_a_bad_address_is_refused_and_saleor_is_not_asked(fake_saleor, overrides, message):
    listing = on_sale()
    mirror_listings(fake_saleor)
    checkout_id = service.checkout_line_add(checkout_id=None, variant_id=saleor_variant(fake_saleor, listing).id,
                                            quantity=1)
    sent = len(fake_saleor.requests)
    with pytest.raises(CheckoutError) as refused:
        service.checkout_contact_set(checkout_id=checkout_id, email="lan@example.vn", address=address(**overrides))
    assert refused.value.message_vi == message
    assert len(fake_saleor.requests) == sent
    assert fake_saleor.table("checkouts")[checkout_id]["shipping_address"] is None


@pytest.mark.parametrize("phone", ["0912345678", "+84 912 345 678", "84912345678", "091.234.5678"])
def test_phones_are_sent_to_saleor_as_e164(phone):
    assert service.phone_e164(phone) == "+84912345678"


def test_the_address_goes_to_saleor_in_todays_units_and_the_standard_shipping_is_offered(fake_saleor):
    listing = on_sale()
    mirror_listings(fake_saleor)
    checkout_id = service.checkout_line_add(checkout_id=None, variant_id=saleor_variant(fake_saleor, listing).id,
                                            quantity=1)
    cart = service.checkout_contact_set(checkout_id=checkout_id, email="lan@example.vn", address=address())
    [call] = fake_saleor.calls("CheckoutShippingAddressUpdate")
    assert call.variables["address"] == {
        "firstName": "Nguyễn Thị Lan", "lastName": "", "streetAddress1": "Thôn 3, đường Nguyễn Tất Thành",
        "city": "Xã Kiến Đức", "countryArea": "Lâm Đồng", "country": "VN", "phone": "+84912345678"}
    assert [(o.name, o.price) for o in cart.shipping_options] == [("Giao hàng tiêu chuẩn", 30_000)]
    assert cart.email == "lan@example.vn"


def test_completion_takes_our_stock_then_saleor_makes_the_order(fake_saleor):
    # given a ready cart of 2 from a variant with 5
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, quantity=2)
    # when the buyer places the order
    order = service.checkout_complete(checkout_id=checkout_id)
    # then Saleor has the order, our stock is 3 and the hold is completed with the order's id
    assert (order.number, order.email, order.total) == ("1", "lan@example.vn", 270_000)
    assert Variant.objects.get(listing=listing).stock == 3
    hold = CheckoutHold.objects.get()
    assert (hold.checkout_id, hold.state, hold.order_id, hold.lines) == (
        checkout_id, "completed", order.id, [[listing.variants.get().pk, 2]])
    assert saleor_variant(fake_saleor, listing).allocated == 2
    assert service.checkout_get(checkout_id=checkout_id) is None


def test_sold_out_at_admission_says_which_item_and_orders_nothing(fake_saleor):
    # given a ready cart of 2 while only 1 is left in our count
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, quantity=2)
    Variant.objects.filter(listing=listing).update(stock=1)
    # when the buyer places the order
    with pytest.raises(CheckoutError) as refused:
        service.checkout_complete(checkout_id=checkout_id)
    # then they are told at once, Saleor was not asked to complete, nothing was taken
    assert refused.value.message_vi == (
        f"“{listing.title} – Hộp 250 g” chỉ còn 1, không đủ 2 như trong giỏ. Chưa có gì được đặt.")
    assert fake_saleor.calls("CheckoutComplete") == []
    assert Variant.objects.get(listing=listing).stock == 1
    assert CheckoutHold.objects.count() == 0


def test_a_completion_saleor_refuses_gives_the_hold_back(fake_saleor):
    # given a ready cart of 2, and Saleor that has less than our count (its stock drifted)
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, quantity=2)
    saleor_variant(fake_saleor, listing).quantity = 1
    # when the buyer places the order
    with pytest.raises(CheckoutError) as refused:
        service.checkout_complete(checkout_id=checkout_id)
    # then Saleor refused, our 2 came back and the hold says released
    assert refused.value.code == "INSUFFICIENT_STOCK"
    assert Variant.objects.get(listing=listing).stock == 5
    assert CheckoutHold.objects.get().state == "released"
    # and once Saleor has the stock again, the same cart goes through
    saleor_variant(fake_saleor, listing).quantity = 5
    service.checkout_complete(checkout_id=checkout_id)
    assert Variant.objects.get(listing=listing).stock == 3


def test_a_line_whose_certificate_was_revoked_since_it_was_added_is_refused_with_the_reason(fake_saleor):
    # given a ready cart from a listing whose certificate was revoked afterwards
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing)
    today = timezone.localdate()
    certificate_revoke(certificate=listing.certificate, revoked_on=today, reason="Vi phạm chất lượng",
                       actor=None, source="test", today=today)
    # when the buyer places the order
    with pytest.raises(CheckoutError) as refused:
        service.checkout_complete(checkout_id=checkout_id)
    # then the reason is given and nothing is taken or ordered
    assert refused.value.message_vi == (
        f"Không thể đặt hàng. “{listing.title}”: Giấy chứng nhận OCOP đã bị thu hồi ngày {today:%d/%m/%Y}. "
        "Lý do thu hồi: Vi phạm chất lượng. Hãy bỏ sản phẩm này khỏi giỏ.")
    assert (Variant.objects.get(listing=listing).stock, CheckoutHold.objects.count()) == (5, 0)
    assert fake_saleor.calls("CheckoutComplete") == []


def test_a_cart_not_ready_is_told_what_is_missing(fake_saleor):
    listing = on_sale()
    mirror_listings(fake_saleor)
    checkout_id = service.checkout_line_add(checkout_id=None, variant_id=saleor_variant(fake_saleor, listing).id,
                                            quantity=1)
    with pytest.raises(CheckoutError) as refused:
        service.checkout_complete(checkout_id=checkout_id)
    assert refused.value.message_vi == "Hãy nhập email hợp lệ để nhận xác nhận đơn hàng."
    with pytest.raises(CheckoutError) as refused:
        service.checkout_complete(checkout_id=None)
    assert refused.value.message_vi == "Giỏ hàng đang trống."


def test_a_card_hold_not_completed_in_time_is_given_back_by_the_beat_task(fake_saleor):
    # given a cart admitted for a card payment (hold of 2 for 15 minutes) that was abandoned
    from datetime import timedelta

    from storefront_adapter.order_tasks import release_expired_holds

    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, quantity=2)
    service.checkout_admit(checkout_id=checkout_id, minutes=15)
    assert Variant.objects.get(listing=listing).stock == 3
    # when the beat task runs before and after the 15 minutes
    assert release_expired_holds() == 0
    CheckoutHold.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert release_expired_holds() == 1
    # then the 2 are back on sale once, and the buyer can still complete later if stock allows
    assert release_expired_holds() == 0
    assert (Variant.objects.get(listing=listing).stock, CheckoutHold.objects.get().state) == (5, "released")
    service.checkout_complete(checkout_id=checkout_id)
    assert Variant.objects.get(listing=listing).stock == 3


def test_admitting_the_same_cart_twice_takes_once(fake_saleor):
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, quantity=2)
    service.checkout_admit(checkout_id=checkout_id)
    service.checkout_admit(checkout_id=checkout_id)
    assert Variant.objects.get(listing=listing).stock == 3
    service.checkout_complete(checkout_id=checkout_id)
    assert Variant.objects.get(listing=listing).stock == 3


def test_a_completion_that_reused_a_hold_does_not_give_it_back(fake_saleor):
    # given a cart admitted by another request (a card payment start, or a first "Đặt hàng")
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, quantity=2)
    service.checkout_admit(checkout_id=checkout_id)
    # when a completion reusing that hold is refused by Saleor
    saleor_variant(fake_saleor, listing).quantity = 0
    with pytest.raises(CheckoutError):
        service.checkout_complete(checkout_id=checkout_id)
    # then the hold stays with its taker (given back by it, or by the expiry), not twice
    assert Variant.objects.get(listing=listing).stock == 3
    assert CheckoutHold.objects.get().state == "held"


def test_saleor_failing_inside_during_completion_gives_the_hold_back_and_says_try_again(fake_saleor, monkeypatch):
    # given a ready cart, and Saleor failing inside (its database out of connections in a rush)
    from storefront_adapter import fake_saleor as fake_module
    from storefront_adapter.fake_saleor import FakeGraphQLError

    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, quantity=2)

    def failing(fake, variables):
        raise FakeGraphQLError("Internal Server Error", "OperationalError")

    monkeypatch.setitem(fake_module._HANDLERS, "CheckoutComplete", failing)
    # when the buyer places the order
    with pytest.raises(CheckoutError) as refused:
        service.checkout_complete(checkout_id=checkout_id)
    # then they are told to try again, and the 2 are back
    assert (refused.value.code, refused.value.message_vi) == (
        "UNAVAILABLE", "Sàn đang bận nên chưa thực hiện được; chưa có gì thay đổi. Hãy thử lại sau ít phút.")
    assert (Variant.objects.get(listing=listing).stock, CheckoutHold.objects.get().state) == (5, "released")


def test_a_repeated_completion_gets_the_order_saleor_made(fake_saleor):
    # given a cart admitted, whose completion reached Saleor but whose answer was lost
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, quantity=2)
    cart, _ = service.checkout_admit(checkout_id=checkout_id)
    from storefront_adapter.connection import saleor_client

    made = saleor_client().execute("CheckoutComplete", {"id": checkout_id})["checkoutComplete"]["order"]
    # when the completion is sent again (Saleor answers a completed checkout with its order)
    again = saleor_client().execute("CheckoutComplete", {"id": checkout_id})["checkoutComplete"]
    # then it is the same order, and no second one was made
    assert (again["order"]["id"], again["errors"], len(fake_saleor.table("orders"))) == (made["id"], [], 1)


def limited(stock=20, limit=2):
    listing = on_sale(title="Cà phê giới hạn", stock=stock)
    Variant.objects.filter(listing=listing).update(limit_per_customer=limit)
    return listing


def test_a_guest_cannot_pass_the_per_customer_limit_with_a_second_order(fake_saleor):
    # given a variant limited to 2 per buyer, and a guest who ordered 2 already
    listing = limited(limit=2)
    service.checkout_complete(checkout_id=ready_cart(fake_saleor, listing, quantity=2))
    # when the same email (in other letter case) orders 1 more in a new cart
    second = ready_cart(fake_saleor, listing, quantity=1)
    service.checkout_contact_set(checkout_id=second, email="LAN@example.vn", address=address())
    with pytest.raises(CheckoutError) as refused:
        service.checkout_complete(checkout_id=second)
    # then it is refused with what is left to them, and nothing is taken
    assert (refused.value.code, refused.value.message_vi) == ("LIMIT_PER_CUSTOMER",
        "Mỗi khách chỉ được mua tối đa 2 “Cà phê giới hạn – Hộp 250 g”; email này đã đặt 2, nên lần này chỉ "
        "còn được 0. Chưa có gì được đặt.")
    assert Variant.objects.get(listing=listing).stock == 18
    assert len(fake_saleor.table("orders")) == 1


def test_another_buyer_and_a_cancelled_order_do_not_count_against_the_limit(fake_saleor):
    listing = limited(limit=2)
    first = ready_cart(fake_saleor, listing, quantity=2)
    service.checkout_complete(checkout_id=first)
    # given the first order was cancelled (its hold marked so by ORDER_CANCELLED)
    from storefront_adapter.models import CheckoutHold
    CheckoutHold.objects.filter(checkout_id=first).update(state="cancelled")
    # when the same buyer orders 2 again, and another buyer 2
    again = ready_cart(fake_saleor, listing, quantity=2)
    service.checkout_complete(checkout_id=again)
    other = ready_cart(fake_saleor, listing, quantity=2)
    service.checkout_contact_set(checkout_id=other, email="minh@example.vn", address=address())
    service.checkout_complete(checkout_id=other)
    # then both are placed
    assert len(fake_saleor.table("orders")) == 3
