from __future__ import annotations

import graphene

from vendors.access import Actor
from vendors.graphql_common import NotFound, UserErrorMutation, pk_from_global_id

from ...models import Vendor
from ...services import ApplicationInput
from ..types import VendorType


class VendorApplicationInput(graphene.InputObjectType):
    """The producer's application, every field each time (a draft is saved whole)."""

    kind = graphene.String(required=True, description="htx, tht, dn hoặc hkd")
    name = graphene.String(required=True)
    tax_number = graphene.String(required=True, description="Mã số thuế / số ĐKKD")
    province_code = graphene.String(required=True)
    commune_code = graphene.String(required=True)
    street_address = graphene.String(required=True)
    representative_name = graphene.String(required=True)
    phone = graphene.String(required=True)
    identity_number = graphene.String(required=True, description="Số CCCD người đại diện (12 chữ số)")
    bank_name = graphene.String(required=True)
    bank_account_number = graphene.String(required=True)
    bank_account_holder = graphene.String(required=True)


def application_from_input(data) -> ApplicationInput:
    return ApplicationInput(**{name: data.get(name) or "" for name in ApplicationInput.__dataclass_fields__})


class OfficerVendorMutation(UserErrorMutation):
    """An officer's decision on a vendor named by its global id; denied to everyone else."""

    class Meta:
        abstract = True

    vendor = graphene.Field(VendorType)

    @classmethod
    def vendor_for_officer(cls, actor: Actor, id: str) -> Vendor:
        actor.require_officer()
        vendor = Vendor.objects.filter(pk=pk_from_global_id(id, "Vendor")).first()
        if vendor is None:
            raise NotFound()
        return vendor
