import graphene

from ...services import application_reject
from .base import OfficerVendorMutation


class VendorReject(OfficerVendorMutation):
    """Reject a submitted application, with the reason the applicant is emailed."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    @classmethod
    def perform(cls, info, *, actor, today, id, reason):
        vendor = cls.vendor_for_officer(actor, id)
        vendor = application_reject(vendor=vendor, officer=actor.user, reason=reason)
        return cls(vendor=vendor, errors=[])
