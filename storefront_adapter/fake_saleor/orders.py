"""FakeSaleor handlers for orders, answering like Saleor 3.23: the order as the Order
document reads it, lookup by number and email, and ``orderCancel``, which refuses an order
with a fulfilment still shipped and gives back the allocations of what is not fulfilled
(saleor/order/actions.py cancel_order). Plus what tests do outside our calls: fulfil lines,
refund fulfilments, and the ORDER_* webhook payloads Saleor would send."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from . import FakeGraphQLError, FakeSaleor, from_global_id, global_id, handles
from .checkout import _charge_status, _taxed, _thumbnail


def order_answer(fake: FakeSaleor, order: Mapping[str, Any]) -> dict[str, Any]:
    """The Order document's shape."""
    currency = fake.currency
    lines = []
    for line in order["lines"]:
        variant = fake.variants.get(line["variant_pk"])
        product = fake.products.get(variant.product_pk) if variant else None
        lines.append({
            "id": line["id"], "productName": line["product_name"], "variantName": line["variant_name"],
            "productSku": line["sku"], "quantity": line["quantity"], "quantityFulfilled": line["quantity_fulfilled"],
            "variant": ({"id": variant.id, "externalReference": variant.external_reference,
                         "product": {"slug": product.slug, "externalReference": product.external_reference}}
                        if variant else None),
            "thumbnail": _thumbnail(fake, variant) if variant else None,
            "unitPrice": _taxed(line["price"], currency), "totalPrice": _taxed(line["price"] * line["quantity"], currency)})
    return {
        "id": order["id"], "number": order["number"], "created": order["created"], "status": order["status"],
        "userEmail": order["email"], "checkoutId": order["checkout_id"],
        "isPaid": order.get("charged", 0) >= order["subtotal"] + order["shipping"],
        "chargeStatus": _charge_status(order.get("charged", 0), order["subtotal"] + order["shipping"]),
        "authorizeStatus": "NONE", "shippingMethodName": order["shipping_method_name"],
        "lines": lines, "fulfillments": order["fulfillments"], "subtotal": _taxed(order["subtotal"], currency),
        "shippingPrice": _taxed(order["shipping"], currency),
        "total": _taxed(order["subtotal"] + order["shipping"], currency),
        "shippingAddress": order["shipping_address"],
    }


def _order(fake: FakeSaleor, order_id: Any) -> dict[str, Any] | None:
    if not isinstance(order_id, str) or from_global_id(order_id)[0] != "Order":
        raise FakeGraphQLError(f"Couldn't resolve id: {order_id}.")
    return fake.table("orders").get(order_id)


@handles("Order")
def order_query(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    order = _order(fake, variables.get("id"))
    return {"order": order_answer(fake, order) if order else None}


@handles("OrderLookup")
def order_lookup(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    number, email = str(variables.get("number")), variables.get("email")
    found = [o for o in fake.table("orders").values() if o["number"] == number and o["email"] == email]
    return {"orders": {"edges": [{"node": {"id": o["id"], "number": o["number"], "userEmail": o["email"]}}
                                 for o in found[:1]]}}


# Order.can_cancel (saleor/order/models.py): only these fulfilments let an order be cancelled.
_CANCELLABLE_FULFILMENT_STATUSES = frozenset({"CANCELED", "REFUNDED", "REPLACED", "REFUNDED_AND_RETURNED",
                                              "RETURNED"})


@handles("OrderCancel")
def order_cancel(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    order = _order(fake, variables.get("id"))
    if order is None:
        return {"orderCancel": {"order": None, "errors": [
            {"field": "id", "code": "NOT_FOUND", "message": "Couldn't resolve to a node."}]}}
    shipped = [f for f in order["fulfillments"] if f["status"] not in _CANCELLABLE_FULFILMENT_STATUSES]
    if shipped or order["status"] == "CANCELED":
        return {"orderCancel": {"order": None, "errors": [
            {"field": "order", "code": "CANNOT_CANCEL_ORDER", "message": "This order can't be canceled."}]}}
    for line in order["lines"]:
        variant = fake.variants.get(line["variant_pk"])
        if variant:  # fulfilled units left the warehouse and their allocation already
            variant.allocated -= line["quantity"] - line["quantity_fulfilled"]
    order["status"] = "CANCELED"
    return {"orderCancel": {"order": {"id": order["id"], "number": order["number"], "status": "CANCELED"},
                            "errors": []}}


# --- helpers for tests (what Saleor's dashboard or webhooks would do) -------------------------


def fulfil(fake: FakeSaleor, order_id: str, line_ids: list[str]) -> None:
    """Ship these lines in full, as a vendor fulfilling in the dashboard would."""
    with fake._lock:
        order = fake.table("orders")[order_id]
        for line in order["lines"]:
            if line["id"] in line_ids:
                line["quantity_fulfilled"] = line["quantity"]
                variant = fake.variants.get(line["variant_pk"])
                if variant:  # shipped: it leaves the warehouse and its allocation
                    variant.allocated -= line["quantity"]
                    variant.quantity -= line["quantity"]
        order["fulfillments"].append({"id": global_id("Fulfillment", uuid.uuid4()), "status": "FULFILLED",
                                      "lines": [{"quantity": line["quantity"], "orderLine": {"id": line["id"]}}
                                                for line in order["lines"] if line["id"] in line_ids]})
        fulfilled = all(line["quantity_fulfilled"] == line["quantity"] for line in order["lines"])
        order["status"] = "FULFILLED" if fulfilled else "PARTIALLY_FULFILLED"


def refund_fulfilments(fake: FakeSaleor, order_id: str) -> None:
    """Refund what was shipped without taking it back (fulfillmentRefundProducts): the
    fulfilments become REFUNDED, their units stay fulfilled, and the order may be cancelled."""
    with fake._lock:
        for fulfilment in fake.table("orders")[order_id]["fulfillments"]:
            if fulfilment["status"] == "FULFILLED":
                fulfilment["status"] = "REFUNDED"


def order_cancelled_payload(fake: FakeSaleor, order_id: str) -> dict[str, Any]:
    """The ORDER_CANCELLED webhook body (OrderCancelledEvent.graphql) Saleor would send for the order."""
    order = order_answer(fake, fake.table("orders")[order_id])
    lines = [{"id": line["id"], "productSku": line["productSku"], "quantity": line["quantity"],
              "quantityFulfilled": line["quantityFulfilled"],
              "variant": line["variant"] and {"id": line["variant"]["id"],
                                              "externalReference": line["variant"]["externalReference"],
                                              "product": {"externalReference": line["variant"]["product"]["externalReference"]}}}
             for line in order["lines"]]
    return {"issuedAt": datetime.now(UTC).isoformat(), "order": {
        "id": order["id"], "number": order["number"], "checkoutId": order["checkoutId"], "status": order["status"],
        "userEmail": order["userEmail"], "channel": {"slug": fake.channel_slug}, "lines": lines}}


def order_created_payload(fake: FakeSaleor, order_id: str) -> dict[str, Any]:
    """The ORDER_CREATED webhook body (OrderCreatedEvent.graphql) Saleor would send for the order."""
    order = order_answer(fake, fake.table("orders")[order_id])
    lines = [{**{k: line[k] for k in ("id", "productName", "variantName", "productSku", "quantity",
                                       "quantityFulfilled", "unitPrice", "totalPrice")},
              "variant": line["variant"] and {"id": line["variant"]["id"],
                                              "externalReference": line["variant"]["externalReference"],
                                              "product": {"externalReference": line["variant"]["product"]["externalReference"]}},
              "allocations": []} for line in order["lines"]]
    return {"issuedAt": order["created"], "order": {
        "id": order["id"], "number": order["number"], "checkoutId": order["checkoutId"], "created": order["created"],
        "updatedAt": order["created"], "status": order["status"], "chargeStatus": "NONE", "authorizeStatus": "NONE",
        "userEmail": order["userEmail"], "channel": {"slug": fake.channel_slug}, "total": order["total"],
        "shippingPrice": order["shippingPrice"], "lines": lines}}
