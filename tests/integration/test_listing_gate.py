"""The certification gate on listings: on sale only while ocop_rules.listing_decision allows it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.integration.factories import make_certificate, make_producer, make_user
from vendors.listings.models import Listing, OutboxEvent
from vendors.listings.services import (
    ListingError,
    VariantInput,
    listing_create,
    listing_hide,
    listing_publish,
    listing_update,
    listings_recheck,
)
from vendors.onboarding.models import Membership, Vendor
from vendors.onboarding.services import vendor_reinstate, vendor_suspend
from vendors.registry.models import Certificate
from vendors.registry.services import Decision, certificate_renew, certificate_revoke, expiry_sweep

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def make_vendor(producer, state="approved") -> Vendor:
    vendor = Vendor.objects.create(
        state=state, producer=producer, kind="htx", name=producer.name, tax_number=producer.tax_number,
        province_code="68", commune_code="24733", street_address="Thôn 1", representative_name="Nguyễn Văn A",
        phone="0905111222", identity_number="012345678901", bank_name="Agribank",
        bank_account_number="0123456789", bank_account_holder="HTX",
    )
    Membership.objects.create(vendor=vendor, user=make_user(f"owner{vendor.pk}"), role="owner")
    return vendor


def coffee_variants() -> list[VariantInput]:
    return [VariantInput(name="Hộp 250 g", sku="CF-250", price_vnd=120_000, stock=10, weight_grams=250),
            VariantInput(name="Hộp 500 g", sku="CF-500", price_vnd=200_000, stock=5, weight_grams=500)]


def on_sale_listing(expires_in_days=300):
    producer = make_producer("HTX Cà phê Đạo Nghĩa")
    certificate = make_certificate(producer=producer, expires_in_days=expires_in_days)
    vendor = make_vendor(producer)
    return listing_create(vendor=vendor, certificate=certificate, variants=coffee_variants(), today=TODAY()), certificate


def test_new_listing_is_on_sale_with_the_certified_name_and_an_outbox_event():
    listing, certificate = on_sale_listing()
    assert (listing.status, listing.title) == ("active", certificate.product_name)
    assert [(v.sku, v.price_vnd) for v in listing.variants.all()] == [("CF-250", 120_000), ("CF-500", 200_000)]
    assert list(OutboxEvent.objects.values_list("kind", flat=True)) == ["listing.upsert"]


def test_revocation_hides_the_listing_at_once_with_the_reason(django_capture_on_commit_callbacks):
    listing, certificate = on_sale_listing()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, revoked_on=TODAY(), reason="Vi phạm chất lượng",
                           actor=None, source="test", today=TODAY())
    listing.refresh_from_db()
    assert (listing.status, listing.hidden_by) == ("hidden", "system")
    assert listing.hidden_reason == f"Giấy chứng nhận OCOP đã bị thu hồi ngày {TODAY():%d/%m/%Y}"
    assert OutboxEvent.objects.last().kind == "listing.unpublish"


def test_expiry_hides_the_listing_and_a_renewal_puts_it_back_on_the_new_certificate(django_capture_on_commit_callbacks):
    listing, certificate = on_sale_listing(expires_in_days=10)
    # time passes: the last valid day was yesterday, and the daily sweep runs
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=TODAY() - timedelta(days=1))
    certificate.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        expiry_sweep(today=TODAY())
    listing.refresh_from_db()
    expected = f"Giấy chứng nhận OCOP đã hết hiệu lực: hiệu lực đến {certificate.expires_on:%d/%m/%Y}"
    assert (listing.status, listing.hidden_reason) == ("hidden", expected)

    renewal_decision = Decision(
        number="GCN-RENEWED", product_name=certificate.product_name, product_group="food", star_level=4,
        decision_number="9/QĐ-UBND", decision_date=TODAY(), issuing_level=__import__("ocop_rules").IssuingLevel.PROVINCE,
        issued_province="Lâm Đồng",
    )
    with django_capture_on_commit_callbacks(execute=True):
        renewal = certificate_renew(certificate=certificate, decision=renewal_decision, actor=None,
                                    source="test", today=TODAY())
    listing.refresh_from_db()
    assert (listing.status, listing.hidden_reason, listing.certificate_id) == ("active", "", renewal.id)


def test_suspension_hides_every_listing_and_reinstatement_shows_them(django_capture_on_commit_callbacks):
    listing, certificate = on_sale_listing()
    second = listing_create(vendor=listing.vendor, certificate=make_certificate(
        producer=certificate.producer, product_name="Cà phê hạt"), variants=[
        VariantInput(name="1 kg", sku="CF-1KG", price_vnd=350_000, stock=3, weight_grams=1000)], today=TODAY())
    officer = make_user("canbo", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        vendor_suspend(vendor=listing.vendor, officer=officer, reason="Giao hàng sai cam kết")
    assert set(Listing.objects.values_list("status", "hidden_by")) == {("hidden", "system")}
    assert Listing.objects.get(pk=second.pk).hidden_reason == "Nhà bán hàng đang bị tạm ngừng hoạt động"

    with django_capture_on_commit_callbacks(execute=True):
        vendor_reinstate(vendor=listing.vendor, officer=officer)
    assert set(Listing.objects.values_list("status", flat=True)) == {"active"}


def test_a_listing_the_vendor_hid_stays_hidden_after_a_recheck():
    listing, _ = on_sale_listing()
    listing_hide(listing=listing)
    assert listings_recheck(today=TODAY()) == 0
    listing.refresh_from_db()
    assert (listing.status, listing.hidden_by) == ("hidden", "vendor")
    assert listing_publish(listing=listing, today=TODAY()).status == "active"


def test_publishing_is_refused_in_plain_words_when_the_certificate_lapsed():
    listing, certificate = on_sale_listing(expires_in_days=0)
    listing_hide(listing=listing)
    with pytest.raises(ListingError) as refused:
        listing_publish(listing=listing, today=TODAY() + timedelta(days=1))
    assert refused.value.message == f"Giấy chứng nhận OCOP đã hết hiệu lực: hiệu lực đến {certificate.expires_on:%d/%m/%Y}"


@pytest.mark.parametrize(("variants", "field"), [
    ([VariantInput(name="250 g", sku="A", price_vnd=0, stock=1, weight_grams=250)], "price_vnd"),
    ([VariantInput(name="250 g", sku="A", price_vnd=1000, stock=-1, weight_grams=250)], "stock"),
    ([VariantInput(name="250 g", sku="A", price_vnd=1000, stock=1)], "weight_grams"),
    ([VariantInput(name="250 g", sku="A", price_vnd=1000, stock=1, weight_grams=250),
      VariantInput(name="500 g", sku="a", price_vnd=1000, stock=1, weight_grams=500)], "sku"),
    ([], "variants"),
])
def test_bad_variants_are_refused_and_nothing_is_written(variants, field):
    producer = make_producer("HTX Mật ong")
    certificate = make_certificate(producer=producer)
    vendor = make_vendor(producer)
    with pytest.raises(ListingError) as refused:
        listing_create(vendor=vendor, certificate=certificate, variants=variants, today=TODAY())
    assert refused.value.field == field
    assert (Listing.objects.count(), OutboxEvent.objects.count()) == (0, 0)


def test_a_certificate_of_another_producer_cannot_be_listed():
    mine, theirs = make_producer("HTX A"), make_producer("HTX B")
    vendor = make_vendor(mine)
    with pytest.raises(ListingError) as refused:
        listing_create(vendor=vendor, certificate=make_certificate(producer=theirs), variants=coffee_variants(), today=TODAY())
    assert refused.value.message == "Giấy chứng nhận này không thuộc chủ thể của gian hàng."
    assert Listing.objects.count() == 0


def test_tourism_services_take_no_weight():
    producer = make_producer("Công ty CP Du lịch Tà Đùng")
    certificate = make_certificate(producer=producer, group="tourism", product_name="Tour Tà Đùng")
    vendor = make_vendor(producer)
    tour = [VariantInput(name="Vé 1 người", sku="TD-1", price_vnd=450_000, stock=30)]
    assert listing_create(vendor=vendor, certificate=certificate, variants=tour, today=TODAY()).status == "active"
    with pytest.raises(ListingError) as refused:
        listing_create(vendor=vendor, certificate=certificate, today=TODAY(),
                       variants=[VariantInput(name="Vé", sku="TD-2", price_vnd=1, stock=1, weight_grams=100)])
    assert refused.value.field == "weight_grams"


def test_two_variants_can_swap_their_skus():
    listing, _ = on_sale_listing()
    small, large = listing.variants.all()
    swapped = [VariantInput(id=small.id, name="Hộp 250 g", sku="CF-500", price_vnd=120_000, stock=10, weight_grams=250),
               VariantInput(id=large.id, name="Hộp 500 g", sku="CF-250", price_vnd=200_000, stock=5, weight_grams=500)]
    listing_update(listing=listing, title=listing.title, description="", variants=swapped)
    assert list(listing.variants.values_list("id", "sku")) == [(small.id, "CF-500"), (large.id, "CF-250")]


def test_a_bad_second_variant_is_named_in_the_message():
    listing, _ = on_sale_listing()
    variants = [VariantInput(name="Hộp 250 g", sku="CF-250", price_vnd=120_000, stock=10, weight_grams=250),
                VariantInput(name="Hộp 500 g", sku="CF-500", price_vnd=0, stock=5, weight_grams=500)]
    with pytest.raises(ListingError) as refused:
        listing_update(listing=listing, title=listing.title, description="", variants=variants)
    assert refused.value.message == "Phân loại 2: Giá phải lớn hơn 0 đồng."


def test_published_photos_carry_no_gps_position(tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from vendors.listings.services import listing_add_photo

    listing, _ = on_sale_listing()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (11.0, 58.0, 0.0), 3: "E", 4: (107.0, 30.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "brown").save(buffer, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif().get(0x8825)  # the upload has a position

    photo = listing_add_photo(listing=listing, upload=SimpleUploadedFile("ca-phe.jpg", buffer.getvalue()))

    with photo.image.open("rb") as published:
        assert Image.open(published).getexif().get(0x8825) is None
