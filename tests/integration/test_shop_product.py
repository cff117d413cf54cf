"""The product and producer pages, a lapsed product from an old link (410 with the reason),
and how a change reaches the pages: sync, PRODUCT_* and ORDER_CREATED webhooks, rebuild."""
from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from storefront_adapter import sync
from storefront_adapter.catalogue import catalogue_rebuild, catalogue_refresh, catalogue_version
from storefront_adapter.fake_saleor.mirror import mirror_listings
from storefront_adapter.models import CatalogueProduct, SaleorInstallation, WebhookDelivery
from storefront_adapter.services import webhook_delivery_process
from tests.integration.shop_catalogue import fake_saleor, make_listing, publish  # noqa: F401
from vendors.listings.models import Listing, Variant
from vendors.listings.services import listing_hide
from vendors.registry.services import certificate_revoke

pytestmark = pytest.mark.django_db
_keys = itertools.count(1)


def product_path(listing: Listing) -> str:
    return f"/san-pham/{CatalogueProduct.objects.get(listing=listing).slug}/"


def test_the_product_page_shows_the_certificate_the_variants_and_the_cart_form(client, fake_saleor):
    # given a coffee on sale in two sizes, the larger sold out and limited per customer
    listing = make_listing("Cà phê Robusta", prices=(120_000, 200_000), stock=5)
    publish(fake_saleor)
    small, large = sorted(fake_saleor.variants.values(), key=lambda v: v.price)
    large.allocated, large.limit_per_customer = large.quantity, 2
    certificate = listing.certificate
    # when an anonymous buyer opens the product page
    response = client.get(product_path(listing))
    page = response.content.decode()
    # then it shows the certificate, a link and QR to /verify/<number>, and the cart form
    assert response.status_code == 200
    assert f"<dd>{certificate.number}</dd>" in page
    assert f"{certificate.decision_number}, ngày {certificate.decision_date:%d/%m/%Y}" in page
    assert f'href="/verify/{certificate.number}"' in page and f'src="/qr/{certificate.number}.svg"' in page
    assert f"Hiệu lực đến {certificate.expires_on:%d/%m/%Y}" in page
    assert '<form class="add-to-cart card" method="post" action="/gio-hang/them/">' in page
    assert f'name="variant" value="{small.id}" checked>' in page
    assert f'name="variant" value="{large.id}" disabled>' in page
    assert "Hết hàng" in page and "Mỗi khách mua tối đa 2" in page
    assert 'name="quantity"' in page and 'name="csrfmiddlewaretoken"' in page
    assert f'name="next" value="{product_path(listing)}"' in page
    assert "<strong>120.000 ₫ – 200.000 ₫</strong>" in page


def test_a_sold_out_product_has_no_add_to_cart_button(client, fake_saleor):
    listing = make_listing("Cà phê hết hàng", stock=0)
    publish(fake_saleor)
    page = client.get(product_path(listing)).content.decode()
    assert "Thêm vào giỏ" not in page and "Sản phẩm tạm hết hàng." in page


def test_a_warm_product_page_asks_saleor_nothing(client, fake_saleor, django_assert_num_queries):
    # given a product page seen once (one StorefrontProduct call)
    listing = make_listing("Cà phê Robusta")
    publish(fake_saleor)
    path = product_path(listing)
    client.get(path)
    assert len(fake_saleor.calls("StorefrontProduct")) == 1
    # when it is seen again
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200
    # then Saleor was not asked again
    assert len(fake_saleor.calls("StorefrontProduct")) == 1


def test_a_cold_product_page_costs_one_saleor_call_and_two_queries(client, fake_saleor, django_assert_num_queries):
    # given a product page nobody has seen under the current catalogue version
    listing = make_listing("Cà phê Robusta", prices=(120_000, 200_000))
    publish(fake_saleor)
    path = product_path(listing)
    # when it is shown: its catalogue row with the certificate, and the installation to reach Saleor
    with django_assert_num_queries(2):
        assert client.get(path).status_code == 200
    # then Saleor was asked once, for the live part
    assert [r.operation_name for r in fake_saleor.requests[-1:]] == ["StorefrontProduct"]
    assert len(fake_saleor.calls("StorefrontProduct")) == 1


def test_a_revoked_product_from_an_old_link_says_why_with_410(client, fake_saleor, django_capture_on_commit_callbacks):
    # given a product page a buyer bookmarked
    listing = make_listing("Cà phê Robusta")
    publish(fake_saleor)
    path = product_path(listing)
    client.get(path)
    # when its certificate is revoked (the system hides the listing)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=listing.certificate, revoked_on=timezone.localdate(),
                           reason="Vi phạm chất lượng", actor=None, source="test", today=timezone.localdate())
    listing.refresh_from_db()
    response = client.get(path)
    page = response.content.decode()
    # then the old link answers 410 with the name and the reason, and nothing to add to a cart
    assert response.status_code == 410
    assert "<h1>Cà phê Robusta</h1>" in page
    assert listing.hidden_reason and listing.hidden_reason in page
    assert "Giấy chứng nhận OCOP đã bị thu hồi" in page
    assert "/gio-hang/them/" not in page  # (the header's cart link stays)
    assert "Cà phê Robusta" not in client.get("/search").content.decode()


def test_an_expired_certificate_answers_410_even_before_the_sweep(client, fake_saleor):
    # given a product whose certificate ended yesterday; the nightly sweep has not hidden it
    listing = make_listing("Cà phê Robusta")
    publish(fake_saleor)
    path = product_path(listing)
    yesterday = timezone.localdate() - timedelta(days=1)
    type(listing.certificate).objects.filter(pk=listing.certificate_id).update(expires_on=yesterday)
    CatalogueProduct.objects.filter(listing=listing).update(valid_until=yesterday)
    # when the old link is opened
    response = client.get(path)
    # then 410, saying the certificate expired
    assert response.status_code == 410
    assert f"Giấy chứng nhận OCOP đã hết hiệu lực: hiệu lực đến {yesterday:%d/%m/%Y}" in response.content.decode()


def test_a_listing_the_vendor_hid_answers_410_with_its_reason(client, fake_saleor, django_capture_on_commit_callbacks):
    listing = make_listing("Cà phê Robusta")
    publish(fake_saleor)
    path = product_path(listing)
    with django_capture_on_commit_callbacks(execute=True):
        listing_hide(listing=listing)
    response = client.get(path)
    assert response.status_code == 410
    assert "Gian hàng đã ẩn sản phẩm này." in response.content.decode()


def test_an_unknown_product_is_404(client, fake_saleor):
    assert client.get("/san-pham/khong-co-listing-999999/").status_code == 404
    assert client.get("/san-pham/khong-co/").status_code == 404


def test_the_producer_page_shows_the_profile_and_all_products(client, fake_saleor):
    # given a producer with two products on sale
    first = make_listing("Cà phê Robusta")
    make_listing("Cà phê Arabica", vendor=first.vendor)
    publish(fake_saleor)
    # when its page is shown
    page = client.get(f"/nha-san-xuat/{first.certificate.producer_id}/").content.decode()
    # then both products and the profile
    assert "<h1>HTX Cà phê Đạo Nghĩa</h1>" in page
    assert "2 sản phẩm OCOP đang bán" in page
    assert "Cà phê Robusta" in page and "Cà phê Arabica" in page
    assert client.get("/nha-san-xuat/999999/").status_code == 404


# --- invalidation: a change in Saleor reaches the pages --------------------------------------


def price_on(client, path: str) -> str:
    return re.search(r'<p class="price"><strong>([^<]+)</strong>', client.get(path).content.decode()).group(1)


def test_a_successful_sync_refreshes_the_catalogue(client, fake_saleor, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    # given a product seen at 120.000 ₫ (pages cached)
    listing = make_listing("Cà phê Robusta", prices=(120_000,))
    publish(fake_saleor)
    assert price_on(client, "/search") == "120.000 ₫"
    version = catalogue_version()
    # when the vendor changes the price and the sync pushes it to Saleor
    Variant.objects.filter(listing=listing).update(price_vnd=135_000)

    def push(client, listing_id):
        [product] = mirror_listings(fake_saleor, Listing.objects.filter(pk=listing_id))
        return sync.SyncResult(listing_id=listing_id, saleor_product_id=product.id)

    monkeypatch.setattr(sync, "sync_listing", push)
    with django_capture_on_commit_callbacks(execute=True):
        assert sync.listing_sync_pending(listing_id=listing.pk) is sync.Outcome.SYNCED
    # then the version moved and the catalogue and product page show the new price
    assert catalogue_version() > version
    assert price_on(client, "/search") == "135.000 ₫"
    assert "135.000 ₫" in client.get(product_path(listing)).content.decode()


def delivery(event: str, payload: dict) -> WebhookDelivery:
    return WebhookDelivery.objects.create(installation=SaleorInstallation.objects.get(), event=event, payload=payload,
                                          key=f"key-{next(_keys)}")


def test_a_product_updated_webhook_refreshes_the_catalogue(client, fake_saleor, django_capture_on_commit_callbacks):
    # given a product seen at 120.000 ₫, then repriced in Saleor's dashboard
    listing = make_listing("Cà phê Robusta", prices=(120_000,))
    publish(fake_saleor)
    assert price_on(client, "/search") == "120.000 ₫"
    [product] = fake_saleor.products.values()
    [variant] = fake_saleor.variants.values()
    variant.price = 99_000
    # when Saleor's PRODUCT_UPDATED arrives
    listed = [{"channel": {"slug": "ocop-vn"}, "isPublished": True, "visibleInListings": True,
               "isAvailableForPurchase": True}]
    payload = {"product": {"id": product.id, "externalReference": product.external_reference,
                           "updatedAt": "2026-11-29T05:00:00+00:00", "channelListings": listed}}
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_process(delivery_id=delivery("PRODUCT_UPDATED", payload).pk)
    # then the pages show Saleor's new price
    assert price_on(client, "/search") == "99.000 ₫"
    assert CatalogueProduct.objects.get(listing=listing).price_min == 99_000


def test_a_product_unpublished_in_saleor_leaves_the_catalogue(client, fake_saleor, django_capture_on_commit_callbacks):
    listing = make_listing("Cà phê Robusta")
    publish(fake_saleor)
    [product] = fake_saleor.products.values()
    product.is_published = False
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_process(delivery_id=delivery("PRODUCT_UPDATED", {"product": {
            "id": product.id, "externalReference": product.external_reference, "channelListings": []}}).pk)
    assert not CatalogueProduct.objects.filter(listing=listing).exists()
    assert client.get("/search").content.decode().count("Cà phê Robusta") == 0


def test_a_product_deleted_webhook_removes_the_row(fake_saleor, django_capture_on_commit_callbacks):
    make_listing("Cà phê Robusta")
    publish(fake_saleor)
    [product] = fake_saleor.products.values()
    version = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_process(delivery_id=delivery("PRODUCT_DELETED", {"product": {
            "id": product.id, "externalReference": product.external_reference}}).pk)
    assert CatalogueProduct.objects.count() == 0
    assert catalogue_version() > version


def test_an_order_refreshes_the_stock_shown(client, fake_saleor, django_capture_on_commit_callbacks):
    # given the last 2 units on sale
    listing = make_listing("Cà phê Robusta", stock=2)
    publish(fake_saleor)
    path = product_path(listing)
    assert "Thêm vào giỏ" in client.get(path).content.decode()
    # when Saleor sells both (allocated) and sends ORDER_CREATED
    [variant] = fake_saleor.variants.values()
    variant.allocated = 2
    line = {"id": "T3JkZXJMaW5lOjE=", "quantity": 2, "variant": {
        "id": variant.id, "externalReference": variant.external_reference,
        "product": {"externalReference": f"listing-{listing.pk}"}}, "allocations": []}
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_process(delivery_id=delivery("ORDER_CREATED", {"order": {
            "id": "T3JkZXI6MQ==", "number": "1", "lines": [line]}}).pk)
    # then the product shows sold out
    assert CatalogueProduct.objects.get(listing=listing).in_stock is False
    assert "Sản phẩm tạm hết hàng." in client.get(path).content.decode()


def test_the_rebuild_command_drops_what_saleor_no_longer_publishes(fake_saleor):
    # given two products in the catalogue, one since unpublished in Saleor
    kept = make_listing("Cà phê Robusta")
    dropped = make_listing("Cà phê Arabica", vendor=kept.vendor)
    publish(fake_saleor)
    fake_saleor.product_by_reference(f"listing-{dropped.pk}").is_published = False
    # when the rebuild runs
    call_command("catalogue_rebuild")
    # then only the published one is left
    assert list(CatalogueProduct.objects.values_list("listing_id", flat=True)) == [kept.pk]


def test_a_foreign_product_or_a_listing_not_on_sale_is_not_listed(fake_saleor):
    from storefront_adapter.fake_saleor import FakeProduct

    listing = make_listing("Cà phê Robusta")
    mirror_listings(fake_saleor)
    fake_saleor.add_product(FakeProduct(pk=fake_saleor.next_pk(), slug="hang-ngoai", name="Hàng ngoài",
                                        external_reference=""), [])
    Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.HIDDEN, hidden_by="vendor")
    result = catalogue_rebuild()
    assert CatalogueProduct.objects.count() == 0 and len(result.skipped) == 2


def test_refresh_by_listing_pages_through_saleor(fake_saleor):
    # given more products than one Saleor page holds
    from storefront_adapter import catalogue

    kept = make_listing("Cà phê 0")
    for n in range(1, 5):
        make_listing(f"Cà phê {n}", vendor=kept.vendor)
    mirror_listings(fake_saleor)
    original = catalogue.PAGE_SIZE
    catalogue.PAGE_SIZE = 2
    try:
        catalogue_rebuild()
    finally:
        catalogue.PAGE_SIZE = original
    # then all five came, in three requests
    assert CatalogueProduct.objects.count() == 5
    assert len(fake_saleor.calls("CatalogueProducts")) == 3
    assert catalogue_refresh(listing_ids=[kept.pk]).saved == [fake_saleor.product_by_reference(
        f"listing-{kept.pk}").id]


def test_when_saleor_is_down_the_page_says_so_and_offers_no_cart(client, fake_saleor, monkeypatch):
    from marketplace.shop import views
    from storefront_adapter.errors import SaleorUnavailable

    listing = make_listing("Cà phê Robusta")
    publish(fake_saleor)

    def down(**kwargs):
        raise SaleorUnavailable("StorefrontProduct", attempts=3, reason="timeout")

    monkeypatch.setattr(views, "storefront_product", down)
    response = client.get(product_path(listing))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tạm thời chưa tải được giá và tồn kho." in page and "/gio-hang/them/" not in page
