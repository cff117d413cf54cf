"""Listings as vendors submitted them, and the outbox that carries them to Saleor.

A listing is on sale (ACTIVE) only while ocop_rules.listing_decision allows it; the
system hides it with the reason otherwise (hidden_by=SYSTEM) and shows it again when
the reason is gone. A listing the vendor hid stays hidden until the vendor shows it.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from vendors.onboarding.models import Vendor
from vendors.registry.models import Certificate


class Listing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        ACTIVE = "active", "Đang bán"
        HIDDEN = "hidden", "Đang ẩn"

    class HiddenBy(models.TextChoices):
        VENDOR = "vendor", "Gian hàng ẩn"
        SYSTEM = "system", "Hệ thống ẩn (không đủ điều kiện)"

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="listings", verbose_name="gian hàng")
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="listings", verbose_name="giấy chứng nhận OCOP"
    )
    title = models.CharField("tên sản phẩm", max_length=255)
    description = models.TextField("mô tả", blank=True)
    status = models.CharField("trạng thái", max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True)
    hidden_by = models.CharField(max_length=8, choices=HiddenBy.choices, blank=True)
    hidden_reason = models.CharField("lý do ẩn", max_length=255, blank=True)
    hidden_reason_en = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sản phẩm đăng bán"
        verbose_name_plural = "sản phẩm đăng bán"
        ordering = ["-updated_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="hidden") | ~Q(hidden_by=""), name="hidden_listing_says_by_whom"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Variant(models.Model):
    """A sellable form of a listing (250 g, 500 g…): price in whole đồng, stock, weight."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField("tên phân loại", max_length=64)
    # Saleor's SKUs are unique across the shop, so ours are too.
    sku = models.CharField("mã SKU", max_length=64, unique=True)
    price_vnd = models.PositiveBigIntegerField("giá (đồng)")
    stock = models.PositiveIntegerField("tồn kho")
    weight_grams = models.PositiveIntegerField("khối lượng (gam)", null=True, blank=True)
    # At most this many per buyer (Saleor's quantityLimitPerCustomer); empty: no limit.
    limit_per_customer = models.PositiveIntegerField("giới hạn mỗi khách", null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "phân loại"
        verbose_name_plural = "phân loại"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price_vnd__gt=0), name="variant_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class Photo(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="listings/%Y/%m/")
    thumbnail = models.ImageField(upload_to="listings/thumbs/%Y/%m/")
    alt = models.CharField(max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class OutboxEvent(models.Model):
    """A change buyers could see, written in the same transaction as the change and
    consumed by the Saleor sync (next issue). Nothing is lost if the process dies."""

    class Kind(models.TextChoices):
        UPSERT = "listing.upsert", "Cập nhật sản phẩm"
        UNPUBLISH = "listing.unpublish", "Ngừng bán"

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="outbox_events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]
