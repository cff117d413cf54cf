"""What onboarding tells the rest of the marketplace after its transaction commits:
a vendor's state changed (approved, suspended, reinstated…), so its listings are
re-checked at once (suspension hides them all)."""
from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

vendor_state_changed = Signal()  # sent with vendor_id: int


def announce_vendor_state_changed(vendor_id: int) -> None:
    transaction.on_commit(lambda: vendor_state_changed.send(sender=None, vendor_id=vendor_id))
