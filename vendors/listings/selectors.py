"""Reads for the vendor portal: the dashboard, the listings page, the certificates a new
listing may use. Functions that return rows of many vendors' tables take a queryset the
caller has scoped with vendors.access (Actor.scope); the others take the actor's own
vendor. Nothing here decides who may see what."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Max, Min, Prefetch, QuerySet, Sum

import ocop_rules
from ocop_rules import CertificateStatus, VendorState
from vendors.onboarding.models import Decision, Invitation, Membership, Vendor
from vendors.onboarding.selectors import certifiable_certificates
from vendors.registry import places
from vendors.registry.models import Certificate
from vendors.registry.selectors import CertificateView, certificate_view

from .models import Listing, Photo, Variant

# A variant with this many units or fewer is "running low" (sắp hết hàng).
LOW_STOCK = 5
LOW_STOCK_ROWS = 20
LISTING_STATUSES = [(status.value, status.label) for status in Listing.Status]


def listing_rows(listings: QuerySet[Listing], *, status: str = "") -> QuerySet[Listing]:
    """Listings with what the listings page shows: certificate, cover thumbnail, price
    range and total stock. Costs the same queries for 1 row and for 100."""
    queryset = (
        listings.select_related("certificate")
        .annotate(
            price_min=Min("variants__price_vnd"),
            price_max=Max("variants__price_vnd"),
            stock_total=Sum("variants__stock"),
            variant_count=Count("variants"),
        )
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("position", "id")[:1], to_attr="covers"))
        .order_by("-updated_at", "-id")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def listing_counts(listings: QuerySet[Listing]) -> dict[str, int]:
    """{status: count} for every status, zeros included, and "all"."""
    counts = dict(listings.values_list("status").annotate(n=Count("id")).order_by())
    result = {value: counts.get(value, 0) for value, _ in LISTING_STATUSES}
    result["all"] = sum(result.values())
    return result


def listing_for_edit(queryset: QuerySet[Listing]) -> QuerySet[Listing]:
    """What the edit page reads with the listing (the caller scopes it to the vendor)."""
    return queryset.select_related("certificate", "vendor").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.order_by("position", "id")),
        Prefetch("photos", queryset=Photo.objects.order_by("position", "id")),
    )


def listable_certificates(*, vendor: Vendor, today: date) -> list[Certificate]:
    """The producer's certificates a new listing may use today (ocop_rules.listing_decision)."""
    if vendor.producer_id is None:
        return []
    return certifiable_certificates(vendor.producer, today=today)


@dataclass(frozen=True)
class CertificateCard:
    """A certificate on the dashboard, with its countdown and how loud its warning is."""

    view: CertificateView
    warning_window: int | None  # 90, 30 or 7 when the expiry is that close

    @property
    def certificate(self) -> Certificate:
        return self.view.certificate

    @property
    def level(self) -> str:
        """CSS level: "danger" (expired, revoked, ≤7 days), "warning" (≤30), "notice" (≤90), "ok"."""
        if self.view.status in (CertificateStatus.EXPIRED, CertificateStatus.REVOKED):
            return "danger"
        windows = sorted(settings.OCOP_EXPIRY_WARNING_DAYS)
        if self.warning_window is None:
            return "ok"
        if self.warning_window == windows[0]:
            return "danger"
        if len(windows) > 1 and self.warning_window == windows[1]:
            return "warning"
        return "notice"


@dataclass(frozen=True)
class Dashboard:
    vendor: Vendor
    state_label: str
    # The latest officer decision that explains the state (suspension, rejection, changes).
    state_decision: Decision | None
    certificates: list[CertificateCard]
    counts: dict[str, int]
    low_stock: list[Variant]


_EXPLAINED_STATES = {
    VendorState.SUSPENDED: Decision.Action.SUSPEND,
    VendorState.REJECTED: Decision.Action.REJECT,
    VendorState.CHANGES_REQUESTED: Decision.Action.REQUEST_CHANGES,
}


def vendor_dashboard(*, vendor: Vendor, today: date) -> Dashboard:
    """The portal's first page: the vendor's state, its producer's certificates with the
    expiry countdown (warnings at 90/30/7 days, ARCHITECTURE.md flow 4), listings by
    status and variants running low."""
    state = VendorState(vendor.state)
    decision = None
    if state in _EXPLAINED_STATES:
        decision = (
            Decision.objects.filter(vendor=vendor, action=_EXPLAINED_STATES[state]).order_by("-created_at", "-id").first()
        )
    certificates = []
    if vendor.producer_id is not None:
        queryset = (
            Certificate.objects.filter(producer_id=vendor.producer_id)
            .exclude(status=Certificate.Status.SUPERSEDED)
            .select_related("producer")
            .order_by("expires_on", "id")
        )
        certificates = [
            CertificateCard(
                view=certificate_view(certificate, today=today),
                warning_window=ocop_rules.expiry_warning_window(
                    certificate.expires_on, today, settings.OCOP_EXPIRY_WARNING_DAYS
                ),
            )
            for certificate in queryset
        ]
    low_stock = list(
        Variant.objects.filter(listing__vendor=vendor, stock__lte=LOW_STOCK)
        .exclude(listing__status=Listing.Status.DRAFT)
        .select_related("listing")
        .order_by("stock", "listing__title", "id")[:LOW_STOCK_ROWS]
    )
    return Dashboard(
        vendor=vendor,
        state_label=state.label_vi,
        state_decision=decision,
        certificates=certificates,
        counts=listing_counts(Listing.objects.filter(vendor=vendor)),
        low_stock=low_stock,
    )


@dataclass(frozen=True)
class VendorProfile:
    vendor: Vendor
    province_name: str
    commune_name: str
    bank_account_masked: str
    # The owner edits the application (bank details included) only before approval or when
    # officers asked for changes; afterwards bank changes go through the officers.
    application_editable: bool


def mask_account_number(number: str) -> str:
    """Only the last 4 digits show: "0123456789" → "•••• 6789"."""
    digits = number.strip()
    if len(digits) <= 4:
        return "•" * len(digits)
    return f"•••• {digits[-4:]}"


def vendor_profile(*, vendor: Vendor) -> VendorProfile:
    province = places.province_or_none(vendor.province_code)
    commune = places.commune_or_none(vendor.commune_code)
    return VendorProfile(
        vendor=vendor,
        province_name=province.name if province else vendor.province_code,
        commune_name=commune.name if commune else vendor.commune_code,
        bank_account_masked=mask_account_number(vendor.bank_account_number),
        application_editable=vendor.state in (VendorState.DRAFT, VendorState.CHANGES_REQUESTED),
    )


def members() -> QuerySet[Membership]:
    """Members, owner first (the caller scopes them to its vendor)."""
    return Membership.objects.select_related("user").order_by("role", "created_at", "id")


def pending_invitations() -> QuerySet[Invitation]:
    """Invitations not yet accepted, newest first (the caller scopes them to its vendor)."""
    return Invitation.objects.filter(accepted_at__isnull=True).order_by("-created_at", "id")
