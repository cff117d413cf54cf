"""A vendor's Saleor warehouse, made when the vendor is approved (ARCHITECTURE.md, flow 2).

``saleor_provision`` makes the warehouses of vendors approved before it ran; from then on
``vendor_state_changed`` (storefront_adapter.receivers) enqueues ``ensure_vendor_warehouse``,
which makes the one warehouse of a newly approved vendor. Both go through
``provisioning.warehouse_ensure``, which looks the warehouse up by externalReference first,
so any number of runs make one warehouse.
"""
from __future__ import annotations

import logging

from celery import shared_task

from ocop_rules import VendorState
from vendors.onboarding.models import Vendor

from .client import SaleorClient
from .connection import SaleorNotInstalled, saleor_client
from .errors import SaleorUnavailable
from .provisioning import (
    ProvisionedObject,
    channel_find,
    shipping_zone_find,
    warehouse_ensure,
)

logger = logging.getLogger(__name__)


def vendor_warehouse_ensure(*, vendor_id: int, client: SaleorClient) -> ProvisionedObject | None:
    """The approved vendor's warehouse, in the shop's channel and zone; None (nothing done)
    for a vendor not approved or gone, or a Saleor not provisioned yet (``saleor_provision``
    will make it then)."""
    vendor = Vendor.objects.filter(pk=vendor_id, state=VendorState.APPROVED).first()
    if vendor is None:
        return None
    channel = channel_find(client)
    zone = shipping_zone_find(client) if channel is not None else None
    if channel is None or zone is None:
        logger.warning("Saleor is not provisioned (run saleor_provision); vendor %s gets its warehouse then", vendor_id)
        return None
    return warehouse_ensure(client, vendor=vendor, channel=channel, zone=zone)


# Idempotent (looked up by externalReference before it is created), so acks_late is safe.
# Saleor being down delays the warehouse: up to 6 tries over about an hour.
@shared_task(acks_late=True, autoretry_for=(SaleorUnavailable,), retry_backoff=60, retry_backoff_max=30 * 60,
             max_retries=5)
def ensure_vendor_warehouse(vendor_id: int) -> str | None:
    """Make the vendor's Saleor warehouse if it is approved and has none; its Saleor id."""
    try:
        client = saleor_client()
    except SaleorNotInstalled:
        logger.info("The Saleor app is not installed; no warehouse for vendor %s", vendor_id)
        return None
    made = vendor_warehouse_ensure(vendor_id=vendor_id, client=client)
    return made.saleor_id if made else None
