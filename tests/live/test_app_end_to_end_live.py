"""The App end to end against a real Saleor 3.23 (opt-in: SALEOR_API_URL), the issue's
acceptance scenario.

Our App runs in pytest-django's live server. Saleor installs it through its own flow
(appInstall: its worker reads our manifest and posts the token to /saleor/register/); the
shop is provisioned, a vendor's listing reaches the storefront through the outbox on
commit, follows its certificate's revocation and renewal, and a product published by hand
in Saleor while its certificate is revoked is unpublished again through the signed
PRODUCT_UPDATED webhook Saleor sends to the live server. The App and the product are
deleted from Saleor at the end; the shop's provisioning objects stay (later runs find them).

The App's identifier is unique per run, so a run never meets an App left by another.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

import pytest
import requests
from django.utils import timezone

import ocop_rules
from ocop_rules import IssuingLevel
from storefront_adapter import connection
from storefront_adapter.client import SaleorClient
from storefront_adapter.connection import saleor_client
from storefront_adapter.errors import raise_for_mutation_errors
from storefront_adapter.manifest import PERMISSIONS
from storefront_adapter.models import GateAuditEntry, SaleorInstallation
from storefront_adapter.provisioning import CHANNEL_SLUG, provision
from storefront_adapter.sync import listing_reference
from tests.integration.factories import decision_expiring_in, make_vendor
from vendors.listings.models import Listing
from vendors.listings.services import VariantInput, listing_create
from vendors.registry.services import Decision, certificate_renew, certificate_revoke

INSTALL_TIMEOUT_SECONDS = 60
WEBHOOK_TIMEOUT_SECONDS = 60
STOREFRONT_TIMEOUT_SECONDS = 10

APP_INSTALL = """
mutation AppInstall($input: AppInstallInput!) {
  appInstall(input: $input) {
    appInstallation { id status message }
    errors { field message code }
  }
}"""
APP_INSTALLATIONS = "query { appsInstallations { id appName status message manifestUrl } }"
APP_DELETE = "mutation AppDelete($id: ID!) { appDelete(id: $id) { errors { field message code } } }"
APP_DELETE_FAILED = """
mutation AppDeleteFailedInstallation($id: ID!) {
  appDeleteFailedInstallation(id: $id) { errors { field message code } }
}"""


def raw(api_url: str, token: str, query: str, variables: dict | None = None) -> dict:
    """A GraphQL request outside operations/ (the App itself never installs or deletes Apps)."""
    response = requests.post(api_url, json={"query": query, "variables": variables or {}},
                             headers={"Authorization": f"Bearer {token}"}, timeout=(3.05, 30))
    response.raise_for_status()
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


def wait_for(what: str, check: Callable[[], object], timeout: float, interval: float = 0.5):
    """Poll `check` until it returns something truthy; return it and the seconds it took."""
    started = time.monotonic()
    while True:
        result = check()
        if result:
            return result, time.monotonic() - started
        if time.monotonic() - started > timeout:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def attribute_values(product: dict) -> dict[str, object]:
    values = {}
    for assigned in product["assignedAttributes"]:
        value = next((assigned[k] for k in ("choice", "plainText", "date", "numeric") if k in assigned), None)
        values[assigned["attribute"]["slug"]] = value["name"] if isinstance(value, dict) else value
    return values


def renewal_decision(certificate, *, number: str) -> Decision:
    """A re-evaluation decided after the old one, valid about 1000 more days."""
    decision_date = decision_expiring_in(1000)
    assert decision_date > certificate.decision_date
    return Decision(
        number=number, product_name=certificate.product_name, product_group=certificate.product_group,
        star_level=certificate.star_level, score=Decimal(75), decision_number=f"{number}/QĐ-UBND",
        decision_date=decision_date,
        issuing_level=IssuingLevel(min(ocop_rules.expected_issuing_levels(certificate.star_level, decision_date))),
        issued_province="Tỉnh Đắk Nông", issued_district="Huyện Đắk R'Lấp", issued_commune="Xã Nhân Đạo",
    )


def test_the_app_installed_by_saleor_syncs_follows_the_registry_and_undoes_a_publication_by_hand(
        live_server, settings, monkeypatch, saleor, saleor_api_url, saleor_staff_token, throwaway_tag, transactional_db):
    tag = throwaway_tag
    api_url = saleor_api_url.strip().rstrip("/") + "/"
    settings.SITE_URL = live_server.url
    settings.SALEOR_API_URL = api_url
    settings.SALEOR_ALLOWED_API_URLS = [api_url]
    settings.SALEOR_APP_ID = f"ocop.marketplace.{tag}"
    settings.SALEOR_REFERENCE_PREFIX = f"{tag}-"
    monkeypatch.setattr(connection, "transport_override", None)
    anonymous = SaleorClient(api_url, None)
    timings: dict[str, float] = {}

    def storefront(slug: str) -> dict | None:
        edges = anonymous.execute("StorefrontProduct", {"slug": slug, "channel": CHANNEL_SLUG})["products"]["edges"]
        return edges[0]["node"] if edges else None

    installation_id = app_id = reference = None
    try:
        # 1-2. Saleor installs the App from our manifest, and posts its token to us
        started = time.monotonic()
        installing = raw(api_url, saleor_staff_token, APP_INSTALL, {"input": {
            "appName": f"OCOP Marketplace {tag}", "manifestUrl": f"{live_server.url}/saleor/manifest/",
            "permissions": list(PERMISSIONS), "activateAfterInstallation": True}})["appInstall"]
        assert installing["errors"] == []
        installation_id = installing["appInstallation"]["id"]

        def installed():
            row = SaleorInstallation.objects.filter(api_url=api_url).first()
            if row is None:
                jobs = raw(api_url, saleor_staff_token, APP_INSTALLATIONS)["appsInstallations"]
                failed = [j for j in jobs if j["id"] == installation_id and j["status"] == "FAILED"]
                assert failed == [], f"Saleor could not install the App: {failed}"
            return row

        installation, _ = wait_for("Saleor to post the App token to /saleor/register/", installed,
                                   INSTALL_TIMEOUT_SECONDS)
        timings["install"] = time.monotonic() - started
        app_id = installation.app_id
        installation_id = None  # Saleor removes the installation job once the App exists
        app = saleor_client().execute("AppInfo")["app"]
        assert (app["id"], app["identifier"]) == (app_id, settings.SALEOR_APP_ID)
        assert {p["code"] for p in app["permissions"]} == set(PERMISSIONS)

        # 3. the shop is provisioned, and a listing reaches the storefront by itself on commit
        vendor = make_vendor("HTX Cà phê Nhân Đạo")
        provision(saleor_client(), vendors=[vendor])
        certificate = vendor.producer.certificates.get()
        started = time.monotonic()
        listing = listing_create(
            vendor=vendor, certificate=certificate, title="Cà phê rang xay", today=timezone.localdate(),
            variants=[VariantInput(name="Hộp 250 g", sku=f"{tag.upper()}-250", price_vnd=120_000, stock=7,
                                   weight_grams=250)])
        reference = listing_reference(listing.id)
        # no sync is called here: the OutboxEvent's receiver ran the sync task on commit
        synced = saleor.execute("SyncedProduct", {"externalReference": reference, "channel": CHANNEL_SLUG})["product"]
        timings["sync on commit"] = time.monotonic() - started
        assert synced is not None, "the outbox did not push the new listing to Saleor on commit"
        slug = synced["slug"]
        product = storefront(slug)
        assert product is not None
        facts = attribute_values(product)
        assert facts["ocop-star-level"] == "4 sao" == f"{certificate.star_level} sao"
        assert facts["ocop-valid-until"] == certificate.expires_on.isoformat()
        assert facts["ocop-certificate-number"] == certificate.number

        # 4. revoked: the listing is hidden and the buyer no longer finds the product
        certificate_revoke(certificate=certificate, revoked_on=timezone.localdate(), reason="Vi phạm nhãn mác",
                           actor=None, source="test", today=timezone.localdate())
        listing.refresh_from_db()
        assert (listing.status, listing.hidden_by) == (Listing.Status.HIDDEN, Listing.HiddenBy.SYSTEM)
        wait_for("the storefront to drop the revoked product", lambda: storefront(slug) is None,
                 STOREFRONT_TIMEOUT_SECONDS)
        # renewed: back on sale, with the new certificate's number and expiry
        renewal = certificate_renew(certificate=certificate, decision=renewal_decision(
            certificate, number=f"{tag.upper()}-R1"), actor=None, source="test", today=timezone.localdate())
        listing.refresh_from_db()
        assert (listing.status, listing.certificate_id) == (Listing.Status.ACTIVE, renewal.id)
        product, _ = wait_for("the storefront to show the renewed product", lambda: storefront(slug),
                              STOREFRONT_TIMEOUT_SECONDS)
        facts = attribute_values(product)
        assert facts["ocop-certificate-number"] == renewal.number
        assert facts["ocop-valid-until"] == renewal.expires_on.isoformat() != certificate.expires_on.isoformat()
        assert facts["ocop-star-level"] == "4 sao"

        # 5. revoked again, then someone publishes it by hand in Saleor
        reason = f"Vi phạm an toàn thực phẩm ({tag})"
        certificate_revoke(certificate=renewal, revoked_on=timezone.localdate(), reason=reason,
                           actor=None, source="test", today=timezone.localdate())
        wait_for("the storefront to drop the product revoked again", lambda: storefront(slug) is None,
                 STOREFRONT_TIMEOUT_SECONDS)
        assert not GateAuditEntry.objects.filter(reason__endswith=reason).exists()
        channel = saleor.execute("ChannelBySlug", {"slug": CHANNEL_SLUG})["channel"]
        started = time.monotonic()
        published = raise_for_mutation_errors(saleor.execute("ProductChannelListingUpdate", {
            "id": synced["id"], "channelId": channel["id"], "isPublished": True, "visibleInListings": True,
            "isAvailableForPurchase": True}), "productChannelListingUpdate")["product"]
        assert [(cl["channel"]["slug"], cl["isPublished"]) for cl in published["channelListings"]
                if cl["channel"]["slug"] == CHANNEL_SLUG] == [(CHANNEL_SLUG, True)]
        # then Saleor's signed PRODUCT_UPDATED reaches the live server and the gate undoes it
        wait_for("the gate to unpublish the product published by hand (webhook)",
                 lambda: storefront(slug) is None and GateAuditEntry.objects.filter(reason__endswith=reason).exists(),
                 WEBHOOK_TIMEOUT_SECONDS)
        timings["unpublish by webhook"] = time.monotonic() - started
        [entry] = GateAuditEntry.objects.filter(reason__endswith=reason)
        assert (entry.action, entry.saleor_product_id, entry.listing_id) == ("unpublished", synced["id"], listing.id)
        assert entry.reason.endswith(f"Lý do thu hồi: {reason}")
        assert entry.details["source"] == "webhook"
        after = saleor.execute("GateProduct", {"id": synced["id"]})["product"]
        assert [(cl["isPublished"], cl["visibleInListings"], cl["isAvailableForPurchase"])
                for cl in after["channelListings"] if cl["channel"]["slug"] == CHANNEL_SLUG] == [(False, False, False)]
    finally:
        # 6. the product and the App go; the shop's provisioning objects stay
        print(f"\nlive end-to-end timings (s): {', '.join(f'{k} {v:.1f}' for k, v in timings.items())}")
        failures = []
        if reference is not None:
            try:
                raise_for_mutation_errors(saleor.execute("ProductDelete", {"externalReference": reference}),
                                          "productDelete")
            except Exception as exc:  # noqa: BLE001 - report every cleanup failure, keep going
                failures.append(f"ProductDelete {reference}: {exc}")
        app_id = app_id or (SaleorInstallation.objects.filter(api_url=api_url).values_list("app_id", flat=True)
                            .first())
        if app_id:
            errors = raw(api_url, saleor_staff_token, APP_DELETE, {"id": app_id})["appDelete"]["errors"]
            failures += [f"appDelete {app_id}: {errors}"] if errors else []
        elif installation_id:
            errors = raw(api_url, saleor_staff_token, APP_DELETE_FAILED,
                         {"id": installation_id})["appDeleteFailedInstallation"]["errors"]
            failures += [f"appDeleteFailedInstallation {installation_id}: {errors}"] if errors else []
        assert failures == [], "could not clean up in Saleor"
