"""The vendor portal: dashboard, listings (create, edit, hide, publish), users, profile."""
from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image

import ocop_rules
from tests.integration.factories import make_certificate, make_officer, make_producer
from vendors.listings.models import Listing, OutboxEvent, Photo, Variant
from vendors.listings.services import VariantInput, listing_create
from vendors.onboarding.models import Invitation, Membership, Vendor
from vendors.onboarding.services import vendor_suspend
from vendors.registry.services import certificate_revoke

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem-1"
# Both pages: session, user, the actor (membership + 2 permission queries; looked up once
# per request for the view and the navigation). Then the listings page: page count, counts
# by status, listings with price range and stock, cover photos; the dashboard:
# certificates, variants running low, counts by status.
LISTINGS_PAGE_QUERIES = 9
DASHBOARD_QUERIES = 8


# ---- local helpers -------------------------------------------------------------------

def make_account(email: str):
    return get_user_model().objects.create_user(email=email, password=PASSWORD, email_confirmed_at=timezone.now())


def make_vendor(*, name: str = "HTX Nông nghiệp Nhân Đạo", state: str = "approved", producer=None) -> Vendor:
    producer = producer or make_producer(name)
    return Vendor.objects.create(
        state=state, producer=producer, kind="htx", name=name, tax_number=producer.tax_number,
        province_code="68", commune_code="24733", street_address="Thôn 3",
        representative_name="Nguyễn Văn An", phone="0905111222", identity_number="012345678901",
        bank_name="Agribank", bank_account_number="0123456789", bank_account_holder="HTX Nhân Đạo",
    )


def make_member(vendor: Vendor, email: str, role: str = "owner"):
    user = make_account(email)
    Membership.objects.create(vendor=vendor, user=user, role=role)
    return user


def png_file(name: str = "ca-phe.png", size=(800, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def huge_png_file() -> SimpleUploadedFile:
    """A real PNG of about 6 MB (noise does not compress)."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1450, 1450), os.urandom(1450 * 1450 * 3)).save(buffer, format="PNG")
    assert buffer.tell() > 6 * 1024 * 1024
    return SimpleUploadedFile("lon.png", buffer.getvalue(), content_type="image/png")


def variants_data(rows: list[dict], *, initial: int = 0) -> dict:
    data = {
        "variants-TOTAL_FORMS": str(len(rows)), "variants-INITIAL_FORMS": str(initial),
        "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        data.update({f"variants-{index}-{key}": value for key, value in row.items()})
    return data


def row(name="Hộp 250 g", sku="CF-250", price="150.000", stock="10", weight="250", **extra) -> dict:
    values = {"name": name, "sku": sku, "price_vnd": price, "stock": stock, "weight_grams": weight}
    values.update(extra)
    return {key: value for key, value in values.items() if value is not None}


def post_new(client, certificate_id, rows, *, photos=(), action="publish", title="", description=""):
    data = {"certificate": str(certificate_id), "title": title, "description": description, "action": action}
    data.update(variants_data(rows))
    if photos:
        data["photos"] = list(photos)
    return client.post("/portal/listings/new/", data)


def url_or(name: str, fallback: str) -> str:
    """Onboarding's pages may not be wired yet; the portal then links to their agreed paths."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def files_under(root) -> list[str]:
    return sorted(os.path.join(path, name) for path, _, names in os.walk(root) for name in names)


def make_listing(vendor: Vendor, certificate, *, title="Cà phê rang xay", variants=None, publish=True) -> Listing:
    return listing_create(
        vendor=vendor, certificate=certificate, title=title, description="",
        variants=variants or [VariantInput(name="Hộp 250 g", sku=f"SKU-{Listing.objects.count()}-A",
                                           price_vnd=120000, stock=10, weight_grams=250)],
        publish=publish, today=timezone.localdate(),
    )


@pytest.fixture
def shop(client):
    """An approved vendor with a valid food certificate, and its owner signed in."""
    vendor = make_vendor()
    certificate = make_certificate(producer=vendor.producer, product_name="Cà phê Natural Toàn Hằng")
    owner = make_member(vendor, "chu@example.vn")
    client.force_login(owner)
    return vendor, certificate, owner


def row_counts() -> tuple[int, int, int, int]:
    """(listings, variants, photos, outbox events)"""
    return (Listing.objects.count(), Variant.objects.count(), Photo.objects.count(), OutboxEvent.objects.count())


# ---- creating a listing ---------------------------------------------------------------

def test_owner_creates_an_active_listing_with_a_photo_and_two_variants(client, shop):
    vendor, certificate, _ = shop

    # when the owner fills in two variants (price typed with dots) and one photo
    response = post_new(client, certificate.id, [
        row(name="Hộp 250 g", sku="cf-250", price="120.000", stock="10", weight="250"),
        row(name="Hộp 500 g", sku="CF-500", price="200000", stock="4", weight="500"),
    ], photos=[png_file()], description="Rang mộc")

    # then the listing is on sale, with both variants, the photo, its thumbnail and an outbox event
    assert response.status_code == 302
    assert response.url == "/portal/listings/"
    listing = Listing.objects.get()
    assert (listing.vendor, listing.certificate, listing.status) == (vendor, certificate, "active")
    assert (listing.title, listing.description) == ("Cà phê Natural Toàn Hằng", "Rang mộc")
    assert list(listing.variants.values_list("name", "sku", "price_vnd", "stock", "weight_grams")) == [
        ("Hộp 250 g", "CF-250", 120000, 10, 250),
        ("Hộp 500 g", "CF-500", 200000, 4, 500),
    ]
    photo = listing.photos.get()
    assert os.path.exists(photo.image.path) and os.path.exists(photo.thumbnail.path)
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (480, 360))
    # one event for the listing and one for its photo (listing_add_photo emits its own)
    assert list(OutboxEvent.objects.values_list("listing_id", "kind")) == [(listing.id, "listing.upsert")] * 2

    # and the listings page shows it with its price range and total stock
    page = client.get("/portal/listings/").content.decode()
    assert "120.000 ₫</span> – <span class=\"money\">200.000 ₫" in page
    assert "Tồn kho: 14" in page
    assert photo.thumbnail.url in page


def test_save_as_draft_keeps_the_listing_off_sale(client, shop):
    _, certificate, _ = shop

    response = post_new(client, certificate.id, [row()], action="draft", title="Cà phê quà tặng")

    assert response.status_code == 302
    assert list(Listing.objects.values_list("title", "status")) == [("Cà phê quà tặng", "draft")]
    assert OutboxEvent.objects.count() == 0


def test_the_form_offers_only_certificates_a_listing_may_use(client, shop):
    vendor, certificate, _ = shop
    make_certificate(producer=vendor.producer, product_name="Tiêu hết hạn", expires_in_days=-3)
    make_certificate(product_name="Cà phê của người khác")
    tour = make_certificate(producer=vendor.producer, product_name="Du lịch vườn cà phê", group="tourism")

    response = client.get("/portal/listings/new/")

    field = response.context["form"]["certificate"]
    offered = [choice[0] for choice in field.field.widget.choices]
    assert offered == ["", certificate.id, tour.id]
    page = response.content.decode()
    assert f'value="{tour.id}" data-name="Du lịch vườn cà phê" data-ships="0"' in page
    assert f'value="{certificate.id}" data-name="Cà phê Natural Toàn Hằng" data-ships="1"' in page
    expires = ocop_rules.format_date_vi(certificate.expires_on)
    assert f"Cà phê Natural Toàn Hằng · 4★ · số {certificate.number} · hiệu lực đến {expires}" in page


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        ([row(price="0")], "price_vnd", "Giá phải lớn hơn 0 đồng."),
        ([row(stock="-1")], "stock", "Tồn kho không được âm."),
        ([row(price="15,5")], "price_vnd", "Nhập giá bằng số đồng nguyên, ví dụ 150.000."),
        ([row(sku="CF-1"), row(name="Hộp 500 g", sku="cf-1")], "variants", "Mỗi phân loại cần một mã SKU khác nhau."),
        ([row(weight=None)], "variants", "Cần khối lượng (gam) để tính phí vận chuyển."),
        ([], "variants", "Cần ít nhất một phân loại (ví dụ: 250 g)."),
    ],
    ids=["price-0", "negative-stock", "price-with-decimals", "duplicate-sku", "food-without-weight", "no-variant"],
)
def test_a_bad_variant_shows_its_vietnamese_error_and_creates_nothing(client, shop, rows, where, message):
    _, certificate, _ = shop

    response = post_new(client, certificate.id, rows, photos=[png_file()])

    assert response.status_code == 200
    if where == "variants":
        assert response.context["variants_error"] == message
    else:
        assert response.context["formset"].forms[0].errors == {where: [message]}
    assert message in response.content.decode()
    assert row_counts() == (0, 0, 0, 0)
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_sku_used_by_another_listing_is_refused(client, shop):
    vendor, certificate, _ = shop
    make_listing(vendor, certificate, variants=[VariantInput(name="Gói", sku="CF-250", price_vnd=1000, stock=1, weight_grams=100)])
    before = row_counts()

    response = post_new(client, certificate.id, [row(sku="cf-250")])

    assert response.context["variants_error"] == "Mã SKU CF-250 đã được dùng."
    assert row_counts() == before


def test_a_tourism_service_takes_no_weight(client, shop):
    vendor, _, _ = shop
    tour = make_certificate(producer=vendor.producer, product_name="Du lịch vườn cà phê", group="tourism")

    # when a weight is sent for a tourism service
    refused = post_new(client, tour.id, [row(name="Vé người lớn", sku="TOUR-1", weight="250")])

    # then it is refused, and nothing is created
    assert refused.context["variants_error"] == "Dịch vụ du lịch không có khối lượng và không giao hàng."
    assert row_counts() == (0, 0, 0, 0)

    # when the weight is left out (the page hides the field for tourism)
    accepted = post_new(client, tour.id, [row(name="Vé người lớn", sku="TOUR-1", weight=None)])

    # then the service is listed without weight
    assert accepted.status_code == 302
    assert list(Variant.objects.values_list("sku", "weight_grams")) == [("TOUR-1", None)]


def test_a_certificate_of_another_producer_is_refused(client, shop):
    foreign = make_certificate(product_name="Hạt điều rang muối", producer=make_producer("Công ty TNHH Hồng Đức"))

    response = post_new(client, foreign.id, [row()])

    assert response.status_code == 200
    assert response.context["form"].errors == {"certificate": ["Giấy chứng nhận này không thuộc chủ thể của gian hàng."]}
    assert row_counts() == (0, 0, 0, 0)


def test_an_expired_certificate_is_refused_with_its_date(client, shop):
    vendor, _, _ = shop
    expired = make_certificate(producer=vendor.producer, product_name="Tiêu đen", expires_in_days=-10)
    expires = ocop_rules.format_date_vi(expired.expires_on)

    response = post_new(client, expired.id, [row()])

    assert response.context["form"].errors == {
        "certificate": [f"Giấy chứng nhận OCOP đã hết hiệu lực: hiệu lực đến {expires}"]
    }
    assert row_counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (lambda: SimpleUploadedFile("anh.jpg", b"day khong phai la anh", content_type="image/jpeg"),
         "Tệp không phải ảnh JPEG, PNG hoặc WebP hợp lệ."),
        (huge_png_file, "Ảnh quá lớn (tối đa 5 MB)."),
    ],
    ids=["text-renamed-jpg", "6-MB-image"],
)
def test_a_bad_photo_leaves_nothing_behind(client, shop, photo, message):
    _, certificate, _ = shop

    # when a good photo comes first and the bad one second
    response = post_new(client, certificate.id, [row()], photos=[png_file(), photo()])

    # then the error is on the photos, and neither the listing nor the good photo's files remain
    assert response.status_code == 200
    assert response.context["form"].errors == {"photos": [message]}
    assert row_counts() == (0, 0, 0, 0)
    assert files_under(settings.MEDIA_ROOT) == []


# ---- hiding, publishing, the certification gate --------------------------------------

def test_hide_then_publish_again(client, shop):
    vendor, certificate, _ = shop
    listing = make_listing(vendor, certificate)

    hidden = client.post(f"/portal/listings/{listing.id}/", {"action": "hide"}, follow=True)

    listing.refresh_from_db()
    assert (listing.status, listing.hidden_by, listing.hidden_reason) == ("hidden", "vendor", "Gian hàng đã ẩn sản phẩm này.")
    assert "Đã ẩn sản phẩm: người mua không còn thấy sản phẩm này." in hidden.content.decode()

    published = client.post(f"/portal/listings/{listing.id}/", {"action": "publish"}, follow=True)

    listing.refresh_from_db()
    assert (listing.status, listing.hidden_by, listing.hidden_reason) == ("active", "", "")
    assert "Đã đăng bán sản phẩm." in published.content.decode()
    assert list(OutboxEvent.objects.values_list("kind", flat=True)) == [
        "listing.upsert", "listing.unpublish", "listing.upsert",
    ]


def revoke(certificate, django_capture_on_commit_callbacks, *, days_ago=2):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, revoked_on=today - timedelta(days=days_ago),
                           reason="Vi phạm chất lượng", actor=None, source="test", today=today)
    return ocop_rules.format_date_vi(today - timedelta(days=days_ago))


def test_a_revoked_certificate_hides_the_listing_with_the_reason_in_plain_words(
    client, shop, django_capture_on_commit_callbacks
):
    vendor, certificate, _ = shop
    listing = make_listing(vendor, certificate)

    revoked_on = revoke(certificate, django_capture_on_commit_callbacks)

    reason = f"Giấy chứng nhận OCOP đã bị thu hồi ngày {revoked_on}"
    listing.refresh_from_db()
    assert (listing.status, listing.hidden_by, listing.hidden_reason) == ("hidden", "system", reason)
    assert f'<p class="reason">{reason}</p>' in client.get("/portal/listings/").content.decode()
    assert f"Lý do: {reason}." in client.get(f"/portal/listings/{listing.id}/").content.decode()


def test_publish_is_refused_with_the_plain_reason_when_the_certificate_no_longer_allows_it(
    client, shop, django_capture_on_commit_callbacks
):
    vendor, certificate, _ = shop
    listing = make_listing(vendor, certificate, publish=False)
    revoked_on = revoke(certificate, django_capture_on_commit_callbacks)
    events = OutboxEvent.objects.count()

    response = client.post(f"/portal/listings/{listing.id}/", {"action": "publish"}, follow=True)

    assert f"Chưa thể đăng bán. Giấy chứng nhận OCOP đã bị thu hồi ngày {revoked_on}." in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == "draft"
    assert OutboxEvent.objects.count() == events


# ---- editing ---------------------------------------------------------------------------

def test_staff_edit_keeps_variant_ids_adds_and_removes_variants(client, shop):
    vendor, certificate, _ = shop
    listing = make_listing(vendor, certificate, variants=[
        VariantInput(name="Hộp 250 g", sku="CF-250", price_vnd=120000, stock=10, weight_grams=250),
        VariantInput(name="Hộp 1 kg", sku="CF-1KG", price_vnd=400000, stock=2, weight_grams=1000),
    ])
    keep, drop = listing.variants.order_by("position")
    client.force_login(make_member(vendor, "nhanvien@example.vn", role="staff"))

    data = {"action": "save", "title": "Cà phê rang mộc", "description": "Mới"}
    data.update(variants_data([
        row(id=str(keep.id), name="Hộp 250 g", sku="CF-250", price="130.000", stock="8", weight="250"),
        row(id=str(drop.id), name="Hộp 1 kg", sku="CF-1KG", price="400000", stock="2", weight="1000", DELETE="on"),
        row(name="Hộp 500 g", sku="CF-500", price="220.000", stock="5", weight="500"),
    ], initial=2))
    data["photos"] = [png_file()]
    response = client.post(f"/portal/listings/{listing.id}/", data)

    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.title, listing.description) == ("Cà phê rang mộc", "Mới")
    rows = list(listing.variants.order_by("position").values_list("id", "sku", "price_vnd", "stock"))
    assert rows[0] == (keep.id, "CF-250", 130000, 8)
    assert rows[1][1:] == ("CF-500", 220000, 5)
    assert not Variant.objects.filter(id=drop.id).exists()
    assert listing.photos.count() == 1


def test_a_price_edit_keeps_what_buyers_took_while_the_form_was_open(client, shop):
    # given the vendor opens the edit form at stock 10
    vendor, certificate, _ = shop
    listing = make_listing(vendor, certificate)
    variant = listing.variants.get()
    page = client.get(f"/portal/listings/{listing.id}/")
    assert 'name="variants-0-stock_shown" value="10"' in page.content.decode()
    # and buyers take 3 meanwhile
    Variant.objects.filter(pk=variant.pk).update(stock=7)
    # when the vendor saves a price change with the stock field as shown
    data = {"action": "save", "title": listing.title, "description": ""}
    data.update(variants_data([row(id=str(variant.id), sku=variant.sku, price="130.000", stock="10",
                                   stock_shown="10")], initial=1))
    response = client.post(f"/portal/listings/{listing.id}/", data)
    # then the price changes and the 3 sold stay sold
    assert response.status_code == 302
    assert Variant.objects.values_list("price_vnd", "stock").get(pk=variant.pk) == (130000, 7)


def test_a_stock_edit_applies_the_vendors_change_to_what_is_left_now(client, shop):
    # given the vendor opened the form at 10, buyers took 3, and the vendor typed 15 (5 more arrived)
    vendor, certificate, _ = shop
    listing = make_listing(vendor, certificate)
    variant = listing.variants.get()
    Variant.objects.filter(pk=variant.pk).update(stock=7)
    data = {"action": "save", "title": listing.title, "description": ""}
    data.update(variants_data([row(id=str(variant.id), sku=variant.sku, stock="15", stock_shown="10")], initial=1))
    # when it is saved
    client.post(f"/portal/listings/{listing.id}/", data)
    # then the 5 arrived are added to the 7 left
    assert Variant.objects.get(pk=variant.pk).stock == 12


def test_edit_shows_a_service_error_and_changes_nothing(client, shop):
    vendor, certificate, _ = shop
    listing = make_listing(vendor, certificate)
    variant = listing.variants.get()
    data = {"action": "save", "title": "Tên mới", "description": ""}
    data.update(variants_data([row(id=str(variant.id), sku=variant.sku, weight="")], initial=1))

    response = client.post(f"/portal/listings/{listing.id}/", data)

    assert response.context["variants_error"] == "Cần khối lượng (gam) để tính phí vận chuyển."
    listing.refresh_from_db()
    assert listing.title == "Cà phê rang xay"


def test_the_edit_page_of_a_tourism_service_has_no_weight_field(client, shop):
    vendor, _, _ = shop
    tour = make_certificate(producer=vendor.producer, product_name="Du lịch vườn cà phê", group="tourism")
    listing = make_listing(vendor, tour, variants=[VariantInput(name="Vé", sku="TOUR-1", price_vnd=50000, stock=100)])

    page = client.get(f"/portal/listings/{listing.id}/").content.decode()

    assert "weight_grams" not in page
    assert 'name="variants-0-sku"' in page


# ---- who may reach what -----------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "buyer", "officer", "other_vendor", "own_vendor"])
def test_only_the_listings_own_vendor_can_change_it(client, shop, who):
    vendor, certificate, owner = shop
    listing = make_listing(vendor, certificate)
    variant = listing.variants.get()
    client.logout()
    if who == "buyer":
        client.force_login(make_account("nguoimua@example.vn"))
    elif who == "officer":
        client.force_login(make_officer())
    elif who == "other_vendor":
        other = make_vendor(name="HTX Kiến Đức")
        client.force_login(make_member(other, "chu-khac@example.vn"))
    elif who == "own_vendor":
        client.force_login(owner)
    save = {"action": "save", "title": "Bị đổi", "description": ""}
    save.update(variants_data([row(id=str(variant.id), sku=variant.sku, price="1")], initial=1))
    before = (listing.title, listing.status, OutboxEvent.objects.count())

    get = client.get(f"/portal/listings/{listing.id}/")
    posts = [client.post(f"/portal/listings/{listing.id}/", data) for data in (save, {"action": "hide"})]

    expected = {"anonymous": 302, "buyer": 403, "officer": 403, "other_vendor": 404, "own_vendor": 200}[who]
    assert get.status_code == expected
    listing.refresh_from_db()
    if who == "anonymous":
        assert get.url.startswith(resolve_url(settings.LOGIN_URL))
    if who == "own_vendor":
        assert [post.status_code for post in posts] == [302, 302]
        assert (listing.title, listing.status) == ("Bị đổi", "hidden")
    else:
        assert [post.status_code for post in posts] == [expected, expected]
        assert (listing.title, listing.status, OutboxEvent.objects.count()) == before


@pytest.mark.parametrize("path", ["/portal/", "/portal/listings/", "/portal/listings/new/", "/portal/users/", "/portal/profile/"])
def test_a_buyer_gets_403_and_an_anonymous_visitor_the_login_page(client, db, path):
    client.force_login(make_account("nguoimua@example.vn"))
    assert client.get(path).status_code == 403

    client.logout()
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"{resolve_url(settings.LOGIN_URL)}?next={path}"


def test_another_vendors_listings_never_appear(client, shop):
    vendor, certificate, _ = shop
    other = make_vendor(name="HTX Kiến Đức")
    make_listing(other, make_certificate(producer=other.producer, product_name="Sầu riêng"), title="Sầu riêng")
    make_listing(vendor, certificate, title="Cà phê của tôi")

    response = client.get("/portal/listings/")

    assert [listing.title for listing in response.context["page"]] == ["Cà phê của tôi"]


# ---- the listings page --------------------------------------------------------------------

def test_listings_filter_by_status(client, shop):
    vendor, certificate, _ = shop
    make_listing(vendor, certificate, title="Đang bán")
    make_listing(vendor, certificate, title="Nháp", publish=False)

    drafts = client.get("/portal/listings/", {"status": "draft"})
    everything = client.get("/portal/listings/", {"status": "không có"})

    assert [listing.title for listing in drafts.context["page"]] == ["Nháp"]
    assert sorted(listing.title for listing in everything.context["page"]) == ["Nháp", "Đang bán"]
    assert drafts.context["tabs"] == [("draft", "Bản nháp", 1), ("active", "Đang bán", 1), ("hidden", "Đang ẩn", 0)]


def test_the_listings_page_costs_the_same_queries_for_1_and_50_listings(client, shop, django_assert_num_queries):
    vendor, certificate, _ = shop
    make_listing(vendor, certificate)
    Photo.objects.create(listing=Listing.objects.get(), image="listings/a.png", thumbnail="listings/thumbs/a.jpg")

    with django_assert_num_queries(LISTINGS_PAGE_QUERIES):
        assert len(client.get("/portal/listings/").context["page"]) == 1

    for index in range(49):
        listing = make_listing(vendor, certificate, variants=[
            VariantInput(name="Hộp", sku=f"N-{index}-A", price_vnd=1000, stock=1, weight_grams=1),
            VariantInput(name="Thùng", sku=f"N-{index}-B", price_vnd=9000, stock=9, weight_grams=9),
        ])
        Photo.objects.create(listing=listing, image="listings/a.png", thumbnail="listings/thumbs/a.jpg")
    with django_assert_num_queries(LISTINGS_PAGE_QUERIES):
        assert len(client.get("/portal/listings/").context["page"]) == 50


# ---- the dashboard -------------------------------------------------------------------------

def test_dashboard_shows_certificates_with_countdown_and_warnings(client, shop, django_capture_on_commit_callbacks):
    vendor, certificate, _ = shop
    soon = make_certificate(producer=vendor.producer, product_name="Mật ong", expires_in_days=20)
    week = make_certificate(producer=vendor.producer, product_name="Tiêu", expires_in_days=5)
    expired = make_certificate(producer=vendor.producer, product_name="Điều", expires_in_days=-1)
    revoked = make_certificate(producer=vendor.producer, product_name="Chè")
    revoked_on = revoke(revoked, django_capture_on_commit_callbacks)

    response = client.get("/portal/")

    cards = {card.certificate.id: (card.view.status.value, card.view.days_left, card.warning_window, card.level)
             for card in response.context["board"].certificates}
    assert cards == {
        certificate.id: ("valid", 400, None, "ok"),
        soon.id: ("expiring", 20, 30, "warning"),
        week.id: ("expiring", 5, 7, "danger"),
        expired.id: ("expired", -1, None, "danger"),
        revoked.id: ("revoked", 400, None, "danger"),
    }
    page = response.content.decode()
    assert f"Hiệu lực đến {ocop_rules.format_date_vi(soon.expires_on)} · <span class=\"countdown\">còn 20 ngày</span>" in page
    assert "Còn không quá 30 ngày: hãy đăng ký đánh giá lại trước khi hết hiệu lực." in page
    assert f"Đã hết hiệu lực: hiệu lực đến {ocop_rules.format_date_vi(expired.expires_on)}" in page
    assert f"Đã bị thu hồi ngày {revoked_on}: Vi phạm chất lượng" in page


def test_dashboard_counts_listings_and_shows_stock_running_low(client, shop):
    vendor, certificate, _ = shop
    make_listing(vendor, certificate, title="Cà phê hộp", variants=[
        VariantInput(name="Hộp 250 g", sku="LOW-1", price_vnd=1000, stock=3, weight_grams=250),
        VariantInput(name="Hộp 500 g", sku="OK-1", price_vnd=2000, stock=6, weight_grams=500),
    ])
    make_listing(vendor, certificate, title="Nháp", publish=False)

    response = client.get("/portal/")

    board = response.context["board"]
    assert board.counts == {"draft": 1, "active": 1, "hidden": 0, "all": 2}
    assert [variant.sku for variant in board.low_stock] == ["LOW-1"]
    assert "Còn 3: sắp hết hàng" in response.content.decode()


def test_a_suspended_vendor_sees_the_reason_from_its_latest_decision(client, shop, django_capture_on_commit_callbacks):
    vendor, certificate, _ = shop
    listing = make_listing(vendor, certificate)
    with django_capture_on_commit_callbacks(execute=True):
        vendor_suspend(vendor=vendor, officer=make_officer(), reason="Chưa giao hàng đúng hẹn nhiều lần")

    page = client.get("/portal/").content.decode()

    assert "Gian hàng đang bị tạm ngừng hoạt động." in page
    assert "Lý do: Chưa giao hàng đúng hẹn nhiều lần" in page
    listing.refresh_from_db()
    assert (listing.status, listing.hidden_reason) == ("hidden", "Nhà bán hàng đang bị tạm ngừng hoạt động")


# ---- users and profile ------------------------------------------------------------------------

def test_users_page_lists_members_and_pending_invitations_and_only_the_owner_may_invite(client, shop):
    vendor, _, owner = shop
    staff = make_member(vendor, "nhanvien@example.vn", role="staff")
    Invitation.objects.create(vendor=vendor, email="moi@example.vn", invited_by=owner)
    Invitation.objects.create(vendor=vendor, email="danhan@example.vn", invited_by=owner, accepted_at=timezone.now())
    other = make_vendor(name="HTX Kiến Đức")
    Invitation.objects.create(vendor=other, email="cua-nguoi-khac@example.vn")

    as_owner = client.get("/portal/users/")

    assert [(m.user.email, m.role) for m in as_owner.context["members"]] == [
        ("chu@example.vn", "owner"), ("nhanvien@example.vn", "staff"),
    ]
    assert [i.email for i in as_owner.context["invitations"]] == ["moi@example.vn"]
    assert as_owner.context["invite_url"] == url_or("onboarding:invite", "/apply/invite/")
    assert f'action="{as_owner.context["invite_url"]}"' in as_owner.content.decode()

    client.force_login(staff)
    as_staff = client.get("/portal/users/")

    assert as_staff.context["invite_url"] == ""
    assert 'name="email"' not in as_staff.content.decode()
    assert "Chỉ chủ gian hàng mời được nhân viên." in as_staff.content.decode()


def test_profile_masks_the_bank_account_and_sends_bank_changes_of_an_approved_vendor_to_officers(client, shop):
    page = client.get("/portal/profile/").content.decode()

    assert "•••• 6789" in page
    assert "0123456789" not in page
    assert "012345678901" not in page  # the representative's identity number is not shown
    assert "Thôn 3, Xã Kiến Đức, Tỉnh Lâm Đồng" in page
    assert "hãy liên hệ cán bộ OCOP phụ trách" in page
    assert "Sửa hồ sơ và tài khoản ngân hàng" not in page


def test_owner_of_an_application_with_changes_requested_gets_the_edit_link_and_staff_do_not(client, db):
    vendor = make_vendor(state="changes_requested")
    client.force_login(make_member(vendor, "chu@example.vn"))

    as_owner = client.get("/portal/profile/")

    assert as_owner.context["apply_url"] == url_or("onboarding:apply", "/apply/")
    assert f'href="{as_owner.context["apply_url"]}"' in as_owner.content.decode()

    client.force_login(make_member(vendor, "nhanvien@example.vn", role="staff"))
    as_staff = client.get("/portal/profile/")

    assert as_staff.context["apply_url"] == ""
    assert "Chỉ chủ gian hàng sửa được hồ sơ và tài khoản ngân hàng." in as_staff.content.decode()


def test_the_dashboard_costs_the_same_queries_for_1_and_many_certificates_and_low_stock_rows(
    client, shop, django_assert_num_queries
):
    vendor, certificate, _ = shop
    make_listing(vendor, certificate, variants=[VariantInput(name="Hộp", sku="LOW-0", price_vnd=1000, stock=1, weight_grams=1)])

    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert len(client.get("/portal/").context["board"].certificates) == 1

    for index in range(1, 12):
        more = make_certificate(producer=vendor.producer, product_name=f"Sản phẩm {index}", expires_in_days=index * 10)
        make_listing(vendor, more, variants=[VariantInput(name="Hộp", sku=f"LOW-{index}", price_vnd=1000, stock=2, weight_grams=1)])
    with django_assert_num_queries(DASHBOARD_QUERIES):
        board = client.get("/portal/").context["board"]
    assert (len(board.certificates), len(board.low_stock)) == (12, 12)


# ---- per-customer limits --------------------------------------------------------------

def test_a_variant_can_limit_how_many_one_buyer_takes(client, shop):
    _, certificate, _ = shop
    # when the owner sets 2 per buyer on one variant and leaves the other unlimited
    response = post_new(client, certificate.id, [row(sku="CF-250", limit_per_customer="2"),
                                                 row(name="Hộp 500 g", sku="CF-500", limit_per_customer="")])
    # then the limit is kept on that variant only
    assert response.status_code == 302
    assert dict(Variant.objects.values_list("sku", "limit_per_customer")) == {"CF-250": 2, "CF-500": None}


def test_a_limit_of_zero_is_refused_in_vietnamese_and_nothing_is_saved(client, shop):
    _, certificate, _ = shop
    before = row_counts()
    # when the owner types 0 as the limit
    response = post_new(client, certificate.id, [row(limit_per_customer="0")])
    # then the form says why and nothing is written
    assert response.status_code == 200
    assert "Giới hạn phải từ 1 trở lên." in response.content.decode()
    assert row_counts() == before
