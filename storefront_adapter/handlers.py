"""What each Saleor webhook does, by Saleor's event type. Run by the Celery task
process_webhook_delivery, inside the transaction that marks the delivery processed, so a
handler writes (outbox rows, sub-orders) and never calls out.

No-ops for now: the certification gate on PRODUCT_* and the order split on ORDER_* come
next (ARCHITECTURE.md, flows 4 and 5).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from .models import WebhookDelivery

logger = logging.getLogger(__name__)

Handler = Callable[[WebhookDelivery], None]


def product_created(delivery: WebhookDelivery) -> None:
    """Next: a product made in Saleor by hand is checked by the certification gate."""
    logger.info("PRODUCT_CREATED delivery %s: no handler yet", delivery.pk)


def product_updated(delivery: WebhookDelivery) -> None:
    """Next: someone publishing by hand what ocop_rules forbids is undone and logged."""
    logger.info("PRODUCT_UPDATED delivery %s: no handler yet", delivery.pk)


def order_created(delivery: WebhookDelivery) -> None:
    """Next: the order is split into one sub-order per vendor."""
    logger.info("ORDER_CREATED delivery %s: no handler yet", delivery.pk)


def order_updated(delivery: WebhookDelivery) -> None:
    """Next: payment and cancellation reach the vendors' sub-orders."""
    logger.info("ORDER_UPDATED delivery %s: no handler yet", delivery.pk)


HANDLERS: dict[str, Handler] = {
    "PRODUCT_CREATED": product_created,
    "PRODUCT_UPDATED": product_updated,
    "ORDER_CREATED": order_created,
    "ORDER_UPDATED": order_updated,
}


def handler_for(event: str) -> Handler:
    # Every subscribed event has a handler (a test holds it), so a KeyError is a bug.
    return HANDLERS[event]
