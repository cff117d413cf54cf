import graphene

from .mutations.apply import VendorApply
from .mutations.approve import VendorApprove
from .mutations.reinstate import VendorReinstate
from .mutations.reject import VendorReject
from .mutations.request_changes import VendorRequestChanges
from .mutations.submit import VendorSubmit
from .mutations.suspend import VendorSuspend
from .queries import OnboardingQueries


class OnboardingMutations(graphene.ObjectType):
    vendor_apply = VendorApply.Field()
    vendor_submit = VendorSubmit.Field()
    vendor_approve = VendorApprove.Field()
    vendor_reject = VendorReject.Field()
    vendor_request_changes = VendorRequestChanges.Field()
    vendor_suspend = VendorSuspend.Field()
    vendor_reinstate = VendorReinstate.Field()


__all__ = ["OnboardingMutations", "OnboardingQueries"]
