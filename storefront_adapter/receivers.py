"""What the Saleor side does when the rest of the marketplace changes. Each receiver
enqueues one task; the signals are sent after the transaction commits."""
from __future__ import annotations

import logging

from django.dispatch import receiver
from kombu.exceptions import OperationalError

from vendors.onboarding.events import vendor_state_changed

from .warehouses import ensure_vendor_warehouse

logger = logging.getLogger(__name__)


@receiver(vendor_state_changed)
def ensure_warehouse_of_vendor(sender, vendor_id, **kwargs):
    # Every state change: the task itself does nothing unless the vendor is approved.
    try:
        ensure_vendor_warehouse.delay(vendor_id)
    except OperationalError:
        # The broker is down: the officer's decision stands; `saleor_provision` makes the
        # warehouses of all approved vendors when run again.
        logger.exception("Could not enqueue the warehouse of vendor %s", vendor_id)
