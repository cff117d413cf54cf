import datetime as dt

from celery import shared_task

from ..errors import SaleorUnavailable
from .events import checkout_paid
from .services import paid_checkout_of_event, stripe_event_report, stripe_events_unreported


# Idempotent (Saleor takes each report once; the row is marked reported), so acks_late.
# Only a Saleor that cannot be reached is worth retrying; anything else is a bug to read.
@shared_task(acks_late=True, autoretry_for=(SaleorUnavailable,), retry_backoff=5, retry_backoff_max=600,
             max_retries=10)
def report_stripe_event(event_id: int) -> bool:
    """Report a recorded Stripe event to Saleor (enqueued after the event is committed);
    once Saleor has heard a checkout's payment succeed, say so (events.checkout_paid)."""
    reported = stripe_event_report(event_id=event_id)
    checkout_id = paid_checkout_of_event(event_id=event_id) if reported else None
    if checkout_id:
        checkout_paid.send(sender=None, checkout_id=checkout_id)
    return reported


@shared_task
def report_unreported_stripe_events() -> int:
    """Beat catch-up: enqueue again the reports of events whose task was lost."""
    event_ids = stripe_events_unreported(older_than=dt.timedelta(minutes=2))
    for event_id in event_ids:
        report_stripe_event.delay(event_id)
    return len(event_ids)
