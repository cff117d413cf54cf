"""Fill a FakeSaleor with our listings as the sync would have left them in Saleor.

``mirror_listings(fake)`` puts every listing the sync would publish (ACTIVE) into the fake
as a published product: same externalReference, slug, name, OCOP attributes, variants
with price and stock. A listing no longer on sale stays in the fake unpublished, as the
sync leaves it in Saleor. Call it again after changing listings: it updates in place.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.text import slugify

import ocop_rules
from vendors.listings.models import Listing

from ..sync import listing_reference, ocop_facts, variant_reference
from . import FakeProduct, FakeSaleor, FakeVariant


def product_slug(listing: Listing) -> str:
    # As sync._create_product makes it.
    reference = listing_reference(listing.pk)
    return f"{slugify(ocop_rules.fold(listing.title))[:80].strip('-')}-{reference}".lstrip("-")


def mirror_listings(fake: FakeSaleor, listings: Iterable[Listing] | None = None) -> list[FakeProduct]:
    if listings is None:
        listings = Listing.objects.exclude(status=Listing.Status.DRAFT)
    listings = (Listing.objects.filter(pk__in=[listing.pk for listing in listings])
                .select_related("certificate", "certificate__producer").prefetch_related("variants")
                .order_by("pk"))
    mirrored = []
    for listing in listings:
        group = ocop_rules.product_group(listing.certificate.current_product_group)
        existing = fake.product_by_reference(listing_reference(listing.pk))
        product = existing or FakeProduct(pk=fake.next_pk(), slug=product_slug(listing), name=listing.title,
                                          external_reference=listing_reference(listing.pk))
        product.name = listing.title
        product.description = listing.description
        product.category_slug, product.category_name = group.current_code, group.name_vi
        product.product_type_slug = "san-pham-ocop" if group.ships else "dich-vu-du-lich-ocop"
        product.is_published = listing.status == Listing.Status.ACTIVE
        product.attributes = ocop_facts(listing)
        product.updated_at = timezone.now().isoformat()
        variants = []
        for variant in listing.variants.all():
            reference = variant_reference(variant.pk)
            fake_variant = next((v for v in fake.variants.values() if v.external_reference == reference), None)
            if fake_variant is None:
                fake_variant = FakeVariant(pk=fake.next_pk(), product_pk=product.pk, name=variant.name,
                                           sku=variant.sku, external_reference=reference,
                                           price=variant.price_vnd, quantity=variant.stock)
            # Saleor's quantity counts what is allocated to orders not yet shipped too.
            fake_variant.name, fake_variant.sku, fake_variant.price = variant.name, variant.sku, variant.price_vnd
            fake_variant.quantity = variant.stock + fake_variant.allocated
            fake_variant.weight_grams = variant.weight_grams
            fake_variant.limit_per_customer = variant.limit_per_customer
            variants.append(fake_variant)
        product.variant_pks = []  # a variant the vendor deleted leaves the product, as the sync does
        mirrored.append(fake.add_product(product, variants))
    return mirrored
