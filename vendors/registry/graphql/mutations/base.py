from __future__ import annotations

import graphene
from django.utils import timezone

import ocop_rules

from ...permissions import is_officer
from ...services import Decision, RegistryError
from ..types import RegistryErrorType

PERMISSION_DENIED = RegistryErrorType(
    code="permission_denied", message="Chỉ cán bộ OCOP được thực hiện thao tác này.", field=None
)


class DecisionInput(graphene.InputObjectType):
    number = graphene.String(required=True, description="Số giấy chứng nhận")
    product_name = graphene.String(required=True)
    product_group = graphene.String(required=True, description="Mã nhóm (food, beverages, …) hoặc tên nhóm")
    star_level = graphene.Int(required=True)
    score = graphene.Decimal()
    decision_number = graphene.String(required=True)
    decision_date = graphene.Date(required=True)
    issuing_level = graphene.String(required=True, description="district, province, central, ministry")
    issuing_authority = graphene.String()
    issued_province = graphene.String(required=True)
    issued_district = graphene.String()
    issued_commune = graphene.String()


def decision_from_input(data, *, defaults=None) -> Decision:
    """Parse a DecisionInput; label problems become RegistryError."""
    defaults = defaults or {}
    try:
        group = ocop_rules.product_group_from_label(data.get("product_group") or defaults.get("product_group", ""))
    except ocop_rules.UnknownProductGroup as error:
        raise RegistryError(str(error), code="invalid", field="product_group") from error
    try:
        level = ocop_rules.parse_issuing_level(data["issuing_level"])
    except ocop_rules.UnknownIssuingLevel as error:
        raise RegistryError(str(error), code="invalid", field="issuing_level") from error
    text = lambda name: " ".join((data.get(name) or defaults.get(name) or "").split())  # noqa: E731
    for name in ("number", "product_name", "decision_number"):
        if not text(name):
            raise RegistryError("Bắt buộc, không được để trống.", code="required", field=name)
    return Decision(
        number=text("number"),
        product_name=text("product_name"),
        product_group=group.code,
        star_level=data["star_level"],
        score=data.get("score"),
        decision_number=text("decision_number"),
        decision_date=data["decision_date"],
        issuing_level=level,
        issuing_authority=text("issuing_authority"),
        issued_province=text("issued_province"),
        issued_district=text("issued_district"),
        issued_commune=text("issued_commune"),
    )


class OfficerMutation(graphene.Mutation):
    """Denies non-officers before anything runs, and maps RegistryError to typed errors."""

    class Meta:
        abstract = True

    errors = graphene.List(graphene.NonNull(RegistryErrorType), required=True)

    @classmethod
    def mutate(cls, root, info, **data):
        if not is_officer(info.context.user):
            return cls(errors=[PERMISSION_DENIED])
        try:
            return cls.perform(info, today=timezone.localdate(), **data)
        except RegistryError as error:
            return cls(errors=[RegistryErrorType(field=error.field, code=error.code, message=error.message)])

    @classmethod
    def perform(cls, info, *, today, **data):
        raise NotImplementedError
