from __future__ import annotations

import graphene
from django.utils import timezone

from .. import selectors
from ..models import Producer
from ..selectors import CertificateFilters
from .types import CertificateList, CertificateType, ProducerType

MAX_PAGE = 100


class RegistryQueries(graphene.ObjectType):
    certificate = graphene.Field(CertificateType, number=graphene.String(required=True))
    certificates = graphene.Field(
        CertificateList,
        required=True,
        search=graphene.String(),
        star_level=graphene.Int(),
        product_group=graphene.String(),
        province_code=graphene.String(),
        former_district=graphene.String(),
        status=graphene.String(description="valid, expiring, expired, revoked or superseded"),
        first=graphene.Int(default_value=24),
        offset=graphene.Int(default_value=0),
    )
    producer = graphene.Field(ProducerType, tax_number=graphene.String(required=True))

    def resolve_certificate(self, info, number):
        return selectors.certificate_by_number(number)

    def resolve_certificates(self, info, first, offset, **filters):
        first = max(0, min(first, MAX_PAGE))
        offset = max(0, offset)
        queryset = selectors.certificate_search(
            CertificateFilters(
                q=filters.get("search") or "",
                star_level=filters.get("star_level"),
                product_group=filters.get("product_group") or "",
                province_code=filters.get("province_code") or "",
                former_district=filters.get("former_district") or "",
                status=(filters.get("status") or "").lower(),
            ),
            today=timezone.localdate(),
        ).select_related("renews", "renewed_by")
        return CertificateList(total_count=queryset.count(), items=list(queryset[offset : offset + first]))

    def resolve_producer(self, info, tax_number):
        return Producer.objects.filter(tax_number=tax_number.strip()).first()
