"""Shared set-up for the benchmarks: a separate PostgreSQL database, migrated and emptied."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop_bench")


def django_for_bench() -> None:
    """Point Django at the bench database (never the demo one), create and migrate it."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")  # the in-process test client
    import django

    django.setup()
    from django.core.management import call_command

    from marketplace.management.commands.demo import ensure_database

    ensure_database()
    call_command("migrate", interactive=False, verbosity=0)


def empty_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE registry_expirywarning, registry_certificateevent, registry_certificate, "
            "registry_producer, registry_registryimport RESTART IDENTITY CASCADE"
        )


class QueryCounter:
    """Counts the SQL statements Django sends, without DEBUG's memory cost."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
