"""Load the shop's catalogue page (24 products) and a product page with many concurrent
clients; print requests/s, p50/p95 latency warm and cold, Saleor calls and SQL per page.

The Django app is served in this process by a multi-threaded WSGI server with a FakeSaleor
as Saleor's transport (so every Saleor call is counted); the clients run in a separate
process, so they do not share the server's interpreter lock. "Cold" is the first view of
each page after the catalogue version was bumped (every client asks a different page, so
none is served from another's cache); "warm" is the same pages again.

Target on the project's machine: p95 under 150 ms for a warm catalogue page at 50 clients.
Usage: .venv/bin/python bench/storefront.py [--clients 50] [--requests 20] [--products 200]
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import secrets
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

# A production-like Django (no DEBUG query log), its own database and cache namespace.
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop_bench_storefront")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("CACHE_KEY_PREFIX", "bench-storefront")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import QueryCounter, django_for_bench, empty_registry  # noqa: E402

DISTRICTS = [("Huyện Đắk R'Lấp", "Tỉnh Đắk Nông"), ("Huyện Bù Đăng", "Tỉnh Bình Phước"),
             ("Huyện Krông Năng", "Tỉnh Đắk Lắk"), ("Huyện Đạ Huoai", "Tỉnh Lâm Đồng")]
PRODUCTS = ["Cà phê rang xay", "Hạt điều rang muối", "Mật ong hoa cà phê", "Hạt tiêu đen", "Trà atiso",
            "Sầu riêng sấy", "Bơ sáp", "Mắc ca", "Rượu cần", "Thổ cẩm"]


class PooledServer(WSGIServer):
    """A WSGI server answering from a fixed pool of threads (as gunicorn's gthread worker
    does), so PostgreSQL sees at most that many connections, each kept between requests."""

    request_queue_size = 256
    threads = 16

    def server_activate(self) -> None:
        super().server_activate()
        self.pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="wsgi")

    def process_request(self, request, client_address) -> None:
        self.pool.submit(self._handle, request, client_address)

    def _handle(self, request, client_address) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001  (as socketserver does: report, keep serving)
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def seed(count: int) -> None:
    """`count` listings of 20 producers in four former districts, two sizes each."""
    from decimal import Decimal

    from django.db import connection
    from django.db.models.signals import post_save
    from django.utils import timezone

    import ocop_rules
    from ocop_rules import IssuingLevel
    from storefront_adapter.models import CatalogueProduct
    from vendors.listings.models import OutboxEvent
    from vendors.listings.services import VariantInput, listing_create
    from vendors.onboarding.models import Vendor
    from vendors.registry.services import Decision, certificate_record_decision, producer_get_or_create

    empty_registry()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE listings_outboxevent, listings_photo, listings_variant, listings_listing, "
                       "onboarding_decision, onboarding_document, onboarding_invitation, onboarding_membership, "
                       "onboarding_vendor, storefront_catalogueproduct CASCADE")
    # The sync would push each listing to a real Saleor; here the FakeSaleor is filled by mirroring.
    post_save.disconnect(sender=OutboxEvent, dispatch_uid="storefront_sync_outbox_event")
    today = timezone.localdate()
    vendors = []
    for index in range(20):
        district, province = DISTRICTS[index % len(DISTRICTS)]
        producer, _ = producer_get_or_create(tax_number=f"63{index:08d}", name=f"HTX Nông sản số {index}",
                                             province=province, district=district)
        vendors.append(Vendor.objects.create(
            state="approved", producer=producer, kind="htx", name=producer.name, tax_number=producer.tax_number,
            province_code="68", commune_code="24733", street_address="Thôn 1", representative_name="Nguyễn Văn A",
            phone="0905111222", identity_number="012345678901", bank_name="Agribank",
            bank_account_number="0123456789", bank_account_holder="HTX"))
    for index in range(count):
        vendor = vendors[index % len(vendors)]
        district, province = DISTRICTS[(index % len(vendors)) % len(DISTRICTS)]
        stars = 3 + index % 3
        decision_date = today.replace(year=today.year - 1) - timezone.timedelta(days=index)
        level = sorted(ocop_rules.expected_issuing_levels(stars, decision_date))[0]
        certificate = certificate_record_decision(
            decision=Decision(
                number=f"BENCH-SF-{index:04d}", product_name=f"{PRODUCTS[index % len(PRODUCTS)]} số {index}",
                product_group=["food", "beverages", "herbal", "handicrafts"][index % 4], star_level=stars,
                score=Decimal({3: 60, 4: 75, 5: 92}[stars]), decision_number=f"{index}/QĐ-UBND",
                decision_date=decision_date, issuing_level=IssuingLevel(level), issued_province=province,
                issued_district=district, issued_commune="Xã Nhân Đạo"),
            producer=vendor.producer, actor=None, source="bench", today=today)
        listing_create(vendor=vendor, certificate=certificate, today=today, variants=[
            VariantInput(name="Hộp 250 g", sku=f"SF-{index}-250", price_vnd=100_000 + 1000 * index, stock=index % 7,
                         weight_grams=250),
            VariantInput(name="Hộp 500 g", sku=f"SF-{index}-500", price_vnd=180_000 + 1000 * index, stock=20,
                         weight_grams=500)])
    del CatalogueProduct


class ColdSwitch:
    """Wraps the WSGI app: while `cold` is set, every request first bumps the catalogue
    version, so it finds nothing cached (as the first view after a change)."""

    def __init__(self, app) -> None:
        self.app, self.cold = app, False

    def __call__(self, environ, start_response):
        if self.cold:
            from storefront_adapter.catalogue import catalogue_version_bump

            catalogue_version_bump()
        return self.app(environ, start_response)


def install_fake_saleor():
    from storefront_adapter import connection
    from storefront_adapter.crypto import encrypt_text
    from storefront_adapter.fake_saleor import FakeSaleor
    from storefront_adapter.models import SaleorInstallation

    SaleorInstallation.objects.all().delete()
    SaleorInstallation.objects.create(api_url="https://saleor.bench/graphql/", encrypted_token=encrypt_text("t"))
    fake = FakeSaleor()
    connection.transport_override = fake
    return fake


def client_process(port: int, paths: list[str], clients: int, requests: int, results) -> None:
    """`clients` threads, each asking its paths in turn `requests` times over keep-less HTTP/1.0."""
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def run(offset: int) -> None:
        barrier.wait()
        mine = []
        for n in range(requests):
            path = paths[(offset + n * clients) % len(paths)]
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{path}: {response.status}")
            finally:
                conn.close()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((timings, time.perf_counter() - started, errors[:5]))


def load(port: int, paths: list[str], clients: int, requests: int) -> dict[str, float]:
    results = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(
        target=client_process, args=(port, paths, clients, requests, results))
    process.start()
    timings, elapsed, errors = results.get()
    process.join()
    assert not errors, errors
    timings.sort()
    return {"rps": len(timings) / elapsed, "p50": statistics.median(timings),
            "p95": timings[int(len(timings) * 0.95) - 1], "n": len(timings)}


def per_page_cost(path: str, fake) -> tuple[int, int, int, int]:
    """(SQL, Saleor calls) of one cold view, then of one warm view of `path`."""
    from django.db import connection
    from django.test import Client

    from storefront_adapter.catalogue import catalogue_version_bump

    client = Client()
    out = []
    catalogue_version_bump()
    for _ in range(2):
        counter, calls = QueryCounter(), len(fake.requests)
        with connection.execute_wrapper(counter):
            assert client.get(path).status_code == 200, path
        out += [counter.count, len(fake.requests) - calls]
    return tuple(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="per client, per measurement")
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--threads", type=int, default=16, help="server threads (database connections)")
    args = parser.parse_args()
    django_for_bench()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    # No collectstatic here: the stylesheet's URL without the manifest's hash.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

    from storefront_adapter.catalogue import catalogue_rebuild, catalogue_version_bump
    from storefront_adapter.fake_saleor.mirror import mirror_listings
    from storefront_adapter.models import CatalogueProduct

    print(f"Seeding {args.products} products…", flush=True)
    seed(args.products)
    fake = install_fake_saleor()
    mirror_listings(fake)
    catalogue_rebuild()
    products = list(CatalogueProduct.objects.order_by("id").values_list("slug", flat=True))
    print(f"{len(products)} products in the catalogue; {len(fake.requests)} Saleor calls to build it")

    PooledServer.threads = args.threads
    app = ColdSwitch(WSGIHandler())
    server = make_server("127.0.0.1", 0, app, server_class=PooledServer, handler_class=QuietHandler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    # Catalogue pages of 24 (the pages of the whole catalogue, and a search), and product pages.
    pages = {
        "catalogue": [f"/search?sort=stars&page={n}" for n in range(1, len(products) // 24 + 1)]
        + ["/search?q=ca+phe", "/search?q=hat+dieu&sort=price_asc"],
        "product": [f"/san-pham/{slug}/" for slug in products],
    }
    print(f"\n{'page':<10} {'state':<5} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}   "
          "SQL/page  Saleor/page")
    verdicts = []
    for name, paths in pages.items():
        sql_cold, saleor_cold, sql_warm, saleor_warm = per_page_cost(paths[0], fake)
        app.cold = True
        cold = load(port, paths, args.clients, max(2, args.requests // 4))
        app.cold = False
        catalogue_version_bump()
        load(port, paths, args.clients, -(-len(paths) // args.clients))  # every page seen once
        warm = load(port, paths, args.clients, args.requests)
        for state, figures, sql, saleor in (("cold", cold, sql_cold, saleor_cold),
                                            ("warm", warm, sql_warm, saleor_warm)):
            print(f"{name:<10} {state:<5} {args.clients:>7} {figures['rps']:>8.0f} {figures['p50']:>8.1f} "
                  f"{figures['p95']:>8.1f}   {sql:>8}  {saleor:>11}")
        if name == "catalogue":
            verdicts.append(f"warm catalogue p95 {warm['p95']:.0f} ms at {args.clients} clients: "
                            + ("under the 150 ms target" if warm["p95"] < 150 else "OVER the 150 ms target"))
    server.shutdown()
    print("\n" + "\n".join(verdicts))


if __name__ == "__main__":
    main()
