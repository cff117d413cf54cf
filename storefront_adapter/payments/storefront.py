"""What the checkout page calls to take a card payment through Saleor (Transactions API).

    session = card_payment_start(checkout_id=...)      # then Stripe.js confirms the card with
                                                       # session.client_secret / publishable_key
    result = card_payment_confirm(checkout_id=..., transaction_id=session.transaction_id)
    if result.status == "succeeded": complete the checkout (the cart's completion service)

Saleor calls our payment webhooks in between (sessions.py). These call Saleor, so never
inside a database transaction.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings

from ..connection import saleor_client
from ..errors import SaleorError, SaleorUnavailable
from . import gateway

logger = logging.getLogger(__name__)

SUCCEEDED, PENDING, ACTION_REQUIRED, FAILED = "succeeded", "pending", "action_required", "failed"
STATUS_BY_EVENT = {
    "CHARGE_SUCCESS": SUCCEEDED,
    "AUTHORIZATION_SUCCESS": SUCCEEDED,
    "CHARGE_REQUEST": PENDING,
    "AUTHORIZATION_REQUEST": PENDING,
    "CHARGE_ACTION_REQUIRED": ACTION_REQUIRED,
    "AUTHORIZATION_ACTION_REQUIRED": ACTION_REQUIRED,
    "CHARGE_FAILURE": FAILED,
    "AUTHORIZATION_FAILURE": FAILED,
}
MESSAGES = {
    SUCCEEDED: "Đã thanh toán bằng thẻ (card payment succeeded).",
    PENDING: "Ngân hàng đang xử lý thanh toán, vui lòng chờ trong giây lát (the payment is processing).",
    ACTION_REQUIRED: "Vui lòng hoàn tất xác thực thẻ (please complete the card check).",
    FAILED: "Thanh toán thẻ không thành công, vui lòng thử lại hoặc chọn thanh toán khi nhận hàng "
            "(card payment failed).",
}
START_FAILED = "Chưa bắt đầu được thanh toán thẻ, vui lòng thử lại (could not start the card payment)."
SALEOR_BUSY = ("Hệ thống thanh toán đang bận, vui lòng thử lại sau ít phút "
               "(the payment system is busy, try again in a few minutes).")


class CardPaymentError(Exception):
    """A card payment that could not start; `message_vi` is for the buyer."""

    def __init__(self, message_vi: str, *, reason: str = "") -> None:
        super().__init__(reason or message_vi)
        self.message_vi = message_vi


@dataclass(frozen=True)
class CardSession:
    transaction_id: str
    client_secret: str
    publishable_key: str
    amount: int  # whole đồng


@dataclass(frozen=True)
class CardResult:
    status: str  # succeeded | pending | action_required | failed
    message_vi: str


def _mutation_errors(payload: dict) -> str:
    return "; ".join(f"{e.get('field') or '-'}: {e.get('code')} {e.get('message') or ''}".rstrip()
                     for e in payload.get("errors") or ())


def card_payment_start(*, checkout_id: str) -> CardSession:
    """Open a card payment for the whole checkout: Saleor's transactionInitialize with our
    app as the gateway (settings.SALEOR_APP_ID); Saleor calls our
    TRANSACTION_INITIALIZE_SESSION webhook, which creates the Stripe PaymentIntent.

    Raises gateway.CardPaymentUnavailable when Stripe is not configured (Saleor is not
    called), CardPaymentError when Saleor or Stripe refused; both carry `message_vi`.
    """
    gateway.stripe_config()
    try:
        data = saleor_client().execute("TransactionInitialize", {
            "checkoutId": checkout_id, "gatewayId": settings.SALEOR_APP_ID, "gatewayData": {"method": "card"},
        })
    except SaleorUnavailable as error:
        raise CardPaymentError(SALEOR_BUSY, reason=str(error)) from error
    payload = data["transactionInitialize"] or {}
    if payload.get("errors"):
        raise CardPaymentError(START_FAILED, reason=_mutation_errors(payload))
    event = payload.get("transactionEvent") or {}
    answer = payload.get("data") or {}
    if STATUS_BY_EVENT.get(event.get("type")) == FAILED or not answer.get("client_secret"):
        message = (answer.get("error") or {}).get("message") or START_FAILED
        raise CardPaymentError(message, reason=f"{event.get('type')}: {event.get('message')}")
    amount = gateway.whole_dong((event.get("amount") or {}).get("amount"))
    return CardSession(transaction_id=payload["transaction"]["id"], client_secret=answer["client_secret"],
                       publishable_key=answer["publishable_key"], amount=amount or 0)


def card_payment_confirm(*, checkout_id: str, transaction_id: str) -> CardResult:
    """After Stripe.js confirmed the card: Saleor's transactionProcess, which calls our
    TRANSACTION_PROCESS_SESSION webhook (it reads the PaymentIntent). A transaction of
    another checkout is refused. "succeeded" means Saleor now counts the checkout as paid
    and it may be completed."""
    try:
        data = saleor_client().execute("TransactionProcess", {"transactionId": transaction_id})
    except SaleorUnavailable:
        # Not known yet, not failed: Stripe's webhook will tell Saleor; the buyer may retry.
        return CardResult(PENDING, SALEOR_BUSY)
    payload = data["transactionProcess"] or {}
    saleor_transaction = payload.get("transaction") or {}
    checkout = saleor_transaction.get("checkout") or {}
    if checkout and checkout.get("id") != checkout_id:
        return CardResult(FAILED, "Giao dịch không thuộc giỏ hàng này (not this checkout's payment).")
    codes = {e.get("code") for e in payload.get("errors") or ()}
    if "TRANSACTION_ALREADY_PROCESSED" in codes:
        # Processed before (a reload): what Saleor has counted as charged says how it ended.
        charged = gateway.whole_dong((saleor_transaction.get("chargedAmount") or {}).get("amount"))
        status = SUCCEEDED if charged else PENDING
        return CardResult(status, MESSAGES[status])
    if codes:
        return CardResult(FAILED, MESSAGES[FAILED])
    event = payload.get("transactionEvent") or {}
    status = STATUS_BY_EVENT.get(event.get("type"), PENDING)
    message = MESSAGES[status]
    if status in (FAILED, ACTION_REQUIRED) and event.get("message"):
        message = event["message"]
    return CardResult(status, message)


def card_payment_cancel(*, transaction_id: str) -> bool:
    """Ask Saleor to cancel a card payment not paid yet (TRANSACTION_CANCELATION_REQUESTED
    cancels its PaymentIntent at Stripe). Best effort: False, logged, when Saleor refused or
    could not be reached; an unpaid PaymentIntent left open expires at Stripe."""
    try:
        data = saleor_client().execute("TransactionRequestAction", {"id": transaction_id, "actionType": "CANCEL"})
    except SaleorError as error:
        logger.warning("Card payment %s not canceled: %s", transaction_id, error)
        return False
    payload = data["transactionRequestAction"] or {}
    if payload.get("errors"):
        logger.warning("Card payment %s not canceled: %s", transaction_id, _mutation_errors(payload))
        return False
    return True
