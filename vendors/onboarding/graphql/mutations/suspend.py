import graphene

from ...services import vendor_suspend
from .base import OfficerVendorMutation


class VendorSuspend(OfficerVendorMutation):
    """Suspend an approved vendor; its listings go off sale when the change commits."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    @classmethod
    def perform(cls, info, *, actor, today, id, reason):
        vendor = cls.vendor_for_officer(actor, id)
        vendor = vendor_suspend(vendor=vendor, officer=actor.user, reason=reason)
        return cls(vendor=vendor, errors=[])
