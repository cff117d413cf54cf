import graphene

from vendors.graphql_common import UserErrorMutation, require_user

from ...services import application_save
from ..types import VendorType
from .base import VendorApplicationInput, application_from_input


class VendorApply(UserErrorMutation):
    """Start an application (the caller becomes the vendor's owner) or edit the caller's
    draft while it is a draft or changes were requested."""

    class Arguments:
        input = VendorApplicationInput(required=True)

    vendor = graphene.Field(VendorType)

    @classmethod
    def perform(cls, info, *, actor, today, **data):
        user = require_user(actor)
        vendor = application_save(user=user, data=application_from_input(data["input"]), vendor=actor.vendor)
        return cls(vendor=vendor, errors=[])
