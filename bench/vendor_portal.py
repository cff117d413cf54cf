"""Queries and median time of the vendor dashboard and the listings page, with 1 and 200 listings.

The number of queries must be the same for 1 and 200 listings (no query per row).
Usage: .venv/bin/python bench/vendor_portal.py [--requests 30]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import QueryCounter, django_for_bench, empty_registry  # noqa: E402

PAGES = {"dashboard": "/portal/", "listings": "/portal/listings/"}


def make_vendor_with_listings(count: int, label: str):
    """An approved vendor whose producer holds `count` valid certificates, one listing each."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from ocop_rules import IssuingLevel
    from vendors.listings.services import VariantInput, listing_create
    from vendors.onboarding.models import Membership, Vendor
    from vendors.registry.services import Decision, certificate_record_decision, producer_get_or_create

    today = timezone.localdate()
    tax = f"64{count:03d}{len(label):05d}"
    producer, _ = producer_get_or_create(tax_number=tax, name=f"HTX {label}", province="Lâm Đồng")
    vendor = Vendor.objects.create(
        state="approved", producer=producer, kind="htx", name=producer.name, tax_number=tax, province_code="68",
        commune_code="24733", street_address="Thôn 1", representative_name="Nguyễn Văn A", phone="0905111222",
        identity_number="012345678901", bank_name="Agribank", bank_account_number="0123456789",
        bank_account_holder="HTX",
    )
    user = get_user_model().objects.create_user(email=f"{label}@example.vn", password="bench-password-1",
                                                email_confirmed_at=timezone.now())
    Membership.objects.create(vendor=vendor, user=user, role="owner")
    for index in range(count):
        certificate = certificate_record_decision(
            decision=Decision(
                number=f"BENCH-{label}-{index:04d}", product_name=f"Cà phê số {index}", product_group="food",
                star_level=4, score=Decimal(75), decision_number=f"{index}/QĐ", issuing_level=IssuingLevel.PROVINCE,
                decision_date=today - timedelta(days=100 + index % 300), issued_province="Lâm Đồng",
            ),
            producer=producer, actor=None, source="bench", today=today,
        )
        listing_create(
            vendor=vendor, certificate=certificate, today=today,
            variants=[VariantInput(name="Hộp 250 g", sku=f"{label}-{index}-250", price_vnd=120_000, stock=index % 9,
                                   weight_grams=250),
                      VariantInput(name="Hộp 500 g", sku=f"{label}-{index}-500", price_vnd=200_000, stock=20,
                                   weight_grams=500)],
        )
    del date
    return user


def measure(client, path: str, requests: int) -> tuple[int, float]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return counter.count, statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    django_for_bench()
    from django.db import connection
    from django.test import Client

    empty_registry()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE listings_outboxevent, listings_photo, listings_variant, listings_listing, "
                       "onboarding_decision, onboarding_document, onboarding_invitation, onboarding_membership, "
                       "onboarding_vendor, accounts_user CASCADE")
    results = {}
    for count in (1, 200):
        user = make_vendor_with_listings(count, f"v{count}")
        client = Client()
        client.force_login(user)
        for name, path in PAGES.items():
            results[(name, count)] = measure(client, path, args.requests)
    for name in PAGES:
        (q1, t1), (q200, t200) = results[(name, 1)], results[(name, 200)]
        verdict = "same" if q1 == q200 else "DIFFERENT"
        print(f"{name:<10} 1 listing: {q1} queries, median {t1:.1f} ms | 200 listings: {q200} queries, "
              f"median {t200:.1f} ms | queries {verdict}")


if __name__ == "__main__":
    main()
