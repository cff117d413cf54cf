"""The worker knows every task that the beat schedule sends."""
from __future__ import annotations

from django.conf import settings

from marketplace.celery import app


def test_every_scheduled_task_is_registered_in_the_worker():
    # given the worker's view of the project: what autodiscovery imports
    app.loader.import_default_modules()
    registered = set(app.tasks)
    # then each beat entry names a task the worker can run
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - registered == set()
    assert {"storefront_adapter.sync_tasks.drain_outbox", "storefront_adapter.gate_tasks.gate_sweep"} <= scheduled
