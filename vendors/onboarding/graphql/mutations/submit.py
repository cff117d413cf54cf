import graphene

from vendors.graphql_common import UserErrorMutation

from ...services import application_submit
from ..types import VendorType


class VendorSubmit(UserErrorMutation):
    """Send the caller's application to the officers."""

    vendor = graphene.Field(VendorType)

    @classmethod
    def perform(cls, info, *, actor, today):
        vendor = application_submit(vendor=actor.require_vendor(), user=actor.user)
        return cls(vendor=vendor, errors=[])
