from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from ocop_rules import ProducerKind, VendorState
from vendors.graphql_common import global_id, request_actor
from vendors.registry.graphql.types import ProducerType

from ..models import Decision, Vendor

VendorStateEnum = graphene.Enum("VendorState", [(state.name, state.value) for state in VendorState])
VendorDecisionActionEnum = graphene.Enum(
    "VendorDecisionAction", [(action.name, action.value) for action in Decision.Action]
)


class VendorDecisionType(DjangoObjectType):
    """One step of the vendor's history, with the reason the officer gave."""

    action = graphene.Field(VendorDecisionActionEnum, required=True)
    action_label = graphene.String(required=True)
    from_state = graphene.Field(VendorStateEnum, required=True)
    to_state = graphene.Field(VendorStateEnum, required=True)

    class Meta:
        model = Decision
        name = "VendorDecision"
        fields = ("reason", "created_at")
        convert_choices_to_enum = False

    # Freshly saved rows may hold enum members; the GraphQL enums serialise plain values.
    def resolve_action(self, info):
        return Decision.Action(self.action).value

    def resolve_action_label(self, info):
        return Decision.Action(self.action).label

    def resolve_from_state(self, info):
        return VendorState(self.from_state).value

    def resolve_to_state(self, info):
        return VendorState(self.to_state).value


def _sees_private_details(info, vendor: Vendor) -> bool:
    """Bank and identity details: officers and the vendor's owner only (not its staff)."""
    actor = request_actor(info)
    return actor.officer or (actor.is_owner and actor.vendor is not None and actor.vendor.pk == vendor.pk)


class VendorType(DjangoObjectType):
    id = graphene.ID(required=True)
    state = graphene.Field(VendorStateEnum, required=True)
    state_label = graphene.String(required=True)
    kind_label = graphene.String(required=True)
    producer = graphene.Field(ProducerType, description="Chủ thể trong sổ đăng ký OCOP (khớp đúng mã số thuế).")
    decisions = graphene.List(graphene.NonNull(VendorDecisionType), required=True)
    identity_number = graphene.String(description="Chỉ cán bộ OCOP và chủ gian hàng xem được.")
    bank_name = graphene.String(description="Chỉ cán bộ OCOP và chủ gian hàng xem được.")
    bank_account_number = graphene.String(description="Chỉ cán bộ OCOP và chủ gian hàng xem được.")
    bank_account_holder = graphene.String(description="Chỉ cán bộ OCOP và chủ gian hàng xem được.")

    class Meta:
        model = Vendor
        name = "Vendor"
        fields = (
            "kind", "name", "tax_number", "province_code", "commune_code", "street_address",
            "representative_name", "phone", "submitted_at", "approved_at",
        )
        convert_choices_to_enum = False

    def resolve_id(self, info):
        return global_id("Vendor", self.pk)

    def resolve_state(self, info):
        return VendorState(self.state).value

    def resolve_state_label(self, info):
        return VendorState(self.state).label_vi

    def resolve_kind_label(self, info):
        return ProducerKind(self.kind).label_vi if self.kind in set(ProducerKind) else ""

    def resolve_decisions(self, info):
        return self.decisions.all()

    def resolve_identity_number(self, info):
        return self.identity_number if _sees_private_details(info, self) else None

    def resolve_bank_name(self, info):
        return self.bank_name if _sees_private_details(info, self) else None

    def resolve_bank_account_number(self, info):
        return self.bank_account_number if _sees_private_details(info, self) else None

    def resolve_bank_account_holder(self, info):
        return self.bank_account_holder if _sees_private_details(info, self) else None
