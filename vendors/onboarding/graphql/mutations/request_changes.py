import graphene

from ...services import application_request_changes
from .base import OfficerVendorMutation


class VendorRequestChanges(OfficerVendorMutation):
    """Send a submitted application back to the applicant, saying what to change."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    @classmethod
    def perform(cls, info, *, actor, today, id, reason):
        vendor = cls.vendor_for_officer(actor, id)
        vendor = application_request_changes(vendor=vendor, officer=actor.user, reason=reason)
        return cls(vendor=vendor, errors=[])
