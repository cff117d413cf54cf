"""The certification gate against a real Saleor 3.23 (opt-in: SALEOR_API_URL).

A product is published by hand in a throwaway channel while its listing's certificate is
revoked in our database; the PRODUCT_UPDATED handler, fed the payload Saleor holds for
it, enqueues the unpublish, and Saleor then shows the product unpublished. Everything made
in Saleor is deleted again. The daily sweep is not run here: on a shared Saleor it would
unpublish every product that is not in this test database.
"""
from __future__ import annotations

import random

import pytest
from django.utils import timezone

from storefront_adapter import connection
from storefront_adapter.client import SaleorClient
from storefront_adapter.crypto import encrypt_text
from storefront_adapter.errors import raise_for_mutation_errors
from storefront_adapter.models import CatalogueProduct, GateAuditEntry, SaleorInstallation, WebhookDelivery
from storefront_adapter.services import webhook_delivery_process
from tests.integration.factories import make_vendor
from vendors.listings.models import Listing
from vendors.registry.services import certificate_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def installed(settings, monkeypatch, saleor_api_url, saleor_staff_token) -> None:
    """The App 'installed' with the staff token (it holds MANAGE_PRODUCTS), on the network."""
    settings.SALEOR_API_URL = saleor_api_url
    SaleorInstallation.objects.create(api_url=saleor_api_url.rstrip("/") + "/",
                                      encrypted_token=encrypt_text(saleor_staff_token))
    monkeypatch.setattr(connection, "transport_override", None)


def revoked_listing() -> Listing:
    """An on-sale listing whose certificate is then revoked (the listing itself is hidden
    only on commit, which the gate does not wait for: it asks ocop_rules). Its id is random
    and large, so its listing-<id> cannot collide with other test databases' products."""
    vendor = make_vendor("HTX Chè Tân Cương")
    listing = Listing.objects.create(pk=random.randint(10**8, 10**9), vendor=vendor, title="Chè Tân Cương",
                                     certificate=vendor.producer.certificates.get(), status=Listing.Status.ACTIVE)
    certificate_revoke(certificate=listing.certificate, revoked_on=timezone.localdate(),
                       reason="Vi phạm an toàn thực phẩm", actor=None, source="test", today=timezone.localdate())
    return listing


def test_a_revoked_listing_published_by_hand_in_saleor_is_unpublished(
        saleor, cleanup, throwaway_tag, installed, settings, monkeypatch, django_capture_on_commit_callbacks):
    tag = throwaway_tag

    def run(operation_name, variables, mutation_field):
        return raise_for_mutation_errors(saleor.execute(operation_name, variables), mutation_field)

    # given a channel, and a product carrying our revoked listing's reference
    listing = revoked_listing()
    reference = getattr(settings, "SALEOR_REFERENCE_PREFIX", "") + f"listing-{listing.pk}"  # as the sync writes it
    channel = run("ChannelCreate", {"name": f"OCOP {tag}", "slug": f"{tag}-ocop"}, "channelCreate")["channel"]
    cleanup.append(("ChannelDelete", {"id": channel["id"]}, "channelDelete"))
    product_type = run("ProductTypeCreate", {"name": f"OCOP {tag}", "slug": f"{tag}-ocop"},
                       "productTypeCreate")["productType"]
    cleanup.append(("ProductTypeDelete", {"id": product_type["id"]}, "productTypeDelete"))
    category = run("CategoryCreate", {"name": "Chè", "slug": f"{tag}-che"}, "categoryCreate")["category"]
    cleanup.append(("CategoryDelete", {"id": category["id"]}, "categoryDelete"))
    product = run("ProductCreate", {"externalReference": reference, "productType": product_type["id"],
                                    "category": category["id"], "name": "Chè Tân Cương", "slug": f"{tag}-che"},
                  "productCreate")["product"]
    cleanup.append(("ProductDelete", {"externalReference": reference}, "productDelete"))
    # and someone publishes it by hand in Saleor
    run("ProductChannelListingUpdate", {"id": product["id"], "channelId": channel["id"], "isPublished": True,
                                        "visibleInListings": True, "isAvailableForPurchase": True},
        "productChannelListingUpdate")
    seen = saleor.execute("GateProduct", {"id": product["id"]})["product"]
    assert [(cl["channel"]["slug"], cl["isPublished"]) for cl in seen["channelListings"]] == [(channel["slug"], True)]

    # when the PRODUCT_UPDATED it causes is processed (the payload as ProductUpdatedEvent
    # selects it, from what Saleor holds: channel slugs only)
    payload = {"issuedAt": seen["updatedAt"], "product": {
        "id": seen["id"], "externalReference": seen["externalReference"], "updatedAt": seen["updatedAt"],
        "channelListings": [{**cl, "channel": {"slug": cl["channel"]["slug"]}} for cl in seen["channelListings"]]}}
    delivery = WebhookDelivery.objects.create(installation=SaleorInstallation.objects.get(), event="PRODUCT_UPDATED",
                                              payload=payload, key=f"live-{tag}")
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_delivery_process(delivery_id=delivery.id) is True

    # then Saleor has it unpublished and unbuyable, and the officers' audit says why
    after = saleor.execute("GateProduct", {"id": product["id"]})["product"]
    assert [(cl["isPublished"], cl["visibleInListings"], cl["isAvailableForPurchase"])
            for cl in after["channelListings"]] == [(False, False, False)]
    [entry] = GateAuditEntry.objects.all()
    assert (entry.action, entry.saleor_product_id, entry.listing_id) == ("unpublished", product["id"], listing.pk)
    assert entry.reason.endswith("Lý do thu hồi: Vi phạm an toàn thực phẩm")

    # and the echo of our own unpublish (Saleor's next PRODUCT_UPDATED) sends nothing more
    echo = WebhookDelivery.objects.create(installation=SaleorInstallation.objects.get(), event="PRODUCT_UPDATED",
                                          key=f"live-{tag}-echo", payload={**payload, "product": {
                                              **payload["product"], "channelListings": [
                                                  {**cl, "channel": {"slug": cl["channel"]["slug"]}}
                                                  for cl in after["channelListings"]]}})
    sent: list[str] = []
    execute = SaleorClient.execute
    monkeypatch.setattr(SaleorClient, "execute", lambda client, name, variables=None: (
        sent.append(name), execute(client, name, variables))[1])
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_process(delivery_id=echo.id)
    # only the catalogue read model asks Saleor again (the product is not in the shop's channel, so
    # the shop does not list it); no second unpublish, no second audit row
    assert (sent, GateAuditEntry.objects.count(), CatalogueProduct.objects.count()) == (["CatalogueProducts"], 1, 0)
    again = saleor.execute("GateProduct", {"id": product["id"]})["product"]
    assert again["channelListings"] == after["channelListings"]
