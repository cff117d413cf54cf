"""The Saleor App contract: manifest, install handshake, signed webhooks.

Saleor is faked at its two boundaries: the JWKS it publishes (FakeJwksEndpoint, real RS256
keys made here) and its answer to "which app is this token?" (FakeSaleorApps).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import graphql
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.core.validators import URLValidator
from django.db import connection
from django.test import Client

from storefront_adapter import handlers, manifest, services
from storefront_adapter.crypto import decrypt_text
from storefront_adapter.models import SaleorInstallation, WebhookDelivery
from storefront_adapter.services import installation_auth_token, webhook_delivery_process

pytestmark = pytest.mark.django_db

SCHEMA_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "saleor" / "schema-3.23.graphql"
SITE = "https://ocop.example.vn"  # settings.SITE_URL in tests (tests/conftest.py)
SALEOR = "https://saleor.example.vn/graphql/"
JWKS_URL = "https://saleor.example.vn/.well-known/jwks.json"
APP = {"id": "QXBwOjE=", "identifier": "ocop.marketplace"}
TOKEN = "saleor-app-token-7Qv2nL0xPz"

SALEOR_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRODUCT_UPDATED = json.dumps({
    "__typename": "ProductUpdated",
    "issuedAt": "2026-11-29T05:00:00.123456+00:00",
    "product": {"id": "UHJvZHVjdDox", "name": "Cà phê bột Đạo Nghĩa", "channelListings": []},
}, ensure_ascii=False).encode()


@lru_cache(maxsize=1)
def saleor_schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


def sign(body: bytes, private_key=SALEOR_KEY, kid: str = "saleor-1") -> str:
    """As Saleor 3.23 signs a webhook (saleor/core/jwt_manager.py, JWTManager.jws_encode)."""
    return jwt.api_jws.encode(body, key=private_key, algorithm="RS256",
                              headers={"kid": kid, "crit": ["b64"]}, is_payload_detached=True)


def public_jwk(private_key, kid: str) -> dict:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return {**jwk, "key_ops": ["verify"], "use": "sig", "kid": kid, "alg": "RS256"}


class FakeJwksEndpoint:
    """A fake of Saleors' /.well-known/jwks.json, by URL; records each fetch."""

    def __init__(self):
        self.published = {JWKS_URL: [public_jwk(SALEOR_KEY, "saleor-1")]}
        self.fetches: list[str] = []
        self.down = False

    def __call__(self, url: str) -> dict:
        self.fetches.append(url)
        if self.down:
            raise services.JwksUnavailable(f"{url}: connection refused")
        return {"keys": list(self.published.get(url, []))}


class FakeSaleorApps:
    """A fake of Saleor answering `query AppIdentity { app { id identifier } }`."""

    def __init__(self):
        self.apps = {(SALEOR, TOKEN): APP}
        self.asked: list[tuple[str, str]] = []
        self.down = False

    def __call__(self, *, api_url: str, auth_token: str) -> dict | None:
        self.asked.append((api_url, auth_token))
        if self.down:
            raise services.SaleorUnreachable("connection refused")
        return self.apps.get((api_url, auth_token))


@pytest.fixture(autouse=True)
def saleor_settings(settings):
    # The JWKS cache is the Django cache. Redis's cache.clear() flushes the whole database
    # (every KEY_PREFIX), so another test run sharing this Redis would empty it mid-test
    # and the fetch counts below would lie; an in-process cache keeps them exact.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test-saleor-app"}}
    cache.clear()
    settings.SALEOR_API_URL = SALEOR
    settings.SALEOR_ALLOWED_API_URLS = [SALEOR.rstrip("/")]  # written without the slash on purpose
    settings.SALEOR_APP_ID = "ocop.marketplace"


@pytest.fixture
def jwks(monkeypatch):
    endpoint = FakeJwksEndpoint()
    monkeypatch.setattr(services, "fetch_jwks", endpoint)
    return endpoint


@pytest.fixture
def saleor_apps(monkeypatch):
    apps = FakeSaleorApps()
    monkeypatch.setattr(services, "saleor_app_identity", apps)
    return apps


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)  # Saleor sends no CSRF token


def register(client, token=TOKEN, api_url=SALEOR):
    headers = {"Saleor-Api-Url": api_url} if api_url is not None else {}
    return client.post("/saleor/register/", data=json.dumps({"auth_token": token}),
                       content_type="application/json", headers=headers)


@pytest.fixture
def installed(client, saleor_apps):
    assert register(client).status_code == 200
    return SaleorInstallation.objects.get()


@pytest.fixture
def handled(monkeypatch):
    """What the PRODUCT_UPDATED handler was given, by delivery id."""
    calls: list[int] = []
    monkeypatch.setitem(handlers.HANDLERS, "PRODUCT_UPDATED", lambda delivery: calls.append(delivery.id))
    return calls


def deliver(client, body=PRODUCT_UPDATED, *, event="product_updated", signature="sign", api_url=SALEOR,
            saleor_event="product_updated"):
    headers = {}
    if signature == "sign":
        signature = sign(body)
    if signature is not None:
        headers["Saleor-Signature"] = signature
    if api_url is not None:
        headers["Saleor-Api-Url"] = api_url
    if saleor_event is not None:
        headers["Saleor-Event"] = saleor_event
    return client.post(f"/saleor/webhooks/{event}/", data=body, content_type="application/json", headers=headers)


# --- manifest -----------------------------------------------------------------------------


def get_manifest(client) -> dict:
    response = client.get("/saleor/manifest/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def assert_absolute(url: str) -> None:
    URLValidator(schemes=["https"])(url)
    assert url.startswith(SITE + "/")


def test_manifest_has_what_saleor_323_requires_with_absolute_urls(client):
    data = get_manifest(client)

    # ManifestSchema (saleor/app/manifest_schema.py): id, name and version are required.
    assert (data["id"], data["name"], data["version"]) == ("ocop.marketplace", "OCOP Marketplace", "0.1.0")
    assert data["requiredSaleorVersion"] == "^3.23.0"
    assert data["permissions"] == ["MANAGE_PRODUCTS", "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES", "MANAGE_CHANNELS",
                                   "MANAGE_SHIPPING", "MANAGE_ORDERS", "HANDLE_PAYMENTS"]
    assert data["tokenTargetUrl"] == f"{SITE}/saleor/register/"
    assert data["appUrl"] == f"{SITE}/saleor/app/"
    for url in (data["tokenTargetUrl"], data["appUrl"], data["homepageUrl"]):
        assert_absolute(url)
    assert data["author"].strip() and data["about"].strip()


def test_manifest_permissions_are_saleor_permission_enum_values(client):
    enum = saleor_schema().get_type("PermissionEnum")
    assert set(get_manifest(client)["permissions"]) <= set(enum.values)


def test_manifest_declares_a_webhook_per_subscription_document(client, monkeypatch, tmp_path):
    document = "subscription ProductUpdatedEvent { event { ... on ProductUpdated { issuedAt } } }\n"
    (tmp_path / "ProductUpdatedEvent.graphql").write_text(document, encoding="utf-8")
    monkeypatch.setattr(manifest, "OPERATIONS_DIR", tmp_path)

    webhooks = get_manifest(client)["webhooks"]

    # Only the written document; the others are left out (and logged) until they exist.
    assert webhooks == [{
        "name": "ProductUpdatedEvent",
        "identifier": "product_updated",
        "asyncEvents": ["PRODUCT_UPDATED"],
        "query": document,
        "targetUrl": f"{SITE}/saleor/webhooks/product_updated/",
        "isActive": True,
    }]


def test_every_manifest_webhook_query_is_a_valid_subscription_to_its_event(client):
    webhooks = get_manifest(client)["webhooks"]
    if not webhooks:
        pytest.skip("no subscription documents in storefront_adapter/operations/ yet")
    assert [w["asyncEvents"][0] for w in webhooks if "asyncEvents" in w] == [s.event for s in manifest.SUBSCRIPTIONS]
    assert [w["syncEvents"][0] for w in webhooks if "syncEvents" in w] == [
        s.event for s in manifest.PAYMENT_SUBSCRIPTIONS]
    for webhook in webhooks:
        assert len(webhook.get("asyncEvents", []) + webhook.get("syncEvents", [])) == 1
        subscription = (manifest.subscription_for(webhook["identifier"])
                        or manifest.payment_subscription_for(webhook["identifier"]))
        document = graphql.parse(webhook["query"])
        assert graphql.validate(saleor_schema(), document) == [], webhook["name"]
        operations = [d for d in document.definitions if isinstance(d, graphql.OperationDefinitionNode)]
        assert [(op.operation.value, op.name.value) for op in operations] == [("subscription", webhook["name"])]
        # Saleor takes the event from `event { ... on <Type> }` (graphql/webhook/subscription_query.py).
        event_field = operations[0].selection_set.selections[0]
        assert event_field.name.value == "event"
        assert subscription.typename in {
            s.type_condition.name.value for s in event_field.selection_set.selections
            if isinstance(s, graphql.InlineFragmentNode)
        }
        assert_absolute(webhook["targetUrl"])
        assert webhook["isActive"] is True


def test_all_subscription_documents_are_written(client):
    if not any(manifest.OPERATIONS_DIR.glob("*Event.graphql")):
        pytest.skip("the GraphQL client's subscription documents have not landed yet")
    assert [w["name"] for w in get_manifest(client)["webhooks"]] == [
        s.operation for s in manifest.SUBSCRIPTIONS + manifest.PAYMENT_SUBSCRIPTIONS]


def test_manifest_declares_the_payment_session_webhooks_as_synchronous(client):
    webhooks = {w["identifier"]: w for w in get_manifest(client)["webhooks"]}

    # Saleor sends transaction session webhooks only to an app with HANDLE_PAYMENTS, and waits
    # for the answer at the target URL (saleor/webhook/transport/synchronous).
    assert {slug: (w["syncEvents"], w["targetUrl"]) for slug, w in webhooks.items() if "syncEvents" in w} == {
        "payment_gateway_initialize_session": (["PAYMENT_GATEWAY_INITIALIZE_SESSION"],
                                               f"{SITE}/saleor/payments/payment_gateway_initialize_session/"),
        "transaction_initialize_session": (["TRANSACTION_INITIALIZE_SESSION"],
                                           f"{SITE}/saleor/payments/transaction_initialize_session/"),
        "transaction_process_session": (["TRANSACTION_PROCESS_SESSION"],
                                        f"{SITE}/saleor/payments/transaction_process_session/"),
        "transaction_refund_requested": (["TRANSACTION_REFUND_REQUESTED"],
                                         f"{SITE}/saleor/payments/transaction_refund_requested/"),
        "transaction_cancelation_requested": (["TRANSACTION_CANCELATION_REQUESTED"],
                                              f"{SITE}/saleor/payments/transaction_cancelation_requested/"),
    }
    assert "HANDLE_PAYMENTS" in get_manifest(client)["permissions"]


def test_manifest_declares_the_catalogue_and_order_webhooks_as_asynchronous(client):
    webhooks = get_manifest(client)["webhooks"]

    # ORDER_CANCELLED gives a cancelled order's unfulfilled units back to our stock, as Saleor does.
    assert [(w["identifier"], w["asyncEvents"], w["name"], w["targetUrl"]) for w in webhooks if "asyncEvents" in w] == [
        ("product_created", ["PRODUCT_CREATED"], "ProductCreatedEvent", f"{SITE}/saleor/webhooks/product_created/"),
        ("product_updated", ["PRODUCT_UPDATED"], "ProductUpdatedEvent", f"{SITE}/saleor/webhooks/product_updated/"),
        ("product_deleted", ["PRODUCT_DELETED"], "ProductDeletedEvent", f"{SITE}/saleor/webhooks/product_deleted/"),
        ("order_created", ["ORDER_CREATED"], "OrderCreatedEvent", f"{SITE}/saleor/webhooks/order_created/"),
        ("order_cancelled", ["ORDER_CANCELLED"], "OrderCancelledEvent", f"{SITE}/saleor/webhooks/order_cancelled/"),
        ("order_updated", ["ORDER_UPDATED"], "OrderUpdatedEvent", f"{SITE}/saleor/webhooks/order_updated/"),
    ]


def test_every_subscribed_event_has_a_handler():
    assert {s.event for s in manifest.SUBSCRIPTIONS} == set(handlers.HANDLERS)


def test_the_app_identity_query_is_valid_against_saleors_schema():
    document = graphql.parse(services.APP_IDENTITY_QUERY)
    assert graphql.validate(saleor_schema(), document) == []


# --- install handshake ----------------------------------------------------------------------


def test_register_from_an_allowed_saleor_stores_the_token_encrypted(client, saleor_apps):
    response = register(client)

    assert (response.status_code, response.json()) == (200, {"success": True})
    installation = SaleorInstallation.objects.get()
    assert (installation.api_url, installation.app_id) == (SALEOR, APP["id"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_token FROM storefront_saleorinstallation")
        (stored,) = cursor.fetchone()
    assert TOKEN not in stored
    assert decrypt_text(stored) == TOKEN == installation_auth_token(installation=installation)
    assert saleor_apps.asked == [(SALEOR, TOKEN)]


def test_reinstalling_replaces_the_token_in_the_same_row(client, saleor_apps):
    register(client)
    first = SaleorInstallation.objects.get()
    saleor_apps.apps[(SALEOR, "second-token")] = {"id": "QXBwOjI=", "identifier": "ocop.marketplace"}

    response = register(client, token="second-token", api_url=SALEOR.rstrip("/"))

    assert response.status_code == 200
    installation = SaleorInstallation.objects.get()
    assert installation.pk == first.pk
    assert (installation_auth_token(installation=installation), installation.app_id) == ("second-token", "QXBwOjI=")
    assert installation.installed_at > first.installed_at


@pytest.mark.parametrize("api_url", ["https://evil.example.com/graphql/", "https://saleor.example.vn/graphql/x/",
                                     "", None])
def test_register_from_a_saleor_not_allowed_is_forbidden_and_stores_nothing(client, saleor_apps, api_url):
    response = register(client, api_url=api_url)

    assert response.status_code == 403
    assert "message" in response.json()["error"]
    assert SaleorInstallation.objects.count() == 0
    assert saleor_apps.asked == []  # the token was not even sent anywhere


def test_register_with_a_token_saleor_does_not_confirm_is_forbidden(client, saleor_apps):
    response = register(client, token="forged-token")

    assert response.status_code == 403
    assert SaleorInstallation.objects.count() == 0


def test_register_with_the_token_of_another_app_is_forbidden(client, saleor_apps):
    saleor_apps.apps[(SALEOR, "other-app-token")] = {"id": "QXBwOjk=", "identifier": "someone.else"}

    assert register(client, token="other-app-token").status_code == 403
    assert SaleorInstallation.objects.count() == 0


def test_a_forged_register_cannot_replace_a_working_token(client, installed):
    assert register(client, token="forged-token").status_code == 403
    installed.refresh_from_db()
    assert installation_auth_token(installation=installed) == TOKEN


def test_register_while_saleor_is_unreachable_stores_nothing(client, saleor_apps):
    saleor_apps.down = True

    assert register(client).status_code == 502
    assert SaleorInstallation.objects.count() == 0


@pytest.mark.parametrize("body", ["{}", '{"auth_token": ""}', '{"auth_token": 5}', "not json", "[]"])
def test_register_without_a_token_is_a_bad_request(client, saleor_apps, body):
    response = client.post("/saleor/register/", data=body, content_type="application/json",
                           headers={"Saleor-Api-Url": SALEOR})
    assert response.status_code == 400
    assert SaleorInstallation.objects.count() == 0


def test_register_accepts_only_post(client):
    assert client.get("/saleor/register/").status_code == 405


# --- webhooks -------------------------------------------------------------------------------


def test_a_signed_webhook_is_recorded_once_and_processed(client, installed, jwks, handled,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = deliver(client)

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert response.json() == {"received": delivery.pk, "duplicate": False}
    assert (delivery.installation, delivery.event, delivery.payload) == (
        installed, "PRODUCT_UPDATED", json.loads(PRODUCT_UPDATED))
    assert len(callbacks) == 1
    assert delivery.processed_at is not None
    assert handled == [delivery.pk]
    assert jwks.fetches == [JWKS_URL]


def test_a_replayed_webhook_is_accepted_without_a_second_effect(client, installed, jwks, handled,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = deliver(client)

    assert response.status_code == 200
    assert response.json()["duplicate"] is True
    assert WebhookDelivery.objects.count() == 1
    assert callbacks == []
    assert len(handled) == 1


def test_two_different_events_are_two_deliveries_under_one_jwks_fetch(client, installed, jwks, handled,
                                                                      django_capture_on_commit_callbacks):
    other = PRODUCT_UPDATED.replace(b"05:00:00.123456", b"05:00:01.654321")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client)
        deliver(client, other)

    assert WebhookDelivery.objects.count() == 2
    assert len(handled) == 2
    assert jwks.fetches == [JWKS_URL]


def test_a_key_saleor_rotated_to_is_fetched_once_and_accepted(client, installed, jwks,
                                                             django_capture_on_commit_callbacks):
    deliver(client)  # caches the first key
    rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.published[JWKS_URL] = [public_jwk(rotated, "saleor-2")]
    body = PRODUCT_UPDATED.replace(b"05:00:00", b"06:00:00")

    assert deliver(client, body, signature=sign(body, rotated, "saleor-2")).status_code == 200
    assert jwks.fetches == [JWKS_URL, JWKS_URL]
    assert WebhookDelivery.objects.count() == 2


@pytest.mark.parametrize("case", ["tampered body", "wrong key", "missing signature", "malformed signature",
                                  "unknown key id"])
def test_a_webhook_not_signed_by_that_saleor_is_unauthorized_and_not_recorded(client, installed, jwks, handled,
                                                                             case, django_capture_on_commit_callbacks):
    kwargs = {
        "tampered body": {"body": PRODUCT_UPDATED.replace(b"UHJvZHVjdDox", b"UHJvZHVjdDoy"),
                          "signature": sign(PRODUCT_UPDATED)},
        "wrong key": {"signature": sign(PRODUCT_UPDATED, OTHER_KEY)},
        "missing signature": {"signature": None},
        "malformed signature": {"signature": "e30..e30"},
        "unknown key id": {"signature": sign(PRODUCT_UPDATED, OTHER_KEY, "intruder")},
    }[case]
    body = kwargs.pop("body", PRODUCT_UPDATED)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = deliver(client, body, **kwargs)

    assert response.status_code == 401
    assert response.json() == {"error": {"message": services.WebhookRefused.message}}
    assert WebhookDelivery.objects.count() == 0
    assert (callbacks, handled) == ([], [])


@pytest.mark.parametrize("api_url", ["https://evil.example.com/graphql/", None])
def test_a_webhook_from_a_saleor_not_allowed_is_unauthorized_without_fetching_its_keys(
    client, installed, jwks, api_url
):
    assert deliver(client, api_url=api_url).status_code == 401
    assert WebhookDelivery.objects.count() == 0
    assert jwks.fetches == []


def test_a_webhook_from_an_allowed_saleor_the_app_is_not_installed_in_is_unauthorized(client, jwks, settings):
    settings.SALEOR_ALLOWED_API_URLS = [SALEOR]

    assert deliver(client).status_code == 401
    assert WebhookDelivery.objects.count() == 0
    assert jwks.fetches == []


def test_a_webhook_from_a_saleor_no_longer_allowed_is_unauthorized(client, installed, jwks, settings):
    settings.SALEOR_ALLOWED_API_URLS = ["https://other-saleor.example.vn/graphql/"]

    assert deliver(client).status_code == 401
    assert WebhookDelivery.objects.count() == 0


def test_a_webhook_is_answered_503_while_saleors_keys_cannot_be_read(client, installed, jwks):
    jwks.down = True

    response = deliver(client)

    assert response.status_code == 503  # Saleor retries 5xx; a 4xx would lose the event
    assert WebhookDelivery.objects.count() == 0


def test_a_signed_body_sent_to_another_events_url_is_refused(client, installed, jwks):
    # Only the body is signed: a genuine PRODUCT_UPDATED body is not an ORDER_CREATED.
    assert deliver(client, event="order_created", saleor_event="order_created").status_code == 400
    assert deliver(client, saleor_event="order_created").status_code == 400
    assert WebhookDelivery.objects.count() == 0


def test_a_webhook_for_an_event_we_do_not_subscribe_to_is_not_found(client, installed, jwks):
    assert deliver(client, event="checkout_created", saleor_event="checkout_created").status_code == 404
    assert WebhookDelivery.objects.count() == 0


def test_webhooks_accept_only_post(client):
    assert client.get("/saleor/webhooks/product_updated/").status_code == 405


def test_processing_a_delivery_twice_runs_its_handler_once(client, installed, jwks, handled):
    deliver(client)  # the after-commit task is not run: the test runs it
    delivery = WebhookDelivery.objects.get()

    assert webhook_delivery_process(delivery_id=delivery.pk) is True
    assert webhook_delivery_process(delivery_id=delivery.pk) is False
    assert handled == [delivery.pk]


def test_the_app_page_can_be_framed_by_saleors_dashboard(client):
    response = client.get("/saleor/app/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
