"""A checkout paid by card: the admission count, then the payment, then the order.

The order of steps is what keeps a paid buyer from meeting "sold out": the units are held
(``checkout_admit``, with an expiry) before the card is charged, and the checkout is
completed only once Saleor counts it paid. A payment that cannot start gives the hold
back at once; one that failed gives it back too, so the buyer may try another card or
cash on delivery. A hold left by a buyer who walked away expires (order_tasks).

Calls Saleor and Stripe (through Saleor): never inside a database transaction.
"""
from __future__ import annotations

import logging

from django.conf import settings

from . import admission
from .checkout import CheckoutError, PlacedOrder, checkout_admit, checkout_complete
from .payments.gateway import CardPaymentUnavailable
from .payments.storefront import (
    FAILED,
    SUCCEEDED,
    CardPaymentError,
    CardResult,
    CardSession,
    card_payment_confirm,
    card_payment_start,
)

logger = logging.getLogger(__name__)

PAID_BUT_NOT_PLACED = ("Thanh toán đã thành công nhưng chưa tạo được đơn hàng: {reason} "
                       "Sàn sẽ liên hệ và hoàn tiền nếu không giao được hàng.")


def card_checkout_start(*, checkout_id: str | None) -> CardSession:
    """Hold the cart's units, then open the card payment for the checkout's total."""
    cart, hold = checkout_admit(checkout_id=checkout_id, minutes=settings.CHECKOUT_HOLD_MINUTES)
    try:
        return card_payment_start(checkout_id=cart.id)
    except (CardPaymentUnavailable, CardPaymentError) as error:
        if hold.taken_now:
            admission.hold_release(checkout_id=cart.id)
        raise CheckoutError(error.message_vi, code="PAYMENT_NOT_STARTED", field="payment") from None
    except BaseException:
        if hold.taken_now:
            admission.hold_release(checkout_id=cart.id)
        raise


def card_checkout_finish(*, checkout_id: str, transaction_id: str) -> PlacedOrder | CardResult:
    """After Stripe.js: the order when Saleor counts the checkout paid; otherwise how the
    payment stands (a failed one gives the hold back)."""
    result = card_payment_confirm(checkout_id=checkout_id, transaction_id=transaction_id)
    if result.status == FAILED:
        admission.hold_release(checkout_id=checkout_id)
        return result
    if result.status != SUCCEEDED:
        return result
    try:
        return checkout_complete(checkout_id=checkout_id)
    except CheckoutError as error:
        # Paid, and then refused (the hold expired and the units went to others, or the
        # certificate lapsed meanwhile): an officer must refund; the buyer is told so.
        logger.error("Checkout %s paid by card (transaction %s) but not completed: %s",
                     checkout_id, transaction_id, error.message_vi)
        raise CheckoutError(PAID_BUT_NOT_PLACED.format(reason=error.message_vi), code=error.code) from None
