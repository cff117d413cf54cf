"""Shared givens for the cart and checkout tests: listings of vendors mirrored into a
FakeSaleor used as the transport, and a buyer's address in today's units."""
from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from storefront_adapter import connection
from storefront_adapter.checkout import DeliveryAddress
from storefront_adapter.crypto import encrypt_text
from storefront_adapter.fake_saleor import FakeSaleor, FakeVariant
from storefront_adapter.fake_saleor.mirror import mirror_listings
from storefront_adapter.models import SaleorInstallation
from tests.integration.factories import make_vendor
from vendors.listings.models import Listing, Variant
from vendors.listings.services import VariantInput, listing_create
from vendors.registry import places

SALEOR = "https://saleor.example.vn/graphql/"
_skus = itertools.count(1)

# Tỉnh Lâm Đồng and one of its communes; Thành phố Hà Nội for "a commune of another province".
LAM_DONG = places.find_current_province("Lâm Đồng")
KIEN_DUC = places.find_current_commune(LAM_DONG.code, "Kiến Đức")
HA_NOI = places.find_current_province("Hà Nội")
HA_NOI_COMMUNE = places.communes(HA_NOI.code)[0]


def on_sale(vendor_name: str = "HTX Cà phê Đạo Nghĩa", *, title: str = "", price: int = 120_000,
            stock: int = 10, vendor=None) -> Listing:
    vendor = vendor or make_vendor(vendor_name)
    n = next(_skus)
    return listing_create(vendor=vendor, certificate=vendor.producer.certificates.get(), title=title,
                          today=timezone.localdate(),
                          variants=[VariantInput(name="Hộp 250 g", sku=f"SKU-{n}", price_vnd=price, stock=stock,
                                                 weight_grams=250)])


def install_fake(settings, monkeypatch) -> FakeSaleor:
    settings.SALEOR_API_URL = SALEOR
    SaleorInstallation.objects.get_or_create(api_url=SALEOR, defaults={"encrypted_token": encrypt_text("app-token")})
    fake = FakeSaleor()
    monkeypatch.setattr(connection, "transport_override", fake)
    return fake


@pytest.fixture
def fake_saleor(db, settings, monkeypatch) -> FakeSaleor:
    return install_fake(settings, monkeypatch)


def saleor_variant(fake: FakeSaleor, listing: Listing) -> FakeVariant:
    """The fake's variant of the listing's first variant (mirror first)."""
    variant = Variant.objects.filter(listing=listing).first()
    from storefront_adapter.sync import variant_reference

    return next(v for v in fake.variants.values() if v.external_reference == variant_reference(variant.pk))


def address(**overrides) -> DeliveryAddress:
    fields = {"full_name": "Nguyễn Thị Lan", "phone": "0912 345 678", "province_code": LAM_DONG.code,
              "commune_code": KIEN_DUC.code, "street": "Thôn 3, đường Nguyễn Tất Thành"}
    return DeliveryAddress(**{**fields, **overrides})


__all__ = ["fake_saleor", "mirror_listings"]
