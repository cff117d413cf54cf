import graphene

from ... import selectors
from ...services import RegistryError, certificate_renew
from ..types import CertificateType
from .base import OfficerMutation, decision_from_input


class RenewalInput(graphene.InputObjectType):
    number = graphene.String(required=True, description="Số giấy chứng nhận mới")
    star_level = graphene.Int(required=True)
    score = graphene.Decimal()
    decision_number = graphene.String(required=True)
    decision_date = graphene.Date(required=True)
    issuing_level = graphene.String(required=True)
    issuing_authority = graphene.String()


class CertificateRenew(OfficerMutation):
    """Record a re-evaluation: a new certificate that supersedes the given one."""

    class Arguments:
        number = graphene.String(required=True, description="Số giấy chứng nhận đang có")
        renewal = RenewalInput(required=True)
        reason = graphene.String()

    certificate = graphene.Field(CertificateType)

    @classmethod
    def perform(cls, info, *, today, number, renewal, reason=""):
        certificate = selectors.certificate_by_number(number)
        if certificate is None:
            raise RegistryError(f"Không tìm thấy giấy chứng nhận số {number}.", code="not_found", field="number")
        decision = decision_from_input(
            dict(renewal),
            defaults={
                "product_name": certificate.product_name,
                "product_group": certificate.product_group,
                "issued_province": certificate.issued_province,
                "issued_district": certificate.issued_district,
                "issued_commune": certificate.issued_commune,
            },
        )
        renewed = certificate_renew(
            certificate=certificate, decision=decision, actor=info.context.user, source="GraphQL",
            today=today, reason=reason or "",
        )
        return cls(certificate=renewed, errors=[])
