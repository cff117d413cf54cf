from smtplib import SMTPException

from celery import shared_task

from storefront_adapter.card_checkout import card_checkout_complete_paid
from storefront_adapter.checkout import CheckoutError
from storefront_adapter.errors import SaleorUnavailable

from .services import order_confirmation_send


@shared_task(autoretry_for=(SMTPException, ConnectionError, TimeoutError, SaleorUnavailable), retry_backoff=30,
             max_retries=8)
def send_order_confirmation(order_id: str) -> bool:
    """The buyer's confirmation email, enqueued on commit once the order is placed."""
    return order_confirmation_send(order_id=order_id)


class _SaleorBusy(Exception):
    """Saleor could not answer now (CheckoutError UNAVAILABLE): worth another try."""


# Safe to repeat: the admission hold turns a second completion into "already ordered".
@shared_task(autoretry_for=(SaleorUnavailable, _SaleorBusy), retry_backoff=10, retry_backoff_max=600,
             max_retries=8)
def complete_paid_checkout(checkout_id: str) -> str | None:
    """Place the order of a checkout Stripe says is paid, if the buyer's browser has not,
    and email the buyer its confirmation; the order's id, or None."""
    try:
        order = card_checkout_complete_paid(checkout_id=checkout_id)
    except CheckoutError as error:
        if error.code == "UNAVAILABLE":
            raise _SaleorBusy(error.message_vi) from error
        return None  # audited for officers (card_checkout): paid, not placed
    if order is None:
        return None
    send_order_confirmation.delay_on_commit(order.id)
    return order.id
