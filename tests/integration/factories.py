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
