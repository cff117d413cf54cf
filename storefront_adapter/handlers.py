"""What each Saleor webhook does, by Saleor's event type. Run by the Celery task
process_webhook_delivery, inside the transaction that marks the delivery processed, so a
handler writes (outbox rows, sub-orders) and never calls out.

PRODUCT_* run the certification gate and ORDER_CREATED takes the sold stock off our
variants (storefront_adapter.gate); ORDER_CANCELLED gives it back (order_returns); the
order split on ORDER_* comes next (flow 5).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.utils import timezone

from . import catalogue, gate, gate_tasks, order_returns
from .models import WebhookDelivery

logger = logging.getLogger(__name__)

Handler = Callable[[WebhookDelivery], None]


def _gate_product(delivery: WebhookDelivery) -> None:
    product = (delivery.payload or {}).get("product") or {}
    channels = gate.product_channels_to_unpublish(product=product, today=timezone.localdate())
    if channels:
        # Saleor is called by the task, after this transaction commits; it writes the audit.
        gate_tasks.unpublish_product.delay_on_commit(product["id"], channels)


def _refresh_catalogue(delivery: WebhookDelivery) -> None:
    product_id = ((delivery.payload or {}).get("product") or {}).get("id")
    catalogue.catalogue_refresh_enqueue(saleor_product_ids=[product_id])


def product_created(delivery: WebhookDelivery) -> None:
    """A product made in Saleor by hand, and published, is checked by the certification gate;
    the catalogue read model reads it again (after commit)."""
    _gate_product(delivery)
    _refresh_catalogue(delivery)


def product_updated(delivery: WebhookDelivery) -> None:
    """Someone publishing by hand what ocop_rules forbids is undone (after commit) and logged;
    the catalogue read model reads the product again (after commit)."""
    _gate_product(delivery)
    _refresh_catalogue(delivery)


def product_deleted(delivery: WebhookDelivery) -> None:
    """A product deleted in Saleor leaves the catalogue read model."""
    product_id = ((delivery.payload or {}).get("product") or {}).get("id")
    if product_id:
        catalogue.catalogue_remove(saleor_product_ids=[product_id])


def order_created(delivery: WebhookDelivery) -> None:
    """What Saleor sold leaves our variants' stock, once per order. Next: the split per vendor."""
    gate.order_stock_apply(delivery=delivery)
    catalogue.catalogue_refresh_enqueue(listing_ids=catalogue.order_listing_ids(delivery.payload))


def order_cancelled(delivery: WebhookDelivery) -> None:
    """What Saleor released on the cancel comes back to our variants' stock, once per order;
    the catalogue reads Saleor's availability again (after commit)."""
    order_returns.order_stock_return(delivery=delivery)
    catalogue.catalogue_refresh_enqueue(listing_ids=catalogue.order_listing_ids(delivery.payload))


def order_updated(delivery: WebhookDelivery) -> None:
    """Next: payment and cancellation reach the vendors' sub-orders."""
    logger.info("ORDER_UPDATED delivery %s: no handler yet", delivery.pk)


HANDLERS: dict[str, Handler] = {
    "PRODUCT_CREATED": product_created,
    "PRODUCT_UPDATED": product_updated,
    "PRODUCT_DELETED": product_deleted,
    "ORDER_CREATED": order_created,
    "ORDER_CANCELLED": order_cancelled,
    "ORDER_UPDATED": order_updated,
}


def handler_for(event: str) -> Handler:
    # Every subscribed event has a handler (a test holds it), so a KeyError is a bug.
    return HANDLERS[event]
