"""Set up the Saleor shop the marketplace sells in, once and idempotently.

``provision(client)`` makes what the sync and the storefront rely on: the channel
``ocop-vn`` (VND, Vietnam, cash on delivery), the shipping zone "Việt Nam" with a flat-rate
method, the OCOP product attributes, the two product types, a category per current product
group (Decision 148/QĐ-TTg), and a warehouse per approved vendor. Every object is first
looked up in Saleor by its slug, name or externalReference, so a second run, or a run on a
database that lost its ``SaleorObject`` rows, creates nothing; each is recorded in
``SaleorObject(kind, key, saleor_id)``.

Call it outside database transactions (STYLE.md rule 6): it talks to Saleor.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings

import ocop_rules
from ocop_rules import IssuingLevel
from vendors.onboarding.models import Vendor
from vendors.registry import places

from .client import SaleorClient
from .errors import SaleorMutationError, raise_for_mutation_errors
from .models import SaleorObject

CHANNEL_SLUG = "ocop-vn"
CHANNEL_NAME = "Sàn OCOP"
SHIPPING_ZONE_NAME = "Việt Nam"
SHIPPING_ZONE_KEY = "viet-nam"
SHIPPING_METHOD_NAME = "Giao hàng tiêu chuẩn"
SHIPPING_METHOD_KEY = "giao-hang-tieu-chuan"
# PLACEHOLDER: one flat nationwide rate until real carrier rates are agreed.
STANDARD_SHIPPING_PRICE_VND = 30_000
STANDARD_DELIVERY_DAYS = (2, 5)


class Kind(StrEnum):
    """``SaleorObject.kind``, with how the operator reads it."""

    CHANNEL = "channel"
    SHIPPING_ZONE = "shipping-zone"
    SHIPPING_METHOD = "shipping-method"
    ATTRIBUTE = "attribute"
    PRODUCT_TYPE = "product-type"
    CATEGORY = "category"
    WAREHOUSE = "warehouse"

    @property
    def label_vi(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    Kind.CHANNEL: "kênh bán hàng", Kind.SHIPPING_ZONE: "vùng giao hàng",
    Kind.SHIPPING_METHOD: "phương thức giao hàng", Kind.ATTRIBUTE: "thuộc tính sản phẩm",
    Kind.PRODUCT_TYPE: "loại sản phẩm", Kind.CATEGORY: "danh mục", Kind.WAREHOUSE: "kho hàng",
}


@dataclass(frozen=True)
class AttributeSpec:
    slug: str
    name: str
    input_type: str
    values: tuple[str, ...] = ()


# Stars, issuing level and group are dropdowns so the storefront can filter by them; the
# sync sets them by value name (Saleor derives the value slugs: "5 sao" -> "5-sao").
ATTRIBUTES = (
    AttributeSpec("ocop-star-level", "Hạng sao OCOP", "DROPDOWN",
                  tuple(f"{stars} sao" for stars in sorted(ocop_rules.CERTIFIABLE_STAR_LEVELS))),
    AttributeSpec("ocop-certificate-number", "Số giấy chứng nhận OCOP", "PLAIN_TEXT"),
    AttributeSpec("ocop-valid-until", "Giấy chứng nhận có hiệu lực đến", "DATE"),
    AttributeSpec("ocop-issuing-level", "Cấp công nhận", "DROPDOWN", tuple(level.label_vi for level in IssuingLevel)),
    AttributeSpec("ocop-product-group", "Nhóm sản phẩm OCOP", "DROPDOWN",
                  tuple(group.name_vi for group in ocop_rules.PRODUCT_GROUPS)),
    AttributeSpec("ocop-producer", "Chủ thể sản xuất", "PLAIN_TEXT"),
)

# (slug, name, shipped): tourism services are not shipped goods.
PRODUCT_TYPES = (
    ("san-pham-ocop", "Sản phẩm OCOP", True),
    ("dich-vu-du-lich-ocop", "Dịch vụ du lịch OCOP", False),
)

# Saleor validates VN addresses against Google's address data, which still lists the 63
# provinces before 1 July 2025. Every one of today's 34 names is there except these two.
_SALEOR_PROVINCE_NAMES = {"Hồ Chí Minh": "Thành phố Hồ Chí Minh", "Huế": "Thừa Thiên–Huế"}


class Action(StrEnum):
    CREATED = "created"
    FOUND = "found"
    UPDATED = "updated"  # found, and attached to the channel or zone where it was missing

    @property
    def label_vi(self) -> str:
        return {"created": "Đã tạo", "found": "Đã có", "updated": "Đã bổ sung"}[self.value]


@dataclass(frozen=True)
class ProvisionedObject:
    kind: Kind
    key: str
    name: str
    saleor_id: str
    action: Action


@dataclass
class ProvisionReport:
    objects: list[ProvisionedObject] = field(default_factory=list)

    def of(self, action: Action) -> list[ProvisionedObject]:
        return [o for o in self.objects if o.action is action]

    @property
    def created(self) -> list[ProvisionedObject]:
        return self.of(Action.CREATED)

    @property
    def changed_nothing(self) -> bool:
        return all(o.action is Action.FOUND for o in self.objects)


def provision(client: SaleorClient, *, vendors: Iterable[Vendor] | None = None) -> ProvisionReport:
    """Make (or find) the whole shop; ``vendors`` defaults to every approved vendor."""
    if vendors is None:
        vendors = Vendor.objects.filter(state=ocop_rules.VendorState.APPROVED).order_by("pk")
    report = ProvisionReport()
    channel = channel_ensure(client, report)
    zone = shipping_zone_ensure(client, report, channel=channel)
    shipping_method_ensure(client, report, channel=channel, zone=zone)
    attribute_ids = attributes_ensure(client, report)
    product_types_ensure(client, report, attribute_ids=attribute_ids)
    categories_ensure(client, report)
    for vendor in vendors:
        report.objects.append(warehouse_ensure(client, vendor=vendor, channel=channel, zone=zone))
    return report


def channel_find(client: SaleorClient) -> dict[str, Any] | None:
    return client.execute("ChannelBySlug", {"slug": CHANNEL_SLUG})["channel"]


def shipping_zone_find(client: SaleorClient) -> dict[str, Any] | None:
    zones = client.execute("ShippingZones", {"search": SHIPPING_ZONE_NAME})["shippingZones"]["edges"]
    # The filter is a substring search; ours is the one named exactly so.
    return next((e["node"] for e in zones if e["node"]["name"] == SHIPPING_ZONE_NAME), None)


def channel_ensure(client: SaleorClient, report: ProvisionReport) -> dict[str, Any]:
    """The shop's channel in VND for Vietnam, set for cash on delivery (see ChannelCreate.graphql)."""
    channel = channel_find(client)
    action = Action.FOUND
    if channel is None:
        made = _mutate(client, "ChannelCreate", {"name": CHANNEL_NAME, "slug": CHANNEL_SLUG}, "channelCreate")
        channel = {**made["channel"], "warehouses": []}
        action = Action.CREATED
    report.objects.append(_record(Kind.CHANNEL, CHANNEL_SLUG, CHANNEL_NAME, channel["id"], action))
    return channel


def shipping_zone_ensure(client: SaleorClient, report: ProvisionReport, *, channel: Mapping[str, Any]) -> dict[str, Any]:
    zone = shipping_zone_find(client)
    if zone is None:
        made = _mutate(client, "ShippingZoneCreate", {"name": SHIPPING_ZONE_NAME, "addChannels": [channel["id"]]},
                       "shippingZoneCreate")
        zone, action = {**made["shippingZone"], "warehouses": []}, Action.CREATED
    elif channel["slug"] not in {c["slug"] for c in zone["channels"]}:
        _mutate(client, "ChannelUpdate", {"id": channel["id"], "addShippingZones": [zone["id"]]}, "channelUpdate")
        action = Action.UPDATED
    else:
        action = Action.FOUND
    report.objects.append(_record(Kind.SHIPPING_ZONE, SHIPPING_ZONE_KEY, SHIPPING_ZONE_NAME, zone["id"], action))
    return zone


def shipping_method_ensure(client: SaleorClient, report: ProvisionReport, *, channel: Mapping[str, Any],
                           zone: Mapping[str, Any]) -> None:
    """A flat-rate method in the zone, priced in the channel (STANDARD_SHIPPING_PRICE_VND)."""
    methods = client.execute("ShippingZoneMethods", {"id": zone["id"]})["shippingZone"]["shippingMethods"] or []
    method = next((m for m in methods if m["name"] == SHIPPING_METHOD_NAME), None)
    if method is None:
        low, high = STANDARD_DELIVERY_DAYS
        method = _mutate(client, "ShippingPriceCreate", {
            "shippingZone": zone["id"], "name": SHIPPING_METHOD_NAME,
            "minimumDeliveryDays": low, "maximumDeliveryDays": high}, "shippingPriceCreate")["shippingMethod"]
        method, action = {**method, "channelListings": []}, Action.CREATED
    else:
        action = Action.FOUND
    if channel["slug"] not in {listing["channel"]["slug"] for listing in method["channelListings"] or ()}:
        _mutate(client, "ShippingMethodChannelListingUpdate", {
            "id": method["id"], "channelId": channel["id"], "price": STANDARD_SHIPPING_PRICE_VND},
            "shippingMethodChannelListingUpdate")
        action = Action.CREATED if action is Action.CREATED else Action.UPDATED
    report.objects.append(_record(Kind.SHIPPING_METHOD, SHIPPING_METHOD_KEY, SHIPPING_METHOD_NAME, method["id"], action))


def attributes_ensure(client: SaleorClient, report: ProvisionReport) -> dict[str, str]:
    """The OCOP attributes by slug; returns {slug: Saleor id}."""
    edges = client.execute("Attributes", {"slugs": [spec.slug for spec in ATTRIBUTES]})["attributes"]["edges"]
    found = {e["node"]["slug"]: e["node"]["id"] for e in edges}
    ids = {}
    for spec in ATTRIBUTES:
        if spec.slug in found:
            ids[spec.slug], action = found[spec.slug], Action.FOUND
        else:
            variables = {"name": spec.name, "slug": spec.slug, "inputType": spec.input_type,
                         "values": [{"name": value} for value in spec.values] or None}
            ids[spec.slug] = _mutate(client, "AttributeCreate", variables, "attributeCreate")["attribute"]["id"]
            action = Action.CREATED
        report.objects.append(_record(Kind.ATTRIBUTE, spec.slug, spec.name, ids[spec.slug], action))
    return ids


def product_types_ensure(client: SaleorClient, report: ProvisionReport, *, attribute_ids: Mapping[str, str]) -> None:
    """Both product types carry every OCOP attribute on the product (not the variant)."""
    edges = client.execute("ProductTypes", {"slugs": [slug for slug, _, _ in PRODUCT_TYPES]})["productTypes"]["edges"]
    found = {e["node"]["slug"]: e["node"] for e in edges}
    for slug, name, shipped in PRODUCT_TYPES:
        product_type = found.get(slug)
        if product_type is None:
            product_type = _mutate(client, "ProductTypeCreate", {
                "name": name, "slug": slug, "isShippingRequired": shipped,
                "productAttributes": list(attribute_ids.values())}, "productTypeCreate")["productType"]
            action = Action.CREATED
        else:
            present = {a["id"] for a in product_type["productAttributes"] or ()}
            missing = [i for i in attribute_ids.values() if i not in present]
            action = Action.FOUND
            if missing:
                _mutate(client, "ProductAttributeAssign", {
                    "productTypeId": product_type["id"],
                    "operations": [{"id": i, "type": "PRODUCT"} for i in missing]}, "productAttributeAssign")
                action = Action.UPDATED
        report.objects.append(_record(Kind.PRODUCT_TYPE, slug, name, product_type["id"], action))


def categories_ensure(client: SaleorClient, report: ProvisionReport) -> None:
    """A top-level category per current product group, slug = group code."""
    groups = ocop_rules.PRODUCT_GROUPS
    edges = client.execute("Categories", {"slugs": [g.code for g in groups]})["categories"]["edges"]
    found = {e["node"]["slug"]: e["node"]["id"] for e in edges}
    for group in groups:
        if group.code in found:
            category_id, action = found[group.code], Action.FOUND
        else:
            category_id = _mutate(client, "CategoryCreate", {"name": group.name_vi, "slug": group.code},
                                  "categoryCreate")["category"]["id"]
            action = Action.CREATED
        report.objects.append(_record(Kind.CATEGORY, group.code, group.name_vi, category_id, action))


def warehouse_reference(vendor_id: int) -> str:
    """As products and variants: SALEOR_REFERENCE_PREFIX (empty in production) keeps test
    databases sharing one Saleor from meeting each other's vendor 1."""
    return f"{getattr(settings, 'SALEOR_REFERENCE_PREFIX', '')}vendor-{vendor_id}"


def saleor_country_area(province: places.Province) -> str:
    """The province as Saleor's VN address rules (Google's i18n address data) name it in
    countryArea: today's short name, spelled as that data spells the two it writes otherwise."""
    return _SALEOR_PROVINCE_NAMES.get(province.short_name, province.short_name)


def warehouse_address(vendor: Vendor) -> dict[str, str]:
    """The vendor's address as Saleor's VN rules take it: street and city are required
    (Saleor upper-cases the city), the province goes in countryArea."""
    province = places.province_or_none(vendor.province_code)
    commune = places.commune_or_none(vendor.commune_code)
    address = {"streetAddress1": vendor.street_address, "city": commune.name if commune else "", "country": "VN"}
    if province is not None:
        address["countryArea"] = saleor_country_area(province)
        address["city"] = address["city"] or province.short_name
    return address


def warehouse_ensure(client: SaleorClient, *, vendor: Vendor, channel: Mapping[str, Any],
                     zone: Mapping[str, Any]) -> ProvisionedObject:
    """The vendor's warehouse (externalReference vendor-<id>), serving the channel and the
    zone; Saleor takes it into the zone only once it serves one of the zone's channels, and
    only through shippingZoneUpdate when the zone already has another vendor's warehouse."""
    reference = warehouse_reference(vendor.pk)
    warehouse = _warehouse_by_reference(client, reference)
    action = Action.FOUND
    if warehouse is None:
        try:
            made = _mutate(client, "WarehouseCreate", {
                "name": vendor.name, "slug": reference, "externalReference": reference,
                "address": warehouse_address(vendor)}, "createWarehouse")["warehouse"]
            warehouse, action = {**made, "shippingZones": {"edges": []}}, Action.CREATED
        except SaleorMutationError as exc:
            # Another run made it between our look-up and our create: use that one.
            warehouse = _warehouse_by_reference(client, reference) if "UNIQUE" in exc.codes else None
            if warehouse is None:
                raise
    if reference not in {w.get("externalReference") for w in channel.get("warehouses") or ()}:
        _mutate(client, "ChannelUpdate", {"id": channel["id"], "addWarehouses": [warehouse["id"]]}, "channelUpdate")
        action = Action.CREATED if action is Action.CREATED else Action.UPDATED
    if zone["id"] not in {e["node"]["id"] for e in warehouse["shippingZones"]["edges"]}:
        _mutate(client, "ShippingZoneUpdate", {"id": zone["id"], "input": {"addWarehouses": [warehouse["id"]]}},
                "shippingZoneUpdate")
        action = Action.CREATED if action is Action.CREATED else Action.UPDATED
    return _record(Kind.WAREHOUSE, f"vendor:{vendor.pk}", vendor.name, warehouse["id"], action)


def _warehouse_by_reference(client: SaleorClient, reference: str) -> dict[str, Any] | None:
    return client.execute("WarehouseByExternalReference", {"externalReference": reference})["warehouse"]


def _mutate(client: SaleorClient, operation_name: str, variables: Mapping[str, Any], mutation_field: str) -> dict:
    return raise_for_mutation_errors(client.execute(operation_name, variables), mutation_field)


def _record(kind: Kind, key: str, name: str, saleor_id: str, action: Action) -> ProvisionedObject:
    SaleorObject.objects.update_or_create(kind=kind.value, key=key, defaults={"saleor_id": saleor_id})
    return ProvisionedObject(kind, key, name, saleor_id, action)
