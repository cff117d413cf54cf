"""The registry's tables: producers, certificates, their history, warnings and imports.

Models hold data and database constraints only; every write goes through
`services.py` so that history is kept and the OCOP rules are applied.
"""
from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

import ocop_rules
from ocop_rules import (
    LEGACY_PRODUCT_GROUPS,
    PRODUCT_GROUPS,
    CertificateStatus,
    IssuingLevel,
    ProducerKind,
)
from vendors.storage import private_storage

PRODUCER_KIND_CHOICES = [(kind.value, kind.label_vi) for kind in ProducerKind]
PRODUCT_GROUP_CHOICES = [(group.code, group.name_vi) for group in PRODUCT_GROUPS] + [
    (group.code, f"{group.name_vi} (phân nhóm cũ, QĐ 1048)") for group in LEGACY_PRODUCT_GROUPS
]
CURRENT_GROUP_CHOICES = [(group.code, group.name_vi) for group in PRODUCT_GROUPS]
ISSUING_LEVEL_CHOICES = [(level.value, level.label_vi) for level in IssuingLevel]


class Producer(models.Model):
    """A producer (chủ thể OCOP), identified by its tax or business registration number."""

    kind = models.CharField("loại hình", max_length=8, choices=PRODUCER_KIND_CHOICES)
    name = models.CharField("tên chủ thể", max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    tax_number = models.CharField(
        "mã số thuế / số ĐKKD",
        max_length=20,
        unique=True,
        help_text="Đã chuẩn hoá: 10 chữ số, 10 chữ số kèm mã chi nhánh, hoặc số ĐKKD hộ kinh doanh.",
    )
    representative = models.CharField("người đại diện", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("email", blank=True)
    street_address = models.CharField("địa chỉ (số nhà, thôn, ấp)", max_length=255, blank=True)
    # Today's two levels (after 1 July 2025): province and commune/ward.
    province_code = models.CharField("tỉnh/thành phố (hiện nay)", max_length=8, blank=True)
    commune_code = models.CharField("xã/phường (hiện nay)", max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "chủ thể OCOP"
        verbose_name_plural = "chủ thể OCOP"
        ordering = ["name"]
        indexes = [
            GinIndex(name="producer_name_trgm", fields=["name_folded"], opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = ocop_rules.fold(self.name)
        super().save(*args, **kwargs)


class Certificate(models.Model):
    """An OCOP certificate: one recognition decision for one product of one producer."""

    class Status(models.TextChoices):
        # Stored states. "Expiring soon" is derived from expires_on (ocop_rules).
        VALID = CertificateStatus.VALID.value, CertificateStatus.VALID.label_vi
        EXPIRED = CertificateStatus.EXPIRED.value, CertificateStatus.EXPIRED.label_vi
        REVOKED = CertificateStatus.REVOKED.value, CertificateStatus.REVOKED.label_vi
        SUPERSEDED = CertificateStatus.SUPERSEDED.value, CertificateStatus.SUPERSEDED.label_vi

    number = models.CharField("số giấy chứng nhận", max_length=64, unique=True)
    product_name = models.CharField("tên sản phẩm", max_length=255)
    product_name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    producer = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="certificates", verbose_name="chủ thể"
    )
    product_group = models.CharField(
        "nhóm sản phẩm (theo quyết định)", max_length=32, choices=PRODUCT_GROUP_CHOICES
    )
    current_product_group = models.CharField(
        "nhóm sản phẩm (hiện hành)", max_length=32, choices=CURRENT_GROUP_CHOICES, db_index=True
    )
    product_subgroup = models.CharField("bộ sản phẩm", max_length=128, blank=True)
    score = models.DecimalField("điểm", max_digits=5, decimal_places=2, null=True, blank=True)
    star_level = models.PositiveSmallIntegerField("hạng sao", db_index=True)
    decision_number = models.CharField("số quyết định", max_length=64)
    decision_date = models.DateField("ngày quyết định")
    issuing_level = models.CharField("cấp công nhận", max_length=16, choices=ISSUING_LEVEL_CHOICES)
    issuing_authority = models.CharField("cơ quan công nhận", max_length=255, blank=True)
    expires_on = models.DateField("hiệu lực đến", db_index=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=Status.choices, default=Status.VALID, db_index=True
    )
    revoked_on = models.DateField("ngày thu hồi", null=True, blank=True)
    revocation_reason = models.TextField("lý do thu hồi", blank=True)
    renews = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name="công nhận lại giấy chứng nhận",
    )
    # The units the decision named (history is not rewritten after the 2025 reorganisation).
    issued_province = models.CharField("tỉnh (theo quyết định)", max_length=128, blank=True)
    issued_district = models.CharField("huyện (theo quyết định)", max_length=128, blank=True)
    issued_district_folded = models.CharField(max_length=128, editable=False, db_index=True)
    issued_commune = models.CharField("xã (theo quyết định)", max_length=128, blank=True)
    # The same place in today's units, for search and filters.
    province_code = models.CharField("tỉnh/thành phố (hiện nay)", max_length=8, db_index=True)
    commune_code = models.CharField("xã/phường (hiện nay)", max_length=8, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "giấy chứng nhận OCOP"
        verbose_name_plural = "giấy chứng nhận OCOP"
        ordering = ["-decision_date", "number"]
        permissions = [("manage_registry", "Quản lý sổ đăng ký OCOP (cán bộ OCOP)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(star_level__gte=3, star_level__lte=5),
                name="certificate_star_level_certifiable",
                violation_error_message="Chỉ sản phẩm đạt 3, 4 hoặc 5 sao được cấp giấy chứng nhận OCOP.",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("decision_date")),
                name="certificate_expires_after_decision",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_on__isnull=False),
                name="certificate_revoked_has_date",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="certificate_score_in_range",
            ),
        ]
        indexes = [
            GinIndex(
                name="certificate_product_trgm",
                fields=["product_name_folded"],
                opclasses=["gin_trgm_ops"],
            ),
            models.Index(fields=["producer", "product_name_folded"], name="certificate_product_key"),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.product_name}"

    def save(self, *args, **kwargs):
        self.product_name_folded = ocop_rules.fold(self.product_name)
        self.issued_district_folded = ocop_rules.fold(self.issued_district)
        super().save(*args, **kwargs)

    # The attributes ocop_rules reads (CertificateFacts' duck type).
    @property
    def superseded(self) -> bool:
        return self.status == self.Status.SUPERSEDED

    def current_status(self, today: date) -> CertificateStatus:
        return ocop_rules.certificate_status(
            self, today, warning_windows=settings.OCOP_EXPIRY_WARNING_DAYS
        )


class CertificateEvent(models.Model):
    """One change to a certificate: who, when, what and why. Never edited."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", "Ghi nhận quyết định công nhận"
        CORRECTED = "corrected", "Điều chỉnh thông tin"
        RENEWED = "renewed", "Công nhận lại"
        SUPERSEDED = "superseded", "Được thay thế"
        REVOKED = "revoked", "Thu hồi"
        EXPIRED = "expired", "Hết hiệu lực"

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="events", verbose_name="giấy chứng nhận"
    )
    kind = models.CharField("loại thay đổi", max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="người thực hiện",
    )
    source = models.CharField("nguồn", max_length=255, help_text="Ví dụ: nhập tệp, GraphQL, hệ thống.")
    reason = models.TextField("lý do", blank=True)
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    created_at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "lịch sử giấy chứng nhận"
        verbose_name_plural = "lịch sử giấy chứng nhận"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.certificate_id}"


class ExpiryWarning(models.Model):
    """A warning that a certificate is about to expire, at most one per window."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="expiry_warnings")
    window_days = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "cảnh báo hết hiệu lực"
        verbose_name_plural = "cảnh báo hết hiệu lực"
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "window_days"], name="expiry_warning_once_per_window"
            )
        ]


class RegistryImport(models.Model):
    """An officer's upload of an official list, checked whole, then applied or rejected."""

    class State(models.TextChoices):
        PENDING = "pending", "Đang chờ"
        RUNNING = "running", "Đang xử lý"
        SUCCEEDED = "succeeded", "Đã nhập"
        CHECKED = "checked", "Đã kiểm tra (chạy thử, chưa ghi)"
        REJECTED = "rejected", "Bị từ chối"

    # Official lists carry producers' phone numbers and emails: private storage.
    file = models.FileField("tệp", storage=private_storage, upload_to="registry_imports/%Y/%m/")
    original_name = models.CharField("tên tệp", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name="người tải lên"
    )
    dry_run = models.BooleanField("chạy thử", default=False)
    state = models.CharField("trạng thái", max_length=16, choices=State.choices, default=State.PENDING)
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lần nhập danh sách"
        verbose_name_plural = "các lần nhập danh sách"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
