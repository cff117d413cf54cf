"""Settings come from the environment; production refuses to start without its secrets."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = "x" * 20 + "-production-secret-for-the-test-" + "y" * 20


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_the_default_secret():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="ocop.example.vn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DEBUG="false", SECRET_KEY=STRONG_SECRET)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    DEBUG="false", SECRET_KEY=STRONG_SECRET, ALLOWED_HOSTS="ocop.example.vn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_and_redis_come_from_the_environment():
    code = ("from django.conf import settings as s; "
            "print(s.DATABASES['default']['HOST'], s.DATABASES['default']['NAME'], s.CELERY_BROKER_URL)")
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'marketplace.settings'); django.setup(); {code}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DATABASE_URL": "postgres://u:p@db.internal:5432/shop", "REDIS_URL": "redis://cache:6379/3"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["db.internal", "shop", "redis://cache:6379/3"]


def test_a_public_host_with_the_development_secret_is_refused_even_in_debug():
    result = manage("check", DEBUG="true", ALLOWED_HOSTS="ocop.example.vn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when ALLOWED_HOSTS names a public host" in result.stderr
