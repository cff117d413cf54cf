"""Writes to listings. Every change a buyer could see writes an OutboxEvent in the same
transaction; the certification gate (ocop_rules.listing_decision) decides what is on sale."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, Greatest
from PIL import Image, ImageOps, UnidentifiedImageError

import ocop_rules
from vendors.errors import UserError
from vendors.onboarding.models import Vendor
from vendors.registry.models import Certificate

from .models import Listing, OutboxEvent, Photo, Variant

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
# Pillow reads many phones' JPEGs (multi-picture: Samsung, iPhone portrait) as "MPO".
PHOTO_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
SKU = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,63}")
THUMBNAIL_SIZE = (480, 480)
MAX_VARIANTS = 20
MAX_PHOTOS_PER_LISTING = 20


class ListingError(UserError):
    pass


@dataclass(frozen=True)
class VariantInput:
    name: str
    sku: str
    price_vnd: int
    stock: int
    weight_grams: int | None = None
    id: int | None = None  # an existing variant of the listing, to update
    limit_per_customer: int | None = None  # at most this many per buyer; None: no limit
    # The stock the vendor's form showed: the edit then changes the stock by (stock -
    # stock_shown), not to `stock`. None: `stock` is the new count, as typed.
    stock_shown: int | None = None


def latest_certificate(certificate: Certificate) -> Certificate:
    """Follow re-evaluations to the certificate now in force for the product."""
    seen = set()
    while certificate.id not in seen and hasattr(certificate, "renewed_by"):
        seen.add(certificate.id)
        certificate = certificate.renewed_by
    return certificate


def _outbox(listing: Listing, kind: str) -> None:
    OutboxEvent.objects.create(
        listing=listing,
        kind=kind,
        payload={"listing_id": listing.id, "status": listing.status, "certificate": listing.certificate.number},
    )


def _check_certificate(vendor: Vendor, certificate: Certificate, today: date) -> None:
    """A vendor lists only its own producer's certificates, and only valid ones
    (ARCHITECTURE.md, flow 3)."""
    if vendor.producer_id is None or certificate.producer_id != vendor.producer_id:
        raise ListingError(
            "Giấy chứng nhận này không thuộc chủ thể của gian hàng.", code="not_owner", field="certificate"
        )
    decision = ocop_rules.listing_decision(certificate, vendor.state, today)
    if not decision.allowed:
        raise ListingError(decision.reason_vi, code=decision.code, field="certificate")


def _check_variants(certificate: Certificate, variants: list[VariantInput], listing: Listing | None) -> None:
    if not variants:
        raise ListingError("Cần ít nhất một phân loại (ví dụ: 250 g).", code="required", field="variants")
    if len(variants) > MAX_VARIANTS:
        raise ListingError(f"Tối đa {MAX_VARIANTS} phân loại.", code="invalid", field="variants")
    ships = ocop_rules.product_group(certificate.current_product_group).ships
    skus = [variant.sku.strip().upper() for variant in variants]
    if len(set(skus)) != len(skus):
        raise ListingError("Mỗi phân loại cần một mã SKU khác nhau.", code="duplicate", field="sku")
    own_ids = {v.id for v in listing.variants.all()} if listing else set()
    taken = Variant.objects.filter(sku__in=skus).exclude(id__in=own_ids).values_list("sku", flat=True).first()
    if taken:
        raise ListingError(f"Mã SKU {taken} đã được dùng.", code="duplicate", field="sku")
    for number, variant in enumerate(variants, start=1):
        # Name the variant when there are several, so the vendor knows which row to fix.
        where = f"Phân loại {number}: " if len(variants) > 1 else ""

        def refuse(message: str, code: str, field: str) -> ListingError:
            return ListingError(where + message, code=code, field=field)

        if variant.id is not None and variant.id not in own_ids:
            raise refuse("Không tìm thấy phân loại.", "not_found", "variants")
        if not variant.name.strip():
            raise refuse("Cần tên phân loại.", "required", "name")
        if not variant.sku.strip():
            raise refuse("Cần mã SKU.", "required", "sku")
        if not SKU.fullmatch(variant.sku.strip().upper()):
            raise refuse("Mã SKU chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (tối đa 64 ký tự).", "invalid", "sku")
        if len(variant.name.strip()) > 64:
            raise refuse("Tên phân loại tối đa 64 ký tự.", "invalid", "name")
        if variant.price_vnd is None or variant.price_vnd <= 0:
            raise refuse("Giá phải lớn hơn 0 đồng.", "invalid", "price_vnd")
        if variant.stock is None or variant.stock < 0 or (variant.stock_shown or 0) < 0:
            raise refuse("Tồn kho không được âm.", "invalid", "stock")
        if variant.limit_per_customer is not None and variant.limit_per_customer < 1:
            raise refuse("Giới hạn mỗi khách phải từ 1 trở lên.", "invalid", "limit_per_customer")
        if ships and not variant.weight_grams:
            raise refuse("Cần khối lượng (gam) để tính phí vận chuyển.", "required", "weight_grams")
        if not ships and variant.weight_grams:
            raise refuse("Dịch vụ du lịch không có khối lượng và không giao hàng.", "invalid", "weight_grams")


def _save_variants(listing: Listing, variants: list[VariantInput]) -> None:
    try:
        with transaction.atomic():
            _write_variants(listing, variants)
    except IntegrityError:  # another listing took the same SKU at the same moment
        raise ListingError("Mã SKU vừa được dùng cho sản phẩm khác.", code="duplicate", field="sku") from None


def _write_variants(listing: Listing, variants: list[VariantInput]) -> None:
    existing = {v.id: v for v in listing.variants.all()}
    keep = {v.id for v in variants if v.id is not None}
    Variant.objects.filter(listing=listing).exclude(id__in=keep).delete()
    # SKUs are unique across the shop: park the kept variants' SKUs on placeholders
    # first, so swapping two SKUs or reusing a renamed one does not collide mid-way.
    Variant.objects.filter(id__in=keep).update(sku=Concat(Value("~"), Cast("id", CharField())))
    for index, data in enumerate(variants):
        variant = existing.get(data.id) if data.id is not None else Variant(listing=listing, stock=data.stock)
        variant.name = data.name.strip()
        variant.sku = data.sku.strip().upper()
        variant.price_vnd = data.price_vnd
        variant.weight_grams = data.weight_grams or None
        variant.limit_per_customer = data.limit_per_customer or None
        variant.position = index
        if variant.pk is None:
            variant.save()
            continue
        variant.save(update_fields=["name", "sku", "price_vnd", "weight_grams", "limit_per_customer", "position"])
        _stock_edit(variant, data)


def _stock_edit(variant: Variant, data: VariantInput) -> None:
    """The stock is the admission count (issue 5, "Stock semantics"): buyers take from it
    while the vendor's form is open, so an edit applies the vendor's change to what is
    left now, in one UPDATE, and leaves it alone when the vendor did not change it. Only
    an input without the stock shown sets the count as given."""
    if data.stock_shown is None:
        Variant.objects.filter(pk=variant.pk).update(stock=data.stock)
    elif data.stock != data.stock_shown:
        Variant.objects.filter(pk=variant.pk).update(stock=Greatest(F("stock") + (data.stock - data.stock_shown), 0))


@transaction.atomic
def listing_create(
    *, vendor: Vendor, certificate: Certificate, title: str = "", description: str = "",
    variants: list[VariantInput], publish: bool = True, today: date,
) -> Listing:
    """A new listing of one of the vendor's valid certificates; the title defaults to
    the certified product name."""
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)  # a suspension commits first or waits
    _check_certificate(vendor, certificate, today)
    _check_variants(certificate, variants, None)
    listing = Listing.objects.create(
        vendor=vendor,
        certificate=certificate,
        title=(title or "").strip() or certificate.product_name,
        description=(description or "").strip(),
        status=Listing.Status.ACTIVE if publish else Listing.Status.DRAFT,
    )
    _save_variants(listing, variants)
    if listing.status == Listing.Status.ACTIVE:
        _outbox(listing, OutboxEvent.Kind.UPSERT)
    return listing


@transaction.atomic
def listing_update(
    *, listing: Listing, title: str, description: str, variants: list[VariantInput]
) -> Listing:
    listing = Listing.objects.select_for_update().select_related("certificate").get(pk=listing.pk)
    _check_variants(listing.certificate, variants, listing)
    title = (title or "").strip()
    if not title:
        raise ListingError("Cần tên sản phẩm.", code="required", field="title")
    if len(title) > 255:
        raise ListingError("Tên sản phẩm tối đa 255 ký tự.", code="invalid", field="title")
    listing.title = title
    listing.description = (description or "").strip()
    listing.save(update_fields=["title", "description", "updated_at"])
    _save_variants(listing, variants)
    if listing.status == Listing.Status.ACTIVE:
        _outbox(listing, OutboxEvent.Kind.UPSERT)
    return listing


@transaction.atomic
def listing_hide(*, listing: Listing) -> Listing:
    """The vendor takes a listing off sale; it stays hidden until the vendor shows it."""
    listing = Listing.objects.select_for_update().select_related("certificate").get(pk=listing.pk)
    was_on_sale = listing.status == Listing.Status.ACTIVE
    listing.status = Listing.Status.HIDDEN
    listing.hidden_by = Listing.HiddenBy.VENDOR
    listing.hidden_reason = "Gian hàng đã ẩn sản phẩm này."
    listing.hidden_reason_en = "Hidden by the vendor."
    listing.save(update_fields=["status", "hidden_by", "hidden_reason", "hidden_reason_en", "updated_at"])
    if was_on_sale:
        _outbox(listing, OutboxEvent.Kind.UNPUBLISH)
    return listing


@transaction.atomic
def listing_publish(*, listing: Listing, today: date) -> Listing:
    """Put a draft or hidden listing on sale, if the certification gate allows it."""
    Vendor.objects.select_for_update().filter(pk=listing.vendor_id).first()  # see listing_create
    listing = Listing.objects.select_for_update().select_related("certificate", "vendor").get(pk=listing.pk)
    listing.certificate = latest_certificate(listing.certificate)
    decision = ocop_rules.listing_decision(listing.certificate, listing.vendor.state, today)
    if not decision.allowed:
        raise ListingError(decision.reason_vi, code=decision.code, field="certificate")
    listing.status = Listing.Status.ACTIVE
    listing.hidden_by = listing.hidden_reason = listing.hidden_reason_en = ""
    listing.save()
    _outbox(listing, OutboxEvent.Kind.UPSERT)
    return listing


def _read_image(upload) -> tuple[Image.Image, bytes]:
    if upload.size > MAX_PHOTO_BYTES:
        raise ListingError("Ảnh quá lớn (tối đa 5 MB).", code="invalid", field="photo")
    try:
        data = upload.read()
        Image.open(io.BytesIO(data)).verify()
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PHOTO_PIXELS:
            raise ListingError("Ảnh có kích thước quá lớn.", code="invalid", field="photo")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ListingError("Tệp không phải ảnh JPEG, PNG hoặc WebP hợp lệ.", code="invalid", field="photo") from error
    if image.format not in PHOTO_FORMATS:
        raise ListingError("Chỉ nhận ảnh JPEG, PNG hoặc WebP.", code="invalid", field="photo")
    return image, data


@transaction.atomic
def listing_add_photo(*, listing: Listing, upload, alt: str = "") -> Photo:
    """A photo, checked by decoding it (not by its name), with a thumbnail made by Pillow."""
    if listing.photos.count() >= MAX_PHOTOS_PER_LISTING:
        raise ListingError(f"Tối đa {MAX_PHOTOS_PER_LISTING} ảnh cho một sản phẩm.", code="invalid", field="photo")
    image, _ = _read_image(upload)
    # Re-encoded, never the uploaded bytes: phones write the GPS position (often the
    # producer's home) into EXIF, and anything appended to the file would be published.
    upright = ImageOps.exif_transpose(image)  # phones store portrait photos sideways
    extension = PHOTO_FORMATS[image.format]
    published = io.BytesIO()
    if extension == "jpg":
        upright.convert("RGB").save(published, format="JPEG", quality=90)
    else:
        upright.save(published, format=image.format if image.format != "MPO" else "JPEG")
    thumbnail = upright.convert("RGB")
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    buffer = io.BytesIO()
    thumbnail.save(buffer, format="JPEG", quality=85)
    position = listing.photos.count()
    photo = Photo(listing=listing, alt=alt or listing.title, position=position)
    photo.image.save(f"listing-{listing.pk}-{position}.{extension}", ContentFile(published.getvalue()), save=False)
    photo.thumbnail.save(f"listing-{listing.pk}-{position}.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    if listing.status == Listing.Status.ACTIVE:
        _outbox(listing, OutboxEvent.Kind.UPSERT)
    return photo


def listings_recheck(
    *, today: date, certificate_ids: list[int] | None = None, vendor_ids: list[int] | None = None
) -> int:
    """Apply the certification gate again: hide what may no longer be sold (with the reason
    in plain words), show again what the system had hidden and may now be sold, and move
    listings of a renewed certificate onto the renewal. Returns the listings changed.

    Runs on every registry change (expiry, revocation, renewal), every vendor state
    change, and in the daily sweep (ARCHITECTURE.md, flows 2 and 4).
    """
    queryset = Listing.objects.exclude(status=Listing.Status.DRAFT)
    if certificate_ids is not None:
        queryset = queryset.filter(certificate_id__in=certificate_ids)
    if vendor_ids is not None:
        queryset = queryset.filter(vendor_id__in=vendor_ids)
    changed = 0
    with transaction.atomic():
        for listing in queryset.select_for_update(of=("self",)).select_related("certificate", "vendor").order_by("id"):
            if _recheck_one(listing, today):
                changed += 1
    return changed


def _recheck_one(listing: Listing, today: date) -> bool:
    current = latest_certificate(listing.certificate)
    moved = current.id != listing.certificate_id
    listing.certificate = current
    decision = ocop_rules.listing_decision(current, listing.vendor.state, today)
    before = (listing.status, listing.hidden_by, listing.hidden_reason)
    if listing.status == Listing.Status.ACTIVE and not decision.allowed:
        listing.status = Listing.Status.HIDDEN
        listing.hidden_by = Listing.HiddenBy.SYSTEM
    elif listing.hidden_by == Listing.HiddenBy.SYSTEM and decision.allowed:
        listing.status = Listing.Status.ACTIVE
        listing.hidden_by = ""
    if listing.hidden_by == Listing.HiddenBy.SYSTEM:
        listing.hidden_reason, listing.hidden_reason_en = decision.reason_vi, decision.reason_en
    elif listing.status == Listing.Status.ACTIVE:
        listing.hidden_reason = listing.hidden_reason_en = ""
    if not moved and before == (listing.status, listing.hidden_by, listing.hidden_reason):
        return False
    listing.save()
    if before[0] != listing.status or moved:
        _outbox(listing, OutboxEvent.Kind.UPSERT if listing.status == Listing.Status.ACTIVE else OutboxEvent.Kind.UNPUBLISH)
    return True
