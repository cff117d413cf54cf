import graphene

from ...services import application_approve
from .base import OfficerVendorMutation


class VendorApprove(OfficerVendorMutation):
    """Approve a submitted application whose producer holds a valid OCOP certificate."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String()

    @classmethod
    def perform(cls, info, *, actor, today, id, reason=None):
        vendor = cls.vendor_for_officer(actor, id)
        vendor = application_approve(vendor=vendor, officer=actor.user, today=today, reason=(reason or "").strip())
        return cls(vendor=vendor, errors=[])
