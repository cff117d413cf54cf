"""FakeSaleor handlers for carts and checkout, answering like Saleor 3.23 (orders: orders.py).

Checkouts and orders live in ``fake.table("checkouts")`` / ``fake.table("orders")`` keyed by
their Saleor ids. Saleor's rules the shop meets are kept: a line's quantity (what is in the
cart plus what is added) must be available (stock quantity minus allocations) and within
the variant's ``quantityLimitPerCustomer``; only a published product can be added; shipping
methods are offered once there is a shipping address; a Vietnamese address needs street,
city, a province Saleor knows in countryArea and a valid +84 phone; ``checkoutComplete``
allocates the lines (``FakeVariant.allocated``) and deletes the checkout. The one shipping
method is provisioning's flat rate.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from vendors.registry import places

from .. import provisioning
from . import (
    FakeGraphQLError,
    FakeSaleor,
    FakeVariant,
    from_global_id,
    global_id,
    handles,
)

SALEOR_PROVINCES = frozenset(provisioning.saleor_country_area(p) for p in places.current_provinces())
_PHONE = re.compile(r"^\+84(?:[35789]\d{8}|2\d{9})$")


def _money(amount: float, currency: str) -> dict[str, Any]:
    return {"amount": float(amount), "currency": currency}


def _taxed(amount: float, currency: str) -> dict[str, Any]:
    return {"gross": _money(amount, currency)}


def _error(code: str, message: str, field: str | None = None, *, variants: list[str] | None = None,
           lines: list[str] | None = None, address_type: str | None = None) -> dict[str, Any]:
    return {"field": field, "code": code, "message": message, "variants": variants, "lines": lines,
            "addressType": address_type}


def _payload(checkout: Mapping[str, Any] | None, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"checkout": None if errors or checkout is None else {"id": checkout["id"]}, "errors": errors}


def shipping_method(fake: FakeSaleor) -> dict[str, Any]:
    """Provisioning's one method: "Giao hàng tiêu chuẩn", 30.000 ₫, 2-5 days."""
    methods = fake.table("shipping_methods")
    if not methods:
        pk = fake.next_pk()
        low, high = provisioning.STANDARD_DELIVERY_DAYS
        methods[global_id("ShippingMethod", pk)] = {
            "id": global_id("ShippingMethod", pk), "name": provisioning.SHIPPING_METHOD_NAME, "active": True,
            "minimumDeliveryDays": low, "maximumDeliveryDays": high,
            "price": _money(provisioning.STANDARD_SHIPPING_PRICE_VND, fake.currency)}
    return next(iter(methods.values()))


def _checkout(fake: FakeSaleor, checkout_id: Any) -> dict[str, Any] | None:
    if not isinstance(checkout_id, str):
        raise FakeGraphQLError(f"Couldn't resolve id: {checkout_id}.")
    type_name, _pk = from_global_id(checkout_id)
    if type_name != "Checkout":
        raise FakeGraphQLError(f"Couldn't resolve id: {checkout_id}.")
    return fake.table("checkouts").get(checkout_id)


def _not_found(field: str = "id") -> dict[str, Any]:
    return _error("NOT_FOUND", "Couldn't resolve to a node: checkout", field)


def _variant(fake: FakeSaleor, variant_id: Any) -> FakeVariant | None:
    try:
        return fake.variant_by_id(variant_id)
    except FakeGraphQLError:
        return None


def _line_errors(fake: FakeSaleor, variant: FakeVariant, quantity: int) -> list[dict[str, Any]]:
    product = fake.products[variant.product_pk]
    if not product.is_published:
        return [_error("PRODUCT_NOT_PUBLISHED", "Cannot add lines for unavailable for purchase variants.",
                       "lines", variants=[variant.id])]
    if variant.limit_per_customer is not None and quantity > variant.limit_per_customer:
        return [_error("QUANTITY_GREATER_THAN_LIMIT",
                       f"Cannot add more than {variant.limit_per_customer} times this item: {variant.sku}.",
                       "quantity", variants=[variant.id])]
    if quantity > variant.quantity_available:
        return [_error("INSUFFICIENT_STOCK",
                       f"Could not add items {variant.sku}. Only {variant.quantity_available} remaining in stock.",
                       "quantity", variants=[variant.id])]
    return []


def _merge_lines(fake: FakeSaleor, checkout: dict[str, Any] | None, lines_input: list[Mapping[str, Any]]
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The checkout's lines after adding ``lines_input`` (Saleor adds to a variant's line), or errors."""
    lines = [dict(line) for line in (checkout or {}).get("lines", [])]
    for item in lines_input:
        variant = _variant(fake, item.get("variantId"))
        if variant is None:
            return lines, [_error("GRAPHQL_ERROR", f"Couldn't resolve to a node: {item.get('variantId')}",
                                  "variant_id")]
        quantity = int(item.get("quantity") or 0)
        if quantity < 1:
            return lines, [_error("ZERO_QUANTITY", "The quantity should be higher than zero.", "quantity",
                                  variants=[variant.id])]
        line = next((line for line in lines if line["variant_pk"] == variant.pk), None)
        total = quantity + (line["quantity"] if line else 0)
        errors = _line_errors(fake, variant, total)
        if errors:
            return lines, errors
        if line:
            line["quantity"] = total
        else:
            lines.append({"id": global_id("CheckoutLine", uuid.uuid4()), "variant_pk": variant.pk,
                          "quantity": quantity})
    return lines, []


@handles("CheckoutCreate")
def checkout_create(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    if variables.get("channel") != fake.channel_slug:
        return {"checkoutCreate": _payload(None, [_error("NOT_FOUND", "Channel not found.", "channel")])}
    lines, errors = _merge_lines(fake, None, variables.get("lines") or [])
    if errors:
        return {"checkoutCreate": _payload(None, errors)}
    checkout_id = global_id("Checkout", uuid.uuid4())
    checkout = {"id": checkout_id, "email": variables.get("email"), "lines": lines, "shipping_address": None,
                "billing_address": None, "delivery_method_id": None}
    fake.table("checkouts")[checkout_id] = checkout
    return {"checkoutCreate": _payload(checkout, [])}


@handles("CheckoutLinesAdd")
def checkout_lines_add(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    checkout = _checkout(fake, variables.get("id"))
    if checkout is None:
        return {"checkoutLinesAdd": _payload(None, [_not_found()])}
    lines, errors = _merge_lines(fake, checkout, variables.get("lines") or [])
    if not errors:
        checkout["lines"] = lines
    return {"checkoutLinesAdd": _payload(checkout, errors)}


@handles("CheckoutLinesUpdate")
def checkout_lines_update(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    checkout = _checkout(fake, variables.get("id"))
    if checkout is None:
        return {"checkoutLinesUpdate": _payload(None, [_not_found()])}
    lines = [dict(line) for line in checkout["lines"]]
    for item in variables.get("lines") or []:
        line = next((line for line in lines if line["id"] == item.get("lineId")), None)
        if line is None:
            return {"checkoutLinesUpdate": _payload(None, [_error(
                "INVALID", "Provided line_ids aren't part of checkout.", "lineId")])}
        quantity = int(item.get("quantity") or 0)
        if quantity < 0:
            return {"checkoutLinesUpdate": _payload(None, [_error(
                "ZERO_QUANTITY", "The quantity should be higher than zero.", "quantity")])}
        errors = _line_errors(fake, fake.variants[line["variant_pk"]], quantity) if quantity else []
        if errors:
            return {"checkoutLinesUpdate": _payload(None, errors)}
        line["quantity"] = quantity
    checkout["lines"] = [line for line in lines if line["quantity"] > 0]
    return {"checkoutLinesUpdate": _payload(checkout, [])}


@handles("CheckoutLinesDelete")
def checkout_lines_delete(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    checkout = _checkout(fake, variables.get("id"))
    if checkout is None:
        return {"checkoutLinesDelete": _payload(None, [_not_found()])}
    ids = set(variables.get("linesIds") or [])
    if not ids <= {line["id"] for line in checkout["lines"]}:
        return {"checkoutLinesDelete": _payload(None, [_error(
            "INVALID", "Provided line_ids aren't part of checkout.", "lineId")])}
    checkout["lines"] = [line for line in checkout["lines"] if line["id"] not in ids]
    return {"checkoutLinesDelete": _payload(checkout, [])}


@handles("CheckoutEmailUpdate")
def checkout_email_update(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    checkout = _checkout(fake, variables.get("id"))
    if checkout is None:
        return {"checkoutEmailUpdate": _payload(None, [_not_found()])}
    email = variables.get("email") or ""
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        return {"checkoutEmailUpdate": _payload(None, [_error("INVALID", "Enter a valid email address.", "email")])}
    checkout["email"] = email
    return {"checkoutEmailUpdate": _payload(checkout, [])}


def _address_errors(address: Mapping[str, Any], address_type: str) -> list[dict[str, Any]]:
    if address.get("country") != "VN":
        return [_error("INVALID", "Invalid value.", "country", address_type=address_type)]
    for field in ("streetAddress1", "city"):
        if not (address.get(field) or "").strip():
            return [_error("REQUIRED", "This field is required.", field, address_type=address_type)]
    if address.get("countryArea") not in SALEOR_PROVINCES:
        return [_error("INVALID", "Invalid value.", "countryArea", address_type=address_type)]
    if not _PHONE.match(address.get("phone") or ""):
        return [_error("INVALID", f"'{address.get('phone')}' is not a valid phone number.", "phone",
                       address_type=address_type)]
    return []


def _address_output(address: Mapping[str, Any]) -> dict[str, Any]:
    # Saleor normalises VN addresses: the city upper-cased, as Google's address data has it.
    return {"firstName": address.get("firstName") or "", "lastName": address.get("lastName") or "",
            "streetAddress1": address["streetAddress1"], "city": address["city"].upper(),
            "countryArea": address["countryArea"], "postalCode": address.get("postalCode") or "",
            "phone": address["phone"], "country": {"code": "VN"}}


def _address_update(fake: FakeSaleor, variables: Mapping[str, Any], kind: str, mutation_field: str):
    checkout = _checkout(fake, variables.get("id"))
    if checkout is None:
        return {mutation_field: _payload(None, [_not_found()])}
    address = variables.get("address") or {}
    errors = _address_errors(address, kind.upper())
    if errors:
        return {mutation_field: _payload(None, errors)}
    checkout[f"{kind}_address"] = _address_output(address)
    return {mutation_field: _payload(checkout, [])}


@handles("CheckoutShippingAddressUpdate")
def checkout_shipping_address_update(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    return _address_update(fake, variables, "shipping", "checkoutShippingAddressUpdate")


@handles("CheckoutBillingAddressUpdate")
def checkout_billing_address_update(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    return _address_update(fake, variables, "billing", "checkoutBillingAddressUpdate")


def _shipping_methods(fake: FakeSaleor, checkout: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [shipping_method(fake)] if checkout.get("shipping_address") else []


@handles("CheckoutDeliveryMethodUpdate")
def checkout_delivery_method_update(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    checkout = _checkout(fake, variables.get("id"))
    if checkout is None:
        return {"checkoutDeliveryMethodUpdate": _payload(None, [_not_found()])}
    method_id = variables.get("deliveryMethodId")
    if method_id not in {m["id"] for m in _shipping_methods(fake, checkout)}:
        return {"checkoutDeliveryMethodUpdate": _payload(None, [_error(
            "DELIVERY_METHOD_NOT_APPLICABLE", "This shipping method is not applicable.", "deliveryMethodId")])}
    checkout["delivery_method_id"] = method_id
    return {"checkoutDeliveryMethodUpdate": _payload(checkout, [])}


def checkout_charged(fake: FakeSaleor, checkout_id: str) -> float:
    """What card transactions charged for the checkout (the payments module keeps them)."""
    return sum(t["charged"] - t["refunded"] for t in fake.table("transactions").values()
               if t["checkout_id"] == checkout_id)


def _charge_status(charged: float, total: float) -> str:
    if charged <= 0:
        return "NONE"
    return "FULL" if charged == total else ("OVERCHARGED" if charged > total else "PARTIAL")


def checkout_totals(fake: FakeSaleor, checkout: Mapping[str, Any]) -> tuple[int, int]:
    subtotal = sum(fake.variants[line["variant_pk"]].price * line["quantity"] for line in checkout["lines"])
    shipping = shipping_method(fake)["price"]["amount"] if checkout.get("delivery_method_id") else 0
    return subtotal, int(shipping)


def _thumbnail(fake: FakeSaleor, variant: FakeVariant) -> dict[str, Any] | None:
    media = fake.products[variant.product_pk].media
    return {"url": media[0]["url"], "alt": media[0].get("alt", "")} if media else None


def checkout_answer(fake: FakeSaleor, checkout: Mapping[str, Any]) -> dict[str, Any]:
    """The Checkout document's shape."""
    currency = fake.currency
    lines, problems = [], []
    for line in checkout["lines"]:
        variant = fake.variants[line["variant_pk"]]
        product = fake.products[variant.product_pk]
        lines.append({
            "id": line["id"], "quantity": line["quantity"],
            "variant": {"id": variant.id, "name": variant.name, "sku": variant.sku,
                        "externalReference": variant.external_reference,
                        "quantityLimitPerCustomer": variant.limit_per_customer,
                        "quantityAvailable": variant.quantity_available,
                        "product": {"id": product.id, "slug": product.slug, "name": product.name,
                                    "externalReference": product.external_reference,
                                    "thumbnail": _thumbnail(fake, variant)}},
            "unitPrice": _taxed(variant.price, currency),
            "totalPrice": _taxed(variant.price * line["quantity"], currency)})
        if not product.is_published:
            problems.append({"line": {"id": line["id"]}})
        elif line["quantity"] > variant.quantity_available:
            problems.append({"availableQuantity": variant.quantity_available, "line": {"id": line["id"]}})
    subtotal, shipping = checkout_totals(fake, checkout)
    method = shipping_method(fake) if checkout.get("delivery_method_id") else None
    return {
        "id": checkout["id"], "email": checkout.get("email"), "isShippingRequired": True,
        "chargeStatus": _charge_status(checkout_charged(fake, checkout["id"]), subtotal + shipping),
        "quantity": sum(line["quantity"] for line in checkout["lines"]), "channel": {"slug": fake.channel_slug},
        "lines": lines, "subtotalPrice": _taxed(subtotal, currency), "shippingPrice": _taxed(shipping, currency),
        "totalPrice": _taxed(subtotal + shipping, currency), "shippingMethods": _shipping_methods(fake, checkout),
        "delivery": ({"id": global_id("CheckoutDelivery", checkout["id"]),
                      "shippingMethod": {"id": method["id"], "name": method["name"], "price": method["price"]}}
                     if method else None),
        "shippingAddress": checkout.get("shipping_address"), "billingAddress": checkout.get("billing_address"),
        "problems": problems,
    }


@handles("Checkout")
def checkout_query(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    checkout = _checkout(fake, variables.get("id"))
    return {"checkout": checkout_answer(fake, checkout) if checkout else None}


def _complete_errors(fake: FakeSaleor, checkout: Mapping[str, Any]) -> list[dict[str, Any]]:
    if not checkout["lines"]:
        return [_error("NO_LINES", "Cannot complete checkout without lines.", "lines")]
    if not checkout.get("email"):
        return [_error("EMAIL_NOT_SET", "Email is not set.", "email")]
    if not checkout.get("shipping_address"):
        return [_error("SHIPPING_ADDRESS_NOT_SET", "Shipping address is not set.", "shippingAddress")]
    if not checkout.get("delivery_method_id"):
        return [_error("SHIPPING_METHOD_NOT_SET", "Shipping method is not set.", "shippingMethod")]
    if not checkout.get("billing_address"):
        return [_error("BILLING_ADDRESS_NOT_SET", "Billing address is not set.", "billingAddress")]
    for line in checkout["lines"]:
        variant = fake.variants[line["variant_pk"]]
        errors = _line_errors(fake, variant, line["quantity"])
        if errors:
            return errors
    return []


@handles("CheckoutComplete")
def checkout_complete(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    checkout = _checkout(fake, variables.get("id"))
    if checkout is None:
        # Saleor's completion is idempotent: a checkout completed already answers with its order.
        done = next((o for o in fake.table("orders").values() if o["checkout_id"] == variables.get("id")), None)
        if done is not None:
            return {"checkoutComplete": {"order": {
                "id": done["id"], "number": done["number"], "status": done["status"], "userEmail": None,
                "total": _taxed(done["subtotal"] + done["shipping"], fake.currency)},
                "confirmationNeeded": False, "errors": []}}
        return {"checkoutComplete": {"order": None, "confirmationNeeded": False, "errors": [_not_found()]}}
    errors = _complete_errors(fake, checkout)
    if errors:
        return {"checkoutComplete": {"order": None, "confirmationNeeded": False, "errors": errors}}
    orders = fake.table("orders")
    subtotal, shipping = checkout_totals(fake, checkout)
    order_id = global_id("Order", uuid.uuid4())
    charged = checkout_charged(fake, checkout["id"])
    order = {
        # Saleor 3.23 confirms a new order automatically only when the checkout has a payment
        # transaction; cash on delivery has none, so the order stays UNCONFIRMED.
        "id": order_id, "number": str(len(orders) + 1), "status": "UNFULFILLED" if charged else "UNCONFIRMED",
        "charged": charged,
        "created": datetime.now(UTC).isoformat(), "checkout_id": checkout["id"], "email": checkout["email"],
        "lines": [], "fulfillments": [], "subtotal": subtotal, "shipping": shipping,
        "shipping_address": checkout["shipping_address"], "shipping_method_name": shipping_method(fake)["name"],
    }
    for line in checkout["lines"]:
        variant = fake.variants[line["variant_pk"]]
        variant.allocated += line["quantity"]
        order["lines"].append({"id": global_id("OrderLine", uuid.uuid4()), "variant_pk": variant.pk,
                               "quantity": line["quantity"], "quantity_fulfilled": 0, "price": variant.price,
                               "product_name": fake.products[variant.product_pk].name,
                               "variant_name": variant.name, "sku": variant.sku})
    orders[order_id] = order
    del fake.table("checkouts")[checkout["id"]]
    return {"checkoutComplete": {"order": {
        "id": order_id, "number": order["number"], "status": order["status"], "userEmail": order["email"],
        "total": _taxed(subtotal + shipping, fake.currency)}, "confirmationNeeded": False, "errors": []}}
