"""python manage.py demo: create the database, migrate, load the demo data, run web and worker.

The one command a new developer runs to see the app in a browser
(http://127.0.0.1:8000). Ctrl+C stops the web server and the worker together.

Without SALEOR_API_URL (a new machine has no Saleor; the real stack is docker-compose.yml)
the shop runs against an in-memory FakeSaleor filled from the demo listings
(storefront_adapter.fake_saleor.demo): the web server runs in this process and Celery tasks
run in it too (no separate worker, no beat), because the fake lives in this process's memory.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from psycopg import sql


def ensure_database() -> bool:
    """Create the configured PostgreSQL database if it does not exist; True when created."""
    db = settings.DATABASES["default"]
    params = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None,
              "password": db.get("PASSWORD") or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        return True


class Command(BaseCommand):
    help = "Chạy ứng dụng với dữ liệu mẫu: tạo CSDL, migrate, seed_demo, web + worker."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Chuẩn bị dữ liệu rồi thoát.")

    def handle(self, *args, addrport, no_serve, **options):
        if ensure_database():
            self.stdout.write(f"Đã tạo cơ sở dữ liệu {settings.DATABASES['default']['NAME']}.")
        call_command("migrate", interactive=False, verbosity=0)
        fake = None if settings.SALEOR_API_URL else self._fake_saleor()
        call_command("seed_demo", stdout=self.stdout)
        call_command("seed_demo_vendors", stdout=self.stdout)
        if fake is not None:
            return self._serve_with_fake_saleor(addrport, no_serve)
        if no_serve:
            return
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "--beat", "--loglevel=info",
             "--concurrency=2", "--schedule", os.path.join(settings.BASE_DIR, ".celerybeat-schedule")],
        )
        self.stdout.write(self.style.SUCCESS(
            f"Mở http://{addrport}/ (tra cứu: /registry/, quản trị: /admin/). Ctrl+C để dừng."
        ))
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=20)

    def _fake_saleor(self):
        """Before seeding, so the listings it makes reach the fake through the outbox as
        they would reach Saleor (tasks run in this process)."""
        from marketplace.celery import app
        from storefront_adapter.fake_saleor import demo

        app.conf.task_always_eager = True
        return demo.install()

    def _serve_with_fake_saleor(self, addrport: str, no_serve: bool) -> None:
        from storefront_adapter.catalogue import catalogue_rebuild

        result = catalogue_rebuild()
        self.stdout.write(
            f"Chưa đặt SALEOR_API_URL: cửa hàng chạy với Saleor giả lập trong bộ nhớ "
            f"({len(result.saved)} sản phẩm đang bán; dữ liệu Saleor mất khi dừng). "
            "Saleor thật: docker-compose.yml hoặc SALEOR_API_URL."
        )
        if no_serve:
            return
        self.stdout.write(self.style.SUCCESS(
            f"Mở http://{addrport}/ (cửa hàng), /portal/ (nhà bán), /registry/ (tra cứu), /admin/. Ctrl+C để dừng."
        ))
        call_command("runserver", addrport, use_reloader=False)
