from __future__ import annotations

import graphene

from ocop_rules import VendorState
from vendors.graphql_common import NotFound, pk_from_global_id, request_actor

from .. import selectors
from ..models import Vendor
from .types import VendorStateEnum, VendorType

MAX_PAGE = 100


class OnboardingQueries(graphene.ObjectType):
    my_vendor = graphene.Field(VendorType, description="Gian hàng của người dùng (hoặc null).")
    vendor = graphene.Field(
        VendorType, id=graphene.ID(required=True),
        description="Cán bộ OCOP, hoặc người dùng của chính gian hàng; người khác nhận null.",
    )
    vendor_applications = graphene.List(
        graphene.NonNull(VendorType),
        required=True,
        state=graphene.Argument(VendorStateEnum, description="Bỏ trống: mọi trạng thái trừ bản nháp."),
        province_code=graphene.String(),
        first=graphene.Int(default_value=24),
        offset=graphene.Int(default_value=0),
        description="Hồ sơ gian hàng, nộp sớm nhất trước; chỉ cán bộ OCOP (người khác nhận danh sách rỗng).",
    )

    def resolve_my_vendor(self, info):
        return request_actor(info).vendor

    def resolve_vendor(self, info, id):
        actor = request_actor(info)
        try:
            pk = pk_from_global_id(id, "Vendor")
        except NotFound:
            return None
        # Actor.scope filters on a path to the vendor; for Vendor itself that path is its pk.
        if actor.vendor is not None and actor.vendor.pk == pk:
            return actor.vendor
        if actor.officer:
            # A draft is the applicant's own until submitted (as on the officers' pages).
            return Vendor.objects.select_related("producer").exclude(state=VendorState.DRAFT).filter(pk=pk).first()
        return None

    def resolve_vendor_applications(self, info, first, offset, state=None, province_code=None):
        if not request_actor(info).officer:
            return []
        first = max(0, min(first, MAX_PAGE))
        offset = max(0, offset)
        queryset = selectors.review_queue(
            state=state.value if state else "", province_code=(province_code or "").strip()
        )
        return list(queryset.prefetch_related("decisions")[offset : offset + first])
