"""Officers' page of the certification gate's audit (/saleor/audit/): what the gate undid
or noticed in Saleor (hand-published products, foreign products, oversold stock)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vendors.access import actor_for

from .models import GateAuditEntry

PAGE_SIZE = 50


@require_GET
@login_required
def gate_audit(request: HttpRequest) -> HttpResponse:
    """Newest first, 50 a page; anonymous visitors sign in first, non-officers get 403."""
    actor_for(request.user).require_officer()
    entries = GateAuditEntry.objects.select_related("listing").order_by("-created_at", "-id")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "storefront/gate_audit.html", {"page": page, "entries": page.object_list})
