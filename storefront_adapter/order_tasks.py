"""Celery tasks for orders: each takes ids, asks Saleor for the current state and acts only
on what is still to do, so a repeat is harmless. Only SaleorUnavailable is retried."""
from __future__ import annotations

from celery import shared_task

from . import admission, orders
from .errors import SaleorUnavailable


@shared_task(acks_late=True, autoretry_for=(SaleorUnavailable,), retry_backoff=30, retry_backoff_max=15 * 60,
             retry_jitter=True, max_retries=8)
def cancel_oversold_order(order_id: str, audit_entry_ids: list[int]) -> bool:
    """Cancel an order that came by another path beyond stock; enqueued on commit by ORDER_CREATED."""
    return orders.order_cancel_oversold(order_id=order_id, audit_entry_ids=audit_entry_ids)


@shared_task
def release_expired_holds() -> int:
    """Beat: give back the stock of checkouts held and never completed (card payments abandoned)."""
    return admission.holds_release_expired()
