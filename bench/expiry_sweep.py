"""Sweep 100,000 certificates for expiry and print the time and the number of SQL queries.

The queries are bounded per batch (5,000 certificates), never per certificate.
Usage: .venv/bin/python bench/expiry_sweep.py [--certificates 100000]
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import QueryCounter, django_for_bench, empty_registry  # noqa: E402


def populate(total: int, producers: int) -> dict[str, int]:
    """Certificates spread over expiry dates: a third past their last day (still marked
    valid, as if the sweep had not run), some in each warning window, the rest later."""
    from django.utils import timezone

    from vendors.registry.models import Certificate, Producer
    from vendors.registry.services.bulk import copy_instances, ids_by

    today = timezone.localdate()
    copy_instances(Producer, (
        {"kind": "htx", "name": f"HTX số {i}", "name_folded": f"htx so {i}", "tax_number": f"{6_500_000_000 + i}",
         "email": f"htx{i}@example.vn" if i % 2 else ""}
        for i in range(producers)
    ))
    producer_ids = list(ids_by(Producer, "tax_number", [f"{6_500_000_000 + i}" for i in range(producers)]).values())
    expected = {"expired": 0, "warned": 0}

    def certificate(i: int) -> dict:
        days_left = (i % 1200) - 400  # from 400 days ago to 800 days ahead
        if days_left < 0:
            expected["expired"] += 1
        elif days_left <= 90:
            expected["warned"] += 1
        expires_on = today + timedelta(days=days_left)
        return {
            "number": f"SWEEP-{i:06d}", "product_name": f"Sản phẩm {i}", "product_name_folded": f"san pham {i}",
            "producer_id": producer_ids[i % producers], "product_group": "food", "current_product_group": "food",
            "star_level": 3 + i % 3, "decision_number": f"{i}/QĐ", "decision_date": expires_on - timedelta(days=1096),
            "issuing_level": "province", "expires_on": expires_on, "status": "valid", "province_code": "68",
        }

    copy_instances(Certificate, (certificate(i) for i in range(total)))
    return expected


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=100_000)
    args = parser.parse_args()
    django_for_bench()
    empty_registry()
    from django.core import mail
    from django.db import connection, transaction
    from django.utils import timezone

    from vendors.registry.services import expiry_sweep

    with transaction.atomic():
        expected = populate(args.certificates, producers=args.certificates // 4)
    print(f"{args.certificates} certificates: {expected['expired']} past their last day, "
          f"{expected['warned']} within 90 days")
    for attempt in ("first sweep", "second sweep (same day)"):
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            result = expiry_sweep(today=timezone.localdate())
        elapsed = time.perf_counter() - started
        print(f"{attempt}: {elapsed:.2f}s, {counter.count} SQL queries -> {result} "
              f"(emails in outbox: {len(getattr(mail, 'outbox', []))})")


if __name__ == "__main__":
    main()
