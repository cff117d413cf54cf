"""Import a generated 20,000-row official list (.xlsx) and print rows/s and peak memory.

Target (issue 2): at least 2,000 rows/s and under 300 MB peak on the 2-core machine.
Usage: .venv/bin/python bench/import_registry.py [--rows 20000]
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import QueryCounter, django_for_bench, empty_registry  # noqa: E402

HEADERS = ["STT", "Số giấy chứng nhận", "Tên sản phẩm", "Chủ thể", "Mã số thuế", "Hạng sao", "Điểm",
           "Số quyết định", "Ngày quyết định", "Nhóm sản phẩm", "Xã", "Huyện", "Tỉnh", "Điện thoại"]
DAK_NONG = [
    ("Huyện Đắk R'Lấp", ["Thị trấn Kiến Đức", "Xã Kiến Thành", "Xã Nhân Cơ", "Xã Nhân Đạo", "Xã Đạo Nghĩa",
                         "Xã Nghĩa Thắng", "Xã Quảng Tín", "Xã Đắk Wer", "Xã Đắk Ru", "Xã Hưng Bình", "Xã Đắk Sin"]),
    ("Huyện Krông Nô", ["Xã Buôn Choáh", "Xã Nâm Nung", "Xã Đắk Mâm"]),
    ("Huyện Đắk Mil", ["Xã Đức Minh", "Xã Thuận An"]),
]
PRODUCTS = ["Cà phê rang xay", "Hạt điều rang muối", "Mật ong", "Tiêu đen", "Gạo", "Mắc ca sấy", "Trà túi lọc",
            "Nước mắm", "Bánh tráng", "Rượu cần", "Khăn thổ cẩm", "Sâm dây", "Lan rừng", "Nem chua", "Chè xanh"]
GROUPS = ["Thực phẩm", "Đồ uống", "Dược liệu và sản phẩm từ dược liệu", "Hàng thủ công mỹ nghệ", "Sinh vật cảnh"]
KINDS = ["HTX Nông nghiệp", "Công ty TNHH", "Hộ kinh doanh", "Tổ hợp tác"]


def make_places(rng: random.Random) -> list[tuple[str, str, str]]:
    from vendors.registry import places

    found = [("Tỉnh Đắk Nông", district, commune) for district, communes in DAK_NONG for commune in communes]
    for province in places.current_provinces():
        for commune in rng.sample(places.communes(province.code), 5):
            found.append((province.name, "", commune.name))
    return found


def write_list(path: Path, rows: int, rng: random.Random) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP (dữ liệu sinh cho benchmark)"])
    sheet.append([])
    sheet.append(HEADERS)
    all_places = make_places(rng)
    producers = rows // 3
    start = date(2019, 1, 1)
    span = (date(2026, 11, 1) - start).days
    for index in range(rows):
        producer = rng.randrange(producers)
        province, district, commune = all_places[producer % len(all_places)]
        score = rng.choice([55, 62, 68, 72, 78, 85, 91]) if index % 100 else 45  # 1% below 3 stars
        sheet.append([
            index + 1, f"BENCH-{index:06d}", f"{rng.choice(PRODUCTS)} số {index}",
            f"{KINDS[producer % 4]} Sản xuất {producer}", f"{6_400_000_000 + producer:010d}",
            None, score, f"{index % 900 + 1}/QĐ-UBND", start + timedelta(days=rng.randrange(span)),
            GROUPS[index % len(GROUPS)], commune, district, province, f"0905{producer % 1_000_000:06d}",
        ])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    django_for_bench()
    empty_registry()
    from django.db import connection
    from django.utils import timezone

    from vendors.registry.models import Certificate
    from vendors.registry.services import registry_import_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "danh-sach-ocop.xlsx"
        started = time.perf_counter()
        write_list(path, args.rows, random.Random(20241))
        print(f"generated {args.rows} rows ({path.stat().st_size / 1e6:.1f} MB .xlsx) in {time.perf_counter() - started:.1f}s")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            report = registry_import_file(path=path, today=timezone.localdate(), source="bench")
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        again = registry_import_file(path=path, today=timezone.localdate(), source="bench")
        reimport = time.perf_counter() - started
    if report.errors:
        print(f"REJECTED: {report.errors[:5]}")
        raise SystemExit(1)
    print(f"imported: {report.created} certificates, {report.producers_created} producers, "
          f"{len(report.not_certifiable)} rows below 3 stars reported")
    print(f"time: {elapsed:.2f}s  ->  {args.rows / elapsed:,.0f} rows/s  (target >= 2,000)")
    print(f"SQL statements: {counter.count}")
    print(f"peak memory (process max RSS): {peak:.0f} MB (before import {rss_before:.0f} MB; target < 300 MB)")
    print(f"certificates in bench database: {Certificate.objects.count()}")
    print(f"re-import of the same file: {again.unchanged} unchanged, {again.created} created, "
          f"{again.corrected} corrected in {reimport:.2f}s")


if __name__ == "__main__":
    main()
