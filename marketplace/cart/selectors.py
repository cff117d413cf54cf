"""What the cart and order pages show, read from Saleor's answer and our registry: the lines
grouped by producer (vendor), each part's subtotal and, for an order, the state of each
producer's part. One query for the vendors of all lines, whatever their number."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core import signing

from storefront_adapter.checkout import Cart, CartLine
from storefront_adapter.gate import variant_id_from_reference
from storefront_adapter.money import saleor_dong
from vendors.listings.models import Variant

CHECKOUT_KEY = "cart.checkout_id"
COUNT_KEY = "cart.count"
_ORDER_SALT = "marketplace.cart.order"
UNKNOWN_VENDOR = "Gian hàng khác"


def session_cart_count(session: Mapping[str, Any]) -> int:
    return int(session.get(COUNT_KEY) or 0)


@dataclass
class CartPart:
    vendor_id: int | None
    vendor_name: str
    lines: list[tuple[CartLine, str]] = field(default_factory=list)  # (line, why it cannot be ordered)
    subtotal: int = 0


def _vendors(variant_ids: Iterable[int | None]) -> dict[int, tuple[int, str]]:
    """{our variant id: (vendor id, vendor name)} in one query."""
    ids = [v for v in variant_ids if v]
    return {v.pk: (v.listing.vendor_id, v.listing.vendor.name)
            for v in Variant.objects.filter(pk__in=ids).select_related("listing__vendor").only(
                "id", "listing__vendor_id", "listing__vendor__name")}


def cart_parts(cart: Cart | None, refused: Mapping[str, str] | None = None) -> list[CartPart]:
    """The cart's lines grouped by producer, in the order the buyer added them."""
    if cart is None:
        return []
    vendors = _vendors(line.our_variant_id for line in cart.lines)
    parts: dict[int | None, CartPart] = {}
    for line in cart.lines:
        vendor_id, vendor_name = vendors.get(line.our_variant_id, (None, UNKNOWN_VENDOR))
        part = parts.setdefault(vendor_id, CartPart(vendor_id, vendor_name))
        part.lines.append((line, (refused or {}).get(line.id, "") or line.problem_vi))
        part.subtotal += line.total_price
    return list(parts.values())


# --- orders -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderLine:
    id: str
    product_name: str
    variant_name: str
    product_slug: str
    thumbnail_url: str
    quantity: int
    quantity_fulfilled: int
    unit_price: int
    total_price: int


@dataclass
class OrderPart:
    vendor_id: int | None
    vendor_name: str
    lines: list[OrderLine] = field(default_factory=list)
    subtotal: int = 0
    status_vi: str = ""


def _amount(money: Mapping[str, Any] | None) -> int:
    return saleor_dong(money) or 0


def part_status_vi(order_status: str, lines: list[OrderLine]) -> str:
    """A producer's part as the buyer reads it: from Saleor's order status and how much of
    the part's lines went out in fulfilments."""
    if order_status == "CANCELED":
        return "Đã huỷ"
    if order_status in {"RETURNED", "PARTIALLY_RETURNED"}:
        return "Đã trả hàng" if order_status == "RETURNED" else "Trả hàng một phần"
    shipped = sum(line.quantity_fulfilled for line in lines)
    if shipped and shipped >= sum(line.quantity for line in lines):
        return "Đã gửi hàng"
    if shipped:
        return "Đã gửi một phần"
    if order_status in {"UNCONFIRMED", "DRAFT"}:
        return "Chờ xác nhận"
    return "Đang chuẩn bị hàng"


def order_parts(order: Mapping[str, Any]) -> list[OrderPart]:
    lines = order.get("lines") or []
    references = [variant_id_from_reference((line.get("variant") or {}).get("externalReference")) for line in lines]
    vendors = _vendors(references)
    parts: dict[int | None, OrderPart] = {}
    for line, our_variant_id in zip(lines, references, strict=True):
        vendor_id, vendor_name = vendors.get(our_variant_id, (None, UNKNOWN_VENDOR))
        part = parts.setdefault(vendor_id, OrderPart(vendor_id, vendor_name))
        item = OrderLine(
            id=line["id"], product_name=line["productName"], variant_name=line["variantName"],
            product_slug=((line.get("variant") or {}).get("product") or {}).get("slug") or "",
            thumbnail_url=(line.get("thumbnail") or {}).get("url") or "", quantity=line["quantity"],
            quantity_fulfilled=line["quantityFulfilled"], unit_price=_amount(line["unitPrice"]),
            total_price=_amount(line["totalPrice"]))
        part.lines.append(item)
        part.subtotal += item.total_price
    for part in parts.values():
        part.status_vi = part_status_vi(order["status"], part.lines)
    return list(parts.values())


ORDER_STATUS_VI = {
    "UNCONFIRMED": "Chờ xác nhận", "UNFULFILLED": "Đang chuẩn bị hàng", "PARTIALLY_FULFILLED": "Đã gửi một phần",
    "FULFILLED": "Đã gửi hàng", "CANCELED": "Đã huỷ", "RETURNED": "Đã trả hàng",
    "PARTIALLY_RETURNED": "Trả hàng một phần", "EXPIRED": "Hết hạn", "DRAFT": "Nháp",
}


def payment_status_vi(order: Mapping[str, Any]) -> str:
    charge = order.get("chargeStatus")
    if charge in {"FULL", "OVERCHARGED"}:
        return "Đã thanh toán"
    if charge == "PARTIAL":
        return "Đã thanh toán một phần"
    if order.get("authorizeStatus") == "FULL":
        return "Đã giữ tiền trên thẻ, chờ thu"
    return "Thanh toán khi nhận hàng (COD)"


def order_token(order_id: str) -> str:
    """The unguessable link to an order: its Saleor id, signed with our secret."""
    return signing.dumps(order_id, salt=_ORDER_SALT, compress=True)


def order_id_from_token(token: str) -> str | None:
    try:
        value = signing.loads(token, salt=_ORDER_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None
