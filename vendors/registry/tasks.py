"""Registry background work. Tasks take ids, re-fetch, call one service, and are idempotent."""
from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from .models import RegistryImport
from .services import expiry_sweep, registry_import_file

PROGRESS_TTL = 24 * 3600


def _progress_key(import_id: int) -> str:
    return f"registry-import:{import_id}:progress"


def registry_import_progress(import_id: int) -> dict:
    return cache.get(_progress_key(import_id)) or {"phase": "", "done": 0, "total": 0}


@shared_task
def sweep_certificate_expiry() -> dict[str, int]:
    """Daily (beat): expire certificates past their last valid day, warn at 90/30/7 days."""
    return expiry_sweep(today=timezone.localdate())


@shared_task
def run_registry_import(import_id: int) -> str:
    """Run an uploaded list once; a job that has already run is left as it is."""
    claimed = RegistryImport.objects.filter(id=import_id, state=RegistryImport.State.PENDING).update(
        state=RegistryImport.State.RUNNING
    )
    if not claimed:
        return "skipped"
    job = RegistryImport.objects.get(id=import_id)

    def progress(phase: str, done: int, total: int) -> None:
        cache.set(_progress_key(import_id), {"phase": phase, "done": done, "total": total}, PROGRESS_TTL)

    try:
        report = registry_import_file(
            path=job.file.path,
            filename=job.original_name,
            actor=job.uploaded_by,
            source=f"Nhập tệp {job.original_name} (lần nhập #{job.id})",
            today=timezone.localdate(),
            dry_run=job.dry_run,
            progress=progress,
        )
    except Exception:
        RegistryImport.objects.filter(id=import_id).update(
            state=RegistryImport.State.REJECTED,
            errors=[{"row": 0, "column": "", "message": "Lỗi hệ thống khi nhập tệp; đã báo cho quản trị viên."}],
            finished_at=timezone.now(),
        )
        raise
    if report.rejected:
        state = RegistryImport.State.REJECTED
    elif report.dry_run:
        state = RegistryImport.State.CHECKED
    else:
        state = RegistryImport.State.SUCCEEDED
    RegistryImport.objects.filter(id=import_id).update(
        state=state,
        total_rows=report.total_rows,
        summary=report.summary(),
        errors=[{"row": e.row, "column": e.column, "message": e.message} for e in report.errors],
        finished_at=timezone.now(),
    )
    return state
