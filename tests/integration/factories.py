"""Test data made through the real services, so history and rules apply as in production."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

import ocop_rules
from ocop_rules import IssuingLevel
from vendors.registry.models import Certificate, Producer
from vendors.registry.permissions import ensure_officers_group
from vendors.registry.services import Decision, certificate_record_decision, producer_get_or_create

_numbers = itertools.count(1)


PASSWORD = "mat-khau-thu-nghiem-1"


def make_user(name: str, **extra):
    """A user who signs in as <name>@example.vn with PASSWORD."""
    return get_user_model().objects.create_user(email=f"{name}@example.vn", password=PASSWORD, **extra)


def make_officer(name: str = "canbo"):
    user = make_user(name, is_staff=True)
    user.groups.add(ensure_officers_group())
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def make_producer(
    name: str = "HTX Nông nghiệp Nhân Đạo", tax_number: str | None = None, email: str = "htx@example.vn"
) -> Producer:
    producer, _ = producer_get_or_create(
        tax_number=tax_number or f"64{next(_numbers):08d}", name=name, province="Đắk Nông",
        district="Huyện Đắk R'Lấp", commune="Xã Nhân Đạo", email=email,
    )
    return producer


def decision_expiring_in(days: int, *, today: date | None = None) -> date:
    """A decision date whose 36-month validity ends `days` from today."""
    today = today or timezone.localdate()
    target = today + timedelta(days=days)
    candidate = date(target.year - 3, target.month, min(target.day, 28))
    while ocop_rules.expiry_date(candidate) < target:
        candidate += timedelta(days=1)
    return candidate


def make_certificate(
    *,
    producer: Producer | None = None,
    product_name: str = "Cà phê rang xay",
    star_level: int = 4,
    expires_in_days: int = 400,
    number: str | None = None,
    group: str = "food",
    province: str = "Tỉnh Đắk Nông",
    district: str = "Huyện Đắk R'Lấp",
) -> Certificate:
    decision_date = decision_expiring_in(expires_in_days)
    level = sorted(ocop_rules.expected_issuing_levels(star_level, decision_date))[0]
    producer = producer or make_producer()
    return certificate_record_decision(
        decision=Decision(
            number=number or f"TEST-{next(_numbers):05d}",
            product_name=product_name,
            product_group=group,
            star_level=star_level,
            score=Decimal({3: 60, 4: 75, 5: 92}[star_level]),
            decision_number=f"{next(_numbers)}/QĐ-UBND",
            decision_date=decision_date,
            issuing_level=IssuingLevel(level),
            issued_province=province,
            issued_district=district,
            issued_commune="Xã Nhân Đạo",
        ),
        producer=producer,
        actor=None,
        source="test",
        today=timezone.localdate(),
    )


# --- vendors: applicants, vendors and their users (through the onboarding services) -----

from ocop_rules import VendorState  # noqa: E402
from vendors.onboarding import services as onboarding  # noqa: E402
from vendors.onboarding.models import Document, Membership, Vendor  # noqa: E402


def make_confirmed_user(name: str, **extra):
    """A user with a confirmed email, who signs in as <name>@example.vn with PASSWORD."""
    return make_user(name, email_confirmed_at=timezone.now(), **extra)


def application_input(**overrides) -> onboarding.ApplicationInput:
    """A valid application (Xã Nhân Cơ, Tỉnh Lâm Đồng) with a fresh tax number; override any field."""
    values = {
        "kind": "htx", "name": "HTX Nông nghiệp Nhân Đạo", "tax_number": f"64{next(_numbers):08d}",
        "province_code": "68", "commune_code": "24751", "street_address": "Thôn 3",
        "representative_name": "Nguyễn Văn An", "phone": "0912345678", "identity_number": "067080001234",
        "bank_name": "Agribank Lâm Đồng", "bank_account_number": "5300205123456",
        "bank_account_holder": "HTX Nông nghiệp Nhân Đạo",
    }
    return onboarding.ApplicationInput(**{**values, **overrides})


def make_vendor(
    name: str = "HTX Nông nghiệp Nhân Đạo",
    *,
    owner=None,
    state: str = VendorState.APPROVED,
    producer: Producer | None = None,
    star_level: int = 4,
    expires_in_days: int = 400,
    officer=None,
) -> Vendor:
    """A vendor made through the onboarding services, in `state` "draft", "submitted" or
    "approved" (default). Its registry producer (same tax number, made unless given) has
    one certificate, valid by default; submitted and approved vendors are linked to it.
    `owner` defaults to a new confirmed user "chu<N>@example.vn". The business licence
    of a submitted vendor is a database row only (no file is written)."""
    if state not in (VendorState.DRAFT, VendorState.SUBMITTED, VendorState.APPROVED):
        raise ValueError(f"make_vendor makes draft, submitted or approved vendors, not {state!r}")
    producer = producer or make_producer(name=name)
    if producer.certificates.count() == 0:
        make_certificate(producer=producer, star_level=star_level, expires_in_days=expires_in_days)
    owner = owner or make_confirmed_user(f"chu{next(_numbers)}")
    vendor = onboarding.application_save(
        user=owner, data=application_input(name=name, tax_number=producer.tax_number, bank_account_holder=name)
    )
    if state != VendorState.DRAFT:
        Document.objects.create(
            vendor=vendor, file="vendor-documents/test/giay-dkkd.pdf", original_name="giay-dkkd.pdf",
            content_type="application/pdf", size=1024, uploaded_by=owner,
        )
        vendor = onboarding.application_submit(vendor=vendor, user=owner)
    if state == VendorState.APPROVED:
        vendor = onboarding.application_approve(vendor=vendor, officer=officer, today=timezone.localdate())
    return Vendor.objects.get(pk=vendor.pk)


def make_staff(vendor: Vendor, name: str = "nhanvien"):
    """A confirmed user <name>@example.vn who joined `vendor` as staff through the owner's invitation."""
    user = make_confirmed_user(name)
    owner = Membership.objects.get(vendor=vendor, role=Membership.Role.OWNER).user
    invitation = onboarding.invitation_create(vendor=vendor, user=owner, email=user.email)
    onboarding.invitation_accept(invitation=invitation, user=user)
    return user
