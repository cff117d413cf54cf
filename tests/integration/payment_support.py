"""Fixtures for the card payment app: Stripe behind its seam (FakeStripe, answering like
Stripe's API), Stripe's webhook signature computed as Stripe computes it, the FakeSaleor as
Saleor's transport, and the Saleor App installed (signed webhooks as in test_saleor_app)."""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

import storefront_adapter.connection
from storefront_adapter.fake_saleor import FakeSaleor
from storefront_adapter.fake_saleor.payments import payment_checkout_put
from storefront_adapter.payments import gateway
from storefront_adapter.payments.fake_stripe import FakeStripe

SECRET_KEY = "sk_test_51OcopMarketplaceSecret"
PUBLISHABLE_KEY = "pk_test_51OcopMarketplacePublishable"
WEBHOOK_SECRET = "whsec_ocopMarketplaceEndpointSecret"
CHECKOUT_ID = "Q2hlY2tvdXQ6NGY1ZTNhYjAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAx"


def stripe_signature(body: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header as Stripe makes it: t=<unix time>,v1=HMAC-SHA256(endpoint
    secret, "<t>.<exact body>") in hex."""
    t = int(time.time()) if timestamp is None else timestamp
    v1 = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


def post_stripe_event(client, body: bytes, signature: str | None = "sign"):
    headers = {}
    if signature == "sign":
        signature = stripe_signature(body)
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post("/saleor/stripe/webhook/", data=body, content_type="application/json", headers=headers)


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def fake_stripe(monkeypatch, stripe_keys) -> FakeStripe:
    fake = FakeStripe()
    monkeypatch.setattr(gateway, "http_client_override", fake)
    return fake


@pytest.fixture
def fake_saleor(monkeypatch) -> FakeSaleor:
    fake = FakeSaleor()
    monkeypatch.setattr(storefront_adapter.connection, "transport_override", fake)
    payment_checkout_put(fake, checkout_id=CHECKOUT_ID, amount=385_000, email="lan@example.vn")
    return fake


def intent_params(fake_stripe: FakeStripe) -> list[dict]:
    return [r.params for r in fake_stripe.requests if (r.method, r.path) == ("POST", "/v1/payment_intents")]


def as_json(response) -> dict:
    return json.loads(response.content)
