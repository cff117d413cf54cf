"""Officers' pages: upload an official list, follow its progress, read its report."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from .forms import RegistryImportForm
from .models import RegistryImport
from .permissions import is_officer
from .tasks import registry_import_progress, run_registry_import


def _officer_required(view):
    def check(user):
        if user.is_authenticated and not is_officer(user):
            raise PermissionDenied("Chỉ cán bộ OCOP được nhập danh sách.")
        return user.is_authenticated

    return login_required(user_passes_test(check)(view))


def _progress(job: RegistryImport) -> dict:
    # The live counts live in the cache for a day; a finished job read later (or after the
    # cache was cleared) must not show an empty bar under its report.
    progress = registry_import_progress(job.id)
    if not progress["total"] and job.finished_at and job.total_rows:
        return {"phase": "", "done": job.total_rows, "total": job.total_rows}
    return progress


@_officer_required
def registry_import_upload(request: HttpRequest) -> HttpResponse:
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            job = RegistryImport.objects.create(
                file=upload,
                original_name=upload.name,
                uploaded_by=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            run_registry_import.delay_on_commit(job.id)
        return redirect("registry:import_detail", pk=job.pk)
    recent = RegistryImport.objects.select_related("uploaded_by")[:10]
    return render(request, "registry/import_upload.html", {"form": form, "recent": recent})


@_officer_required
def registry_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(RegistryImport, pk=pk)
    return render(request, "registry/import_detail.html", {"job": job, "progress": _progress(job)})


@_officer_required
def registry_import_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(RegistryImport, pk=pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "finished": job.finished_at is not None,
            "progress": _progress(job),
            "summary": job.summary,
            "error_count": len(job.errors),
        },
        json_dumps_params={"ensure_ascii": False},
    )
