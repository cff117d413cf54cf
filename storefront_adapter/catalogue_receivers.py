"""Carries no logic: a listing taken off sale (its UNPUBLISH outbox event, written in the
same transaction as the change) leaves the catalogue at once, before its unpublish even
reaches Saleor, so no page shows or sells it meanwhile."""
from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from vendors.listings.models import OutboxEvent


@receiver(post_save, sender=OutboxEvent, dispatch_uid="storefront_catalogue_outbox_event")
def remove_unpublished_listing(sender, instance: OutboxEvent, created: bool, **kwargs) -> None:
    if created and instance.kind == OutboxEvent.Kind.UNPUBLISH:
        from .catalogue import catalogue_remove

        catalogue_remove(listing_ids=[instance.listing_id])
