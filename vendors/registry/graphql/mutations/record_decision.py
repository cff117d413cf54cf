import graphene
from django.db import transaction

from ...services import certificate_record_decision, producer_get_or_create
from ..types import CertificateType
from .base import DecisionInput, OfficerMutation, decision_from_input


class ProducerInput(graphene.InputObjectType):
    tax_number = graphene.String(required=True, description="Mã số thuế / số ĐKKD")
    name = graphene.String(required=True)
    kind = graphene.String(description="HTX, THT, DN, HKD; suy ra từ tên nếu bỏ trống")
    province = graphene.String()
    commune = graphene.String()
    phone = graphene.String()
    email = graphene.String()


class CertificateRecordDecision(OfficerMutation):
    """Record a recognition decision for a product that has no live certificate."""

    class Arguments:
        producer = ProducerInput(required=True)
        decision = DecisionInput(required=True)

    certificate = graphene.Field(CertificateType)

    @classmethod
    def perform(cls, info, *, today, producer, decision):
        parsed = decision_from_input(decision)
        # One transaction: a refused decision leaves no new producer behind.
        with transaction.atomic():
            owner, _ = producer_get_or_create(
                tax_number=producer["tax_number"],
                name=producer["name"],
                kind=producer.get("kind") or "",
                province=producer.get("province") or parsed.issued_province,
                commune=producer.get("commune") or "",
                phone=producer.get("phone") or "",
                email=producer.get("email") or "",
            )
            certificate = certificate_record_decision(
                decision=parsed, producer=owner, actor=info.context.user, source="GraphQL", today=today
            )
        return cls(certificate=certificate, errors=[])
