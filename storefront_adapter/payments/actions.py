"""What a staff member asks of a card payment in Saleor's Dashboard (synchronous webhooks):
TRANSACTION_REFUND_REQUESTED refunds at Stripe, TRANSACTION_CANCELATION_REQUESTED cancels
the PaymentIntent. Answers have Saleor 3.23's shapes: {"pspReference", "result":
REFUND_SUCCESS | REFUND_FAILURE | CANCEL_SUCCESS | CANCEL_FAILURE, "amount", "message",
"actions"}; a refund Stripe has not finished is answered with its pspReference alone, and
Stripe's charge.refunded reports it later.

What Stripe did is written to the PaymentAttempt at once, so the charge.refunded or
payment_intent.canceled event that follows is seen as already applied (not reported twice).
"""
from __future__ import annotations

import hashlib
import logging

import stripe
from django.db import transaction

from . import gateway, state
from .models import PaymentAttempt

logger = logging.getLogger(__name__)


def _attempt(payload: dict) -> PaymentAttempt | None:
    saleor_transaction = payload.get("transaction") or {}
    return PaymentAttempt.objects.filter(payment_intent_id=saleor_transaction.get("pspReference") or "",
                                         saleor_transaction_id=saleor_transaction.get("id") or "").first()


def refund_idempotency_key(*, transaction_id: str, request_event_id: str) -> str:
    """Saleor's REFUND_REQUEST event id (made before it calls us) keys the Stripe refund."""
    digest = hashlib.sha256(f"{transaction_id}\n{request_event_id}".encode()).hexdigest()
    return f"saleor-transaction-refund-{digest}"


def _failure(result: str, amount, message: str, psp_reference: str | None = None) -> dict:
    answer = {"result": result, "amount": amount, "message": message, "actions": []}
    if psp_reference:
        answer["pspReference"] = psp_reference
    return answer


def transaction_refund_requested(*, payload: dict) -> dict:
    """Refund `action.amount` whole đồng of a paid card payment, at most what is left."""
    action = payload.get("action") or {}
    try:
        gateway.stripe_config()
    except gateway.CardPaymentUnavailable:
        return _failure("REFUND_FAILURE", action.get("amount"), gateway.NOT_CONFIGURED_MESSAGE)
    attempt = _attempt(payload)
    amount = gateway.whole_dong(action.get("amount"))
    if attempt is None or attempt.state not in state.PAID:
        return _failure("REFUND_FAILURE", action.get("amount"),
                        "Chỉ hoàn tiền được cho khoản đã thanh toán bằng thẻ (nothing paid to refund).")
    if amount is None or amount > attempt.amount - attempt.amount_refunded:
        return _failure("REFUND_FAILURE", action.get("amount"),
                        "Số tiền hoàn vượt quá số đã thanh toán (refund larger than what is left).",
                        attempt.payment_intent_id)
    events = (payload.get("transaction") or {}).get("events") or []
    request_ids = [e["id"] for e in events if e.get("type") == "REFUND_REQUEST"]
    key = refund_idempotency_key(transaction_id=attempt.saleor_transaction_id,
                                 request_event_id=request_ids[-1] if request_ids else str(payload.get("issuedAt")))
    try:
        refund = gateway.stripe_client().v1.refunds.create(
            {"payment_intent": attempt.payment_intent_id, "amount": amount,
             "metadata": {"saleor_transaction_id": attempt.saleor_transaction_id}},
            {"idempotency_key": key},
        ).to_dict()
    except stripe.StripeError as error:
        logger.warning("Stripe refused the refund of %s: %r", attempt.payment_intent_id, error)
        return _failure("REFUND_FAILURE", amount, f"Stripe không hoàn tiền được (refund refused): "
                        f"{error.user_message or ''}".strip(), attempt.payment_intent_id)
    if refund["status"] in ("pending", "requires_action"):
        return {"pspReference": refund["id"]}  # Saleor waits; charge.refunded reports it
    if refund["status"] != "succeeded":
        return _failure("REFUND_FAILURE", amount, "Stripe không hoàn tiền được (refund failed).", refund["id"])
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if refund["id"] not in attempt.refund_ids:  # Stripe replaying the same refund counts once
            attempt.refund_ids = [*attempt.refund_ids, refund["id"]]
            attempt.amount_refunded = min(attempt.amount, attempt.amount_refunded + refund["amount"])
            attempt.state = state.REFUNDED
            attempt.save(update_fields=["refund_ids", "amount_refunded", "state", "updated_at"])
    return {"pspReference": refund["id"], "result": "REFUND_SUCCESS", "amount": refund["amount"],
            "message": "Đã hoàn tiền về thẻ (refunded to the card).",
            "actions": ["REFUND"] if attempt.amount_refunded < attempt.amount else []}


def transaction_cancelation_requested(*, payload: dict) -> dict:
    """Cancel the PaymentIntent of a card payment not paid yet."""
    action = payload.get("action") or {}
    try:
        gateway.stripe_config()
    except gateway.CardPaymentUnavailable:
        return _failure("CANCEL_FAILURE", action.get("amount"), gateway.NOT_CONFIGURED_MESSAGE)
    attempt = _attempt(payload)
    if attempt is None or attempt.state in state.PAID:
        return _failure("CANCEL_FAILURE", action.get("amount"),
                        "Không huỷ được khoản đã thanh toán; hãy hoàn tiền (paid: refund instead).",
                        attempt.payment_intent_id if attempt else None)
    try:
        intent = gateway.stripe_client().v1.payment_intents.cancel(
            attempt.payment_intent_id, {}, {"idempotency_key": f"saleor-cancel-{attempt.payment_intent_id}"},
        ).to_dict()
    except stripe.StripeError as error:
        logger.warning("Stripe refused to cancel %s: %r", attempt.payment_intent_id, error)
        return _failure("CANCEL_FAILURE", attempt.amount, f"Stripe không huỷ được (cancel refused): "
                        f"{error.user_message or ''}".strip(), attempt.payment_intent_id)
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        current = state.Payment(attempt.payment_intent_id, attempt.amount, attempt.state, attempt.amount_refunded)
        attempt.state = state.intent_status_observed(current, intent["status"]).state
        attempt.save(update_fields=["state", "updated_at"])
    if intent["status"] != "canceled":
        return _failure("CANCEL_FAILURE", attempt.amount, "Stripe không huỷ được (cancel failed).", intent["id"])
    return {"pspReference": intent["id"], "result": "CANCEL_SUCCESS", "amount": attempt.amount,
            "message": "Đã huỷ thanh toán thẻ (payment canceled).", "actions": []}
