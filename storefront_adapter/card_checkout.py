"""A checkout paid by card: the admission count, then the payment, then the order.

The order of steps is what keeps a paid buyer from meeting "sold out": the units are held
(``checkout_admit``, with an expiry) before the card is charged, and the checkout is
completed only once Saleor counts exactly its total as charged. A payment that cannot
start gives the hold back at once; one that failed gives it back too, so the buyer may try
another card or cash on delivery. A hold left by a buyer who walked away expires
(order_tasks).

The order is placed by whichever comes first: the buyer's browser coming back from
Stripe.js (``card_checkout_finish``), or Stripe's signed ``payment_intent.succeeded``
once reported to Saleor (``card_checkout_complete_paid``, from the payments task), so a
buyer who closed the tab after paying still gets the order. Both are safe to repeat: the
admission hold turns a second completion into "already ordered". A payment taken that
cannot become an order (the units went meanwhile) is audited for officers to refund.

Calls Saleor and Stripe (through Saleor): never inside a database transaction.
"""
from __future__ import annotations

import logging

from django.conf import settings

from . import admission
from .checkout import CheckoutError, PlacedOrder, checkout_admit, checkout_complete
from .errors import SaleorError
from .models import GateAuditEntry
from .money import saleor_dong
from .orders import order_get
from .payments.gateway import CardPaymentUnavailable
from .payments.storefront import (
    FAILED,
    SALEOR_BUSY,
    SUCCEEDED,
    CardPaymentError,
    CardResult,
    CardSession,
    card_payment_cancel,
    card_payment_confirm,
    card_payment_start,
)

logger = logging.getLogger(__name__)

PAID_BUT_NOT_PLACED = ("Thanh toán đã thành công nhưng chưa tạo được đơn hàng: {reason} "
                       "Sàn sẽ liên hệ và hoàn tiền nếu không giao được hàng.")
HOLD_EXPIRED = ("Thời gian giữ hàng cho lần thanh toán này đã hết; chưa có khoản nào bị trừ. "
                "Hãy bấm “Đặt hàng” lại để giữ hàng và thanh toán.")


def card_checkout_start(*, checkout_id: str | None, replaces: str | None = None) -> CardSession:
    """Hold the cart's units, then open the card payment for the checkout's total;
    ``replaces``: the transaction of an earlier, unpaid payment for this cart (its total has
    changed since), canceled once the new one is open, so only one can be charged."""
    cart, hold = checkout_admit(checkout_id=checkout_id, minutes=settings.CHECKOUT_HOLD_MINUTES)
    try:
        session = card_payment_start(checkout_id=cart.id)
        if replaces and replaces != session.transaction_id:
            card_payment_cancel(transaction_id=replaces)
        return session
    except (CardPaymentUnavailable, CardPaymentError) as error:
        message = error.message_vi
    except SaleorError as error:
        logger.warning("Card payment of checkout %s not started: %s", cart.id, error)
        message = SALEOR_BUSY
    except BaseException:
        if hold.taken_now:
            admission.hold_release(checkout_id=cart.id)
        raise
    if hold.taken_now:
        admission.hold_release(checkout_id=cart.id)
    raise CheckoutError(message, code="PAYMENT_NOT_STARTED", field="payment")


def card_checkout_finish(*, checkout_id: str, transaction_id: str) -> PlacedOrder | CardResult:
    """After Stripe.js: the order when Saleor counts the checkout paid; otherwise how the
    payment stands (a failed one gives the hold back)."""
    placed = _placed_already(checkout_id)
    if placed is not None:  # Stripe's webhook was quicker than the buyer's browser
        return placed
    result = card_payment_confirm(checkout_id=checkout_id, transaction_id=transaction_id)
    if result.status == FAILED:
        admission.hold_release(checkout_id=checkout_id)
        return result
    if result.status != SUCCEEDED:
        return result
    return _complete_paid(checkout_id=checkout_id, source=f"transaction {transaction_id}")


def card_checkout_complete_paid(*, checkout_id: str) -> PlacedOrder | None:
    """Stripe said paid and Saleor heard it: place the order if the buyer's browser has not
    (None when it had, or when the cart is not fully paid: the buyer is paying the rest)."""
    if admission.checkout_order_id(checkout_id=checkout_id):
        return None
    try:
        return _complete_paid(checkout_id=checkout_id, source="Stripe webhook")
    except CheckoutError as error:
        if error.code in {"ALREADY_ORDERED", "NOT_FULLY_PAID", "NO_LINES"} or admission.checkout_order_id(checkout_id=checkout_id):
            # Placed meanwhile by the browser (Saleor then has no checkout), or a cart that
            # changed after the payment: the buyer's next payment completes it.
            return None
        raise


def _placed_already(checkout_id: str) -> PlacedOrder | None:
    order_id = admission.checkout_order_id(checkout_id=checkout_id)
    order = order_get(order_id=order_id) if order_id else None
    if order is None:
        return None
    return PlacedOrder(id=order["id"], number=order["number"], email=order.get("userEmail") or "",
                       total=saleor_dong(order["total"]))


def _complete_paid(*, checkout_id: str, source: str) -> PlacedOrder:
    try:
        return checkout_complete(checkout_id=checkout_id, paid=True)
    except CheckoutError as error:
        if error.code in {"NOT_FULLY_PAID", "UNAVAILABLE", "ALREADY_ORDERED"}:
            raise
        placed = _placed_already(checkout_id)
        if placed is not None:  # placed by the other path a moment ago (Saleor has no checkout now)
            return placed
        # Paid, and then refused (the hold expired and the units went to others, or the
        # certificate lapsed meanwhile): officers must refund; the buyer is told so.
        logger.error("Checkout %s paid by card (%s) but not completed: %s", checkout_id, source, error.message_vi)
        GateAuditEntry.objects.create(
            action=GateAuditEntry.Action.PAID_NOT_PLACED,
            reason=f"Giỏ hàng {checkout_id} đã thanh toán thẻ nhưng không tạo được đơn: {error.message_vi} "
                   "Cần hoàn tiền cho người mua.",
            details={"checkout_id": checkout_id, "source": source, "code": error.code})
        raise CheckoutError(PAID_BUT_NOT_PLACED.format(reason=error.message_vi), code="PAID_NOT_PLACED") from None
