"""python manage.py import_registry FILE [--dry-run]: import an official OCOP list."""
from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vendors.registry.services import registry_import_file


class ProgressBar:
    """A one-line progress bar on stderr (only redrawn when it changes)."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.last = None
        self.started = time.monotonic()

    def __call__(self, phase: str, done: int, total: int) -> None:
        filled = self.WIDTH * done // total if total else self.WIDTH
        state = (phase, filled, done == total)
        if state == self.last:
            return
        self.last = state
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        self.stream.write(f"\r{phase:<9} [{bar}] {done}/{total} dòng  {time.monotonic() - self.started:5.1f}s")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Nhập danh sách sản phẩm OCOP (.xlsx hoặc .csv). Tệp có dòng lỗi bị từ chối toàn bộ."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Đường dẫn tệp .xlsx hoặc .csv")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì.")
        parser.add_argument("--no-progress", action="store_true", help="Không vẽ thanh tiến trình.")

    def handle(self, *args, file, dry_run, no_progress, **options):
        progress = None if no_progress else ProgressBar(sys.stderr)
        report = registry_import_file(
            path=file, actor=None, source=f"Dòng lệnh: import_registry {file}", today=timezone.localdate(),
            dry_run=dry_run, progress=progress,
        )
        out = self.stdout
        if report.errors:
            out.write(self.style.ERROR(f"Tệp bị từ chối: {len(report.errors)} lỗi, không ghi dòng nào."))
            for problem in report.errors[:200]:
                where = f"Dòng {problem.row}" if problem.row else "Tệp"
                column = f", cột “{problem.column}”" if problem.column else ""
                out.write(f"  {where}{column}: {problem.message}")
            if len(report.errors) > 200:
                out.write(f"  … và {len(report.errors) - 200} lỗi khác.")
            raise CommandError("Nhập danh sách thất bại.", returncode=2)
        verb = "Sẽ" if dry_run else "Đã"
        out.write(self.style.SUCCESS(
            f"{verb} nhập {report.total_rows} dòng: {report.created} GCN mới, {report.renewed} công nhận lại, "
            f"{report.corrected} điều chỉnh, {report.unchanged} không đổi; {report.producers_created} chủ thể mới."
        ))
        for item in report.not_certifiable:
            out.write(f"  Dòng {item['row']}: “{item['product_name']}” đạt {item['star_level']} sao, "
                      "chưa đủ hạng để cấp giấy chứng nhận OCOP (không nhập).")
        if report.ignored_columns:
            out.write(f"  Bỏ qua các cột không dùng: {', '.join(report.ignored_columns)}")
        if dry_run:
            out.write("Chạy thử: chưa ghi gì vào sổ đăng ký.")
