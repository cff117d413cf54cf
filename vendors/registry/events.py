"""What the registry tells the rest of the marketplace, after its transaction commits.

Listings depend on the registry, not the other way round: the listings app listens
for this and re-checks the listings of the changed certificates (flow 4: at expiry or
revocation the product is hidden at once; a renewal shows it again).
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

# Sent with certificate_ids: list[int]. Receivers must not carry business logic
# beyond calling one service.
certificates_changed = Signal()


def announce_certificates_changed(certificate_ids: Iterable[int]) -> None:
    ids = sorted(set(certificate_ids))
    if ids:
        transaction.on_commit(lambda: certificates_changed.send(sender=None, certificate_ids=ids))
