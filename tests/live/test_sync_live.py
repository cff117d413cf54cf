"""The listing sync against a real Saleor 3.23 (opt-in: SALEOR_API_URL), read back the way a
buyer's storefront reads it. The shop is provisioned first (idempotent); the product made
here is a throwaway, keyed by a unique prefix and deleted at the end."""
from __future__ import annotations

import pytest
from django.utils import timezone

from storefront_adapter.client import SaleorClient
from storefront_adapter.sync import sync_listing
from tests.integration.factories import make_vendor
from vendors.listings.services import VariantInput, listing_create, listing_hide, listing_publish

provisioning = pytest.importorskip("storefront_adapter.provisioning",
                                   reason="storefront_adapter.provisioning is not there yet: nothing to sync into")


def storefront(saleor_api_url: str, slug: str) -> dict | None:
    edges = SaleorClient(saleor_api_url, None).execute(
        "StorefrontProduct", {"slug": slug, "channel": provisioning.CHANNEL_SLUG})["products"]["edges"]
    return edges[0]["node"] if edges else None


def attribute_values(product: dict) -> dict[str, object]:
    values = {}
    for assigned in product["assignedAttributes"]:
        value = next((assigned[k] for k in ("choice", "plainText", "date", "numeric") if k in assigned), None)
        values[assigned["attribute"]["slug"]] = value["name"] if isinstance(value, dict) else value
    return values


def test_a_listing_synced_shows_its_ocop_facts_and_follows_hide_and_show(
        db, settings, saleor, saleor_api_url, cleanup, throwaway_tag):
    # given a provisioned shop and an approved vendor with an active listing
    settings.SALEOR_REFERENCE_PREFIX = f"{throwaway_tag}-"
    vendor = make_vendor("HTX Cà phê Nhân Đạo")
    provisioning.provision(saleor, vendors=[vendor])
    certificate = vendor.producer.certificates.get()
    sku = throwaway_tag.upper()
    listing = listing_create(vendor=vendor, certificate=certificate, title="Cà phê rang xay", today=timezone.localdate(),
                             variants=[VariantInput(name="Hộp 250 g", sku=f"{sku}-250", price_vnd=120_000, stock=7,
                                                    weight_grams=250)])
    cleanup.append(("ProductDelete", {"externalReference": f"{throwaway_tag}-listing-{listing.id}"}, "productDelete"))

    # when it is synced, twice
    first = sync_listing(saleor, listing.id)
    second = sync_listing(saleor, listing.id)
    # then the second sync created nothing and changed nothing but the product's own fields
    assert first.created and not second.created
    assert second.operations == ["SyncedProduct", "ProductUpdate"]
    # and a buyer sees it with its stars, certificate and expiry, its price and its stock
    slug = saleor.execute("SyncedProduct", {"externalReference": f"{throwaway_tag}-listing-{listing.id}",
                                            "channel": provisioning.CHANNEL_SLUG})["product"]["slug"]
    product = storefront(saleor_api_url, slug)
    assert product is not None
    facts = attribute_values(product)
    assert facts["ocop-star-level"] == f"{certificate.star_level} sao"
    assert facts["ocop-valid-until"] == certificate.expires_on.isoformat()
    assert facts["ocop-certificate-number"] == certificate.number
    [variant] = [e["node"] for e in product["productVariants"]["edges"]]
    assert variant["pricing"]["price"]["gross"] == {"amount": 120000.0, "currency": "VND"}
    assert variant["quantityAvailable"] == 7

    # when the vendor hides it, then it is gone from the storefront
    listing_hide(listing=listing)
    sync_listing(saleor, listing.id)
    assert storefront(saleor_api_url, slug) is None
    # when the vendor shows it again, then it is back
    listing_publish(listing=listing, today=timezone.localdate())
    sync_listing(saleor, listing.id)
    assert storefront(saleor_api_url, slug) is not None
