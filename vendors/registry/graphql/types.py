from __future__ import annotations

import graphene
from django.utils import timezone
from graphene_django import DjangoObjectType

from .. import places
from ..models import Certificate, Producer

CertificateStatusEnum = graphene.Enum(
    "CertificateStatus",
    [(s, s) for s in ("VALID", "EXPIRING", "EXPIRED", "REVOKED", "SUPERSEDED")],
)


class ProducerType(DjangoObjectType):
    province = graphene.String(description="Tỉnh/thành phố hiện nay (sau 1/7/2025).")
    kind_label = graphene.String(required=True)

    class Meta:
        model = Producer
        name = "Producer"
        fields = ("id", "kind", "name", "tax_number")
        convert_choices_to_enum = False

    def resolve_province(self, info):
        province = places.province_or_none(self.province_code)
        return province.name if province else None

    def resolve_kind_label(self, info):
        return self.get_kind_display()


class CertificateType(DjangoObjectType):
    status = graphene.Field(CertificateStatusEnum, required=True, description="Trạng thái hôm nay.")
    status_label = graphene.String(required=True)
    valid_until = graphene.Date(required=True)
    verify_url = graphene.String(required=True)
    renews_number = graphene.String()
    renewed_by_number = graphene.String()

    class Meta:
        model = Certificate
        name = "Certificate"
        fields = (
            "id", "number", "product_name", "producer", "product_group", "current_product_group",
            "score", "star_level", "decision_number", "decision_date", "issuing_level",
            "issuing_authority", "revoked_on", "revocation_reason", "issued_province",
            "issued_district", "issued_commune",
        )
        convert_choices_to_enum = False

    def resolve_status(self, info):
        return self.current_status(timezone.localdate()).value.upper()

    def resolve_status_label(self, info):
        return self.current_status(timezone.localdate()).label_vi

    def resolve_valid_until(self, info):
        return self.expires_on

    def resolve_verify_url(self, info):
        from ..views import verify_url

        return verify_url(self.number)

    def resolve_renews_number(self, info):
        return self.renews.number if self.renews_id else None

    def resolve_renewed_by_number(self, info):
        renewal = getattr(self, "renewed_by", None)
        return renewal.number if renewal else None


class CertificateList(graphene.ObjectType):
    total_count = graphene.Int(required=True)
    items = graphene.List(graphene.NonNull(CertificateType), required=True)


class RegistryErrorType(graphene.ObjectType):
    """An error a person can fix; `message` is in Vietnamese."""

    class Meta:
        name = "RegistryError"

    field = graphene.String()
    code = graphene.String(required=True)
    message = graphene.String(required=True)
