"""The client for the Saleor we are installed into: its API URL and our decrypted app token.

Every call to Saleor from the sync, provisioning and the gate gets its client here; tests
swap the transport through `transport_override` (a fake, never the network).
"""
from __future__ import annotations

from django.conf import settings

from .client import SaleorClient
from .crypto import decrypt_text
from .errors import SaleorError
from .models import SaleorInstallation

# Tests set this to a FakeSaleorTransport; production leaves it None (requests).
transport_override = None


class SaleorNotInstalled(SaleorError):
    """The App has not been installed into the configured Saleor yet."""


def current_installation() -> SaleorInstallation:
    """The installation for settings.SALEOR_API_URL, or the only one there is."""
    installations = SaleorInstallation.objects.all()
    if settings.SALEOR_API_URL:
        wanted = settings.SALEOR_API_URL.strip().rstrip("/") + "/"
        installations = installations.filter(api_url=wanted)
    installation = installations.order_by("-updated_at").first()
    if installation is None:
        raise SaleorNotInstalled("Ứng dụng chưa được cài vào Saleor (chạy appInstall từ Saleor).")
    return installation


def saleor_client(installation: SaleorInstallation | None = None) -> SaleorClient:
    installation = installation or current_installation()
    return SaleorClient(installation.api_url, decrypt_text(installation.encrypted_token), transport=transport_override)
