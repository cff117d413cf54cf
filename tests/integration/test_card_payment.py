"""The checkout page's card payment, end to end through the FakeSaleor (which calls our
session webhooks as Saleor does) and Stripe behind its seam: start -> PaymentIntent in whole
đồng with the idempotency key -> the card is paid -> Stripe's signed webhook -> Saleor hears
CHARGE_SUCCESS for the amount."""
from __future__ import annotations

import pytest
import stripe

from storefront_adapter.payments import gateway, storefront
from storefront_adapter.payments.models import PaymentAttempt
from storefront_adapter.payments.sessions import initialize_idempotency_key
from storefront_adapter.payments.storefront import CardPaymentError, CardResult, CardSession
from tests.integration.payment_support import (  # noqa: F401 (fixtures)
    CHECKOUT_ID,
    PUBLISHABLE_KEY,
    fake_saleor,
    fake_stripe,
    intent_params,
    post_stripe_event,
    stripe_keys,
)
from tests.integration.test_saleor_app import (  # noqa: F401 (fixtures)
    client,
    installed,
    jwks,
    saleor_apps,
    saleor_settings,
)

pytestmark = pytest.mark.django_db

NOT_CONFIGURED = ("Thanh toán bằng thẻ hiện chưa sẵn sàng; vui lòng chọn thanh toán khi nhận hàng (COD). "
                  "(Card payment is not available right now.)")


def test_a_card_payment_from_start_to_saleor_counting_it_paid(client, installed, fake_saleor, fake_stripe,
                                                              django_capture_on_commit_callbacks):
    # when the checkout page starts a card payment
    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)

    # then Saleor was asked with our app as the gateway, and Stripe for 385000 vnd (not ×100)
    [initialize] = fake_saleor.calls("TransactionInitialize")
    assert initialize.variables == {"checkoutId": CHECKOUT_ID, "gatewayId": "ocop.marketplace",
                                    "gatewayData": {"method": "card"}}
    [transaction] = fake_saleor.table("transactions").values()
    [params] = intent_params(fake_stripe)
    assert (params["amount"], params["currency"]) == ("385000", "vnd")
    assert fake_stripe.requests[0].idempotency_key == initialize_idempotency_key(
        transaction_id=transaction["id"], idempotency_key=transaction["idempotency_key"])
    [(pi, intent)] = fake_stripe.intents.items()
    assert card == CardSession(transaction_id=transaction["id"], client_secret=intent["client_secret"],
                               publishable_key=PUBLISHABLE_KEY, amount=385000)

    # when the buyer's card is charged (Stripe.js) and the page confirms
    fake_stripe.succeed(pi)
    result = storefront.card_payment_confirm(checkout_id=CHECKOUT_ID, transaction_id=card.transaction_id)

    # then the payment succeeded, as Saleor now counts it
    assert result == CardResult("succeeded", "Đã thanh toán bằng thẻ (card payment succeeded).")
    assert transaction["charged"] == 385000.0

    # when Stripe's signed webhook arrives
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.intents[pi])
    with django_capture_on_commit_callbacks(execute=True):
        assert post_stripe_event(client, body).status_code == 200

    # then Saleor hears CHARGE_SUCCESS for 385.000 ₫ and takes it once (already counted)
    [report] = fake_saleor.calls("TransactionEventReport")
    assert (report.variables["transactionId"], report.variables["type"], report.variables["amount"],
            report.variables["pspReference"]) == (card.transaction_id, "CHARGE_SUCCESS", 385000, pi)
    assert transaction["charged"] == 385000.0
    assert PaymentAttempt.objects.get().state == "succeeded"


def test_the_webhook_alone_makes_saleor_count_the_payment(client, installed, fake_saleor, fake_stripe,
                                                          django_capture_on_commit_callbacks):
    # given a started payment whose page was closed before confirming
    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    [pi] = fake_stripe.intents

    # when Stripe's webhook says it succeeded
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi))
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe_event(client, body)

    # then Saleor counts it charged, and a later confirm says so
    [transaction] = fake_saleor.table("transactions").values()
    assert transaction["charged"] == 385000.0
    assert storefront.card_payment_confirm(checkout_id=CHECKOUT_ID, transaction_id=card.transaction_id).status \
        == "succeeded"


def test_confirm_before_the_card_is_paid_asks_to_finish_the_card_check(installed, fake_saleor, fake_stripe):
    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)

    result = storefront.card_payment_confirm(checkout_id=CHECKOUT_ID, transaction_id=card.transaction_id)

    assert result.status == "action_required"


def test_confirm_of_a_declined_card_says_so_in_vietnamese(installed, fake_saleor, fake_stripe):
    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    [pi] = fake_stripe.intents
    fake_stripe.decline(pi, message="Your card has insufficient funds.")

    result = storefront.card_payment_confirm(checkout_id=CHECKOUT_ID, transaction_id=card.transaction_id)

    assert result == CardResult("action_required", "Thẻ bị từ chối, vui lòng thử thẻ khác (card declined): "
                                                   "Your card has insufficient funds.")


def test_confirm_of_another_checkouts_transaction_is_refused(installed, fake_saleor, fake_stripe):
    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    [pi] = fake_stripe.intents
    fake_stripe.succeed(pi)

    result = storefront.card_payment_confirm(checkout_id="Q2hlY2tvdXQ6b3RoZXI=", transaction_id=card.transaction_id)

    assert result == CardResult("failed", "Giao dịch không thuộc giỏ hàng này (not this checkout's payment).")


def test_without_stripe_keys_start_refuses_with_a_vietnamese_message_and_calls_nobody(
        installed, fake_saleor, settings, monkeypatch):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""

    with pytest.raises(gateway.CardPaymentUnavailable) as refused:
        storefront.card_payment_start(checkout_id=CHECKOUT_ID)

    assert refused.value.message_vi == NOT_CONFIGURED
    assert gateway.card_payment_available() is False
    assert fake_saleor.requests == []


def test_stripe_refusing_at_start_is_a_card_payment_error_with_a_vietnamese_message(
        installed, fake_saleor, fake_stripe):
    fake_stripe.fail_next = (400, {"error": {"type": "invalid_request_error", "code": "amount_too_large",
                                             "message": "Amount must be no more than ₫99,999,999."}})

    with pytest.raises(CardPaymentError) as refused:
        storefront.card_payment_start(checkout_id=CHECKOUT_ID)

    assert refused.value.message_vi == ("Chưa tạo được thanh toán thẻ, vui lòng thử lại sau (could not start "
                                        "the card payment): Amount must be no more than ₫99,999,999.")
    assert PaymentAttempt.objects.count() == 0
    assert fake_saleor.table("transactions") != {}  # Saleor keeps its failed transaction, as it does


def test_stripe_failing_transiently_is_retried_with_the_same_idempotency_key(installed, fake_saleor, fake_stripe,
                                                                             monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    fake_stripe.fail_next = stripe.APIConnectionError("Connection reset by peer", should_retry=True)

    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)

    # the library retried once, with the same key, and one PaymentIntent exists
    assert [r.method for r in fake_stripe.requests] == ["POST", "POST"]
    assert len({r.idempotency_key for r in fake_stripe.requests}) == 1
    assert card.amount == 385000
    assert len(fake_stripe.intents) == 1


def test_a_gateway_saleor_does_not_know_is_a_card_payment_error(installed, fake_saleor, fake_stripe, settings):
    fake_saleor.table("payment_app")["identifier"] = "ocop.marketplace"
    settings.SALEOR_APP_ID = "not.installed.app"

    with pytest.raises(CardPaymentError) as refused:
        storefront.card_payment_start(checkout_id=CHECKOUT_ID)

    assert refused.value.message_vi == storefront.START_FAILED
    assert fake_stripe.requests == []


def test_saleor_unreachable_at_start_and_confirm_is_told_in_vietnamese(installed, fake_saleor, fake_stripe,
                                                                       monkeypatch):
    import requests

    import storefront_adapter.connection
    from storefront_adapter.fakes import FakeSaleorTransport

    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    down = FakeSaleorTransport()
    for _ in range(6):
        down.add_exception(requests.ConnectionError("connection refused"))
    monkeypatch.setattr(storefront_adapter.connection, "transport_override", down)

    with pytest.raises(CardPaymentError) as refused:
        storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    result = storefront.card_payment_confirm(checkout_id=CHECKOUT_ID, transaction_id=card.transaction_id)

    assert refused.value.message_vi == storefront.SALEOR_BUSY
    assert result == CardResult("pending", storefront.SALEOR_BUSY)
