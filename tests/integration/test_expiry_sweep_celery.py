"""The beat task runs through a real Celery worker on the real Redis broker."""
from __future__ import annotations

import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from marketplace.celery import app
from tests.integration.factories import make_certificate
from vendors.registry.models import Certificate, ExpiryWarning
from vendors.registry.tasks import sweep_certificate_expiry


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_sweep_task_runs_in_a_real_worker_over_redis(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    expired = make_certificate(number="GCN-OLD", expires_in_days=-3)
    Certificate.objects.filter(pk=expired.pk).update(status="valid")
    make_certificate(number="GCN-SOON", product_name="Mật ong", expires_in_days=5)
    assert app.conf.broker_url.startswith("redis://")

    # A queue of this test's own: a developer's worker on the same Redis must not take the task.
    queue = f"test-{uuid.uuid4().hex}"
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", queues=[queue]):
        first = sweep_certificate_expiry.apply_async(queue=queue).get(timeout=30)
        second = sweep_certificate_expiry.apply_async(queue=queue).get(timeout=30)

    assert first == {"expired": 1, "warnings": 1, "emails": 1}
    assert second == {"expired": 0, "warnings": 0, "emails": 0}
    assert Certificate.objects.get(number="GCN-OLD").status == "expired"
    assert ExpiryWarning.objects.get().window_days == 7
    assert len(mail.outbox) == 1
