"""Stripe, for the payment app: one configured client, and what money means to Stripe.

Every call to Stripe goes through `stripe_client()`: the real `stripe` library, whose HTTP
client is `http_client_override` when a test (or the demo) sets one, so nothing here ever
needs the network to be tested. VND is one of Stripe's zero-decimal currencies: an amount
is whole đồng, sent as it is (150.000 ₫ is `amount=150000`, never ×100).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import stripe
from django.conf import settings

# Tests set this to a stripe.HTTPClient subclass answering like Stripe's API; production
# leaves it None (the library's own client).
http_client_override: stripe.HTTPClient | None = None

CURRENCY = "VND"
# Stripe's network retries reuse the same idempotency key, so a retry never charges twice.
MAX_NETWORK_RETRIES = 2

NOT_CONFIGURED_MESSAGE = (
    "Thanh toán bằng thẻ hiện chưa sẵn sàng; vui lòng chọn thanh toán khi nhận hàng (COD). "
    "(Card payment is not available right now.)"
)


class CardPaymentUnavailable(Exception):
    """Stripe is not configured here: card payment is simply not offered."""

    message_vi = NOT_CONFIGURED_MESSAGE


@dataclass(frozen=True)
class StripeConfig:
    secret_key: str
    publishable_key: str
    webhook_secret: str


def stripe_config() -> StripeConfig:
    """The keys from settings (the environment); raises CardPaymentUnavailable when the
    secret or the publishable key is missing."""
    config = StripeConfig(settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY,
                          settings.STRIPE_WEBHOOK_SECRET)
    if not config.secret_key or not config.publishable_key:
        raise CardPaymentUnavailable("STRIPE_SECRET_KEY or STRIPE_PUBLISHABLE_KEY is not set")
    return config


def card_payment_available() -> bool:
    try:
        stripe_config()
    except CardPaymentUnavailable:
        return False
    return True


def stripe_client() -> stripe.StripeClient:
    return stripe.StripeClient(stripe_config().secret_key, http_client=http_client_override,
                               max_network_retries=MAX_NETWORK_RETRIES)


def whole_dong(amount) -> int | None:
    """Saleor's PositiveDecimal (150000, 150000.0, "150000.00") as whole đồng, or None when
    it is not a positive whole number of đồng (VND has no minor unit)."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value <= 0 or value != value.to_integral_value():
        return None
    return int(value)


def dashboard_url(payment_intent: dict) -> str:
    """Where a staff member sees the payment in Stripe (Saleor shows it as externalUrl)."""
    mode = "" if payment_intent.get("livemode") else "test/"
    return f"https://dashboard.stripe.com/{mode}payments/{payment_intent['id']}"
