"""FakeSaleor's read path: the product lists and pages the storefront asks for, answered as
Saleor 3.23 answers our documents (CatalogueProducts, StorefrontProduct).

As Saleor does: only products published (and listed) in the channel; an unknown channel is
an error; `first` above 100 is refused; ids in `where` must be Product ids; products come
ordered by slug with opaque cursors; a variant's `quantityAvailable` is its stock minus
what is allocated, capped by the shop's limit per checkout (50 by default); prices are the
channel prices, `sale_price` being a promotion's.
"""
from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from django.utils.text import slugify

from ..provisioning import ATTRIBUTES
from ..sync import description_json
from . import FakeGraphQLError, FakeProduct, FakeSaleor, FakeVariant, from_global_id, handles

MAX_FIRST = 100
LIMIT_QUANTITY_PER_CHECKOUT = 50  # Saleor's default Shop.limitQuantityPerCheckout
_ATTRIBUTES = {spec.slug: spec for spec in ATTRIBUTES}


def _check_channel(fake: FakeSaleor, slug: str | None) -> None:
    if slug != fake.channel_slug:
        raise FakeGraphQLError(f"Channel with '{slug}' slug does not exist.", "NOT_FOUND")


def _money(fake: FakeSaleor, amount: int | None) -> dict[str, Any] | None:
    return None if amount is None else {"gross": {"amount": float(amount), "currency": fake.currency}}


def _variants(fake: FakeSaleor, product: FakeProduct) -> list[FakeVariant]:
    return [fake.variants[pk] for pk in product.variant_pks if pk in fake.variants]


def _price(variant: FakeVariant) -> int:
    return variant.sale_price if variant.sale_price is not None else variant.price


def quantity_available(fake: FakeSaleor, variant: FakeVariant) -> int:
    return min(variant.quantity_available, getattr(fake, "limit_quantity_per_checkout", LIMIT_QUANTITY_PER_CHECKOUT))


def _range(fake: FakeSaleor, amounts: list[int]) -> dict[str, Any] | None:
    if not amounts:
        return None
    return {"start": _money(fake, min(amounts)), "stop": _money(fake, max(amounts))}


def _pricing(fake: FakeSaleor, product: FakeProduct, *, undiscounted: bool) -> dict[str, Any] | None:
    variants = _variants(fake, product)
    if not variants:
        return None
    pricing = {"onSale": any(_price(v) < v.price for v in variants),
               "priceRange": _range(fake, [_price(v) for v in variants])}
    if undiscounted:
        pricing["priceRangeUndiscounted"] = _range(fake, [v.price for v in variants])
    return pricing


def _cursor(product: FakeProduct) -> str:
    return base64.b64encode(json.dumps([product.slug]).encode()).decode()


def _published(fake: FakeSaleor) -> list[FakeProduct]:
    return sorted((p for p in fake.products.values() if p.is_published), key=lambda p: (p.slug, p.pk))


def _where_ids(where: Mapping[str, Any]) -> set[int] | None:
    if "ids" not in where:
        return None
    pks = set()
    for value in where["ids"] or ():
        type_name, pk = from_global_id(value)
        if type_name != "Product" or not pk.isdigit():
            raise FakeGraphQLError(f"Invalid ID: {value}. Expected: Product, received: {type_name}.")
        pks.add(int(pk))
    return pks


@handles("CatalogueProducts")
def catalogue_products(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    _check_channel(fake, variables.get("channel"))
    first = variables["first"]
    if first > MAX_FIRST:
        raise FakeGraphQLError(f"Requesting {first} records on the `products` connection exceeds the `first` "
                               f"limit of {MAX_FIRST} records.")
    ids = _where_ids(variables.get("where") or {})
    products = [p for p in _published(fake) if ids is None or p.pk in ids]
    after = variables.get("after")
    if after:
        [after_slug] = json.loads(base64.b64decode(after))
        products = [p for p in products if p.slug > after_slug]
    page = products[:first]
    edges = [{"node": {
        "id": p.id, "slug": p.slug, "name": p.name, "externalReference": p.external_reference,
        "updatedAt": p.updated_at,
        "thumbnail": {"url": p.media[0]["url"], "alt": p.media[0].get("alt", "")} if p.media else None,
        "pricing": _pricing(fake, p, undiscounted=True),
        "productVariants": {"edges": [{"node": {"id": v.id, "quantityAvailable": quantity_available(fake, v)}}
                                      for v in _variants(fake, p)]},
    }} for p in page]
    return {"products": {
        "pageInfo": {"hasNextPage": len(products) > first, "endCursor": _cursor(page[-1]) if page else None},
        "edges": edges}}


def _assigned_attribute(slug: str, value: Any) -> dict[str, Any]:
    spec = _ATTRIBUTES.get(slug)
    input_type = spec.input_type if spec else "PLAIN_TEXT"
    attribute = {"attribute": {"slug": slug, "name": spec.name if spec else slug, "inputType": input_type}}
    match input_type:
        case "DROPDOWN":
            attribute["choice"] = {"name": value, "slug": slugify(value)}
        case "NUMERIC":
            attribute["numeric"] = float(value)
        case "DATE":
            attribute["date"] = value
        case "BOOLEAN":
            attribute["boolean"] = bool(value)
        case _:
            attribute["plainText"] = value
    return attribute


@handles("StorefrontProduct")
def storefront_product(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    _check_channel(fake, variables.get("channel"))
    found = [p for p in _published(fake) if p.slug == variables["slug"]][:1]
    edges = []
    for p in found:
        pricing = _pricing(fake, p, undiscounted=False)
        edges.append({"node": {
            "id": p.id, "slug": p.slug, "name": p.name, "externalReference": p.external_reference,
            "description": description_json(p.description) if p.description else None,
            "seoTitle": None, "seoDescription": None,
            "isAvailableForPurchase": p.is_published, "availableForPurchaseAt": p.updated_at or None,
            "category": {"slug": p.category_slug, "name": p.category_name} if p.category_slug else None,
            "media": [{"url": m["url"], "alt": m.get("alt", ""), "type": "IMAGE"} for m in p.media],
            "pricing": pricing,
            "productVariants": {"edges": [{"node": {
                "id": v.id, "name": v.name, "sku": v.sku, "externalReference": v.external_reference,
                "quantityAvailable": quantity_available(fake, v), "quantityLimitPerCustomer": v.limit_per_customer,
                "pricing": {"onSale": _price(v) < v.price, "price": _money(fake, _price(v)),
                            "priceUndiscounted": _money(fake, v.price)},
            }} for v in _variants(fake, p)]},
            "assignedAttributes": [_assigned_attribute(slug, value) for slug, value in p.attributes.items()],
        }})
    return {"products": {"edges": edges}}
