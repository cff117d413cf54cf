"""Saleor's synchronous payment webhooks, over HTTP and signed as Saleor 3.23 signs them:
the PaymentIntent is made in whole đồng with Saleor's idempotency key, the answers have
Saleor's shapes, and an unsigned or forged request creates nothing anywhere."""
from __future__ import annotations

import json

import pytest

from storefront_adapter.payments.models import PaymentAttempt
from storefront_adapter.payments.sessions import initialize_idempotency_key
from tests.integration.payment_support import (  # noqa: F401 (fixtures)
    CHECKOUT_ID,
    PUBLISHABLE_KEY,
    fake_stripe,
    intent_params,
    stripe_keys,
)
from tests.integration.test_saleor_app import (  # noqa: F401 (fixtures)
    OTHER_KEY,
    SALEOR,
    client,
    installed,
    jwks,
    saleor_apps,
    saleor_settings,
    sign,
)

pytestmark = pytest.mark.django_db

TRANSACTION_ID = "VHJhbnNhY3Rpb25JdGVtOjFmMmUzZDRjLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMQ=="
IDEMPOTENCY_KEY = "6d1e5f0a-2b7c-4c8e-9d3f-0a1b2c3d4e5f"


def initialize_body(*, amount=385000.0, currency="VND", idempotency_key=IDEMPOTENCY_KEY) -> bytes:
    """TRANSACTION_INITIALIZE_SESSION as Saleor sends it for TransactionInitializeSessionEvent."""
    return json.dumps({
        "__typename": "TransactionInitializeSession",
        "issuedAt": "2026-11-29T06:00:00.000000+00:00",
        "idempotencyKey": idempotency_key,
        "merchantReference": TRANSACTION_ID,
        "data": {"method": "card"},
        "action": {"amount": amount, "currency": currency, "actionType": "CHARGE"},
        "transaction": {"id": TRANSACTION_ID, "pspReference": ""},
        "sourceObject": {"__typename": "Checkout", "id": CHECKOUT_ID, "email": "lan@example.vn",
                         "channel": {"slug": "ocop-vn"}},
    }).encode()


def process_body(psp_reference: str) -> bytes:
    return json.dumps({
        "__typename": "TransactionProcessSession",
        "issuedAt": "2026-11-29T06:01:00.000000+00:00",
        "merchantReference": TRANSACTION_ID,
        "data": None,
        "action": {"amount": 385000.0, "currency": "VND", "actionType": "CHARGE"},
        "transaction": {"id": TRANSACTION_ID, "pspReference": psp_reference},
        "sourceObject": {"__typename": "Checkout", "id": CHECKOUT_ID},
    }).encode()


GATEWAY_BODY = json.dumps({
    "__typename": "PaymentGatewayInitializeSession", "issuedAt": "2026-11-29T06:00:00+00:00", "amount": 385000.0,
    "data": None, "sourceObject": {"__typename": "Checkout", "id": CHECKOUT_ID,
                                   "channel": {"slug": "ocop-vn", "currencyCode": "VND"}},
}).encode()


def session(client, event: str, body: bytes, *, signature="sign"):
    headers = {"Saleor-Api-Url": SALEOR, "Saleor-Event": event}
    if signature == "sign":
        signature = sign(body)
    if signature is not None:
        headers["Saleor-Signature"] = signature
    return client.post(f"/saleor/payments/{event}/", data=body, content_type="application/json", headers=headers)


def test_gateway_initialize_answers_with_the_publishable_key(client, installed, jwks, stripe_keys):
    response = session(client, "payment_gateway_initialize_session", GATEWAY_BODY)

    assert (response.status_code, response.json()) == (200, {"data": {"publishable_key": PUBLISHABLE_KEY}})


def test_initialize_creates_the_payment_intent_in_whole_dong_with_saleors_idempotency_key(
        client, installed, jwks, fake_stripe):
    # when Saleor asks us to start a transaction of 385.000 ₫
    response = session(client, "transaction_initialize_session", initialize_body())

    # then Stripe was asked for a PaymentIntent of 385000 vnd (zero-decimal: no ×100), once
    [request] = fake_stripe.requests
    assert (request.method, request.path) == ("POST", "/v1/payment_intents")
    assert request.params == {
        "amount": "385000",
        "currency": "vnd",
        "automatic_payment_methods[enabled]": "true",
        "capture_method": "automatic",
        "description": f"OCOP Marketplace {TRANSACTION_ID}",
        "metadata[saleor_transaction_id]": TRANSACTION_ID,
        "metadata[saleor_source_type]": "Checkout",
        "metadata[saleor_checkout_id]": CHECKOUT_ID,
        "metadata[saleor_order_id]": "",
        "metadata[saleor_merchant_reference]": TRANSACTION_ID,
    }
    assert request.idempotency_key == initialize_idempotency_key(
        transaction_id=TRANSACTION_ID, idempotency_key=IDEMPOTENCY_KEY)
    assert request.idempotency_key.startswith("saleor-transaction-initialize-")
    # and Saleor gets the documented answer: action required, the PaymentIntent as pspReference
    [intent] = fake_stripe.intents.values()
    assert response.status_code == 200
    assert response.json() == {
        "result": "CHARGE_ACTION_REQUIRED",
        "amount": 385000,
        "pspReference": intent["id"],
        "data": {"client_secret": intent["client_secret"], "publishable_key": PUBLISHABLE_KEY,
                 "status": "requires_payment_method"},
        "message": "Vui lòng nhập thông tin thẻ để thanh toán (enter your card details).",
        "externalUrl": f"https://dashboard.stripe.com/test/payments/{intent['id']}",
        "actions": ["CANCEL"],
    }
    attempt = PaymentAttempt.objects.get()
    assert (attempt.payment_intent_id, attempt.saleor_transaction_id, attempt.saleor_checkout_id, attempt.amount,
            attempt.currency, attempt.state) == (intent["id"], TRANSACTION_ID, CHECKOUT_ID, 385000, "VND", "pending")


def test_saleor_resending_the_initialize_webhook_gets_the_same_payment_intent(client, installed, jwks, fake_stripe):
    first = session(client, "transaction_initialize_session", initialize_body()).json()
    second = session(client, "transaction_initialize_session", initialize_body()).json()

    # Stripe replays the same idempotency key: one PaymentIntent, one attempt
    assert second == first
    assert len(fake_stripe.intents) == 1
    assert PaymentAttempt.objects.count() == 1
    assert len({r.idempotency_key for r in fake_stripe.requests}) == 1


def test_another_saleor_idempotency_key_is_another_payment_intent(client, installed, jwks, fake_stripe):
    session(client, "transaction_initialize_session", initialize_body())
    session(client, "transaction_initialize_session", initialize_body(idempotency_key="another-key"))

    assert len(fake_stripe.intents) == 2


@pytest.mark.parametrize("amount", ["385000.00", 385000, 1.0])
def test_saleors_decimal_forms_are_whole_dong(client, installed, jwks, fake_stripe, amount):
    response = session(client, "transaction_initialize_session", initialize_body(amount=amount))

    assert response.json()["amount"] == int(float(amount))
    assert intent_params(fake_stripe)[0]["amount"] == str(int(float(amount)))


@pytest.mark.parametrize(("amount", "currency", "message"), [
    (385000.5, "VND", "Số tiền phải là số đồng nguyên dương (amount must be whole đồng)."),
    (20.5, "USD", "Chỉ nhận thanh toán bằng đồng Việt Nam (VND only)."),
])
def test_an_amount_that_is_not_whole_dong_or_not_vnd_fails_without_calling_stripe(
        client, installed, jwks, fake_stripe, amount, currency, message):
    response = session(client, "transaction_initialize_session", initialize_body(amount=amount, currency=currency))

    assert response.json()["result"] == "CHARGE_FAILURE"
    assert response.json()["message"] == message
    assert fake_stripe.requests == []
    assert PaymentAttempt.objects.count() == 0


def test_without_stripe_keys_card_payment_is_unavailable_with_a_vietnamese_message(client, installed, jwks, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""

    initialize = session(client, "transaction_initialize_session", initialize_body()).json()
    gateway_answer = session(client, "payment_gateway_initialize_session", GATEWAY_BODY).json()

    message = ("Thanh toán bằng thẻ hiện chưa sẵn sàng; vui lòng chọn thanh toán khi nhận hàng (COD). "
               "(Card payment is not available right now.)")
    assert initialize == {"result": "CHARGE_FAILURE", "amount": 385000.0, "message": message,
                          "data": {"error": {"code": "NOT_CONFIGURED", "message": message}}, "actions": []}
    assert gateway_answer == {"data": {"error": {"code": "NOT_CONFIGURED", "message": message}}}
    assert PaymentAttempt.objects.count() == 0


def test_stripe_refusing_the_payment_intent_is_a_charge_failure_with_nothing_recorded(
        client, installed, jwks, fake_stripe):
    fake_stripe.fail_next = (400, {"error": {"type": "invalid_request_error", "code": "amount_too_small",
                                             "param": "amount", "message": "Amount must be at least ₫10,000 vnd."}})

    response = session(client, "transaction_initialize_session", initialize_body())

    assert response.status_code == 200
    assert response.json()["result"] == "CHARGE_FAILURE"
    assert response.json()["message"].startswith("Chưa tạo được thanh toán thẻ, vui lòng thử lại sau")
    assert PaymentAttempt.objects.count() == 0


def test_process_reads_the_payment_intent_and_reports_its_success(client, installed, jwks, fake_stripe):
    # given a started payment that the buyer's card then paid
    pi = session(client, "transaction_initialize_session", initialize_body()).json()["pspReference"]
    fake_stripe.succeed(pi)

    # when Saleor asks us to process the transaction
    response = session(client, "transaction_process_session", process_body(pi))

    # then we read the PaymentIntent and answer CHARGE_SUCCESS for what Stripe received
    assert fake_stripe.requests[-1].method == "GET"
    assert fake_stripe.requests[-1].path == f"/v1/payment_intents/{pi}"
    answer = response.json()
    assert (answer["result"], answer["amount"], answer["pspReference"]) == ("CHARGE_SUCCESS", 385000, pi)
    assert answer["actions"] == ["REFUND"]
    assert PaymentAttempt.objects.get().state == "succeeded"


def test_process_of_a_declined_card_asks_for_another_card(client, installed, jwks, fake_stripe):
    pi = session(client, "transaction_initialize_session", initialize_body()).json()["pspReference"]
    fake_stripe.decline(pi)

    answer = session(client, "transaction_process_session", process_body(pi)).json()

    assert answer["result"] == "CHARGE_ACTION_REQUIRED"
    assert answer["message"] == "Thẻ bị từ chối, vui lòng thử thẻ khác (card declined): Your card was declined."


def test_process_of_a_payment_intent_we_did_not_make_for_that_transaction_fails(client, installed, jwks, fake_stripe):
    answer = session(client, "transaction_process_session", process_body("pi_someone_elses")).json()

    assert answer["result"] == "CHARGE_FAILURE"
    assert fake_stripe.requests == []


@pytest.mark.parametrize("signature", [None, "forged", "other-key"], ids=["unsigned", "garbage", "other-key"])
def test_an_unsigned_or_forged_session_webhook_is_refused_and_creates_nothing(
        client, installed, jwks, fake_stripe, signature):
    body = initialize_body()
    if signature == "forged":
        signature = sign(body)[:-6] + "AAAAAA"
    elif signature == "other-key":
        signature = sign(body, private_key=OTHER_KEY)

    response = session(client, "transaction_initialize_session", body, signature=signature)

    assert response.status_code == 401
    assert fake_stripe.requests == []
    assert PaymentAttempt.objects.count() == 0


def test_a_signed_body_for_another_event_is_refused(client, installed, jwks, fake_stripe):
    # a genuine initialize body replayed at the process URL
    response = session(client, "transaction_process_session", initialize_body())

    assert response.status_code == 400
    assert fake_stripe.requests == []


def test_a_session_webhook_from_a_saleor_not_installed_is_refused(client, jwks, fake_stripe):
    response = session(client, "transaction_initialize_session", initialize_body())

    assert response.status_code == 401
    assert fake_stripe.requests == []


def test_an_unknown_payment_webhook_is_not_found(client, installed, jwks):
    assert session(client, "transaction_charge_requested", initialize_body()).status_code == 404
