"""FakeSaleor: an in-memory stand-in for the part of Saleor 3.23 the buyer's shop uses.

It plugs in where ``requests`` would (``connection.transport_override``), answers our
named operations by their ``operationName`` and keeps state between calls: products and
variants mirrored from our listings, checkouts, orders. Tests, the browser tests, the
storefront benchmark and the demo without a Saleor use it; ``tests/live/`` proves the same
journeys against a real Saleor, because a fake drifts.

Each operation is answered by a handler registered with ``@handles("OperationName")`` in
the modules of this package (``catalogue``: the read path; ``checkout``: carts, checkout,
orders). A handler takes ``(fake, variables)`` and returns the GraphQL ``data`` dict, or
raises ``FakeGraphQLError``. An operation without a handler fails the test loudly.

Ids are Saleor's: base64 of "<Type>:<pk>". Money is whole đồng (VND has no minor unit).
"""
from __future__ import annotations

import base64
import itertools
import json as jsonlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..fakes import FakeResponse, RecordedRequest

Handler = Callable[["FakeSaleor", Mapping[str, Any]], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}


def handles(operation_name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[operation_name] = handler
        return handler
    return register


class FakeGraphQLError(Exception):
    """A top-level GraphQL error, as Saleor sends for a bad id or a missing permission."""

    def __init__(self, message: str, code: str = "GRAPHQL_ERROR") -> None:
        super().__init__(message)
        self.code = code


def global_id(type_name: str, pk: Any) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(value: str) -> tuple[str, str]:
    try:
        type_name, _, pk = base64.b64decode(value.encode(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise FakeGraphQLError(f"Couldn't resolve id: {value}.", "GRAPHQL_ERROR") from None
    return type_name, pk


@dataclass
class FakeVariant:
    pk: int
    product_pk: int
    name: str
    sku: str
    external_reference: str
    price: int
    quantity: int
    allocated: int = 0
    weight_grams: int | None = None
    limit_per_customer: int | None = None
    # A promotion's price in the channel (Saleor's discounted price); None when not on sale.
    sale_price: int | None = None

    @property
    def id(self) -> str:
        return global_id("ProductVariant", self.pk)

    @property
    def quantity_available(self) -> int:
        return max(self.quantity - self.allocated, 0)


@dataclass
class FakeProduct:
    pk: int
    slug: str
    name: str
    external_reference: str
    description: str = ""
    category_slug: str = ""
    category_name: str = ""
    product_type_slug: str = "san-pham-ocop"
    is_published: bool = True
    # {attribute slug: value as Saleor returns it for its input type}
    attributes: dict[str, Any] = field(default_factory=dict)
    media: list[dict[str, str]] = field(default_factory=list)
    variant_pks: list[int] = field(default_factory=list)
    updated_at: str = ""

    @property
    def id(self) -> str:
        return global_id("Product", self.pk)


class FakeSaleor:
    """The transport: ``post(url, json=, headers=, timeout=)`` like ``requests.Session``.

    Thread-safe (the browser tests' live server answers from several threads): one lock
    around each operation, which also makes every operation atomic, as a database
    transaction would in Saleor.
    """

    def __init__(self, *, channel_slug: str = "ocop-vn", currency: str = "VND") -> None:
        self.channel_slug = channel_slug
        self.currency = currency
        self.products: dict[int, FakeProduct] = {}
        self.variants: dict[int, FakeVariant] = {}
        # Handler modules keep their own state here (checkouts, orders, ...), by name.
        self.tables: dict[str, dict[Any, Any]] = {}
        self.requests: list[RecordedRequest] = []
        self._ids = itertools.count(1)
        self._lock = threading.RLock()

    # -- state -------------------------------------------------------------------
    def next_pk(self) -> int:
        return next(self._ids)

    def table(self, name: str) -> dict[Any, Any]:
        return self.tables.setdefault(name, {})

    def add_product(self, product: FakeProduct, variants: list[FakeVariant]) -> FakeProduct:
        with self._lock:
            self.products[product.pk] = product
            for variant in variants:
                self.variants[variant.pk] = variant
                if variant.pk not in product.variant_pks:
                    product.variant_pks.append(variant.pk)
        return product

    def product_by_reference(self, reference: str) -> FakeProduct | None:
        return next((p for p in self.products.values() if p.external_reference == reference), None)

    def variant_by_id(self, variant_id: str) -> FakeVariant:
        type_name, pk = from_global_id(variant_id)
        variant = self.variants.get(int(pk)) if type_name == "ProductVariant" and pk.isdigit() else None
        if variant is None:
            raise FakeGraphQLError(f"Couldn't resolve id: {variant_id}.")
        return variant

    def calls(self, operation_name: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.operation_name == operation_name]

    # -- transport ---------------------------------------------------------------
    def post(self, url: str, *, json: Mapping[str, Any], headers: Mapping[str, str],
             timeout: tuple[float, float]) -> FakeResponse:
        body = jsonlib.loads(jsonlib.dumps(json))
        name = body.get("operationName")
        with self._lock:
            self.requests.append(RecordedRequest(url, body, dict(headers), timeout))
            handler = _HANDLERS.get(name)
            if handler is None:
                raise AssertionError(f"FakeSaleor has no handler for operation {name!r}")
            try:
                data = handler(self, body.get("variables") or {})
            except FakeGraphQLError as exc:
                return FakeResponse(200, {"data": None, "errors": [
                    {"message": str(exc), "extensions": {"exception": {"code": exc.code}}}]})
        return FakeResponse(200, {"data": data})


def _load_handlers() -> None:
    # The handler modules register themselves on import; a module not written yet is
    # simply not there.
    import importlib

    for module in ("catalogue", "checkout", "orders", "mirror", "payments"):
        try:
            importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module}":
                raise


_load_handlers()
