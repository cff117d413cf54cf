"""The buyer's shop: home, catalogue search, product and producer pages. Server-rendered,
Vietnamese first. Views parse the request and call selectors; lists never wait on Saleor."""
from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

import ocop_rules
from storefront_adapter.catalogue import storefront_product, versioned_get, versioned_set
from storefront_adapter.errors import SaleorError

from . import selectors
from .selectors import SORTS, CatalogueFilters

GROUP_CODES = {group.code for group in ocop_rules.PRODUCT_GROUPS}
_LISTING_IN_SLUG = re.compile(r"listing-(\d+)$")


def _int(value: str | None, *, low: int = 0, high: int = 10**12) -> int | None:
    value = (value or "").replace(".", "").replace(" ", "").strip()
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def filters_from(params: Mapping[str, str]) -> CatalogueFilters:
    """What the search form sent; anything malformed is ignored, not an error."""
    star = params.get("stars", "")
    group = params.get("group", "")
    sort = params.get("sort", "")
    return CatalogueFilters(
        q=params.get("q", "")[:200].strip(),
        star_level=int(star) if star in {"3", "4", "5"} else None,
        product_group=group if group in GROUP_CODES else "",
        province_code=params.get("province", "")[:8],
        area=params.get("area", "")[:128],
        commune_code=params.get("commune", "")[:8],
        producer_id=_int(params.get("producer"), low=1),
        price_min=_int(params.get("price_min")),
        price_max=_int(params.get("price_max")),
        in_stock=params.get("in_stock") in {"1", "on", "true"},
        sort=sort if sort in SORTS else "relevance",
    )


def query_string(filters: CatalogueFilters) -> str:
    """The search's parameters as filters_from reads them, those left at "any" omitted: the
    links of a page cached per filters carry nothing else from the request."""
    params = {"q": filters.q, "stars": filters.star_level, "group": filters.product_group,
              "province": filters.province_code, "area": filters.area, "commune": filters.commune_code,
              "producer": filters.producer_id, "price_min": filters.price_min, "price_max": filters.price_max,
              "in_stock": "1" if filters.in_stock else "",
              "sort": filters.sort if filters.sort != "relevance" else ""}
    return urlencode({name: value for name, value in params.items() if value not in ("", None)})


def _body(key: tuple, template: str, context) -> str:
    """A page's main part, rendered once per catalogue version (the same for every visitor:
    no form with a CSRF token in it); the header around it is rendered per request."""
    version, body = versioned_get("html", *key)
    if body is None:
        body = render_to_string(template, context())
        versioned_set(version, body, "html", *key, timeout=selectors.CACHE_SECONDS)
    return mark_safe(body)  # noqa: S308  (our own template's output)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    body = _body(("home", today.isoformat()), "shop/_home_body.html",
                 lambda: {"sections": selectors.home_sections(today=today)})
    return render(request, "shop/home.html", {"body": body})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = filters_from(request.GET)
    number = _int(request.GET.get("page"), low=1) or 1

    def context():
        return {"filters": filters, "page": selectors.catalogue_search(filters=filters, page=number, today=today),
                "facets": selectors.catalogue_facets(today=today), "sorts": SORTS,
                "query_string": query_string(filters)}

    # Keyed on what the filters parsed to, never the raw query string: junk parameters
    # (?x=<random>) would otherwise store a new page per request.
    body = _body(("search", today.isoformat(), filters.key(), number), "shop/_search_body.html", context)
    return render(request, "shop/search.html", {"body": body, "filters": filters})


@require_GET
def product(request: HttpRequest, slug: str) -> HttpResponse:
    """A product on sale; one whose certificate lapsed (or whose listing is hidden) answers
    410 with the reason, and nothing to add to a cart."""
    today = timezone.localdate()
    facts = selectors.catalogue_product(slug=slug, today=today)
    live, unavailable = None, False
    if facts is not None:
        try:
            live = storefront_product(slug=slug)
        except SaleorError:
            unavailable = True
        if live is not None or unavailable:
            return render(request, "shop/product.html", {
                "facts": facts, "card": facts.card, "live": live, "unavailable": unavailable,
                "prices": sorted(v.price for v in live.variants if v.price is not None) if live else [],
                "selected": next((v.id for v in live.variants if v.quantity_available > 0), "") if live else "",
            })
    match = _LISTING_IN_SLUG.search(slug)
    gone = selectors.lapsed_product(listing_id=int(match.group(1)), today=today) if match else None
    if gone is None:
        raise Http404("Không tìm thấy sản phẩm.")
    return render(request, "shop/gone.html", {"gone": gone}, status=410)


@require_GET
def producer(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.producer_page(producer_id=pk, today=timezone.localdate())
    if page is None:
        raise Http404("Không tìm thấy chủ thể.")
    body = _body(("producer", timezone.localdate().isoformat(), pk), "shop/_producer_body.html",
                 lambda: {"producer": page})
    return render(request, "shop/producer.html", {"body": body, "producer": page})
