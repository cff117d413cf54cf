from celery import shared_task
from django.utils import timezone

from .services import listings_recheck


@shared_task
def recheck_all_listings() -> int:
    """Daily (beat): catch anything a missed event left on sale (flow 4)."""
    return listings_recheck(today=timezone.localdate())
