"""The shop's reads: catalogue search, home sections, product and producer pages.

Lists come from the catalogue read model (storefront_adapter.CatalogueProduct) in
PostgreSQL, never from Saleor; every result is cached in Redis under the catalogue version
(storefront_adapter.catalogue), which each change bumps, and today's date, so a warm page
costs no SQL and no Saleor call, and a certificate past its last day drops out at
midnight even before the nightly sweep hides its listing (valid_until >= today).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

import ocop_rules
from storefront_adapter.catalogue import cache_key, lapsed_reason
from storefront_adapter.models import CatalogueProduct
from vendors.registry import places
from vendors.registry.models import Producer

PAGE_SIZE = 24
CACHE_SECONDS = 15 * 60  # also retired by every version bump
SORTS = {
    "relevance": "Phù hợp nhất",
    "newest": "Mới công nhận",
    "price_asc": "Giá thấp đến cao",
    "price_desc": "Giá cao đến thấp",
    "stars": "Nhiều sao nhất",
}
_CARD_FIELDS = ("slug", "name", "thumbnail_url", "thumbnail_alt", "star_level", "valid_until", "producer_id",
                "producer_name", "commune_name", "price_min", "price_max", "undiscounted_min", "undiscounted_max",
                "on_sale", "in_stock")


@dataclass(frozen=True)
class ProductCard:
    """What every product card shows."""

    slug: str
    name: str
    thumbnail_url: str
    thumbnail_alt: str
    star_level: int
    valid_until: date
    producer_id: int
    producer_name: str
    commune_name: str
    price_min: int | None
    price_max: int | None
    undiscounted_min: int | None
    undiscounted_max: int | None
    on_sale: bool
    in_stock: bool

    @property
    def price_varies(self) -> bool:
        return self.price_max is not None and self.price_max != self.price_min

    @property
    def shows_undiscounted(self) -> bool:
        return self.on_sale and self.undiscounted_min is not None and self.undiscounted_min != self.price_min


@dataclass(frozen=True)
class CatalogueFilters:
    """What a buyer can search and filter by; empty means any."""

    q: str = ""
    star_level: int | None = None
    product_group: str = ""
    province_code: str = ""
    area: str = ""  # a former district, as certificates name it
    commune_code: str = ""
    producer_id: int | None = None
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool = False
    sort: str = "relevance"

    def key(self) -> str:
        return hashlib.sha1(repr(sorted(asdict(self).items())).encode()).hexdigest()[:20]


@dataclass(frozen=True)
class CataloguePage:
    cards: list[ProductCard]
    total: int
    number: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def _live(today: date) -> QuerySet[CatalogueProduct]:
    return CatalogueProduct.objects.filter(valid_until__gte=today)


def _cards(queryset: QuerySet[CatalogueProduct]) -> list[ProductCard]:
    return [ProductCard(**row) for row in queryset.values(*_CARD_FIELDS)]


def _cached(key: str, compute):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _filtered(filters: CatalogueFilters, today: date) -> QuerySet[CatalogueProduct]:
    queryset = _live(today)
    folded = ocop_rules.fold(filters.q)
    if folded:
        queryset = queryset.filter(Q(search_folded__contains=folded) | Q(certificate_number__iexact=filters.q.strip()))
    if filters.star_level:
        queryset = queryset.filter(star_level=filters.star_level)
    if filters.product_group:
        queryset = queryset.filter(product_group=filters.product_group)
    if filters.province_code:
        queryset = queryset.filter(province_code=filters.province_code)
    if filters.area:
        queryset = queryset.filter(former_district_folded=ocop_rules.fold(filters.area))
    if filters.commune_code:
        queryset = queryset.filter(commune_code=filters.commune_code)
    if filters.producer_id:
        queryset = queryset.filter(producer_id=filters.producer_id)
    if filters.price_min is not None:
        queryset = queryset.filter(price_max__gte=filters.price_min)
    if filters.price_max is not None:
        queryset = queryset.filter(price_min__lte=filters.price_max)
    if filters.in_stock:
        queryset = queryset.filter(in_stock=True)
    return queryset


def _ordered(queryset: QuerySet[CatalogueProduct], filters: CatalogueFilters) -> QuerySet[CatalogueProduct]:
    match filters.sort:
        case "newest":
            return queryset.order_by("-certified_on", "-id")
        case "price_asc":
            return queryset.order_by("price_min", "id")
        case "price_desc":
            return queryset.order_by("-price_max", "id")
        case "stars":
            return queryset.order_by("-star_level", "name", "id")
    folded = ocop_rules.fold(filters.q)
    if folded:  # a name that starts with the words typed first, then the rest
        queryset = queryset.annotate(rank=Case(When(search_folded__startswith=folded, then=Value(0)),
                                               default=Value(1), output_field=IntegerField()))
        return queryset.order_by("rank", "-star_level", "name", "id")
    return queryset.order_by("-star_level", "-in_stock", "name", "id")


def catalogue_search(*, filters: CatalogueFilters, page: int, today: date) -> CataloguePage:
    """One page (24 cards) of the catalogue matching the filters; "ca phe" finds "Cà phê"."""
    def compute() -> CataloguePage:
        queryset = _filtered(filters, today)
        total = queryset.count()
        num_pages = max(1, -(-total // PAGE_SIZE))
        number = min(max(page, 1), num_pages)
        start = (number - 1) * PAGE_SIZE
        cards = _cards(_ordered(queryset, filters)[start:start + PAGE_SIZE]) if total else []
        return CataloguePage(cards=cards, total=total, number=number, num_pages=num_pages)

    return _cached(cache_key("search", today.isoformat(), filters.key(), page), compute)


@dataclass(frozen=True)
class Facets:
    """The filter choices present in the catalogue today, with how many products each has."""

    stars: list[tuple[int, int]]
    groups: list[tuple[ocop_rules.ProductGroup, int]]
    provinces: list[tuple[places.Province, int]]
    areas: list[tuple[str, int]]
    communes: list[tuple[str, str, int]]  # code, name, count
    producers: list[tuple[int, str, int]]  # id, name, count
    total: int


def catalogue_facets(*, today: date) -> Facets:
    def compute() -> Facets:
        rows = list(_live(today).values_list("star_level", "product_group", "province_code", "former_district",
                                             "commune_code", "commune_name", "producer_id", "producer_name"))
        stars = Counter(r[0] for r in rows)
        groups = Counter(r[1] for r in rows)
        provinces = Counter(r[2] for r in rows if r[2])
        areas = Counter(r[3] for r in rows if r[3])
        communes = Counter((r[4], r[5]) for r in rows if r[4])
        producers = Counter((r[6], r[7]) for r in rows)
        return Facets(
            stars=[(s, stars[s]) for s in (5, 4, 3) if stars[s]],
            groups=[(g, groups[g.code]) for g in ocop_rules.PRODUCT_GROUPS],
            provinces=[(p, provinces[p.code]) for p in places.current_provinces() if provinces[p.code]],
            areas=sorted(areas.items(), key=lambda a: ocop_rules.fold(a[0])),
            communes=sorted(((c, n, k) for (c, n), k in communes.items()), key=lambda c: ocop_rules.fold(c[1])),
            producers=sorted(((i, n, k) for (i, n), k in producers.items()), key=lambda p: ocop_rules.fold(p[1])),
            total=len(rows),
        )

    return _cached(cache_key("facets", today.isoformat()), compute)


@dataclass(frozen=True)
class AreaShowcase:
    """A "gian hàng" of an area: the products of one former district."""

    area: str
    total: int
    cards: list[ProductCard]


@dataclass(frozen=True)
class HomeSections:
    featured: list[ProductCard]
    groups: list[tuple[ocop_rules.ProductGroup, int]]
    newest: list[ProductCard]
    areas: list[AreaShowcase]
    total: int
    # Room for the live events and campaigns of later issues.
    live_events: list = field(default_factory=list)
    campaigns: list = field(default_factory=list)


HOME_CARDS = 8
HOME_AREAS = 3


def home_sections(*, today: date) -> HomeSections:
    def compute() -> HomeSections:
        facets = catalogue_facets(today=today)
        live = _live(today)
        featured = _cards(live.filter(in_stock=True).order_by("-star_level", "-certified_on", "id")[:HOME_CARDS])
        newest = _cards(live.order_by("-certified_on", "-id")[:HOME_CARDS])
        top_areas = sorted(facets.areas, key=lambda a: (-a[1], ocop_rules.fold(a[0])))[:HOME_AREAS]
        showcases = []
        if top_areas:
            folded = [ocop_rules.fold(area) for area, _ in top_areas]
            rows = _cards_by_area(live.filter(former_district_folded__in=folded))
            showcases = [AreaShowcase(area=area, total=count, cards=rows.get(ocop_rules.fold(area), [])[:4])
                         for area, count in top_areas]
        return HomeSections(featured=featured, groups=facets.groups, newest=newest, areas=showcases,
                            total=facets.total)

    return _cached(cache_key("home", today.isoformat()), compute)


def _cards_by_area(queryset: QuerySet[CatalogueProduct]) -> dict[str, list[ProductCard]]:
    by_area: dict[str, list[ProductCard]] = {}
    for row in queryset.order_by("-star_level", "name", "id").values("former_district_folded", *_CARD_FIELDS):
        area = row.pop("former_district_folded")
        if len(by_area.setdefault(area, [])) < 4:
            by_area[area].append(ProductCard(**row))
    return by_area


@dataclass(frozen=True)
class ProductFacts:
    """A product page's registry part: the card and the certificate behind it."""

    card: ProductCard
    listing_id: int
    certificate_number: str
    decision_number: str
    decision_date: date
    issuing_level: str
    issuing_authority: str
    product_group: str
    province_name: str
    former_district: str


def catalogue_product(*, slug: str, today: date) -> ProductFacts | None:
    """The product's row when it is in the catalogue and its certificate in force today."""
    def compute():
        row = (_live(today).filter(slug=slug).select_related("listing__certificate").first())
        if row is None:
            return "missing"
        certificate = row.listing.certificate
        province = places.province_or_none(row.province_code)
        return ProductFacts(
            card=ProductCard(**{name: getattr(row, name) for name in _CARD_FIELDS}), listing_id=row.listing_id,
            certificate_number=row.certificate_number, decision_number=certificate.decision_number,
            decision_date=certificate.decision_date,
            issuing_level=ocop_rules.IssuingLevel(certificate.issuing_level).label_vi,
            issuing_authority=certificate.issuing_authority,
            product_group=ocop_rules.product_group(row.product_group).name_vi,
            province_name=province.name if province else certificate.issued_province,
            former_district=row.former_district,
        )

    found = _cached(cache_key("product", today.isoformat(), slug), compute)
    return None if found == "missing" else found


@dataclass(frozen=True)
class ProducerPage:
    producer_id: int
    name: str
    kind: str
    representative: str
    address: str
    cards: list[ProductCard]


def producer_page(*, producer_id: int, today: date) -> ProducerPage | None:
    """A producer's profile and every product of theirs on sale today."""
    def compute():
        producer = Producer.objects.filter(pk=producer_id).first()
        if producer is None:
            return "missing"
        commune = places.commune_or_none(producer.commune_code)
        province = places.province_or_none(producer.province_code)
        address = ", ".join(p for p in (producer.street_address, commune.name if commune else "",
                                        province.name if province else "") if p)
        return ProducerPage(
            producer_id=producer.pk, name=producer.name, kind=ocop_rules.ProducerKind(producer.kind).label_vi,
            representative=producer.representative, address=address,
            cards=_cards(_live(today).filter(producer_id=producer_id).order_by("-star_level", "name", "id")))

    found = _cached(cache_key("producer", today.isoformat(), producer_id), compute)
    return None if found == "missing" else found


@dataclass(frozen=True)
class LapsedProduct:
    name: str
    reason: str
    certificate_number: str


def lapsed_product(*, listing_id: int, today: date) -> LapsedProduct | None:
    """A listing an old link names that is not on sale: its name and why (the reason the
    system recorded when it hid it, or ocop_rules.listing_decision today)."""
    from vendors.listings.models import Listing

    listing = (Listing.objects.select_related("certificate", "vendor").exclude(status=Listing.Status.DRAFT)
               .filter(pk=listing_id).first())
    if listing is None:
        return None
    return LapsedProduct(name=listing.title, reason=lapsed_reason(listing, today=today),
                         certificate_number=listing.certificate.number)
