"""Writes for the Saleor side of the App: the install handshake, and recording the webhooks
Saleor sends once their signature is proven. Network calls (to Saleor's API and JWKS)
happen before any transaction opens."""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from . import handlers
from .crypto import decrypt_text, encrypt_text
from .jws import JwksKeys, JwksUnavailable, SignatureInvalid, fetch_jwks, jwks_url_for, verify_signature
from .manifest import Subscription, subscription_for
from .models import SaleorInstallation, WebhookDelivery

logger = logging.getLogger(__name__)

# Who the token belongs to. Kept here until the GraphQL client's operations/ holds it.
APP_IDENTITY_QUERY = "query AppIdentity { app { id identifier } }"
SALEOR_TIMEOUT_SECONDS = (3.05, 10)


class Refused(Exception):
    """A request from (or claiming to be from) Saleor that is answered with `status` and
    leaves nothing behind. `reason` is for our logs; Saleor is told only `message`."""

    status = 400
    message = "Yêu cầu không hợp lệ (invalid request)."

    def __init__(self, reason: str, *, status: int | None = None, message: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status or self.status
        self.message = message or self.message


class InstallationRefused(Refused):
    status = 403
    message = "Ứng dụng chỉ nhận cài đặt từ Saleor được phép (not an allowed Saleor)."


class WebhookRefused(Refused):
    status = 401
    message = "Chữ ký webhook không hợp lệ (invalid signature)."


class SaleorUnreachable(Exception):
    pass


def normalize_api_url(api_url: str) -> str:
    """Saleor sends its API URL ending in "/"; settings may be written without it."""
    return api_url.strip().rstrip("/") + "/"


def api_url_allowed(api_url: str) -> bool:
    return bool(api_url.strip()) and normalize_api_url(api_url) in {
        normalize_api_url(url) for url in settings.SALEOR_ALLOWED_API_URLS
    }


def saleor_app_identity(*, api_url: str, auth_token: str) -> dict | None:
    """Ask the Saleor at api_url which App the token belongs to: {"id", "identifier"}, or
    None when Saleor does not accept the token. Raises SaleorUnreachable."""
    try:
        response = requests.post(
            api_url,
            json={"query": APP_IDENTITY_QUERY, "operationName": "AppIdentity"},
            headers={"Authorization": f"Bearer {auth_token}"},
            timeout=SALEOR_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        raise SaleorUnreachable(str(error)) from error
    if response.status_code >= 500:
        raise SaleorUnreachable(f"HTTP {response.status_code}")
    try:
        app = (response.json().get("data") or {}).get("app")
    except (ValueError, AttributeError):
        return None
    return app if isinstance(app, dict) else None


def installation_register(*, api_url: str, auth_token: str | None) -> SaleorInstallation:
    """Saleor's install handshake: while installing from our manifest, Saleor POSTs
    {"auth_token"} to tokenTargetUrl with its API URL in Saleor-Api-Url
    (saleor/app/installation_utils.py, send_app_token).

    Accepted only from a Saleor in settings.SALEOR_ALLOWED_API_URLS, and only for a token
    that Saleor itself says belongs to our App (identifier SALEOR_APP_ID): the header is
    not signed, so anyone could otherwise overwrite the token. Re-installing replaces it.
    """
    if not api_url_allowed(api_url):
        raise InstallationRefused(f"Saleor-Api-Url {api_url!r} is not allowed")
    if not isinstance(auth_token, str) or not auth_token.strip():
        raise Refused("no auth_token", message="Thiếu auth_token (no auth_token).")
    api_url = normalize_api_url(api_url)
    try:
        identity = saleor_app_identity(api_url=api_url, auth_token=auth_token)
    except SaleorUnreachable as error:
        raise Refused(f"{api_url} unreachable: {error}", status=502,
                      message="Không gọi được Saleor để xác nhận (Saleor unreachable).") from error
    if identity is None or identity.get("identifier") != settings.SALEOR_APP_ID:
        raise InstallationRefused(f"{api_url} does not know this token as app {settings.SALEOR_APP_ID!r}",
                                  message="Saleor không xác nhận token này (token not confirmed by Saleor).")
    installation, _ = SaleorInstallation.objects.update_or_create(
        api_url=api_url,
        defaults={"encrypted_token": encrypt_text(auth_token), "app_id": identity.get("id") or "",
                  "installed_at": timezone.now()},
    )
    logger.info("Saleor app installed from %s (app %s)", api_url, installation.app_id)
    return installation


def installation_auth_token(*, installation: SaleorInstallation) -> str:
    return decrypt_text(installation.encrypted_token)


def _installation_for(api_url: str) -> SaleorInstallation | None:
    if not api_url_allowed(api_url):
        return None
    return SaleorInstallation.objects.filter(api_url=normalize_api_url(api_url)).first()


def delivery_key(*, api_url: str, event: str, body: bytes) -> str:
    """Saleor sends no delivery id, but a retry resends the payload it stored, byte for
    byte, so the same Saleor, event and body is the same delivery."""
    return hashlib.sha256(f"{api_url}\n{event}\n".encode() + body).hexdigest()


def saleor_signature_verify(*, api_url: str, signature: str | None, body: bytes) -> SaleorInstallation:
    """The installation whose Saleor signed `body` (Saleor-Signature, proven against the JWKS
    of the Saleor named in Saleor-Api-Url, installed and allowed). Used by the asynchronous
    webhooks here and by the synchronous payment webhooks (storefront_adapter.payments).

    Raises WebhookRefused: 401 unknown Saleor or bad signature, 503 keys unreadable.
    """
    installation = _installation_for(api_url)
    if installation is None:
        raise WebhookRefused(f"Saleor-Api-Url {api_url!r} is not an installed, allowed Saleor")
    keys = JwksKeys(jwks_url_for(installation.api_url), cache=cache, ttl=settings.SALEOR_JWKS_CACHE_SECONDS,
                    fetch=fetch_jwks)
    try:
        verify_signature(signature, body, keys=keys)
    except SignatureInvalid as error:
        raise WebhookRefused(f"{installation.api_url}: {error}") from error
    except JwksUnavailable as error:
        raise WebhookRefused(str(error), status=503,
                             message="Chưa kiểm tra được chữ ký, gửi lại sau (cannot verify now).") from error
    return installation


def signed_webhook_payload(*, subscription: Subscription, api_url: str, saleor_event: str | None,
                           signature: str | None, body: bytes,
                           typename_required: bool = False) -> tuple[SaleorInstallation, Any]:
    """The installation and the JSON body of a webhook for ``subscription``, once its
    Saleor-Signature is proven (``saleor_signature_verify``). Headers are not signed: the
    event is the URL's, and a signed body meant for another event (its ``__typename``; when
    ``typename_required``, also a body without one) is refused with 400."""
    installation = saleor_signature_verify(api_url=api_url, signature=signature, body=body)
    if saleor_event is not None and saleor_event.lower() != subscription.slug:
        raise WebhookRefused(f"Saleor-Event {saleor_event!r} sent to {subscription.slug}", status=400,
                             message=Refused.message)
    try:
        payload = json.loads(body)
    except ValueError as error:
        raise WebhookRefused("body is not JSON", status=400, message=Refused.message) from error
    if isinstance(payload, dict):
        typename = payload.get("__typename", None if typename_required else subscription.typename)
    else:
        typename = None if typename_required else subscription.typename
    if typename != subscription.typename:
        raise WebhookRefused(f"a {typename} body sent to {subscription.slug}", status=400, message=Refused.message)
    return installation, payload


def webhook_receive(
    *, event_slug: str, api_url: str, saleor_event: str | None, signature: str | None, body: bytes
) -> tuple[WebhookDelivery, bool]:
    """Record a webhook once its Saleor-Signature is proven against the JWKS of the Saleor
    it names (installed and allowed), and hand it to Celery after commit. Returns the
    delivery and whether it is new; a delivery seen before has no second effect.

    Raises WebhookRefused: 404 unknown event, 401 unknown Saleor or bad signature, 503 the
    Saleor's keys unreadable (Saleor retries 5xx, not 4xx), 400 a misrouted body.
    """
    subscription = subscription_for(event_slug)
    if subscription is None:
        raise WebhookRefused(f"no webhook {event_slug!r}", status=404, message="Không có webhook này (not found).")
    installation, payload = signed_webhook_payload(subscription=subscription, api_url=api_url,
                                                   saleor_event=saleor_event, signature=signature, body=body)
    key = delivery_key(api_url=installation.api_url, event=subscription.event, body=body)
    with transaction.atomic():
        delivery, created = WebhookDelivery.objects.get_or_create(
            key=key, defaults={"installation": installation, "event": subscription.event, "payload": payload}
        )
        if created:
            from .tasks import process_webhook_delivery

            process_webhook_delivery.delay_on_commit(delivery.id)
    return delivery, created


def webhook_delivery_process(*, delivery_id: int) -> bool:
    """Run the handler of a recorded delivery once (locked, then marked processed in the
    same transaction); False when it was processed already."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("installation")
            .filter(pk=delivery_id, processed_at__isnull=True)
            .first()
        )
        if delivery is None:
            return False
        handlers.handler_for(delivery.event)(delivery)
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["processed_at"])
    return True
