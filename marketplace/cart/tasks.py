from smtplib import SMTPException

from celery import shared_task

from storefront_adapter.errors import SaleorUnavailable

from .services import order_confirmation_send


@shared_task(autoretry_for=(SMTPException, ConnectionError, TimeoutError, SaleorUnavailable), retry_backoff=30,
             max_retries=8)
def send_order_confirmation(order_id: str) -> bool:
    """The buyer's confirmation email, enqueued on commit once the order is placed."""
    return order_confirmation_send(order_id=order_id)
