"""The demo without a Saleor: ``manage.py demo`` when SALEOR_API_URL is not set.

A new developer has PostgreSQL and Redis but no Saleor (the real stack is
docker-compose.yml). So the demo runs the web server in the demo command's own process,
with Celery tasks run in-process, against one FakeSaleor in memory:

- the App counts as installed in ``FAKE_API_URL`` (a name that never resolves);
- every listing the sync would publish is in the fake, as the sync leaves it in Saleor;
- the outbox consumer mirrors a changed listing into the fake instead of calling Saleor's
  product mutations, and an approved vendor gets no Saleor warehouse (the fake keeps stock
  on its variants): the fake implements neither; the sync and provisioning are proven
  against a real Saleor in tests/live/.

Everything lives in this process's memory and is gone when the demo stops; the pages say
"Saleor giả lập" nowhere because buyers never see Saleor, the startup banner does.
"""
from __future__ import annotations

from django.db import transaction

from .. import connection, sync, warehouses
from ..crypto import encrypt_text
from ..models import SaleorInstallation
from . import FakeSaleor
from .mirror import mirror_listings

FAKE_API_URL = "http://saleor.invalid/graphql/"


def install() -> FakeSaleor:
    """Make this process talk to a new FakeSaleor filled from our listings; returns it."""
    fake = FakeSaleor()
    with transaction.atomic():
        SaleorInstallation.objects.get_or_create(api_url=FAKE_API_URL,
                                                 defaults={"encrypted_token": encrypt_text("demo-app-token")})
    mirror_listings(fake)
    connection.transport_override = fake

    def mirror_sync(client, listing_id: int) -> sync.SyncResult:
        listing = sync.load_listing(listing_id)
        [product] = mirror_listings(fake, [listing])
        by_reference = {fake.variants[pk].external_reference: fake.variants[pk].id for pk in product.variant_pks}
        variant_ids = {str(v.pk): by_reference[sync.variant_reference(v.pk)] for v in listing.variants.all()}
        return sync.SyncResult(listing_id=listing_id, saleor_product_id=product.id,
                               saleor_variant_ids=variant_ids, on_sale=product.is_published,
                               operations=["FakeSaleor mirror"])

    sync.sync_listing = mirror_sync  # the demo's outbox consumer (see the module docstring)
    warehouses.vendor_warehouse_ensure = lambda *, vendor_id, client: None
    return fake
