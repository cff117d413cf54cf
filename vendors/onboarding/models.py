"""A vendor is a producer's shop on the marketplace, from its first application on.

The vendor's state is ocop_rules.VendorState (draft → submitted → changes requested /
approved / rejected; approved ⇄ suspended); every decision is kept in VendorDecision.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models

import ocop_rules
from ocop_rules import ProducerKind, VendorState
from vendors.registry.models import Producer

from vendors.storage import private_storage

STATE_CHOICES = [(state.value, state.label_vi) for state in VendorState]
KIND_CHOICES = [(kind.value, kind.label_vi) for kind in ProducerKind]


class Vendor(models.Model):
    """A producer's application and, once approved, its shop."""

    state = models.CharField("trạng thái", max_length=24, choices=STATE_CHOICES, default=VendorState.DRAFT, db_index=True)
    # The application as the producer filled it in.
    kind = models.CharField("loại hình chủ thể", max_length=8, choices=KIND_CHOICES)
    name = models.CharField("tên chủ thể", max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    tax_number = models.CharField("mã số thuế / số ĐKKD", max_length=20, unique=True)
    province_code = models.CharField("tỉnh/thành phố", max_length=8, db_index=True)
    commune_code = models.CharField("xã/phường", max_length=8)
    street_address = models.CharField("địa chỉ (số nhà, đường, thôn)", max_length=255)
    representative_name = models.CharField("người đại diện", max_length=255)
    phone = models.CharField("điện thoại", max_length=20)
    identity_number = models.CharField("số CCCD người đại diện", max_length=12)
    bank_name = models.CharField("ngân hàng", max_length=128)
    bank_account_number = models.CharField("số tài khoản", max_length=32)
    bank_account_holder = models.CharField("chủ tài khoản", max_length=255)
    # The registry producer, linked only on an exact tax-number match.
    producer = models.OneToOneField(
        Producer, on_delete=models.PROTECT, null=True, blank=True, related_name="vendor", verbose_name="chủ thể trong sổ đăng ký"
    )
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True, db_index=True)
    approved_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "gian hàng"
        verbose_name_plural = "gian hàng"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = ocop_rules.fold(self.name)
        super().save(*args, **kwargs)

    @property
    def vendor_state(self) -> VendorState:
        return VendorState(self.state)


class Membership(models.Model):
    """A user of a vendor. A user works for at most one vendor."""

    class Role(models.TextChoices):
        OWNER = "owner", "Chủ gian hàng"
        STAFF = "staff", "Nhân viên"

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_membership")
    role = models.CharField("vai trò", max_length=8, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thành viên gian hàng"
        verbose_name_plural = "thành viên gian hàng"
        constraints = [
            models.UniqueConstraint(fields=["vendor"], condition=models.Q(role="owner"), name="one_owner_per_vendor"),
        ]


class Invitation(models.Model):
    """An owner's invitation to a staff member, accepted through a signed link."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("email")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lời mời"
        verbose_name_plural = "lời mời"
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "email"], condition=models.Q(accepted_at__isnull=True), name="one_open_invitation_per_email"
            )
        ]


class Document(models.Model):
    """An application document (business licence), PDF or image, stored privately."""

    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", "Giấy chứng nhận đăng ký kinh doanh"
        OTHER = "other", "Tài liệu khác"

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("loại tài liệu", max_length=32, choices=Kind.choices, default=Kind.BUSINESS_LICENCE)
    file = models.FileField("tệp", storage=private_storage, upload_to="vendor-documents/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu hồ sơ"
        verbose_name_plural = "tài liệu hồ sơ"


class Decision(models.Model):
    """One step of a vendor's history: who moved it from which state to which, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Nộp hồ sơ"
        APPROVE = "approve", "Duyệt"
        REJECT = "reject", "Từ chối"
        REQUEST_CHANGES = "request_changes", "Yêu cầu bổ sung"
        SUSPEND = "suspend", "Tạm ngừng"
        REINSTATE = "reinstate", "Khôi phục"

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField("thao tác", max_length=24, choices=Action.choices)
    from_state = models.CharField(max_length=24, choices=STATE_CHOICES)
    to_state = models.CharField(max_length=24, choices=STATE_CHOICES)
    reason = models.TextField("lý do", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "quyết định về gian hàng"
        verbose_name_plural = "quyết định về gian hàng"
        ordering = ["created_at", "id"]
