"""Rebuild the storefront's catalogue read model from Saleor, now.

    python manage.py catalogue_rebuild

Reads every product Saleor publishes in the shop's channel, saves those whose listing is on
sale and drops every other row; the pages' caches are retired by the version bump.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand

from storefront_adapter.catalogue import catalogue_rebuild


class Command(BaseCommand):
    help = "Dựng lại danh mục sản phẩm trên sàn từ Saleor (Rebuild the catalogue read model from Saleor)."

    def handle(self, *args, **options):
        result = catalogue_rebuild()
        self.stdout.write(f"Đã lưu {len(result.saved)} sản phẩm, bỏ {result.removed}, "
                          f"không thuộc sàn {len(result.skipped)}.")
