"""A cancelled order's stock comes back to our variants (issue 5, stock semantics).

``Variant.stock`` is what is left to sell; Saleor's quantity is that plus what is allocated
to unshipped orders. Cancelling an order (staff in the dashboard, a vendor, or our own
cancel of an oversold order) makes Saleor release the allocations of what is not fulfilled
(Saleor 3.23 saleor/order/actions.py cancel_order → deallocate_stock_for_orders; it
refuses to cancel while a fulfilment is still shipped, and fulfilled units never come
back), so its available count rises by each line's quantity less quantityFulfilled. Ours
rises by the same, but only for stock the order took from us: at admission (its
``CheckoutHold``) or by its ORDER_CREATED; never for an order ORDER_CREATED refused as
oversold, which took nothing.
"""
from __future__ import annotations

import logging

from django.db.models import F

from vendors.listings.models import Variant

from . import admission, gate
from .models import GateAuditEntry, WebhookDelivery

logger = logging.getLogger(__name__)


def _took_stock_by_order_created(order_id: str) -> bool:
    """Did ORDER_CREATED take this order's stock? It did when processed, unless it found
    the order beyond stock (audited OVERSOLD, then cancelled by us) and took nothing."""
    oversold = GateAuditEntry.objects.filter(action=GateAuditEntry.Action.OVERSOLD, details__order_id=order_id)
    return gate.order_event_processed(event="ORDER_CREATED", order_id=order_id) and not oversold.exists()


def order_stock_return(*, delivery: WebhookDelivery) -> int:
    """ORDER_CANCELLED: give each line's unfulfilled quantity back to our variant, once per
    order (advisory lock on the order, then a processed delivery of it means done; the hold
    of an admitted order is marked cancelled, so it is never given back twice). Runs in the
    delivery's transaction and never calls Saleor. Returns the lines given back."""
    order = (delivery.payload or {}).get("order") or {}
    order_id = order.get("id")
    if not order_id:
        return 0
    gate.order_lock(order_id=order_id)
    if gate.order_event_processed(event=delivery.event, order_id=order_id, other_than=delivery):
        logger.info("ORDER_CANCELLED for order %s was applied already; delivery %s skipped", order_id, delivery.pk)
        return 0
    if admission.order_admitted(checkout_id=order.get("checkoutId"), order_id=order_id):
        if not admission.hold_cancel(order_id=order_id):
            logger.info("Order %s: its hold was given back already", order.get("number"))
            return 0
    elif not _took_stock_by_order_created(order_id):
        logger.info("Order %s cancelled; it took none of our stock, none given back", order.get("number"))
        return 0
    returned = gate.order_variant_quantities(order, unfulfilled=True)
    for variant_id, quantity in sorted(returned.items()):  # variant-id order, as every stock writer
        Variant.objects.filter(pk=variant_id).update(stock=F("stock") + quantity)
    logger.info("Order %s cancelled: %s given back to our stock", order.get("number"), returned)
    return len(returned)
