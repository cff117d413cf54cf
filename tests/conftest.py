"""Shared fixtures. Integration tests use the real PostgreSQL and Redis (see README)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    """Uploads go to a temporary folder; Celery runs tasks in-process unless a test
    starts a real worker; the cache is namespaced per test run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://ocop.example.vn"
    # Real password hashing costs about a second per user on this machine; tests log
    # in hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from marketplace.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
