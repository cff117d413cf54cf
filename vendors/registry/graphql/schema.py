import graphene

from .mutations.record_decision import CertificateRecordDecision
from .mutations.renew import CertificateRenew
from .mutations.revoke import CertificateRevoke
from .queries import RegistryQueries


class RegistryMutations(graphene.ObjectType):
    certificate_record_decision = CertificateRecordDecision.Field()
    certificate_renew = CertificateRenew.Field()
    certificate_revoke = CertificateRevoke.Field()


__all__ = ["RegistryMutations", "RegistryQueries"]
