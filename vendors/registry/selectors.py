"""Registry reads: the public lookup, certificate by number, the facts a verify page shows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

import ocop_rules
from ocop_rules import CertificateStatus

from . import places
from .models import Certificate


@dataclass(frozen=True)
class CertificateFilters:
    """What a person can filter the public lookup by. Empty means any."""

    q: str = ""
    star_level: int | None = None
    product_group: str = ""
    province_code: str = ""
    former_district: str = ""
    status: str = ""


def certificate_by_number(number: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("producer", "renews", "renewed_by")
        .filter(number=number.strip())
        .first()
    )


def _status_condition(status: str, today: date) -> Q:
    """The stored status, refined by ocop_rules' derived 'expiring soon'."""
    soon = today + timedelta(days=max(settings.OCOP_EXPIRY_WARNING_DAYS))
    live = Q(status=Certificate.Status.VALID, expires_on__gte=today)
    match status:
        case CertificateStatus.VALID:
            return live & Q(expires_on__gt=soon)
        case CertificateStatus.EXPIRING:
            return live & Q(expires_on__lte=soon)
        case CertificateStatus.EXPIRED:
            return Q(status=Certificate.Status.EXPIRED) | Q(status=Certificate.Status.VALID, expires_on__lt=today)
        case CertificateStatus.REVOKED | CertificateStatus.SUPERSEDED:
            return Q(status=status)
    return ~Q(status=Certificate.Status.SUPERSEDED)


def certificate_search(filters: CertificateFilters, *, today: date) -> QuerySet[Certificate]:
    """Certificates matching the filters; names match without diacritics ("ca phe" finds "Cà phê")."""
    queryset = Certificate.objects.select_related("producer").filter(_status_condition(filters.status, today))
    folded = ocop_rules.fold(filters.q)
    if folded:
        queryset = queryset.filter(
            Q(product_name_folded__contains=folded)
            | Q(producer__name_folded__contains=folded)
            | Q(number__iexact=filters.q.strip())
        )
    if filters.star_level:
        queryset = queryset.filter(star_level=filters.star_level)
    if filters.product_group:
        queryset = queryset.filter(current_product_group=filters.product_group)
    if filters.province_code:
        queryset = queryset.filter(province_code=filters.province_code)
    if filters.former_district:
        queryset = queryset.filter(issued_district_folded=ocop_rules.fold(filters.former_district))
    return queryset.order_by("-star_level", "product_name_folded", "id")


def former_districts() -> list[str]:
    """The districts named on certificates (before the 2025 reorganisation), for filters."""
    names = (
        Certificate.objects.exclude(issued_district="")
        .order_by("issued_district_folded")
        .values_list("issued_district", flat=True)
        .distinct("issued_district_folded")
    )
    return list(names)


def province_choices_in_registry() -> list[places.Province]:
    codes = set(Certificate.objects.values_list("province_code", flat=True).distinct())
    return [province for province in places.current_provinces() if province.code in codes]


@dataclass(frozen=True)
class CertificateView:
    """What the verify page and its JSON show about one certificate."""

    certificate: Certificate
    status: CertificateStatus
    days_left: int
    province_name: str
    commune_name: str
    issuing_authority: str

    def as_json(self) -> dict[str, object]:
        certificate = self.certificate
        return {
            "number": certificate.number,
            "product_name": certificate.product_name,
            "producer": certificate.producer.name,
            "star_level": certificate.star_level,
            "product_group": certificate.current_product_group,
            "decision_number": certificate.decision_number,
            "decision_date": certificate.decision_date.isoformat(),
            "issuing_level": certificate.issuing_level,
            "issuing_authority": self.issuing_authority,
            "valid_until": certificate.expires_on.isoformat(),
            "status": self.status.value,
            "status_label": self.status.label_vi,
            "revoked_on": certificate.revoked_on.isoformat() if certificate.revoked_on else None,
            "renewed_by": getattr(getattr(certificate, "renewed_by", None), "number", None),
        }


def certificate_view(certificate: Certificate, *, today: date) -> CertificateView:
    province = places.province_or_none(certificate.province_code)
    commune = places.commune_or_none(certificate.commune_code)
    authority = certificate.issuing_authority or ocop_rules.IssuingLevel(certificate.issuing_level).label_vi
    return CertificateView(
        certificate=certificate,
        status=certificate.current_status(today),
        days_left=ocop_rules.days_until_expiry(certificate.expires_on, today),
        province_name=province.name if province else certificate.issued_province,
        commune_name=commune.name if commune else certificate.issued_commune,
        issuing_authority=authority,
    )
