from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from vendors.graphql_common import global_id

from ..models import Listing, Variant

ListingStatusEnum = graphene.Enum("ListingStatus", [(status.name, status.value) for status in Listing.Status])


class ListingCertificateType(graphene.ObjectType):
    """The OCOP certificate a listing sells under; `id` is the global id listingCreate takes."""

    class Meta:
        name = "ListingCertificate"

    id = graphene.ID(required=True)
    number = graphene.String(required=True)
    product_name = graphene.String(required=True)
    star_level = graphene.Int(required=True)
    valid_until = graphene.Date(required=True)

    def resolve_id(self, info):
        return global_id("Certificate", self.pk)

    def resolve_valid_until(self, info):
        return self.expires_on


class VariantType(DjangoObjectType):
    id = graphene.ID(required=True)
    price_vnd = graphene.Int(required=True, description="Giá (đồng)")

    class Meta:
        model = Variant
        name = "Variant"
        fields = ("name", "sku", "stock", "weight_grams", "limit_per_customer")

    def resolve_id(self, info):
        return global_id("Variant", self.pk)


class ListingType(DjangoObjectType):
    id = graphene.ID(required=True)
    status = graphene.Field(ListingStatusEnum, required=True)
    status_label = graphene.String(required=True)
    hidden_reason = graphene.String(description="Vì sao sản phẩm đang ẩn (null khi không ẩn).")
    certificate = graphene.Field(ListingCertificateType, required=True)
    variants = graphene.List(graphene.NonNull(VariantType), required=True)

    class Meta:
        model = Listing
        name = "Listing"
        fields = ("title", "description", "created_at", "updated_at")
        convert_choices_to_enum = False

    def resolve_id(self, info):
        return global_id("Listing", self.pk)

    def resolve_status(self, info):
        # A freshly saved row may hold a Status member; the enum serialises plain values.
        return Listing.Status(self.status).value

    def resolve_status_label(self, info):
        return self.get_status_display()

    def resolve_hidden_reason(self, info):
        return self.hidden_reason or None

    def resolve_variants(self, info):
        return self.variants.all()
