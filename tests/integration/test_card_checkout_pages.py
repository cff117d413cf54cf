"""Paying by card from the checkout page: the units are held before the card is charged,
the order is placed once Saleor counts the checkout paid, and a payment that cannot start
or fails gives the units back. Saleor is the FakeSaleor (it calls our session webhooks as
Saleor does); Stripe is FakeStripe behind the stripe library's HTTP seam."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.cart.selectors import order_token
from storefront_adapter.models import CheckoutHold
from storefront_adapter.payments.models import PaymentAttempt
from tests.integration.payment_support import (  # noqa: F401 (fixtures)
    fake_stripe,
    intent_params,
    post_stripe_event,
    stripe_keys,
)
from tests.integration.shop import fake_saleor  # noqa: F401 (fixture)
from tests.integration.test_cart_pages import CHECKOUT_FORM, add, messages_of, two_producers
from vendors.listings.models import Variant

pytestmark = pytest.mark.django_db

CARD_FORM = {**CHECKOUT_FORM, "payment": "card"}


def stocks(*listings) -> list[int]:
    return [Variant.objects.get(listing=listing).stock for listing in listings]


def start_card_payment(client, fake_saleor):
    coffee, honey = two_producers(fake_saleor)
    add(client, fake_saleor, coffee, 2)
    add(client, fake_saleor, honey, 1)
    return coffee, honey, client.post("/thanh-toan/", CARD_FORM)


def test_a_card_payment_holds_the_units_then_places_a_paid_order(
        client, fake_saleor, fake_stripe, mailoutbox, django_capture_on_commit_callbacks):
    # when the guest chooses the card at checkout
    coffee, honey, response = start_card_payment(client, fake_saleor)
    # then the units are held before any charge, and Stripe is asked for the total in whole đồng
    assert (response.status_code, response["Location"]) == (302, "/thanh-toan/the/")
    assert (CheckoutHold.objects.get().state, stocks(coffee, honey)) == ("held", [8, 3])
    [params] = intent_params(fake_stripe)
    assert (params["amount"], params["currency"]) == ("365000", "vnd")
    assert fake_saleor.table("orders") == {}
    # and the card page shows the amount and hands Stripe.js this payment's client secret
    page = client.get("/thanh-toan/the/")
    [(pi, intent)] = fake_stripe.intents.items()
    html = page.content.decode()
    config = json.loads(re.search(r'<script id="stripe-config" type="application/json">(.*?)</script>', html).group(1))
    assert config == {"publishableKey": "pk_test_51OcopMarketplacePublishable", "clientSecret": intent["client_secret"],
                      "returnUrl": "http://testserver/thanh-toan/the/xong/"}
    assert "Thanh toán 365.000 ₫" in html

    # when the card is charged and Stripe.js sends the buyer back
    fake_stripe.succeed(pi)
    with django_capture_on_commit_callbacks(execute=True):
        back = client.get("/thanh-toan/the/xong/")
    # then the order is placed, paid and confirmed, and the held units stay sold
    [order] = fake_saleor.table("orders").values()
    assert back["Location"] == reverse("cart:order", args=[order_token(order["id"])])
    assert (order["status"], CheckoutHold.objects.get().state, stocks(coffee, honey)) == ("UNFULFILLED", "completed",
                                                                                          [8, 3])
    html = client.get(back["Location"]).content.decode()
    assert "Đã thanh toán" in html and "365.000 ₫" in html
    [mail] = mailoutbox
    assert mail.subject == "Sàn OCOP: đã nhận đơn hàng #1"
    # and the cart and the payment are gone from the session
    assert client.get("/gio-hang/").context["cart"] is None
    assert client.get("/thanh-toan/the/xong/")["Location"] == "/gio-hang/"


def test_a_card_not_charged_yet_keeps_the_units_and_asks_to_finish(client, fake_saleor, fake_stripe):
    coffee, honey, _ = start_card_payment(client, fake_saleor)
    [pi] = fake_stripe.intents
    fake_stripe.decline(pi, message="Your card has insufficient funds.")
    # when the buyer comes back before a card went through
    response = client.get("/thanh-toan/the/xong/")
    # then nothing is ordered, the units stay held, and the page says what to do
    assert response.status_code == 202
    assert "Thẻ bị từ chối, vui lòng thử thẻ khác" in response.content.decode()
    assert (fake_saleor.table("orders"), stocks(coffee, honey)) == ({}, [8, 3])
    # when another card goes through
    fake_stripe.succeed(pi)
    # then the order is placed
    assert client.get("/thanh-toan/the/xong/").status_code == 302
    assert len(fake_saleor.table("orders")) == 1


def test_without_stripe_keys_the_card_is_refused_in_vietnamese_and_the_units_go_back(client, fake_saleor):
    # given no Stripe keys (a development machine)
    coffee, honey, response = start_card_payment(client, fake_saleor)
    # then the form says so on the payment choice, and nothing stays held or ordered
    assert response.status_code == 200
    assert response.context["form"].errors["payment"] == [
        "Thanh toán bằng thẻ hiện chưa sẵn sàng; vui lòng chọn thanh toán khi nhận hàng (COD). "
        "(Card payment is not available right now.)"]
    assert (CheckoutHold.objects.get().state, stocks(coffee, honey)) == ("released", [10, 4])
    assert fake_saleor.table("orders") == {}


def test_sold_out_before_the_card_is_charged_is_told_and_no_payment_starts(client, fake_saleor, fake_stripe):
    coffee, honey = two_producers(fake_saleor)
    add(client, fake_saleor, honey, 2)
    Variant.objects.filter(listing=honey).update(stock=1)  # another buyer took the rest meanwhile
    response = client.post("/thanh-toan/", CARD_FORM)
    assert response.context["form"].non_field_errors() == [
        "“Mật ong hoa cà phê – Hộp 250 g” chỉ còn 1, không đủ 2 như trong giỏ. Chưa có gì được đặt."]
    assert (fake_stripe.intents, CheckoutHold.objects.filter(state="held").count()) == ({}, 0)


def test_the_card_pages_without_a_payment_in_progress_go_back(client, fake_saleor):
    assert client.get("/thanh-toan/the/")["Location"] == "/thanh-toan/"
    assert client.get("/thanh-toan/the/xong/")["Location"] == "/gio-hang/"


def test_a_paid_checkout_refused_at_completion_tells_the_buyer_a_refund_follows(
        client, fake_saleor, fake_stripe, settings):
    coffee, honey, _ = start_card_payment(client, fake_saleor)
    [pi] = fake_stripe.intents
    fake_stripe.succeed(pi)
    # given the hold expired and the units were sold to others before the buyer came back
    from storefront_adapter.admission import hold_release
    hold_release(checkout_id=CheckoutHold.objects.get().checkout_id)
    Variant.objects.filter(listing=honey).update(stock=0)
    # when the buyer comes back
    response = client.get("/thanh-toan/the/xong/", follow=True)
    # then no order, and the buyer is told a refund follows
    assert fake_saleor.table("orders") == {}
    [message] = messages_of(response)
    assert message.startswith("Thanh toán đã thành công nhưng chưa tạo được đơn hàng: “Mật ong hoa cà phê")
    assert message.endswith("Sàn sẽ liên hệ và hoàn tiền nếu không giao được hàng.")


def test_a_buyer_who_never_comes_back_from_stripe_still_gets_the_order(
        client, fake_saleor, fake_stripe, mailoutbox, django_capture_on_commit_callbacks):
    coffee, honey, _ = start_card_payment(client, fake_saleor)
    [(pi, intent)] = fake_stripe.intents.items()
    fake_stripe.succeed(pi)
    # when only Stripe's signed webhook arrives (the buyer closed the tab after paying)
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.intents[pi])
    with django_capture_on_commit_callbacks(execute=True):
        assert post_stripe_event(client, body).status_code == 200
    # then the order is placed, paid, its units stay sold, and the buyer is emailed
    [order] = fake_saleor.table("orders").values()
    assert (order["status"], CheckoutHold.objects.get().state, stocks(coffee, honey)) == ("UNFULFILLED", "completed",
                                                                                          [8, 3])
    [mail] = mailoutbox
    assert (mail.to, mail.subject) == (["lan@example.vn"], "Sàn OCOP: đã nhận đơn hàng #1")
    # and a buyer coming back later lands on that order, not a second one
    back = client.get("/thanh-toan/the/xong/")
    assert back["Location"] == reverse("cart:order", args=[order_token(order["id"])])
    assert len(fake_saleor.table("orders")) == 1


def test_a_cart_grown_in_another_tab_after_paying_is_not_placed_for_the_old_amount(client, fake_saleor, fake_stripe):
    coffee, honey, _ = start_card_payment(client, fake_saleor)  # 2 coffee + 1 honey: 365.000 ₫ with shipping
    [pi] = fake_stripe.intents
    add(client, fake_saleor, coffee, 5)  # another tab, before the card is charged
    fake_stripe.succeed(pi)
    # when the buyer comes back from paying 365.000 ₫
    response = client.get("/thanh-toan/the/xong/", follow=True)
    # then no order for 7 coffee is placed on that payment; the buyer is told to pay again
    assert fake_saleor.table("orders") == {}
    assert messages_of(response) == [
        "Giỏ hàng đã thay đổi sau khi bạn thanh toán nên số tiền đã trả không khớp với tổng đơn; đơn chưa được "
        "đặt. Hãy xem lại giỏ hàng và thanh toán lại."]
    assert (CheckoutHold.objects.get().state, stocks(coffee, honey)) == ("released", [10, 4])


def test_choosing_the_card_again_for_the_same_cart_opens_no_second_payment(client, fake_saleor, fake_stripe):
    start_card_payment(client, fake_saleor)
    # when the buyer goes back and presses "Đặt hàng" with the card again
    again = client.post("/thanh-toan/", CARD_FORM)
    # then the same payment's card page opens; Stripe was asked once
    assert again["Location"] == "/thanh-toan/the/"
    assert len(fake_stripe.intents) == 1


def test_the_card_page_after_the_hold_expired_sends_the_buyer_back_to_order_again(client, fake_saleor, fake_stripe):
    coffee, honey, _ = start_card_payment(client, fake_saleor)
    CheckoutHold.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get("/thanh-toan/the/", follow=True)
    assert response.redirect_chain == [("/thanh-toan/", 302)]
    assert messages_of(response) == [
        "Thời gian giữ hàng cho lần thanh toán này đã hết; chưa có khoản nào bị trừ. Hãy bấm “Đặt hàng” lại để giữ "
        "hàng và thanh toán."]


def test_a_new_payment_after_the_cart_changed_cancels_the_unpaid_one(client, fake_saleor, fake_stripe):
    coffee, honey, _ = start_card_payment(client, fake_saleor)
    [first] = fake_stripe.intents
    # when the buyer adds a coffee and chooses the card again (the total changed)
    add(client, fake_saleor, coffee, 1)
    again = client.post("/thanh-toan/", CARD_FORM)
    # then a payment for the new total opens and the first PaymentIntent is canceled at Stripe
    assert again["Location"] == "/thanh-toan/the/"
    [second] = [pi for pi in fake_stripe.intents if pi != first]
    assert (fake_stripe.intents[first]["status"], fake_stripe.intents[second]["amount"]) == ("canceled", 485_000)
    assert PaymentAttempt.objects.get(payment_intent_id=first).state == "canceled"
    # and the units held follow the cart
    assert (CheckoutHold.objects.get().state, stocks(coffee, honey)) == ("held", [7, 3])
