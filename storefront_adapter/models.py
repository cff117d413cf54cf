"""The Saleor side of the App: where it is installed, and the webhooks Saleor sent it.

The app token is a bearer secret with the App's permissions on the whole shop, so it is
kept only encrypted (storefront_adapter.crypto); nothing here ever shows it.
"""
from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SaleorInstallation(models.Model):
    """One Saleor the App is installed in, keyed by its GraphQL URL (normalised to end in
    one "/", as Saleor sends it in Saleor-Api-Url). Installing again replaces the token."""

    api_url = models.URLField("địa chỉ API Saleor", max_length=500, unique=True)
    encrypted_token = models.TextField(editable=False)
    # Saleor's global id of the App (from asking Saleor with the token at install time).
    app_id = models.CharField("mã ứng dụng trong Saleor", max_length=100, blank=True)
    # When Saleor gave the current token (the latest install).
    installed_at = models.DateTimeField("cài đặt lúc", default=timezone.now)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "kết nối Saleor"
        verbose_name_plural = "kết nối Saleor"

    def __str__(self) -> str:
        return self.api_url


class WebhookDelivery(models.Model):
    """A webhook Saleor sent and we verified, recorded once (key) and then processed by a
    Celery task; processed_at stays empty until its handler has run."""

    installation = models.ForeignKey(
        SaleorInstallation, on_delete=models.PROTECT, related_name="deliveries", verbose_name="kết nối Saleor"
    )
    # Saleor's asynchronous event type, e.g. PRODUCT_UPDATED.
    event = models.CharField("sự kiện", max_length=64)
    payload = models.JSONField("nội dung")
    # sha256 of (Saleor, event, exact body): Saleor sends no delivery id, but its retries
    # resend the stored payload byte for byte (see storefront_adapter.services).
    key = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField("nhận lúc", default=timezone.now)
    processed_at = models.DateTimeField("xử lý lúc", null=True, blank=True)

    class Meta:
        verbose_name = "webhook từ Saleor"
        verbose_name_plural = "webhook từ Saleor"
        ordering = ["-received_at", "-id"]
        indexes = [
            # A sweep re-enqueues deliveries whose task was lost; it reads only these.
            models.Index(fields=["received_at"], condition=Q(processed_at__isnull=True),
                         name="storefront_delivery_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"


class SaleorObject(models.Model):
    """What provisioning made in Saleor (channel, product types, attributes, categories,
    shipping zone, warehouses), by our stable key, so the sync never looks them up twice."""

    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=128, help_text="Our key: a slug, or vendor:<id> for warehouses.")
    saleor_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "đối tượng trong Saleor"
        verbose_name_plural = "đối tượng trong Saleor"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="saleor_object_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} → {self.saleor_id}"


class ListingSync(models.Model):
    """A listing's state in Saleor: its product and variants, and the last outbox event applied."""

    listing = models.OneToOneField("listings.Listing", on_delete=models.CASCADE, related_name="saleor_sync")
    saleor_product_id = models.CharField(max_length=100, blank=True)
    # {our variant id: Saleor variant id}
    saleor_variant_ids = models.JSONField(default=dict, blank=True)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "đồng bộ sản phẩm"
        verbose_name_plural = "đồng bộ sản phẩm"


class GateAuditEntry(models.Model):
    """Something the certification gate undid or noticed in Saleor, for officers to read."""

    class Action(models.TextChoices):
        UNPUBLISHED = "unpublished", "Đã gỡ sản phẩm đăng bán trái quy định"
        FOREIGN_PRODUCT = "foreign_product", "Sản phẩm không thuộc sàn OCOP"
        OVERSOLD = "oversold", "Bán vượt tồn kho"
        PAID_NOT_PLACED = "paid_not_placed", "Đã thu tiền thẻ nhưng chưa tạo được đơn (cần hoàn tiền)"

    action = models.CharField("hành động", max_length=32, choices=Action.choices)
    saleor_product_id = models.CharField(max_length=100, blank=True)
    listing = models.ForeignKey("listings.Listing", on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField("lý do")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "nhật ký kiểm soát Saleor"
        verbose_name_plural = "nhật ký kiểm soát Saleor"
        ordering = ["-created_at"]


class CatalogueProduct(models.Model):
    """One product Saleor publishes in the shop's channel, as the storefront lists it: what
    Saleor says (id, slug, name, thumbnail, prices, stock) joined with our registry facts
    (stars, validity, producer, place). The storefront's search index, fed from Saleor by
    storefront_adapter.catalogue; pages query it, never Saleor, for lists."""

    saleor_product_id = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    thumbnail_url = models.URLField(max_length=1024, blank=True)
    thumbnail_alt = models.CharField(max_length=255, blank=True)
    # Whole đồng: the channel's price range after discounts, and before.
    price_min = models.PositiveBigIntegerField(null=True)
    price_max = models.PositiveBigIntegerField(null=True)
    undiscounted_min = models.PositiveBigIntegerField(null=True)
    undiscounted_max = models.PositiveBigIntegerField(null=True)
    on_sale = models.BooleanField(default=False)
    quantity_available = models.PositiveIntegerField(default=0)
    in_stock = models.BooleanField(default=False, db_index=True)
    saleor_updated_at = models.DateTimeField(null=True)
    # Our registry's facts, joined through the product's externalReference listing-<id>.
    listing = models.OneToOneField("listings.Listing", on_delete=models.CASCADE, related_name="catalogue_entry")
    vendor = models.ForeignKey("onboarding.Vendor", on_delete=models.CASCADE, related_name="+")
    producer = models.ForeignKey("registry.Producer", on_delete=models.CASCADE, related_name="+")
    certificate_number = models.CharField(max_length=64)
    star_level = models.PositiveSmallIntegerField(db_index=True)
    valid_until = models.DateField(db_index=True)
    certified_on = models.DateField()  # the decision date: "newest certified"
    product_group = models.CharField(max_length=32, db_index=True)  # today's group code
    producer_name = models.CharField(max_length=255)
    province_code = models.CharField(max_length=8, blank=True, db_index=True)
    commune_code = models.CharField(max_length=8, blank=True, db_index=True)
    commune_name = models.CharField(max_length=128, blank=True)
    former_district = models.CharField(max_length=128, blank=True)
    former_district_folded = models.CharField(max_length=128, blank=True, db_index=True)
    search_folded = models.TextField(blank=True)  # name, producer, places, without diacritics
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "sản phẩm trên sàn"
        verbose_name_plural = "sản phẩm trên sàn"
        ordering = ["-star_level", "name", "id"]
        indexes = [
            models.Index(fields=["-certified_on", "id"], name="catalogue_newest"),
            models.Index(fields=["price_min", "id"], name="catalogue_price"),
            GinIndex(name="catalogue_search_trgm", fields=["search_folded"], opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.name


class CheckoutHold(models.Model):
    """What the admission count took off our stock for one Saleor checkout (the contract's
    "Admission counter"): the lines' quantities, taken before Saleor completes the order,
    given back if it does not. ORDER_CREATED for the checkout's order reads it and does not
    take the stock again; ORDER_CANCELLED gives the order's stock back, once (CANCELLED)."""

    class State(models.TextChoices):
        HELD = "held", "Đang giữ hàng"
        COMPLETED = "completed", "Đã thành đơn"
        RELEASED = "released", "Đã trả lại kho"
        CANCELLED = "cancelled", "Đơn đã huỷ, đã trả lại kho"

    checkout_id = models.CharField("mã giỏ hàng Saleor", max_length=100, unique=True)
    state = models.CharField("trạng thái", max_length=16, choices=State.choices, default=State.HELD)
    # [[our variant id, quantity], ...] in variant-id order, as taken.
    lines = models.JSONField(default=list)
    # A hold not completed by then is given back by the beat task (release_expired_holds).
    expires_at = models.DateTimeField("hết hạn giữ lúc")
    order_id = models.CharField("mã đơn Saleor", max_length=100, blank=True)
    # The buyer's email (lower case), for per-customer limits across a guest's orders.
    buyer_email = models.CharField("email người mua", max_length=254, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "giữ hàng khi đặt"
        verbose_name_plural = "giữ hàng khi đặt"
        indexes = [models.Index(fields=["expires_at"], condition=Q(state="held"), name="checkout_hold_expiring")]

    def __str__(self) -> str:
        return f"{self.checkout_id} ({self.state})"
