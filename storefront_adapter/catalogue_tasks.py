"""Celery tasks of the catalogue read model (storefront_adapter.catalogue). Both read
Saleor's current state and write it, so a repeat is harmless (acks_late); only
SaleorUnavailable is retried, and the beat's rebuild catches whatever a task gave up on."""
from __future__ import annotations

from celery import shared_task

from .catalogue import catalogue_rebuild, catalogue_refresh
from .errors import SaleorUnavailable


@shared_task(acks_late=True, autoretry_for=(SaleorUnavailable,), retry_backoff=10, retry_backoff_max=5 * 60,
             retry_jitter=True, max_retries=5)
def refresh_catalogue(saleor_product_ids: list[str], listing_ids: list[int]) -> dict[str, int]:
    """Enqueued on commit by the sync, the PRODUCT_* and ORDER_CREATED webhooks."""
    result = catalogue_refresh(saleor_product_ids=saleor_product_ids, listing_ids=listing_ids)
    return {"saved": len(result.saved), "removed": result.removed, "skipped": len(result.skipped)}


@shared_task(acks_late=True, autoretry_for=(SaleorUnavailable,), retry_backoff=60, max_retries=2)
def rebuild_catalogue() -> dict[str, int]:
    """The beat's catch-up, every 10 minutes: the whole catalogue from Saleor."""
    result = catalogue_rebuild()
    return {"saved": len(result.saved), "removed": result.removed, "skipped": len(result.skipped)}
