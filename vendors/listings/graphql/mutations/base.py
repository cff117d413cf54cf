from __future__ import annotations

import graphene

from vendors.access import Actor
from vendors.graphql_common import get_in_scope, pk_from_global_id

from ...models import Listing
from ...services import VariantInput


class ListingVariantInput(graphene.InputObjectType):
    class Meta:
        name = "VariantInput"

    id = graphene.ID(description="Phân loại đang có (khi sửa); bỏ trống để thêm mới.")
    name = graphene.String(required=True, description="Ví dụ: 250 g")
    sku = graphene.String(required=True)
    price_vnd = graphene.Int(required=True, description="Giá (đồng), lớn hơn 0")
    stock = graphene.Int(required=True)
    stock_shown = graphene.Int(description=(
        "Tồn kho đang hiển thị khi người bán sửa: chỉ phần thay đổi (stock - stockShown) được áp vào số còn lại "
        "(người mua có thể đã mua trong lúc sửa). Bỏ trống: đặt tồn kho đúng bằng stock."))
    weight_grams = graphene.Int(description="Bắt buộc với hàng giao đi; bỏ trống với dịch vụ du lịch.")
    limit_per_customer = graphene.Int(description="Số lượng tối đa mỗi khách; bỏ trống: không giới hạn.")


class ListingInput(graphene.InputObjectType):
    certificate = graphene.ID(required=True, description="Id của giấy chứng nhận (myCertificates).")
    title = graphene.String(description="Bỏ trống: tên sản phẩm trên giấy chứng nhận.")
    description = graphene.String()
    variants = graphene.List(graphene.NonNull(ListingVariantInput), required=True)
    publish = graphene.Boolean(default_value=True, description="Đăng bán ngay (mặc định) hay lưu bản nháp.")


class ListingUpdateInput(graphene.InputObjectType):
    """Replaces title, description and variants; variants not listed are removed."""

    title = graphene.String(required=True)
    description = graphene.String(required=True)
    variants = graphene.List(graphene.NonNull(ListingVariantInput), required=True)


def variants_from_input(variants) -> list[VariantInput]:
    return [
        VariantInput(
            name=variant.name,
            sku=variant.sku,
            price_vnd=variant.price_vnd,
            stock=variant.stock,
            weight_grams=variant.get("weight_grams"),
            limit_per_customer=variant.get("limit_per_customer"),
            stock_shown=variant.get("stock_shown"),
            id=pk_from_global_id(variant.id, "Variant", field="variants") if variant.get("id") else None,
        )
        for variant in variants
    ]


def own_listing(actor: Actor, id: str) -> Listing:
    """A listing of the caller's own vendor. Officers do not edit vendors' listings, and
    Actor.scope would give an officer who also works for a vendor every vendor's."""
    vendor = actor.require_vendor()
    return get_in_scope(actor, Listing.objects.filter(vendor=vendor), id, "Listing")
