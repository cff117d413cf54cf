"""A cancelled order's units come back to our count, against a real Saleor 3.23 (opt-in:
SALEOR_API_URL): an order placed through our completion service, cancelled by staff with
orderCancel, and the signed ORDER_CANCELLED Saleor sends to our App (in pytest-django's live
server, installed by Saleor's own appInstall flow) gives the units back to Variant.stock,
so our count and Saleor's available quantity agree again. The App and the product are
deleted at the end; the cancelled order stays in Saleor, as orders do.
"""
from __future__ import annotations

import pytest

from storefront_adapter import checkout as service
from storefront_adapter import connection
from storefront_adapter.client import SaleorClient
from storefront_adapter.connection import saleor_client
from storefront_adapter.errors import raise_for_mutation_errors
from storefront_adapter.manifest import PERMISSIONS
from storefront_adapter.models import CheckoutHold, SaleorInstallation, WebhookDelivery
from storefront_adapter.provisioning import CHANNEL_SLUG, provision
from storefront_adapter.sync import listing_reference, sync_listing
from tests.integration.factories import make_vendor
from tests.integration.shop import address, on_sale
from tests.live.test_app_end_to_end_live import (
    APP_DELETE,
    APP_DELETE_FAILED,
    APP_INSTALL,
    APP_INSTALLATIONS,
    INSTALL_TIMEOUT_SECONDS,
    WEBHOOK_TIMEOUT_SECONDS,
    raw,
    wait_for,
)
from tests.live.test_checkout_live import staff_token
from vendors.listings.models import Variant


@pytest.fixture
def installed_app(live_server, settings, monkeypatch, saleor_api_url, throwaway_tag, transactional_db):
    """Our App installed by Saleor from the live server's manifest, so Saleor sends it webhooks."""
    api_url = saleor_api_url.strip().rstrip("/") + "/"
    settings.SITE_URL = live_server.url
    settings.SALEOR_API_URL = api_url
    settings.SALEOR_ALLOWED_API_URLS = [api_url]
    settings.SALEOR_APP_ID = f"ocop.marketplace.{throwaway_tag}"
    settings.SALEOR_REFERENCE_PREFIX = f"{throwaway_tag}-"
    monkeypatch.setattr(connection, "transport_override", None)
    installing = raw(api_url, staff_token(api_url), APP_INSTALL, {"input": {
        "appName": f"OCOP Marketplace {throwaway_tag}", "manifestUrl": f"{live_server.url}/saleor/manifest/",
        "permissions": list(PERMISSIONS), "activateAfterInstallation": True}})["appInstall"]
    assert installing["errors"] == []
    job_id = installing["appInstallation"]["id"]

    def installed():
        row = SaleorInstallation.objects.filter(api_url=api_url).first()
        if row is None:
            jobs = raw(api_url, staff_token(api_url), APP_INSTALLATIONS)["appsInstallations"]
            assert [j for j in jobs if j["id"] == job_id and j["status"] == "FAILED"] == []
        return row

    try:
        installation, _ = wait_for("Saleor to post the App token to /saleor/register/", installed,
                                   INSTALL_TIMEOUT_SECONDS)
        yield api_url
    finally:
        app_id = SaleorInstallation.objects.filter(api_url=api_url).values_list("app_id", flat=True).first()
        if app_id:
            errors = raw(api_url, staff_token(api_url), APP_DELETE, {"id": app_id})["appDelete"]["errors"]
        else:
            errors = raw(api_url, staff_token(api_url), APP_DELETE_FAILED,
                         {"id": job_id})["appDeleteFailedInstallation"]["errors"]
        assert errors == [], "could not delete the App from Saleor"


def saleor_stock(client: SaleorClient, listing) -> list[tuple[int, int]]:
    product = client.execute("SyncedProduct", {"externalReference": listing_reference(listing.id),
                                               "channel": CHANNEL_SLUG})["product"]
    [stocks] = [edge["node"]["stocks"] for edge in product["productVariants"]["edges"]]
    return [(s["quantity"], s["quantityAllocated"]) for s in stocks]


def test_an_order_cancelled_by_staff_in_saleor_gives_its_units_back_to_our_count(installed_app):
    api_url = installed_app
    client = saleor_client()
    vendor = make_vendor("HTX Cà phê Đạo Nghĩa")
    provision(client, vendors=[vendor])
    listing = on_sale(vendor=vendor, title="Cà phê bột Đạo Nghĩa", price=120_000, stock=5)
    try:
        # given 2 of 5 units ordered through our completion service (cash on delivery)
        [variant_id] = sync_listing(client, listing.id).saleor_variant_ids.values()
        checkout_id = service.checkout_line_add(checkout_id=None, variant_id=variant_id, quantity=2)
        cart = service.checkout_contact_set(checkout_id=checkout_id, email="lan@example.vn", address=address())
        service.checkout_delivery_set(checkout_id=checkout_id, shipping_method_id=cart.shipping_options[0].id)
        order = service.checkout_complete(checkout_id=checkout_id)
        assert Variant.objects.get(listing=listing).stock == 3
        wait_for("Saleor's ORDER_CREATED to be processed", lambda: WebhookDelivery.objects.filter(
            event="ORDER_CREATED", payload__order__id=order.id, processed_at__isnull=False).exists(),
            WEBHOOK_TIMEOUT_SECONDS)
        assert (Variant.objects.get(listing=listing).stock, saleor_stock(client, listing)) == (3, [(5, 2)])

        # when staff cancel the order in Saleor
        staff = SaleorClient(api_url, staff_token(api_url))
        cancelled = raise_for_mutation_errors(staff.execute("OrderCancel", {"id": order.id}), "orderCancel")
        assert cancelled["order"]["status"] == "CANCELED"

        # then Saleor's signed ORDER_CANCELLED gives the 2 units back to our count, once
        wait_for("the ORDER_CANCELLED webhook to give the units back",
                 lambda: Variant.objects.get(listing=listing).stock == 5, WEBHOOK_TIMEOUT_SECONDS)
        hold = CheckoutHold.objects.get(checkout_id=checkout_id)
        assert (hold.state, hold.order_id) == ("cancelled", order.id)
        assert WebhookDelivery.objects.filter(event="ORDER_CANCELLED", payload__order__id=order.id).count() == 1
        # and our count and Saleor's available quantity agree again: 5 in stock, none allocated
        assert saleor_stock(client, listing) == [(5, 0)]
    finally:  # the cancelled order keeps its lines' names and prices after the product goes
        client.execute("ProductDelete", {"externalReference": listing_reference(listing.id)})
