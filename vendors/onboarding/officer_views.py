"""Officers' vendor pages (/officer/vendors/...): the review queue, a vendor's page, decisions.

Reads come from the onboarding and registry selectors; each decision calls one
onboarding service, which checks the state, keeps the decision and emails the applicant.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.search import TrigramSimilarity
from django.core.paginator import Paginator
from django.db.models import (
    BigIntegerField,
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

import ocop_rules
from ocop_rules import VendorState
from vendors.access import actor_for
from vendors.registry import places
from vendors.registry.models import Certificate, Producer
from vendors.registry.selectors import certificate_view

from . import services
from .models import Decision, Membership, Vendor
from .officer_forms import (
    ACTION_FORMS,
    ACTIONS_BY_STATE,
    REASON_MAX_LENGTH,
    DecisionForm,
    QueueFilterForm,
)
from .selectors import MIN_SIMILARITY, NAME_MATCHES, registry_match, review_queue

PAGE_SIZE = 25


def _officer_only(view):
    """Anonymous visitors are sent to sign in; signed-in non-officers get 403."""

    @login_required
    @wraps(view)
    def check(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        actor_for(request.user).require_officer()
        return view(request, *args, **kwargs)

    return check


# --- the queue ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    vendor: Vendor
    province_name: str
    commune_name: str
    identity_masked: str
    exact_match: bool
    valid_certificates: int
    name_suggestions: int


def _mask(number: str) -> str:
    return "•" * max(len(number) - 4, 0) + number[-4:]


def _with_registry_match(queryset: QuerySet[Vendor]) -> QuerySet[Vendor]:
    """The same match registry_match() makes, for a whole page in one query: the
    producer with the vendor's tax number, else how many producers have a similar name."""
    same_tax_number = Producer.objects.filter(tax_number=OuterRef("tax_number")).order_by().values("id")[:1]
    similar_names = (
        Producer.objects.annotate(similarity=TrigramSimilarity("name_folded", OuterRef("name_folded")))
        .filter(similarity__gte=MIN_SIMILARITY)
        .order_by()
        .annotate(count=Func(F("id"), function="COUNT", output_field=IntegerField()))
        .values("count")
    )
    return queryset.annotate(
        matched_producer_id=Coalesce("producer_id", Subquery(same_tax_number), output_field=BigIntegerField()),
    ).annotate(
        similar_names=Case(
            When(matched_producer_id__isnull=True, then=Subquery(similar_names)), default=0, output_field=IntegerField()
        ),
    )


def _queue_rows(vendors: list[Vendor], *, today: date) -> list[QueueRow]:
    producer_ids = {vendor.matched_producer_id for vendor in vendors if vendor.matched_producer_id}
    valid: dict[int, int] = dict.fromkeys(producer_ids, 0)
    # The test certifiable_certificates() applies, for every producer of the page at once.
    for certificate in Certificate.objects.filter(producer_id__in=producer_ids):
        if ocop_rules.listing_decision(certificate, VendorState.APPROVED, today).allowed:
            valid[certificate.producer_id] += 1
    rows = []
    for vendor in vendors:
        province = places.province_or_none(vendor.province_code)
        commune = places.commune_or_none(vendor.commune_code)
        rows.append(QueueRow(
            vendor=vendor,
            province_name=province.name if province else "",
            commune_name=commune.name if commune else "",
            identity_masked=_mask(vendor.identity_number),
            exact_match=vendor.matched_producer_id is not None,
            valid_certificates=valid.get(vendor.matched_producer_id, 0),
            name_suggestions=min(vendor.similar_names or 0, NAME_MATCHES),
        ))
    return rows


@require_GET
@_officer_only
def vendor_queue(request: HttpRequest) -> HttpResponse:
    """Applications oldest submission first, filtered by state and today's province."""
    form = QueueFilterForm(request.GET)
    queryset = _with_registry_match(review_queue(**form.filters()))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "onboarding/officer_queue.html", {
        "form": form,
        "page": page,
        "rows": _queue_rows(list(page.object_list), today=timezone.localdate()),
        "query_string": query.urlencode(),
    })


# --- one vendor -----------------------------------------------------------------------


def _vendor(pk: int) -> Vendor:
    # Drafts are the applicant's own until submitted.
    return get_object_or_404(Vendor.objects.exclude(state=VendorState.DRAFT).select_related("producer"), pk=pk)


@require_GET
@_officer_only
def vendor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The application beside its registry match, documents, listings, history and the
    decisions its state allows."""
    vendor = _vendor(pk)
    today = timezone.localdate()
    match = registry_match(vendor)
    state = VendorState(vendor.state)
    owner = Membership.objects.filter(vendor=vendor, role=Membership.Role.OWNER).select_related("user").first()
    province = places.province_or_none(vendor.province_code)
    commune = places.commune_or_none(vendor.commune_code)
    return render(request, "onboarding/officer_vendor.html", {
        "vendor": vendor,
        "state": state,
        "owner": owner.user if owner else None,
        "province_name": province.name if province else vendor.province_code,
        "commune_name": commune.name if commune else vendor.commune_code,
        "match": match,
        "certificates": [certificate_view(certificate, today=today) for certificate in match.certificates],
        "similar": [(producer, places.province_or_none(producer.province_code)) for producer in match.similar],
        "documents": vendor.documents.order_by("created_at", "id"),
        "listings": vendor.listings.select_related("certificate").order_by("title", "id"),
        "decisions": vendor.decisions.select_related("actor").order_by("-created_at", "-id"),
        "actions": [ACTION_FORMS[action] for action in ACTIONS_BY_STATE.get(state, [])],
        "approval_blocker": services.approval_blocker(vendor, today=today) if state is VendorState.SUBMITTED else None,
        "reason_max_length": REASON_MAX_LENGTH,
    })


SUCCESS_MESSAGES = {
    Decision.Action.APPROVE: "Đã duyệt gian hàng “{name}”.",
    Decision.Action.REJECT: "Đã từ chối hồ sơ “{name}”.",
    Decision.Action.REQUEST_CHANGES: "Đã yêu cầu “{name}” bổ sung hồ sơ.",
    Decision.Action.SUSPEND: "Đã tạm ngừng gian hàng “{name}”: mọi sản phẩm đang bán được ẩn.",
    Decision.Action.REINSTATE: "Đã khôi phục gian hàng “{name}”: sản phẩm đủ điều kiện được bán lại.",
}


def _decide(action: str, *, vendor: Vendor, officer, reason: str) -> Vendor:
    today = timezone.localdate()
    match action:
        case Decision.Action.APPROVE:
            return services.application_approve(vendor=vendor, officer=officer, today=today, reason=reason)
        case Decision.Action.REJECT:
            return services.application_reject(vendor=vendor, officer=officer, reason=reason)
        case Decision.Action.REQUEST_CHANGES:
            return services.application_request_changes(vendor=vendor, officer=officer, reason=reason)
        case Decision.Action.SUSPEND:
            return services.vendor_suspend(vendor=vendor, officer=officer, reason=reason)
        case Decision.Action.REINSTATE:
            return services.vendor_reinstate(vendor=vendor, officer=officer, reason=reason)
    raise ValueError(action)


@require_POST
@_officer_only
def vendor_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, reject, ask for changes, suspend or reinstate; back to the vendor's page
    with what happened, or why nothing did."""
    vendor = _vendor(pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Thao tác không hợp lệ (lý do tối đa 2.000 ký tự).")
        return redirect("officer:vendor", pk=vendor.pk)
    action = form.cleaned_data["action"]
    try:
        vendor = _decide(action, vendor=vendor, officer=request.user, reason=form.cleaned_data["reason"])
    except services.OnboardingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, SUCCESS_MESSAGES[action].format(name=vendor.name) + " Người nộp hồ sơ được thông báo qua email."
        )
    return redirect("officer:vendor", pk=vendor.pk)
