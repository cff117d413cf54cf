"""Refund and cancel asked from Saleor's Dashboard (synchronous, signed webhooks): done at
Stripe once per Saleor request, answered in Saleor's shapes, and not reported a second time
when Stripe's own event about it arrives."""
from __future__ import annotations

import json

import pytest

from storefront_adapter.payments import storefront
from storefront_adapter.payments.actions import refund_idempotency_key
from storefront_adapter.payments.models import PaymentAttempt, StripeEvent
from tests.integration.payment_support import (  # noqa: F401 (fixtures)
    CHECKOUT_ID,
    fake_saleor,
    fake_stripe,
    post_stripe_event,
    stripe_keys,
)
from tests.integration.test_payment_sessions import session
from tests.integration.test_saleor_app import (  # noqa: F401 (fixtures)
    client,
    installed,
    jwks,
    saleor_apps,
    saleor_settings,
)

pytestmark = pytest.mark.django_db

REQUEST_EVENT_ID = "VHJhbnNhY3Rpb25FdmVudDo0Mg=="


@pytest.fixture
def paid(installed, jwks, fake_saleor, fake_stripe):
    """A card payment of 385.000 ₫, started and confirmed: (transaction id, PaymentIntent id)."""
    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    [pi] = fake_stripe.intents
    fake_stripe.succeed(pi)
    assert storefront.card_payment_confirm(checkout_id=CHECKOUT_ID, transaction_id=card.transaction_id).status \
        == "succeeded"
    return card.transaction_id, pi


def refund_body(transaction_id: str, pi: str, amount: float, request_event_id: str = REQUEST_EVENT_ID) -> bytes:
    return json.dumps({
        "__typename": "TransactionRefundRequested",
        "issuedAt": "2026-11-29T07:00:00+00:00",
        "action": {"amount": amount, "currency": "VND", "actionType": "REFUND"},
        "transaction": {"id": transaction_id, "pspReference": pi, "events": [
            {"id": "VHJhbnNhY3Rpb25FdmVudDox", "type": "CHARGE_SUCCESS", "createdAt": "2026-11-29T06:01:00+00:00"},
            {"id": request_event_id, "type": "REFUND_REQUEST", "createdAt": "2026-11-29T07:00:00+00:00"},
        ]},
    }).encode()


def cancel_body(transaction_id: str, pi: str) -> bytes:
    return json.dumps({
        "__typename": "TransactionCancelationRequested",
        "issuedAt": "2026-11-29T07:00:00+00:00",
        "action": {"amount": 385000.0, "currency": "VND", "actionType": "CANCEL"},
        "transaction": {"id": transaction_id, "pspReference": pi},
    }).encode()


def test_a_refund_request_refunds_at_stripe_once_and_answers_refund_success(client, paid, fake_stripe):
    transaction_id, pi = paid

    first = session(client, "transaction_refund_requested", refund_body(transaction_id, pi, 100000.0))
    again = session(client, "transaction_refund_requested", refund_body(transaction_id, pi, 100000.0))

    [request, replay] = [r for r in fake_stripe.requests if r.path == "/v1/refunds"]
    assert request.params == {"payment_intent": pi, "amount": "100000",
                              "metadata[saleor_transaction_id]": transaction_id}
    assert request.idempotency_key == replay.idempotency_key == refund_idempotency_key(
        transaction_id=transaction_id, request_event_id=REQUEST_EVENT_ID)
    answer = first.json()
    assert answer["pspReference"].startswith("re_")
    assert {k: answer[k] for k in ("result", "amount", "message", "actions")} == {
        "result": "REFUND_SUCCESS", "amount": 100000, "message": "Đã hoàn tiền về thẻ (refunded to the card).",
        "actions": ["REFUND"]}
    assert again.json() == answer
    charge = fake_stripe.charges[fake_stripe.intents[pi]["latest_charge"]]
    assert charge["amount_refunded"] == 100000
    attempt = PaymentAttempt.objects.get()
    assert (attempt.state, attempt.amount_refunded) == ("refunded", 100000)


def test_stripes_charge_refunded_after_our_refund_is_not_reported_again(client, paid, fake_stripe, fake_saleor,
                                                                        django_capture_on_commit_callbacks):
    transaction_id, pi = paid
    session(client, "transaction_refund_requested", refund_body(transaction_id, pi, 100000.0))
    charge = fake_stripe.charges[fake_stripe.intents[pi]["latest_charge"]]

    with django_capture_on_commit_callbacks(execute=True):
        post_stripe_event(client, fake_stripe.event("charge.refunded", charge))

    assert StripeEvent.objects.get().outcome == "stale"
    assert fake_saleor.calls("TransactionEventReport") == []


def test_a_refund_larger_than_what_is_left_fails_without_calling_stripe(client, paid, fake_stripe):
    transaction_id, pi = paid

    answer = session(client, "transaction_refund_requested", refund_body(transaction_id, pi, 385001.0)).json()

    assert answer == {"result": "REFUND_FAILURE", "amount": 385001.0, "pspReference": pi, "actions": [],
                      "message": "Số tiền hoàn vượt quá số đã thanh toán (refund larger than what is left)."}
    assert [r for r in fake_stripe.requests if r.path == "/v1/refunds"] == []


def test_a_refund_of_an_unpaid_payment_fails(client, installed, jwks, fake_saleor, fake_stripe):
    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    [pi] = fake_stripe.intents

    answer = session(client, "transaction_refund_requested", refund_body(card.transaction_id, pi, 1000.0)).json()

    assert answer["result"] == "REFUND_FAILURE"


def test_a_cancel_request_cancels_the_payment_intent(client, installed, jwks, fake_saleor, fake_stripe,
                                                     django_capture_on_commit_callbacks):
    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    [pi] = fake_stripe.intents

    answer = session(client, "transaction_cancelation_requested", cancel_body(card.transaction_id, pi)).json()

    assert answer == {"pspReference": pi, "result": "CANCEL_SUCCESS", "amount": 385000,
                      "message": "Đã huỷ thanh toán thẻ (payment canceled).", "actions": []}
    assert fake_stripe.requests[-1].path == f"/v1/payment_intents/{pi}/cancel"
    assert fake_stripe.intents[pi]["status"] == "canceled"
    assert PaymentAttempt.objects.get().state == "canceled"
    # and Stripe's payment_intent.canceled that follows is not reported again
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe_event(client, fake_stripe.event("payment_intent.canceled", fake_stripe.intents[pi]))
    assert fake_saleor.calls("TransactionEventReport") == []


def test_a_paid_payment_cannot_be_canceled(client, paid, fake_stripe):
    transaction_id, pi = paid

    answer = session(client, "transaction_cancelation_requested", cancel_body(transaction_id, pi)).json()

    assert answer["result"] == "CANCEL_FAILURE"
    assert fake_stripe.intents[pi]["status"] == "succeeded"


def test_a_forged_refund_request_refunds_nothing(client, paid, fake_stripe):
    transaction_id, pi = paid
    body = refund_body(transaction_id, pi, 385000.0)

    response = session(client, "transaction_refund_requested", body, signature=None)

    assert response.status_code == 401
    assert [r for r in fake_stripe.requests if r.path == "/v1/refunds"] == []
    assert PaymentAttempt.objects.get().amount_refunded == 0
