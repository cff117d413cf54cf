"""Shared fixtures. Integration tests use the real PostgreSQL and Redis (see README)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    """Uploads go to a temporary folder; Celery runs tasks in-process unless a test
    starts a real worker; the cache is namespaced per test run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://ocop.example.vn"
    from marketplace.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
