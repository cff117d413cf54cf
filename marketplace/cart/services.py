"""What the cart app writes: the confirmation email of an order (sent by a Celery task
after commit, with the order's signed link)."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from storefront_adapter.orders import order_get

from .selectors import order_parts, order_token, payment_status_vi


def order_confirmation_send(*, order_id: str) -> bool:
    """Email the buyer their order: each producer's part, the totals and the order's link."""
    order = order_get(order_id=order_id)
    if order is None or not order.get("userEmail"):
        return False
    link = settings.SITE_URL + reverse("cart:order", args=[order_token(order_id)])
    body = render_to_string("cart/order_email.txt", {
        "order": order, "parts": order_parts(order), "link": link, "payment": payment_status_vi(order),
        "total": round(order["total"]["gross"]["amount"]),
        "shipping": round(order["shippingPrice"]["gross"]["amount"])})
    send_mail(f"Sàn OCOP: đã nhận đơn hàng #{order['number']}", body, None, [order["userEmail"]])
    return True
