"""The buyer's cart and checkout, kept by Saleor (its checkout API), and the one way a
checkout becomes an order: through ``checkout_complete`` here, after our admission count
admitted it (storefront_adapter.admission).

Each function names the checkout by its Saleor id (kept in the buyer's session) and turns
what Saleor refuses into a ``CheckoutError`` with a message in Vietnamese (stock, the
per-customer limit ``quantityLimitPerCustomer``, a product no longer sold, a bad address).
Input a person types is checked before Saleor is asked, so a bad form changes nothing.
Calls Saleor: never inside a database transaction.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from vendors.listings.models import Variant
from vendors.registry import places

from . import admission, gate
from .client import SaleorClient
from .connection import saleor_client
from .errors import MutationErrorDetail, SaleorGraphQLError, SaleorUnavailable
from .money import saleor_dong
from .provisioning import CHANNEL_SLUG, saleor_country_area

logger = logging.getLogger(__name__)

MAX_LINE_QUANTITY = 999


class CheckoutError(Exception):
    """Something the buyer can fix or must be told; ``message_vi`` says it. Nothing was changed
    (or what was, was given back)."""

    def __init__(self, message_vi: str, *, code: str = "INVALID", field: str | None = None) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.code = code
        self.field = field


# --- what the pages read --------------------------------------------------------------------


@dataclass(frozen=True)
class CartLine:
    id: str
    variant_id: str  # Saleor's
    our_variant_id: int | None  # from the variant's externalReference
    product_name: str
    product_slug: str
    variant_name: str
    sku: str
    thumbnail_url: str
    quantity: int
    unit_price: int
    total_price: int
    quantity_available: int | None
    limit_per_customer: int | None
    problem_vi: str = ""


@dataclass(frozen=True)
class ShippingOption:
    id: str
    name: str
    price: int
    min_days: int | None
    max_days: int | None


@dataclass(frozen=True)
class Cart:
    id: str
    email: str
    lines: tuple[CartLine, ...]
    subtotal: int
    shipping_price: int
    total: int
    shipping_options: tuple[ShippingOption, ...]
    shipping_method_id: str | None
    shipping_address: Mapping[str, Any] | None
    quantity: int = 0
    problems: tuple[str, ...] = field(default_factory=tuple)
    # Saleor's count of card payments against the total: NONE, PARTIAL, FULL, OVERCHARGED.
    charge_status: str = "NONE"

    def line(self, line_id: str) -> CartLine | None:
        return next((line for line in self.lines if line.id == line_id), None)


@dataclass(frozen=True)
class PlacedOrder:
    id: str
    number: str
    email: str
    total: int


def _amount(money: Mapping[str, Any] | None) -> int:
    return saleor_dong(money) or 0


def _cart(data: Mapping[str, Any]) -> Cart:
    problems: dict[str, str] = {}
    for problem in data.get("problems") or ():
        line_id = (problem.get("line") or {}).get("id")
        if "availableQuantity" in problem:
            left = problem.get("availableQuantity") or 0
            problems[line_id] = "Đã hết hàng." if left <= 0 else f"Chỉ còn {left}."
        elif line_id:
            problems[line_id] = "Sản phẩm không còn bán."
    lines = []
    for line in data["lines"]:
        variant = line["variant"]
        product = variant["product"]
        lines.append(CartLine(
            id=line["id"], variant_id=variant["id"],
            our_variant_id=gate.variant_id_from_reference(variant.get("externalReference")),
            product_name=product["name"], product_slug=product["slug"], variant_name=variant["name"],
            sku=variant.get("sku") or "", thumbnail_url=(product.get("thumbnail") or {}).get("url") or "",
            quantity=line["quantity"], unit_price=_amount(line["unitPrice"]), total_price=_amount(line["totalPrice"]),
            quantity_available=variant.get("quantityAvailable"), limit_per_customer=variant.get("quantityLimitPerCustomer"),
            problem_vi=problems.get(line["id"], "")))
    delivery = data.get("delivery") or {}
    return Cart(
        id=data["id"], email=data.get("email") or "", lines=tuple(lines),
        subtotal=_amount(data["subtotalPrice"]), shipping_price=_amount(data["shippingPrice"]),
        total=_amount(data["totalPrice"]),
        shipping_options=tuple(ShippingOption(m["id"], m["name"], _amount(m["price"]), m.get("minimumDeliveryDays"),
                                              m.get("maximumDeliveryDays"))
                               for m in data.get("shippingMethods") or () if m.get("active", True)),
        shipping_method_id=(delivery.get("shippingMethod") or {}).get("id"),
        shipping_address=data.get("shippingAddress"), quantity=data.get("quantity") or 0,
        problems=tuple(problems.values()), charge_status=data.get("chargeStatus") or "NONE")


BUSY_VI = "Sàn đang bận nên chưa thực hiện được; chưa có gì thay đổi. Hãy thử lại sau ít phút."


def _is_bad_id(exc: SaleorGraphQLError) -> bool:
    # Saleor answers an id that is not one of its ids with "Couldn't resolve id" or "Invalid ID".
    return any("resolve id" in m or "Invalid ID" in m or "Couldn't resolve to a node" in m for m in exc.messages)


def _execute(client: SaleorClient, operation: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    """Saleor unreachable, or failing inside (its database out of connections under a rush),
    is not the buyer's doing: they are told to try again, with nothing changed."""
    try:
        return client.execute(operation, variables)
    except SaleorUnavailable as exc:
        logger.warning("Saleor unavailable for %s: %s", operation, exc)
        raise CheckoutError(BUSY_VI, code="UNAVAILABLE") from exc
    except SaleorGraphQLError as exc:
        if _is_bad_id(exc):
            raise
        logger.warning("Saleor failed %s: %s", operation, exc)
        raise CheckoutError(BUSY_VI, code="UNAVAILABLE") from exc


def checkout_get(*, checkout_id: str | None, client: SaleorClient | None = None) -> Cart | None:
    """The cart as Saleor has it now; None for no id, an unknown id or a completed checkout.
    ``CheckoutError`` (UNAVAILABLE) when Saleor cannot answer now."""
    if not checkout_id:
        return None
    try:
        data = _execute(client or saleor_client(), "Checkout", {"id": checkout_id})["checkout"]
    except SaleorGraphQLError:  # a malformed id (a session from another Saleor)
        return None
    return _cart(data) if data else None


# --- Saleor's refusals in Vietnamese ----------------------------------------------------------


def _variant_names(saleor_variant_ids: Iterable[str], cart: Cart | None) -> str:
    names = []
    for variant_id in saleor_variant_ids or ():
        line = next((line for line in (cart.lines if cart else ()) if line.variant_id == variant_id), None)
        names.append(f"“{line.product_name} – {line.variant_name}”" if line else "")
    names = [n for n in names if n]
    return ", ".join(names) or "Sản phẩm này"


def error_message_vi(error: MutationErrorDetail, *, variant_names: str = "Sản phẩm này",
                     limit: int | None = None) -> str:
    """One refusal of Saleor's checkout mutations as the buyer reads it."""
    code = error.code
    if code == "INSUFFICIENT_STOCK":
        return f"{variant_names} không còn đủ hàng cho số lượng bạn chọn."
    if code == "QUANTITY_GREATER_THAN_LIMIT":
        most = f" tối đa {limit}" if limit else ""
        return f"{variant_names}: mỗi khách chỉ được mua{most} theo giới hạn của gian hàng."
    if code in {"PRODUCT_NOT_PUBLISHED", "PRODUCT_UNAVAILABLE_FOR_PURCHASE", "UNAVAILABLE_VARIANT_IN_CHANNEL"}:
        return f"{variant_names} hiện không còn bán trên sàn."
    if code == "ZERO_QUANTITY":
        return "Số lượng phải từ 1 trở lên."
    if code == "EMAIL_NOT_SET" or error.field == "email":
        return "Hãy nhập email hợp lệ để nhận xác nhận đơn hàng."
    if code in {"SHIPPING_ADDRESS_NOT_SET", "BILLING_ADDRESS_NOT_SET"}:
        return "Hãy nhập địa chỉ giao hàng."
    if code in {"SHIPPING_METHOD_NOT_SET", "INVALID_SHIPPING_METHOD", "SHIPPING_METHOD_NOT_APPLICABLE",
                "DELIVERY_METHOD_NOT_APPLICABLE"}:
        return "Hãy chọn một cách giao hàng có sẵn cho địa chỉ này."
    if code == "NO_LINES":
        return "Giỏ hàng đang trống."
    if error.field in {"phone"}:
        return "Số điện thoại không hợp lệ."
    if error.field in {"city", "countryArea", "streetAddress1", "postalCode", "country"}:
        return "Địa chỉ giao hàng chưa hợp lệ: kiểm tra tỉnh/thành phố, xã/phường và số nhà, đường."
    if error.field in {"variant_id", "variantId"}:
        return "Sản phẩm này không có trên sàn."
    if error.field in {"lineId", "linesIds"}:
        return "Dòng hàng này không có trong giỏ của bạn."
    return f"Không thực hiện được yêu cầu ({code})."


def _mutate(client: SaleorClient, operation: str, variables: Mapping[str, Any], mutation_field: str, *,
            cart: Cart | None = None, limit: int | None = None) -> dict[str, Any]:
    result = _execute(client, operation, variables)[mutation_field]
    errors = [MutationErrorDetail.from_payload(e) for e in (result or {}).get("errors") or ()]
    if result is None or errors:
        first = errors[0] if errors else MutationErrorDetail(None, "INVALID", None)
        raw = ((result or {}).get("errors") or [{}])[0]
        raise CheckoutError(error_message_vi(first, variant_names=_variant_names(raw.get("variants"), cart),
                                             limit=limit), code=first.code, field=first.field)
    return result


def _quantity(value: Any) -> int:
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError):
        raise CheckoutError("Số lượng phải là một số nguyên.", code="INVALID", field="quantity") from None
    if quantity < 1:
        raise CheckoutError("Số lượng phải từ 1 trở lên; để bỏ sản phẩm khỏi giỏ, bấm “Xoá”.",
                            code="ZERO_QUANTITY", field="quantity")
    if quantity > MAX_LINE_QUANTITY:
        raise CheckoutError(f"Mỗi lần đặt tối đa {MAX_LINE_QUANTITY} cho một sản phẩm.", field="quantity")
    return quantity


# --- the cart -------------------------------------------------------------------------------


def checkout_line_add(*, checkout_id: str | None, variant_id: str, quantity: Any,
                      client: SaleorClient | None = None) -> str:
    """Add ``quantity`` of a Saleor variant to the cart, making the cart when there is none
    (or the old one became an order). Returns the checkout id to keep in the session."""
    quantity = _quantity(quantity)
    if not isinstance(variant_id, str) or not variant_id.strip():
        raise CheckoutError("Hãy chọn phân loại sản phẩm.", field="variant")
    client = client or saleor_client()
    lines = [{"variantId": variant_id.strip(), "quantity": quantity}]
    cart = checkout_get(checkout_id=checkout_id, client=client)
    try:
        if cart is None:
            return _mutate(client, "CheckoutCreate", {"channel": CHANNEL_SLUG, "lines": lines, "email": None},
                           "checkoutCreate")["checkout"]["id"]
        _mutate(client, "CheckoutLinesAdd", {"id": cart.id, "lines": lines}, "checkoutLinesAdd", cart=cart)
    except SaleorGraphQLError:  # an id that is no variant at all (a forged form)
        raise CheckoutError("Sản phẩm này không có trên sàn.", code="NOT_FOUND", field="variant") from None
    return cart.id


def _own_line(cart: Cart | None, line_id: str) -> CartLine:
    line = cart.line(line_id) if cart else None
    if line is None:
        raise CheckoutError("Dòng hàng này không có trong giỏ của bạn.", code="NOT_FOUND", field="line")
    return line


def checkout_line_quantity_set(*, checkout_id: str | None, line_id: str, quantity: Any,
                               client: SaleorClient | None = None) -> Cart:
    """Set a line's quantity; only a line of this buyer's own cart."""
    quantity = _quantity(quantity)
    client = client or saleor_client()
    cart = checkout_get(checkout_id=checkout_id, client=client)
    line = _own_line(cart, line_id)
    _mutate(client, "CheckoutLinesUpdate", {"id": cart.id, "lines": [{"lineId": line.id, "quantity": quantity}]},
            "checkoutLinesUpdate", cart=cart, limit=line.limit_per_customer)
    return cart


def checkout_line_remove(*, checkout_id: str | None, line_id: str, client: SaleorClient | None = None) -> None:
    client = client or saleor_client()
    cart = checkout_get(checkout_id=checkout_id, client=client)
    line = _own_line(cart, line_id)
    _mutate(client, "CheckoutLinesDelete", {"id": cart.id, "linesIds": [line.id]}, "checkoutLinesDelete", cart=cart)


# --- contact, address, delivery -------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


def phone_e164(raw: str) -> str:
    """A Vietnamese phone number as +84 E.164: a mobile (0 + 9 digits starting 3, 5, 7, 8, 9)
    or a landline (02 + 9 digits), written with 0, 84 or +84. ``CheckoutError`` otherwise."""
    digits = _PHONE_SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        national = digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = ""
    if national.isdigit() and ((len(national) == 9 and national[0] in "35789")
                               or (len(national) == 10 and national[0] == "2")):
        return f"+84{national}"
    raise CheckoutError("Số điện thoại không hợp lệ: nhập số di động 10 chữ số (ví dụ 0912 345 678) "
                        "hoặc số cố định có mã vùng.", field="phone")


@dataclass(frozen=True)
class DeliveryAddress:
    """A Vietnamese address in today's units (no district since July 2025)."""

    full_name: str
    phone: str
    province_code: str
    commune_code: str
    street: str

    def saleor_input(self) -> dict[str, str]:
        """As Saleor's VN rules take it: the province in countryArea, the commune/ward in city."""
        province = places.province_or_none(self.province_code)
        commune = places.commune_or_none(self.commune_code)
        if province is None:
            raise CheckoutError("Hãy chọn tỉnh/thành phố.", field="province")
        if commune is None or commune.province_code != province.code:
            raise CheckoutError(f"Hãy chọn xã/phường thuộc {province.name}.", field="commune")
        if not self.street.strip():
            raise CheckoutError("Hãy nhập số nhà, tên đường, thôn/ấp.", field="street")
        if not self.full_name.strip():
            raise CheckoutError("Hãy nhập họ tên người nhận.", field="full_name")
        return {"firstName": self.full_name.strip()[:256], "lastName": "", "streetAddress1": self.street.strip()[:256],
                "city": commune.name, "countryArea": saleor_country_area(province), "country": "VN",
                "phone": phone_e164(self.phone)}


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def checkout_contact_set(*, checkout_id: str | None, email: str, address: DeliveryAddress,
                         client: SaleorClient | None = None) -> Cart:
    """The guest's email and delivery address (also the billing address); every field is
    checked before Saleor is asked. Returns the cart as it is after."""
    email = (email or "").strip().lower()  # the order lookup matches it exactly
    if not _EMAIL.match(email) or len(email) > 254:
        raise CheckoutError("Hãy nhập email hợp lệ để nhận xác nhận đơn hàng.", field="email")
    address_input = address.saleor_input()
    client = client or saleor_client()
    cart = checkout_get(checkout_id=checkout_id, client=client)
    if cart is None or not cart.lines:
        raise CheckoutError("Giỏ hàng đang trống.", code="NO_LINES")
    _mutate(client, "CheckoutEmailUpdate", {"id": cart.id, "email": email}, "checkoutEmailUpdate")
    _mutate(client, "CheckoutShippingAddressUpdate", {"id": cart.id, "address": address_input},
            "checkoutShippingAddressUpdate")
    _mutate(client, "CheckoutBillingAddressUpdate", {"id": cart.id, "address": address_input},
            "checkoutBillingAddressUpdate")
    return checkout_get(checkout_id=cart.id, client=client)


def checkout_delivery_set(*, checkout_id: str | None, shipping_method_id: str,
                          client: SaleorClient | None = None) -> None:
    """Choose one of the shipping methods Saleor offers this cart."""
    client = client or saleor_client()
    cart = checkout_get(checkout_id=checkout_id, client=client)
    if cart is None:
        raise CheckoutError("Giỏ hàng đang trống.", code="NO_LINES")
    if shipping_method_id not in {option.id for option in cart.shipping_options}:
        raise CheckoutError("Hãy chọn một cách giao hàng có sẵn cho địa chỉ này.", field="shipping_method")
    _mutate(client, "CheckoutDeliveryMethodUpdate", {"id": cart.id, "deliveryMethodId": shipping_method_id},
            "checkoutDeliveryMethodUpdate")


# --- admission and completion ---------------------------------------------------------------


def refused_lines(cart: Cart, *, today=None) -> dict[str, str]:
    """{line id: why} for lines whose listing may not be sold today (its certificate lapsed
    or was revoked, the vendor suspended, the listing hidden), even in a cart filled earlier.
    One query whatever the number of lines (a certificate renewed twice costs one more)."""
    today = today or timezone.localdate()
    variants = {v.pk: v for v in Variant.objects.filter(
        pk__in=[line.our_variant_id for line in cart.lines if line.our_variant_id]).select_related(
        "listing__vendor", "listing__certificate__renewed_by")}
    refused, verdicts = {}, {}
    for line in cart.lines:
        variant = variants.get(line.our_variant_id)
        if variant is None:
            refused[line.id] = "Sản phẩm không còn bán trên sàn."
            continue
        if variant.listing_id not in verdicts:
            verdicts[variant.listing_id] = gate.listing_verdict(listing=variant.listing, today=today)
        verdict = verdicts[variant.listing_id]
        if not verdict.allowed:
            refused[line.id] = verdict.reason
    return refused


def checkout_admit(*, checkout_id: str | None, minutes: int | None = None,
                   client: SaleorClient | None = None) -> tuple[Cart, admission.Hold]:
    """Check the cart is ready and every line may be sold today, then take its quantities
    with the admission count (``admission.hold_take``). A card payment calls this before the
    payment starts (the hold expires after ``minutes``); ``checkout_complete`` calls it too."""
    client = client or saleor_client()
    cart = checkout_get(checkout_id=checkout_id, client=client)
    if cart is None or not cart.lines:
        raise CheckoutError("Giỏ hàng đang trống.", code="NO_LINES")
    if not cart.email:
        raise CheckoutError("Hãy nhập email hợp lệ để nhận xác nhận đơn hàng.", code="EMAIL_NOT_SET", field="email")
    if not cart.shipping_address:
        raise CheckoutError("Hãy nhập địa chỉ giao hàng.", code="SHIPPING_ADDRESS_NOT_SET")
    if not cart.shipping_method_id:
        raise CheckoutError("Hãy chọn cách giao hàng.", code="SHIPPING_METHOD_NOT_SET", field="shipping_method")
    refused = refused_lines(cart)
    if refused:
        reasons = "; ".join(f"“{line.product_name}”: {refused[line.id]}" for line in cart.lines if line.id in refused)
        raise CheckoutError(f"Không thể đặt hàng. {reasons}. Hãy bỏ sản phẩm này khỏi giỏ.",
                            code="PRODUCT_UNAVAILABLE_FOR_PURCHASE")
    quantities: dict[int, int] = {}
    for line in cart.lines:
        quantities[line.our_variant_id] = quantities.get(line.our_variant_id, 0) + line.quantity
    try:
        hold = admission.hold_take(checkout_id=cart.id, quantities=quantities, minutes=minutes,
                                   buyer_email=cart.email)
    except admission.SoldOut as exc:
        raise CheckoutError(exc.message_vi, code="INSUFFICIENT_STOCK") from None
    except admission.OverLimit as exc:
        raise CheckoutError(exc.message_vi, code="LIMIT_PER_CUSTOMER") from None
    except admission.AlreadyOrdered:
        raise CheckoutError("Giỏ hàng này đã được đặt thành đơn.", code="ALREADY_ORDERED") from None
    return cart, hold


CART_CHANGED_AFTER_PAYMENT = ("Giỏ hàng đã thay đổi sau khi bạn thanh toán nên số tiền đã trả không khớp "
                              "với tổng đơn; đơn chưa được đặt. Hãy xem lại giỏ hàng và thanh toán lại.")


def checkout_complete(*, checkout_id: str | None, paid: bool = False,
                      client: SaleorClient | None = None) -> PlacedOrder:
    """Place the order: admission first (all or nothing; a buyer beyond the stock is told at
    once which item is sold out and nothing is ordered), then Saleor's checkoutComplete; if
    Saleor does not complete it, the hold is given back (issue 5, "Never sell what is not there").
    ``paid``: a card checkout, placed only while Saleor counts exactly its total as charged
    (the channel allows unpaid orders for cash on delivery, so Saleor would not refuse a
    cart that grew in another tab after the payment)."""
    client = client or saleor_client()
    cart, hold = checkout_admit(checkout_id=checkout_id, client=client)
    if paid and cart.charge_status != "FULL":
        if hold.taken_now:
            admission.hold_release(checkout_id=cart.id)
        raise CheckoutError(CART_CHANGED_AFTER_PAYMENT, code="NOT_FULLY_PAID")
    # Only the call that took the hold gives it back: a second "Đặt hàng" of the same cart
    # (a double click) reuses the hold and fails once the first made the order, which must
    # keep its stock. A reused card hold that fails waits for its expiry.
    try:
        result = _mutate(client, "CheckoutComplete", {"id": cart.id}, "checkoutComplete", cart=cart)
    except BaseException:  # refused, unreachable, or anything else: the order was not placed here
        if hold.taken_now:
            admission.hold_release(checkout_id=cart.id)
        raise
    order = result["order"]
    if order is None:  # confirmationNeeded: not used by our channel; give back and say so
        if hold.taken_now:
            admission.hold_release(checkout_id=cart.id)
        raise CheckoutError("Saleor chưa tạo đơn hàng; hãy thử lại.", code="NOT_COMPLETED")
    if not admission.hold_complete(checkout_id=cart.id, order_id=order["id"]):
        logger.warning("Checkout %s completed as %s after its hold had expired", cart.id, order["id"])
    # Saleor answers a repeated completion (our client retries a 5xx) with the order it made,
    # its email anonymised: the cart's email is the buyer's.
    return PlacedOrder(id=order["id"], number=order["number"], email=cart.email or order.get("userEmail") or "",
                       total=_amount(order["total"]))
