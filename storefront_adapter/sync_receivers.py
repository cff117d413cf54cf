"""Carries no logic: when an OutboxEvent is written, enqueue the listing's sync after the
transaction commits. vendors.listings does not import storefront_adapter; this is how a
change there reaches Saleor without it. A lost enqueue costs only time: the beat's
drain_outbox syncs whatever is still unprocessed."""
from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from vendors.listings.models import OutboxEvent


@receiver(post_save, sender=OutboxEvent, dispatch_uid="storefront_sync_outbox_event")
def enqueue_listing_sync(sender, instance: OutboxEvent, created: bool, **kwargs) -> None:
    if created:
        from .sync_tasks import sync_listing_task

        sync_listing_task.delay_on_commit(instance.listing_id)
