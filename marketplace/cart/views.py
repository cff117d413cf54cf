"""The buyer's cart, checkout and order pages. The cart is a Saleor checkout whose id the
session keeps, so it survives a reload; every rule is in storefront_adapter.checkout, whose
Vietnamese messages the views show. No login: guests buy with email and phone."""
from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from storefront_adapter import checkout as service
from storefront_adapter.admission import hold_in_force
from storefront_adapter.card_checkout import (
    HOLD_EXPIRED,
    card_checkout_finish,
    card_checkout_start,
)
from storefront_adapter.checkout import BUSY_VI, CheckoutError, DeliveryAddress, PlacedOrder
from storefront_adapter.errors import SaleorError
from storefront_adapter.money import saleor_dong
from storefront_adapter.payments.storefront import CardSession
from storefront_adapter.orders import order_get
from vendors.registry import places

from . import selectors, services
from .forms import PAYMENT_CARD, CheckoutForm, OrderLookupForm
from .selectors import CHECKOUT_KEY, COUNT_KEY

# The card payment in progress: {"checkout", "transaction", "client_secret", "publishable_key", "amount"}.
CARD_KEY = "card_payment"
from .tasks import send_order_confirmation

logger = logging.getLogger(__name__)


def _checkout_id(request: HttpRequest) -> str | None:
    return request.session.get(CHECKOUT_KEY)


def _remember(request: HttpRequest, cart: service.Cart | None) -> None:
    if cart is None:
        request.session.pop(CHECKOUT_KEY, None)
        request.session[COUNT_KEY] = 0
    else:
        request.session[CHECKOUT_KEY] = cart.id
        request.session[COUNT_KEY] = cart.quantity


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _current_cart(request: HttpRequest) -> tuple[service.Cart | None, bool]:
    """(the session's cart, whether Saleor answered); a busy Saleor leaves the session as it is."""
    try:
        return service.checkout_get(checkout_id=_checkout_id(request)), True
    except CheckoutError as error:
        messages.error(request, error.message_vi)
        return None, False


@require_http_methods(["GET"])
def cart_page(request: HttpRequest) -> HttpResponse:
    cart, answered = _current_cart(request)
    if answered:
        _remember(request, cart)
    refused = service.refused_lines(cart) if cart else {}
    return render(request, "cart/cart.html", {"cart": cart, "parts": selectors.cart_parts(cart, refused),
                                              "refused": refused})


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    back = _safe_next(request, reverse("cart:view"))
    try:
        checkout_id = service.checkout_line_add(checkout_id=_checkout_id(request),
                                                variant_id=request.POST.get("variant", ""),
                                                quantity=request.POST.get("quantity", "1"))
    except CheckoutError as error:
        messages.error(request, error.message_vi)
        return redirect(back)
    request.session[CHECKOUT_KEY] = checkout_id
    added = int(str(request.POST.get("quantity", "1")).strip())  # the service accepted it
    request.session[COUNT_KEY] = selectors.session_cart_count(request.session) + added
    messages.success(request, "Đã thêm vào giỏ hàng.")
    return redirect(back)


@require_POST
def cart_line(request: HttpRequest, line_id: str) -> HttpResponse:
    try:
        if request.POST.get("action") == "remove":
            service.checkout_line_remove(checkout_id=_checkout_id(request), line_id=line_id)
            messages.success(request, "Đã bỏ sản phẩm khỏi giỏ.")
        else:
            service.checkout_line_quantity_set(checkout_id=_checkout_id(request), line_id=line_id,
                                               quantity=request.POST.get("quantity", ""))
            messages.success(request, "Đã cập nhật số lượng.")
    except CheckoutError as error:
        messages.error(request, error.message_vi)
    return redirect("cart:view")


def _initial(cart: service.Cart) -> dict[str, str]:
    address = cart.shipping_address or {}
    initial = {"email": cart.email, "full_name": address.get("firstName", ""), "street": address.get("streetAddress1", ""),
               "shipping_method": cart.shipping_method_id or "", "payment": "cod"}
    phone = address.get("phone") or ""
    initial["phone"] = "0" + phone[3:] if phone.startswith("+84") else phone
    province = next((p for p in places.current_provinces()
                     if service.saleor_country_area(p) == address.get("countryArea")), None)
    if province:
        initial["province"] = province.code
        commune = next((c for c in places.communes(province.code)
                        if c.name.upper() == (address.get("city") or "").upper()), None)
        initial["commune"] = commune.code if commune else ""
    return initial


@require_http_methods(["GET", "POST"])
def checkout_page(request: HttpRequest) -> HttpResponse:
    cart, answered = _current_cart(request)
    if not answered:
        return redirect("cart:view")
    if cart is None or not cart.lines:
        messages.info(request, "Giỏ hàng đang trống.")
        return redirect("cart:view")
    form = CheckoutForm(request.POST or None, initial=_initial(cart), shipping_options=cart.shipping_options)
    if request.method == "POST" and form.is_valid():
        placed = _place(request, form, cart)
        if isinstance(placed, CardSession):
            request.session[CARD_KEY] = {
                "checkout": cart.id, "transaction": placed.transaction_id, "client_secret": placed.client_secret,
                "publishable_key": placed.publishable_key, "amount": placed.amount}
            return redirect("cart:card")
        if placed is not None:
            return _placed(request, placed)
        try:
            cart = service.checkout_get(checkout_id=cart.id) or cart
        except CheckoutError:
            pass  # the form's message says what happened; the summary is the one from before
        form.fields["shipping_method"].widget.choices = [(o.id, o.name) for o in cart.shipping_options]
    refused = service.refused_lines(cart)
    return render(request, "cart/checkout.html", {
        "form": form, "cart": cart, "parts": selectors.cart_parts(cart, refused), "refused": refused,
        "hold_minutes": settings.CHECKOUT_HOLD_MINUTES})


def _placed(request: HttpRequest, order: PlacedOrder) -> HttpResponse:
    _remember(request, None)
    request.session.pop(CARD_KEY, None)
    send_order_confirmation.delay_on_commit(order.id)
    messages.success(request, f"Cảm ơn bạn! Đơn hàng #{order.number} đã được đặt. "
                              f"Xác nhận đã gửi tới {order.email}.")
    return redirect("cart:order", token=selectors.order_token(order.id))


def _place(request: HttpRequest, form: CheckoutForm, cart: service.Cart) -> PlacedOrder | CardSession | None:
    """Save contact, address and delivery, then place the order (cash on delivery) or open
    the card payment (its units held first); on a refusal the message goes on its field, or
    at the top, and None is returned."""
    data = form.cleaned_data
    try:
        address = DeliveryAddress(full_name=data["full_name"], phone=data["phone"], province_code=data["province"],
                                  commune_code=data["commune"], street=data["street"])
        cart = service.checkout_contact_set(checkout_id=cart.id, email=data["email"], address=address)
        options = {o.id for o in cart.shipping_options}
        method = data.get("shipping_method") or ""
        if method not in options and len(options) == 1:
            method = next(iter(options))  # the one way to deliver: no need to ask
        if method != cart.shipping_method_id:
            service.checkout_delivery_set(checkout_id=cart.id, shipping_method_id=method)
        if data["payment"] == PAYMENT_CARD:
            card = request.session.get(CARD_KEY) or {}
            if card.get("checkout") == cart.id and card.get("amount") == cart.total \
                    and hold_in_force(checkout_id=cart.id):
                # The payment opened for this very cart is still on: no second PaymentIntent
                # (the first tab's card form could still charge it).
                return CardSession(card["transaction"], card["client_secret"], card["publishable_key"], card["amount"])
            replaces = card.get("transaction") if card.get("checkout") == cart.id else None
            return card_checkout_start(checkout_id=cart.id, replaces=replaces)
        return service.checkout_complete(checkout_id=cart.id)
    except CheckoutError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message_vi)
        return None


@require_http_methods(["GET"])
def order_page(request: HttpRequest, token: str) -> HttpResponse:
    order_id = selectors.order_id_from_token(token)
    try:
        order = order_get(order_id=order_id) if order_id else None
    except SaleorError as error:
        logger.warning("Order page: Saleor did not answer: %s", error)
        return render(request, "cart/order_busy.html", {"message": BUSY_VI}, status=503)
    if order is None:
        raise Http404("Không tìm thấy đơn hàng.")
    return render(request, "cart/order.html", {
        "order": order, "parts": selectors.order_parts(order), "payment": selectors.payment_status_vi(order),
        "status_vi": selectors.ORDER_STATUS_VI.get(order["status"], order["status"]),
        "subtotal": saleor_dong(order["subtotal"]), "shipping": saleor_dong(order["shippingPrice"]),
        "total": saleor_dong(order["total"])})


def client_address(request: HttpRequest) -> str:
    """The buyer's address for the lookup limit: behind our TLS proxy, the X-Forwarded-For
    entry the proxy appended (settings.CLIENT_ADDRESS_FROM_PROXY); otherwise REMOTE_ADDR."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "CLIENT_ADDRESS_FROM_PROXY", False) and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or ""


@require_http_methods(["GET", "POST"])
def order_lookup(request: HttpRequest) -> HttpResponse:
    form = OrderLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order_id = services.order_find(number=form.cleaned_data["number"], email=form.cleaned_data["email"],
                                           client_ip=client_address(request))
        except services.OrderLookupLimited as limited:
            form.add_error(None, limited.message_vi)
            return render(request, "cart/order_lookup.html", {"form": form}, status=429)
        except SaleorError as error:
            logger.warning("Order lookup: Saleor did not answer: %s", error)
            form.add_error(None, BUSY_VI)
            return render(request, "cart/order_lookup.html", {"form": form}, status=503)
        if order_id:
            return redirect("cart:order", token=selectors.order_token(order_id))
        form.add_error(None, "Không tìm thấy đơn hàng với email và mã đơn này. Kiểm tra lại email xác nhận đơn hàng.")
    return render(request, "cart/order_lookup.html", {"form": form})


@require_http_methods(["GET"])
def card_page(request: HttpRequest) -> HttpResponse:
    """Stripe's card form (Stripe.js, loaded from Stripe) for the payment opened at checkout."""
    card = request.session.get(CARD_KEY)
    if not card or card.get("checkout") != _checkout_id(request):
        return redirect("cart:checkout")
    if not hold_in_force(checkout_id=card["checkout"]):
        request.session.pop(CARD_KEY, None)
        messages.error(request, HOLD_EXPIRED)
        return redirect("cart:checkout")
    return render(request, "cart/card.html", {
        "amount": card["amount"], "stripe": {"publishableKey": card["publishable_key"],
                                             "clientSecret": card["client_secret"],
                                             "returnUrl": request.build_absolute_uri(reverse("cart:card_return"))}})


@require_http_methods(["GET"])
def card_return(request: HttpRequest) -> HttpResponse:
    """Where Stripe.js sends the buyer back: the order once Saleor counts the checkout paid."""
    card = request.session.get(CARD_KEY)
    if not card:
        return redirect("cart:view")
    try:
        outcome = card_checkout_finish(checkout_id=card["checkout"], transaction_id=card["transaction"])
    except CheckoutError as error:
        request.session.pop(CARD_KEY, None)
        messages.error(request, error.message_vi)
        return redirect("cart:checkout")
    if isinstance(outcome, PlacedOrder):
        return _placed(request, outcome)
    if outcome.status == "failed":
        request.session.pop(CARD_KEY, None)
        messages.error(request, outcome.message_vi)
        return redirect("cart:checkout")
    # Still processing, or the bank's check is not done: say so and let the buyer look again.
    return render(request, "cart/card_status.html", {"result": outcome, "amount": card["amount"]}, status=202)
