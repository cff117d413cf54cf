"""Saleor's synchronous payment webhooks: Saleor waits for these answers (the response
shapes of Saleor 3.23, saleor/webhook/response_schemas/transaction.py).

PAYMENT_GATEWAY_INITIALIZE_SESSION -> {"data": {"publishable_key"}}
TRANSACTION_INITIALIZE_SESSION / TRANSACTION_PROCESS_SESSION ->
    {"result": CHARGE_ACTION_REQUIRED | CHARGE_REQUEST | CHARGE_SUCCESS | CHARGE_FAILURE (or the
     AUTHORIZATION_* ones), "amount", "pspReference": PaymentIntent id, "data": {"client_secret",
     "publishable_key"}, "message", "externalUrl", "actions"}

Requests are proven to come from our Saleor exactly like the asynchronous webhooks
(storefront_adapter.services.saleor_signature_verify). Stripe is called outside any
database transaction; the PaymentAttempt is written after it answers.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import stripe
from django.db import transaction

from ..manifest import payment_subscription_for
from ..services import WebhookRefused, signed_webhook_payload
from . import actions, gateway, state
from .models import PaymentAttempt

logger = logging.getLogger(__name__)

ACTION_REQUIRED_STATUSES = ("requires_payment_method", "requires_confirmation", "requires_action")


def initialize_idempotency_key(*, transaction_id: str, idempotency_key: str) -> str:
    """The Stripe idempotency key of a transaction's PaymentIntent: Saleor's idempotencyKey
    for this transactionInitialize, bound to the transaction (hashed: Stripe takes 255
    characters at most). Saleor resending the webhook gets the same PaymentIntent back."""
    digest = hashlib.sha256(f"{transaction_id}\n{idempotency_key}".encode()).hexdigest()
    return f"saleor-transaction-initialize-{digest}"


def _flow(payload: dict) -> str:
    return "AUTHORIZATION" if (payload.get("action") or {}).get("actionType") == "AUTHORIZATION" else "CHARGE"


def _result_for(status: str, flow: str) -> str:
    if status in ACTION_REQUIRED_STATUSES:
        return f"{flow}_ACTION_REQUIRED"
    if status == "processing":
        return f"{flow}_REQUEST"
    if status == "requires_capture":
        return "AUTHORIZATION_SUCCESS"
    if status == "succeeded":
        return "CHARGE_SUCCESS"
    return f"{flow}_FAILURE"  # canceled


# What the Dashboard may offer next: refund what is paid, cancel what is not yet.
ACTIONS_BY_RESULT = {
    "CHARGE_SUCCESS": ["REFUND"],
    "CHARGE_ACTION_REQUIRED": ["CANCEL"],
    "CHARGE_REQUEST": ["CANCEL"],
}

MESSAGES = {
    "ACTION_REQUIRED": "Vui lòng nhập thông tin thẻ để thanh toán (enter your card details).",
    "REQUEST": "Ngân hàng đang xử lý thanh toán (the payment is processing).",
    "SUCCESS": "Đã thanh toán bằng thẻ (card payment succeeded).",
    "FAILURE": "Thanh toán thẻ đã bị huỷ (the payment was canceled).",
}


def _failure(flow: str, amount, message: str, code: str) -> dict:
    return {"result": f"{flow}_FAILURE", "amount": amount, "message": message,
            "data": {"error": {"code": code, "message": message}}, "actions": []}


def _answer(payment_intent: dict, flow: str, publishable_key: str) -> dict:
    status = payment_intent["status"]
    result = _result_for(status, flow)
    message = MESSAGES[result.split("_", 1)[1]]
    error = payment_intent.get("last_payment_error") or {}
    if status == "requires_payment_method" and error:
        message = f"Thẻ bị từ chối, vui lòng thử thẻ khác (card declined): {error.get('message', '')}".strip()
    amount = payment_intent["amount_received"] if status == "succeeded" else payment_intent["amount"]
    return {
        "result": result,
        "amount": amount,
        "pspReference": payment_intent["id"],
        "data": {"client_secret": payment_intent.get("client_secret"), "publishable_key": publishable_key,
                 "status": status},
        "message": message[:500],
        "externalUrl": gateway.dashboard_url(payment_intent),
        "actions": ACTIONS_BY_RESULT.get(result, []),
    }


def _attempt_observe(payment_intent: dict, *, transaction_id: str, checkout_id: str,
                     idempotency_key: str = "") -> PaymentAttempt:
    """Record (once) the PaymentIntent of a transaction and move it by what it says."""
    with transaction.atomic():
        attempt, _ = PaymentAttempt.objects.select_for_update().get_or_create(
            payment_intent_id=payment_intent["id"],
            defaults={"saleor_transaction_id": transaction_id, "saleor_checkout_id": checkout_id,
                      "amount": payment_intent["amount"], "currency": payment_intent["currency"].upper(),
                      "idempotency_key": idempotency_key, "livemode": bool(payment_intent.get("livemode"))},
        )
        current = state.Payment(attempt.payment_intent_id, attempt.amount, attempt.state, attempt.amount_refunded)
        observed = state.intent_status_observed(current, payment_intent["status"])
        if observed != current:
            attempt.state = observed.state
            attempt.save(update_fields=["state", "updated_at"])
    return attempt


def gateway_initialize_session(*, payload: dict) -> dict:
    """PAYMENT_GATEWAY_INITIALIZE_SESSION: what the storefront needs to draw Stripe's card form."""
    try:
        config = gateway.stripe_config()
    except gateway.CardPaymentUnavailable:
        return {"data": {"error": {"code": "NOT_CONFIGURED", "message": gateway.NOT_CONFIGURED_MESSAGE}}}
    return {"data": {"publishable_key": config.publishable_key}}


def transaction_initialize_session(*, payload: dict) -> dict:
    """TRANSACTION_INITIALIZE_SESSION: create the PaymentIntent for the transaction.

    VND is zero-decimal for Stripe: `amount` is Saleor's amount in whole đồng, unchanged.
    The idempotency key comes from Saleor's (initialize_idempotency_key); the metadata names
    the Saleor transaction and checkout, which the Stripe webhook uses to find them again.
    """
    flow = _flow(payload)
    action = payload.get("action") or {}
    try:
        config = gateway.stripe_config()
    except gateway.CardPaymentUnavailable:
        return _failure(flow, action.get("amount"), gateway.NOT_CONFIGURED_MESSAGE, "NOT_CONFIGURED")
    if str(action.get("currency", "")).upper() != gateway.CURRENCY:
        return _failure(flow, action.get("amount"), "Chỉ nhận thanh toán bằng đồng Việt Nam (VND only).",
                        "CURRENCY")
    amount = gateway.whole_dong(action.get("amount"))
    if amount is None:
        return _failure(flow, action.get("amount"),
                        "Số tiền phải là số đồng nguyên dương (amount must be whole đồng).", "AMOUNT")
    transaction_id = payload["transaction"]["id"]
    source = payload.get("sourceObject") or {}
    key = initialize_idempotency_key(transaction_id=transaction_id, idempotency_key=payload["idempotencyKey"])
    params = {
        "amount": amount,
        "currency": gateway.CURRENCY.lower(),
        "automatic_payment_methods": {"enabled": True},
        "capture_method": "manual" if flow == "AUTHORIZATION" else "automatic",
        "description": f"OCOP Marketplace {payload.get('merchantReference', '')}".strip(),
        "metadata": {
            "saleor_transaction_id": transaction_id,
            "saleor_source_type": source.get("__typename", ""),
            "saleor_checkout_id": source.get("id", "") if source.get("__typename") == "Checkout" else "",
            "saleor_order_id": source.get("id", "") if source.get("__typename") == "Order" else "",
            "saleor_merchant_reference": payload.get("merchantReference", ""),
        },
    }
    try:
        intent = gateway.stripe_client().v1.payment_intents.create(params, {"idempotency_key": key})
    except stripe.StripeError as error:
        logger.warning("Stripe refused the PaymentIntent for %s: %r", transaction_id, error)
        return _failure(flow, amount, "Chưa tạo được thanh toán thẻ, vui lòng thử lại sau "
                        f"(could not start the card payment): {error.user_message or ''}".strip(), "STRIPE")
    payment_intent = intent.to_dict()
    _attempt_observe(payment_intent, transaction_id=transaction_id, idempotency_key=key,
                     checkout_id=params["metadata"]["saleor_checkout_id"])
    return _answer(payment_intent, flow, config.publishable_key)


def transaction_process_session(*, payload: dict) -> dict:
    """TRANSACTION_PROCESS_SESSION: where the PaymentIntent stands now (read from Stripe)."""
    flow = _flow(payload)
    action = payload.get("action") or {}
    try:
        config = gateway.stripe_config()
    except gateway.CardPaymentUnavailable:
        return _failure(flow, action.get("amount"), gateway.NOT_CONFIGURED_MESSAGE, "NOT_CONFIGURED")
    transaction_id = payload["transaction"]["id"]
    payment_intent_id = payload["transaction"].get("pspReference") or ""
    attempt = PaymentAttempt.objects.filter(payment_intent_id=payment_intent_id,
                                            saleor_transaction_id=transaction_id).first()
    if attempt is None:
        return _failure(flow, action.get("amount"), "Không tìm thấy lượt thanh toán thẻ này "
                        "(no card payment for this transaction).", "NOT_FOUND")
    try:
        intent = gateway.stripe_client().v1.payment_intents.retrieve(payment_intent_id)
    except stripe.StripeError as error:
        logger.warning("Stripe could not read %s: %r", payment_intent_id, error)
        return _failure(flow, attempt.amount, "Chưa kiểm tra được thanh toán thẻ, vui lòng thử lại "
                        "(could not check the card payment).", "STRIPE")
    payment_intent = intent.to_dict()
    _attempt_observe(payment_intent, transaction_id=transaction_id, checkout_id=attempt.saleor_checkout_id)
    return _answer(payment_intent, flow, config.publishable_key)


SESSION_HANDLERS: dict[str, Callable[..., dict]] = {
    "PAYMENT_GATEWAY_INITIALIZE_SESSION": gateway_initialize_session,
    "TRANSACTION_INITIALIZE_SESSION": transaction_initialize_session,
    "TRANSACTION_PROCESS_SESSION": transaction_process_session,
    "TRANSACTION_REFUND_REQUESTED": actions.transaction_refund_requested,
    "TRANSACTION_CANCELATION_REQUESTED": actions.transaction_cancelation_requested,
}


def session_answer(*, event_slug: str, api_url: str, saleor_event: str | None, signature: str | None,
                   body: bytes) -> dict:
    """Answer a synchronous payment webhook once its Saleor-Signature is proven.

    Raises WebhookRefused (404 unknown event, 401 unsigned or forged, 503 keys unreadable,
    400 a body meant for another event); nothing is created at Stripe or here then.
    """
    subscription = payment_subscription_for(event_slug)
    if subscription is None:
        raise WebhookRefused(f"no payment webhook {event_slug!r}", status=404,
                             message="Không có webhook này (not found).")
    _, payload = signed_webhook_payload(subscription=subscription, api_url=api_url, saleor_event=saleor_event,
                                        signature=signature, body=body, typename_required=True)
    return SESSION_HANDLERS[subscription.event](payload=payload)
