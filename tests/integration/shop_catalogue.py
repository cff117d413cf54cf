"""Test data for the shop: listings made through the real services, mirrored into a
FakeSaleor as the sync would leave them, and the catalogue read model rebuilt from it."""
from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from storefront_adapter import connection
from storefront_adapter.catalogue import catalogue_rebuild
from storefront_adapter.crypto import encrypt_text
from storefront_adapter.fake_saleor import FakeSaleor
from storefront_adapter.fake_saleor.mirror import mirror_listings
from storefront_adapter.models import SaleorInstallation
from tests.integration.factories import make_certificate, make_producer, make_vendor
from vendors.listings.models import Listing
from vendors.listings.services import VariantInput, listing_create

SALEOR = "https://saleor.example.vn/graphql/"
_skus = itertools.count(1)


@pytest.fixture
def fake_saleor(settings, monkeypatch) -> FakeSaleor:
    """A FakeSaleor behind saleor_client(), as the shop's pages and refreshes reach it."""
    settings.SALEOR_API_URL = SALEOR
    SaleorInstallation.objects.create(api_url=SALEOR, encrypted_token=encrypt_text("app-token"))
    fake = FakeSaleor()
    monkeypatch.setattr(connection, "transport_override", fake)
    return fake


def make_listing(title: str = "Cà phê rang xay", *, vendor=None, producer_name: str = "HTX Cà phê Đạo Nghĩa",
                 stars: int = 4, group: str = "food", prices: tuple[int, ...] = (120_000,),
                 stock: int = 10, district: str = "Huyện Đắk R'Lấp", province: str = "Tỉnh Đắk Nông",
                 expires_in_days: int = 400) -> Listing:
    """An ACTIVE listing of a new certificate (one per title), with one variant per price."""
    if vendor is None:
        vendor = make_vendor(producer_name, producer=make_producer(name=producer_name))
    certificate = make_certificate(producer=vendor.producer, product_name=title, star_level=stars, group=group,
                                   district=district, province=province, expires_in_days=expires_in_days)
    variants = [VariantInput(name=f"Gói {i + 1}", sku=f"SKU-{next(_skus)}", price_vnd=price, stock=stock,
                             weight_grams=250) for i, price in enumerate(prices)]
    return listing_create(vendor=vendor, certificate=certificate, title=title, variants=variants,
                          today=timezone.localdate())


def publish(fake: FakeSaleor) -> None:
    """Saleor has what the sync would have pushed; the catalogue read model reads it."""
    mirror_listings(fake)
    catalogue_rebuild()
