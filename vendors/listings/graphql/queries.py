from __future__ import annotations

import graphene
from django.utils import timezone

from vendors.graphql_common import NotFound, get_in_scope, request_actor
from vendors.onboarding.selectors import certifiable_certificates

from ..models import Listing
from .types import ListingCertificateType, ListingStatusEnum, ListingType


def _listings():
    # Every field of ListingType in a fixed number of queries, however many rows.
    return Listing.objects.select_related("certificate").prefetch_related("variants")


class ListingQueries(graphene.ObjectType):
    my_listings = graphene.List(
        graphene.NonNull(ListingType), required=True, status=graphene.Argument(ListingStatusEnum),
        description="Sản phẩm của gian hàng người dùng, mới sửa trước.",
    )
    listing = graphene.Field(
        ListingType, id=graphene.ID(required=True),
        description="Người dùng của gian hàng và cán bộ OCOP; người khác nhận null.",
    )
    my_certificates = graphene.List(
        graphene.NonNull(ListingCertificateType), required=True,
        description="Giấy chứng nhận của chủ thể gian hàng có thể dùng để đăng bán hôm nay.",
    )

    def resolve_my_listings(self, info, status=None):
        vendor = request_actor(info).vendor
        if vendor is None:
            return []
        queryset = _listings().filter(vendor=vendor)
        if status is not None:
            queryset = queryset.filter(status=status.value)
        return list(queryset)

    def resolve_listing(self, info, id):
        try:
            return get_in_scope(request_actor(info), _listings(), id, "Listing")
        except NotFound:
            return None

    def resolve_my_certificates(self, info):
        vendor = request_actor(info).vendor
        if vendor is None or vendor.producer_id is None:
            return []
        return certifiable_certificates(vendor.producer, today=timezone.localdate())
