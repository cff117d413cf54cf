"""What the cart app writes: the confirmation email of an order (sent by a Celery task
after commit, with the order's signed link), and the counters that limit order lookups."""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from storefront_adapter.money import saleor_dong
from storefront_adapter.orders import order_get
from storefront_adapter.orders import order_lookup as saleor_order_lookup

from .selectors import order_parts, order_token, payment_status_vi


def order_confirmation_send(*, order_id: str) -> bool:
    """Email the buyer their order: each producer's part, the totals and the order's link."""
    order = order_get(order_id=order_id)
    if order is None or not order.get("userEmail"):
        return False
    link = settings.SITE_URL + reverse("cart:order", args=[order_token(order_id)])
    body = render_to_string("cart/order_email.txt", {
        "order": order, "parts": order_parts(order), "link": link, "payment": payment_status_vi(order),
        "total": saleor_dong(order["total"]), "shipping": saleor_dong(order["shippingPrice"])})
    send_mail(f"Sàn OCOP: đã nhận đơn hàng #{order['number']}", body, None, [order["userEmail"]])
    return True


# Order numbers are sequential: whoever knows a buyer's email could walk #1..#N and read
# their name, phone and address. Failed lookups are limited per client address and per
# email over a fixed window that starts with the first failure.
LOOKUP_WINDOW_SECONDS = 15 * 60
LOOKUP_FAILURES_PER_ADDRESS = 10
LOOKUP_FAILURES_PER_EMAIL = 5
LOOKUP_LIMITED_VI = (f"Bạn đã thử tra cứu quá nhiều lần. "
                     f"Vui lòng thử lại sau {LOOKUP_WINDOW_SECONDS // 60} phút.")


class OrderLookupLimited(Exception):
    """Too many failed lookups from this address or for this email; Saleor was not asked."""

    message_vi = LOOKUP_LIMITED_VI


def _lookup_counters(*, client_ip: str, email: str) -> list[tuple[str, int]]:
    # The email is hashed: the cache holds no buyer's address in clear.
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [(f"order-lookup:ip:{client_ip}", LOOKUP_FAILURES_PER_ADDRESS),
            (f"order-lookup:email:{digest}", LOOKUP_FAILURES_PER_EMAIL)]


def _count(key: str, delta: int) -> int:
    """Add ``delta`` to the window's counter in one atomic INCR; 0 if the window just ended."""
    cache.add(key, 0, LOOKUP_WINDOW_SECONDS)
    try:
        count = cache.incr(key, delta)
    except ValueError:  # the window ended between add() and incr(): nothing counted
        return 0
    if count <= 1:
        # The first of a window, or INCR recreated a key that expired meanwhile (without a
        # timeout, which would block for ever): the window runs from now.
        cache.touch(key, LOOKUP_WINDOW_SECONDS)
    return count


def order_find(*, number: int, email: str, client_ip: str) -> str | None:
    """The id of order ``number`` placed with ``email``, or None; at most
    LOOKUP_FAILURES_PER_ADDRESS failed lookups per client address and
    LOOKUP_FAILURES_PER_EMAIL per email in LOOKUP_WINDOW_SECONDS, beyond which
    ``OrderLookupLimited`` is raised without asking Saleor. The attempt is counted before
    Saleor is asked, so parallel requests cannot pass the limit together; a found order or
    a Saleor that did not answer (``SaleorError``, raised) gives it back."""
    counted: list[str] = []
    try:
        for key, limit in _lookup_counters(client_ip=client_ip, email=email):
            counted.append(key)
            if _count(key, 1) > limit:
                raise OrderLookupLimited
        order_id = saleor_order_lookup(number=number, email=email)
    except Exception:
        for key in counted:
            _count(key, -1)
        raise
    if order_id:
        for key in counted:
            _count(key, -1)
    return order_id
