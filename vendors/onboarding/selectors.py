"""Reads for onboarding: the registry match an officer sees, the review queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import QuerySet

import ocop_rules
from ocop_rules import VendorState
from vendors.registry.models import Certificate, Producer

from .models import Vendor

NAME_MATCHES = 5
MIN_SIMILARITY = 0.2


def certifiable_certificates(producer: Producer, *, today: date) -> list[Certificate]:
    """The producer's certificates a listing could use today (3-5 stars, in force)."""
    certificates = Certificate.objects.filter(producer=producer).order_by("product_name")
    return [c for c in certificates if ocop_rules.listing_decision(c, VendorState.APPROVED, today).allowed]


@dataclass(frozen=True)
class RegistryMatch:
    """What the officer sees beside an application: the exact match by tax number with
    its certificates, or else the closest producers by name (never linked automatically)."""

    exact: Producer | None
    certificates: list[Certificate]
    similar: list[Producer]


def registry_match(vendor: Vendor) -> RegistryMatch:
    exact = vendor.producer or Producer.objects.filter(tax_number=vendor.tax_number).first()
    if exact is not None:
        return RegistryMatch(exact=exact, certificates=list(exact.certificates.order_by("-decision_date")), similar=[])
    similar = list(
        Producer.objects.annotate(similarity=TrigramSimilarity("name_folded", ocop_rules.fold(vendor.name)))
        .filter(similarity__gte=MIN_SIMILARITY)
        .order_by("-similarity", "name")[:NAME_MATCHES]
    )
    return RegistryMatch(exact=None, certificates=[], similar=similar)


def review_queue(*, state: str = VendorState.SUBMITTED, province_code: str = "") -> QuerySet[Vendor]:
    """Applications for officers, oldest submission first."""
    queryset = Vendor.objects.exclude(state=VendorState.DRAFT).select_related("producer")
    if state:
        queryset = queryset.filter(state=state)
    if province_code:
        queryset = queryset.filter(province_code=province_code)
    return queryset.order_by("submitted_at", "id")
