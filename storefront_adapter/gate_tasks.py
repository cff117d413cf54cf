"""Celery tasks of the certification gate (storefront_adapter.gate). Each takes ids,
asks Saleor for the current state and acts only on what is still wrong, so a repeat is
harmless (acks_late). Only SaleorUnavailable is retried, with backoff and a bound; the
daily sweep catches whatever a task finally gave up on."""
from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import gate
from .connection import saleor_client
from .errors import SaleorUnavailable


@shared_task(acks_late=True, autoretry_for=(SaleorUnavailable,), retry_backoff=30, retry_backoff_max=15 * 60,
             retry_jitter=True, max_retries=8)
def unpublish_product(saleor_product_id: str, channel_slugs: list[str]) -> bool:
    """Unpublish a product the gate refused from the channels (by slug) where a webhook
    saw it live; enqueued on commit by the PRODUCT_* handlers. True when it unpublished."""
    entry = gate.product_unpublish(client=saleor_client(), saleor_product_id=saleor_product_id,
                                   channel_slugs=channel_slugs, today=timezone.localdate())
    return entry is not None


@shared_task(acks_late=True, autoretry_for=(SaleorUnavailable,), retry_backoff=10 * 60, max_retries=3)
def gate_sweep() -> int:
    """The gate's daily sweep over Saleor's catalogue (beat schedule). Returns products unpublished."""
    return gate.gate_sweep(saleor_client(), today=timezone.localdate())
