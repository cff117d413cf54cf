"""Listings per second and Saleor calls per listing of the listing sync, against a real Saleor.

Makes one vendor with N listings (two variants each) in the bench database, provisions the
shop, syncs every listing (creates), syncs them all again (nothing to change), and deletes
the throwaway products unless --keep. Needs SALEOR_API_URL (and SALEOR_STAFF_EMAIL /
SALEOR_STAFF_PASSWORD, defaulting to the local dev admin); without it, says so and exits 0.
Usage: SALEOR_API_URL=http://127.0.0.1:8100/graphql/ .venv/bin/python bench/sync.py [-n 20] [--keep]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_for_bench, empty_registry  # noqa: E402


class CountingTransport:
    """requests.Session with a count of the POSTs (one per GraphQL operation sent)."""

    def __init__(self) -> None:
        import requests

        self._session = requests.Session()
        self.count = 0

    def post(self, url, **kwargs):
        self.count += 1
        return self._session.post(url, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", "--listings", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="leave the products in Saleor")
    args = parser.parse_args()
    api_url = os.environ.get("SALEOR_API_URL")
    if not api_url:
        print("bench/sync.py cần một Saleor thật: đặt SALEOR_API_URL (và SALEOR_STAFF_EMAIL/SALEOR_STAFF_PASSWORD).")
        return 0

    django_for_bench()
    from django.conf import settings

    from storefront_adapter.client import SaleorClient
    from storefront_adapter.errors import raise_for_mutation_errors
    from storefront_adapter.provisioning import provision
    from storefront_adapter.sync import listing_reference, sync_listing
    from vendor_portal import make_vendor_with_listings
    from vendors.listings.models import Listing
    from vendors.onboarding.models import Vendor

    token = raise_for_mutation_errors(SaleorClient(api_url, None).execute("TokenCreate", {
        "email": os.environ.get("SALEOR_STAFF_EMAIL", "admin@example.com"),
        "password": os.environ.get("SALEOR_STAFF_PASSWORD", "admin-saleor-local"),
    }), "tokenCreate")["token"]
    transport = CountingTransport()
    client = SaleorClient(api_url, token, transport=transport)

    tag = uuid.uuid4().hex[:6].upper()
    settings.SALEOR_REFERENCE_PREFIX = f"bench-{tag.lower()}-"  # never meets another database's listing-1
    empty_registry()
    make_vendor_with_listings(args.listings, f"SYNC{tag}")
    listing_ids = list(Listing.objects.order_by("id").values_list("id", flat=True))
    provision(client, vendors=Vendor.objects.all())

    try:
        for label in ("first sync (create)", "second sync (no change)"):
            transport.count = 0
            started = time.perf_counter()
            for listing_id in listing_ids:
                sync_listing(client, listing_id)
            elapsed = time.perf_counter() - started
            print(f"{label:<24} {len(listing_ids)} listings in {elapsed:6.2f} s: "
                  f"{len(listing_ids) / elapsed:6.2f} listings/s, {transport.count / len(listing_ids):.1f} Saleor calls/listing")
    finally:
        if not args.keep:
            for listing_id in listing_ids:
                client.execute("ProductDelete", {"externalReference": listing_reference(listing_id)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
