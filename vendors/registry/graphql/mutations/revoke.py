import graphene

from ... import selectors
from ...services import RegistryError, certificate_revoke
from ..types import CertificateType
from .base import OfficerMutation


class CertificateRevoke(OfficerMutation):
    """Revoke a certificate early, with a reason (kept in its history)."""

    class Arguments:
        number = graphene.String(required=True)
        reason = graphene.String(required=True)
        revoked_on = graphene.Date(description="Mặc định: hôm nay")

    certificate = graphene.Field(CertificateType)

    @classmethod
    def perform(cls, info, *, today, number, reason, revoked_on=None):
        certificate = selectors.certificate_by_number(number)
        if certificate is None:
            raise RegistryError(f"Không tìm thấy giấy chứng nhận số {number}.", code="not_found", field="number")
        revoked = certificate_revoke(
            certificate=certificate, revoked_on=revoked_on or today, reason=reason,
            actor=info.context.user, source="GraphQL", today=today,
        )
        return cls(certificate=revoked, errors=[])
