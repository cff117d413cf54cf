import graphene

from ...services import vendor_reinstate
from .base import OfficerVendorMutation


class VendorReinstate(OfficerVendorMutation):
    """Lift a suspension; listings the system hid go back on sale when the change commits."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String()

    @classmethod
    def perform(cls, info, *, actor, today, id, reason=None):
        vendor = cls.vendor_for_officer(actor, id)
        vendor = vendor_reinstate(vendor=vendor, officer=actor.user, reason=(reason or "").strip())
        return cls(vendor=vendor, errors=[])
