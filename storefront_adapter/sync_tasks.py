"""Celery tasks of the outbox consumer: both take ids and call one service
(storefront_adapter.sync), and both are idempotent (a listing is synced to its current
state; events are marked processed once), so acks_late is safe."""
from __future__ import annotations

from celery import shared_task

from .errors import SaleorUnavailable
from .sync import Outcome, listing_sync_pending, outbox_drain

MAX_RETRIES = 8


def retry_delay(retries: int) -> int:
    """30 s, 1 min, 2 min ... capped at an hour: 8 tries span about two hours, and the
    beat's drain_outbox picks the events up after that anyway."""
    return min(30 * 2 ** retries, 3600)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def sync_listing_task(self, listing_id: int) -> str:
    """Enqueued on commit of each OutboxEvent (storefront_adapter.sync_receivers)."""
    try:
        outcome = listing_sync_pending(listing_id=listing_id)
    except SaleorUnavailable as exc:
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
    if outcome is Outcome.BUSY:
        # Another worker holds the listing and may have read it before this event.
        raise self.retry(countdown=5)
    return outcome.value


@shared_task(acks_late=True)
def drain_outbox() -> dict[str, int]:
    """For the beat: everything a lost or exhausted task left in the outbox."""
    return outbox_drain()
