"""A card payment through a real Saleor 3.23 (opt-in: SALEOR_API_URL): our App installed by
Saleor's appInstall flow answers Saleor's real TRANSACTION_INITIALIZE_SESSION and
TRANSACTION_PROCESS_SESSION webhooks (JWS-signed, to pytest-django's live server); Stripe,
which cannot be reached here, is FakeStripe behind the stripe library's HTTP seam. Saleor
must take our answers as they are: the PaymentIntent's client secret comes back through
Saleor, Saleor then counts the checkout fully charged, and our completion places a paid
order in Saleor.
"""
from __future__ import annotations

import pytest

from storefront_adapter import checkout as service
from storefront_adapter.connection import saleor_client
from storefront_adapter.payments import gateway, storefront
from storefront_adapter.payments.fake_stripe import FakeStripe
from storefront_adapter.provisioning import provision
from storefront_adapter.sync import listing_reference, sync_listing
from tests.integration.factories import make_vendor
from tests.integration.payment_support import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET
from tests.integration.shop import address, on_sale
from tests.live.test_order_cancel_live import installed_app  # noqa: F401 (fixture)
from vendors.listings.models import Variant

ORDER = "Order"


def test_a_card_payment_through_saleors_session_webhooks_places_a_paid_order(installed_app, settings,  # noqa: F811
                                                                              monkeypatch):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = SECRET_KEY, PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    stripe_fake = FakeStripe()
    monkeypatch.setattr(gateway, "http_client_override", stripe_fake)
    client = saleor_client()
    vendor = make_vendor("HTX Mật ong Tây Nguyên")
    provision(client, vendors=[vendor])
    listing = on_sale(vendor=vendor, title="Mật ong hoa cà phê", price=95_000, stock=4)
    try:
        # given a cart of 2 ready to pay: 190.000 ₫ and 30.000 ₫ shipping
        [variant_id] = sync_listing(client, listing.id).saleor_variant_ids.values()
        checkout_id = service.checkout_line_add(checkout_id=None, variant_id=variant_id, quantity=2)
        cart = service.checkout_contact_set(checkout_id=checkout_id, email="lan@example.vn", address=address())
        service.checkout_delivery_set(checkout_id=checkout_id, shipping_method_id=cart.shipping_options[0].id)

        # when the card payment starts (Saleor calls our TRANSACTION_INITIALIZE_SESSION)
        card = storefront.card_payment_start(checkout_id=checkout_id)
        # then Stripe was asked for 220.000 VND in whole đồng, and Saleor handed back its client secret
        [(pi, intent)] = stripe_fake.intents.items()
        assert (intent["amount"], intent["currency"]) == (220_000, "vnd")
        assert (card.client_secret, card.amount, card.publishable_key) == (intent["client_secret"], 220_000,
                                                                           PUBLISHABLE_KEY)
        assert intent["metadata"]["saleor_checkout_id"] == checkout_id

        # when the card is charged at Stripe and the buyer comes back (TRANSACTION_PROCESS_SESSION)
        stripe_fake.succeed(pi)
        result = storefront.card_payment_confirm(checkout_id=checkout_id, transaction_id=card.transaction_id)
        # then Saleor counts the checkout fully charged, and our completion places a paid order
        assert result.status == "succeeded"
        assert service.checkout_get(checkout_id=checkout_id).charge_status == "FULL"
        placed = service.checkout_complete(checkout_id=checkout_id, paid=True)
        order = client.execute(ORDER, {"id": placed.id})["order"]
        assert (order["chargeStatus"], order["total"]["gross"]) == ("FULL", {"amount": 220000.0, "currency": "VND"})
        assert order["status"] == "UNFULFILLED"  # confirmed: it has a payment transaction
        assert Variant.objects.get(listing=listing).stock == 2
    finally:  # the order keeps its lines' names and prices after the product goes
        client.execute("ProductDelete", {"externalReference": listing_reference(listing.id)})
