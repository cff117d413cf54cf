"""A producer's whole way onto the marketplace, in a real browser: sign up on a phone,
apply, be approved by an officer, put a certified product on sale, and see it hidden
when the officer revokes its certificate."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from tests.integration.factories import (
    PASSWORD,
    make_certificate,
    make_officer,
    make_producer,
)

pytestmark = pytest.mark.browser

PRODUCER = "HTX Cà phê Đạo Nghĩa"
PRODUCT = "Cà phê Robusta Đạo Nghĩa"
APPLICANT = "chu.htx@example.vn"


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def confirmation_path(email: str) -> str:
    """The path of the link in the last confirmation email sent to `email`; the link itself
    points at SITE_URL, not at the test server."""
    [message] = [m for m in mail.outbox if m.to == [email] and "Xác nhận email" in m.subject]
    return re.search(r"https?://[^/\s]+(/accounts/confirm/\S+/)", message.body).group(1)


def write_pdf(path):
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return path


def write_png(path):
    Image.new("RGB", (800, 600), (110, 70, 40)).save(path, format="PNG")
    return path


def log_in(page, email: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Mật khẩu:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{next_path}")


def test_producer_signs_up_is_approved_sells_and_sees_the_listing_hidden_when_the_certificate_is_revoked(
    phone_page, page, tmp_path, artifacts
):
    # given a producer in the registry with a valid 4-star certificate, and an officer
    certificate = make_certificate(
        producer=make_producer(PRODUCER, tax_number="6400445566"), product_name=PRODUCT, star_level=4,
        expires_in_days=500,
    )
    make_officer("canbo")
    producer, officer = phone_page, page
    today = timezone.localdate().strftime("%d/%m/%Y")

    # when the producer signs up on a phone and opens the link from the confirmation email
    producer.goto("/accounts/signup/")
    producer.get_by_label("Email:", exact=True).fill(APPLICANT)
    producer.get_by_label("Họ và tên:", exact=True).fill("Nguyễn Thị Hoa")
    producer.get_by_label("Mật khẩu:", exact=True).fill(PASSWORD)
    producer.get_by_label("Nhập lại mật khẩu:", exact=True).fill(PASSWORD)
    producer.get_by_role("button", name="Tạo tài khoản").click()
    producer.get_by_text(f"Chúng tôi vừa gửi liên kết xác nhận đến {APPLICANT}.").wait_for()
    producer.goto(confirmation_path(APPLICANT))

    # then the email is confirmed and the page leads to the application
    assert producer.locator("main section.card p").first.inner_text() == (
        f"Cảm ơn bạn. Email {APPLICANT} đã được xác nhận."
    )

    # when the producer fills in the application, the communes following the province
    producer.locator("main").get_by_role("link", name="Đăng ký bán hàng").click()
    producer.wait_for_url("**/apply/")
    producer.get_by_label("Loại hình chủ thể:", exact=True).select_option(label="Hợp tác xã")
    producer.get_by_label("Tên chủ thể:", exact=True).fill(PRODUCER)
    producer.get_by_label("Mã số thuế / số đăng ký kinh doanh:", exact=True).fill("6400 445 566")
    producer.get_by_label("Tỉnh/thành phố:", exact=True).select_option(label="Tỉnh Lâm Đồng")
    commune = producer.get_by_label("Xã/phường:", exact=True)
    commune.locator("option", has_text="Xã Kiến Đức").wait_for(state="attached")
    commune.select_option(label="Xã Kiến Đức")
    producer.get_by_label("Số nhà, đường, thôn/ấp:", exact=True).fill("Thôn 5")
    producer.get_by_label("Họ tên người đại diện:", exact=True).fill("Nguyễn Thị Hoa")
    producer.get_by_label("Số điện thoại:", exact=True).fill("0912 345 678")
    producer.get_by_label("Số CCCD của người đại diện:", exact=True).fill("067180001234")
    producer.get_by_label("Ngân hàng:", exact=True).fill("Agribank chi nhánh Lâm Đồng")
    producer.get_by_label("Số tài khoản:", exact=True).fill("5300205123456")
    producer.get_by_label("Chủ tài khoản:", exact=True).fill(PRODUCER)
    producer.screenshot(path=artifacts / "vendor-flow-1-application-form.png", full_page=True)
    assert horizontal_overflow(producer) == 0
    producer.get_by_role("button", name="Lưu và tiếp tục").click()

    # then it is saved and the next step asks for the business licence
    producer.get_by_text("Đã lưu hồ sơ. Bước tiếp theo: tải lên giấy chứng nhận đăng ký kinh doanh.").wait_for()
    assert producer.url.endswith("/apply/documents/")

    # when the producer uploads the licence and submits the application
    producer.get_by_label("Giấy chứng nhận đăng ký kinh doanh").set_input_files(
        str(write_pdf(tmp_path / "giay-dkkd.pdf"))
    )
    producer.get_by_role("button", name="Tải lên", exact=True).click()
    producer.get_by_text("Đã tải lên “giay-dkkd.pdf”.").wait_for()
    assert producer.locator("main section.card li").inner_text().startswith("giay-dkkd.pdf · ")
    producer.get_by_role("button", name="Nộp hồ sơ", exact=True).click()

    # then the status page shows it submitted and matched with the registry
    producer.get_by_text("Đã nộp hồ sơ. Cán bộ OCOP sẽ xem và trả lời qua email.").wait_for()
    assert producer.url.endswith("/apply/status/")
    assert producer.locator(".badge").inner_text() == "Đã gửi, chờ duyệt"
    assert producer.get_by_text("Đã khớp với chủ thể trong sổ đăng ký OCOP").inner_text() == (
        f"Đã khớp với chủ thể trong sổ đăng ký OCOP: {PRODUCER} (mã số thuế 6400445566)."
    )
    producer.screenshot(path=artifacts / "vendor-flow-2-submitted.png", full_page=True)

    # when the officer opens the review queue
    log_in(officer, "canbo@example.vn", "/officer/vendors/")

    # then the application is there, matched by tax number, with one valid certificate
    row = officer.locator("table.queue tbody tr", has_text=PRODUCER)
    assert row.locator("td.match").inner_text() == "✓ Khớp mã số thuế 1 GCN còn hiệu lực"
    assert "Xã Kiến Đức, Tỉnh Lâm Đồng" in row.inner_text()
    officer.screenshot(path=artifacts / "vendor-flow-3-queue.png", full_page=True)

    # when the officer opens it and approves it
    row.get_by_role("link", name=PRODUCER).click()
    officer.wait_for_url(re.compile(r"/officer/vendors/\d+/$"))
    assert PRODUCT in officer.locator("section.registry-match li.certificate").inner_text()
    officer.get_by_role("button", name=re.compile("^Duyệt hồ sơ")).click()

    # then the page confirms, and the vendor is approved
    officer.get_by_text(f"Đã duyệt gian hàng “{PRODUCER}”. Người nộp hồ sơ được thông báo qua email.").wait_for()
    assert officer.locator("h1 .badge").inner_text() == "Đã duyệt"

    # when the producer lists the certified product with a photo and two variants
    producer.goto("/portal/listings/new/")
    producer.get_by_label("Giấy chứng nhận OCOP").select_option(
        label=f"{PRODUCT} · 4★ · số {certificate.number} · hiệu lực đến {certificate.expires_on:%d/%m/%Y}"
    )
    assert producer.get_by_label("Tên sản phẩm đăng bán").input_value() == PRODUCT
    first = producer.get_by_role("group", name="Phân loại 1")
    first.get_by_label("Tên phân loại").fill("Hộp 250 g")
    first.get_by_label("Mã SKU").fill("DN-250")
    first.get_by_label("Giá (đồng)").fill("120.000")
    first.get_by_label("Tồn kho").fill("10")
    first.get_by_label("Khối lượng (gam)").fill("250")
    producer.get_by_role("button", name="+ Thêm phân loại").click()
    second = producer.get_by_role("group", name="Phân loại mới")
    second.get_by_label("Tên phân loại").fill("Hộp 500 g")
    second.get_by_label("Mã SKU").fill("DN-500")
    second.get_by_label("Giá (đồng)").fill("200.000")
    second.get_by_label("Tồn kho").fill("5")
    second.get_by_label("Khối lượng (gam)").fill("500")
    producer.get_by_label("Ảnh sản phẩm").set_input_files(str(write_png(tmp_path / "ca-phe.png")))
    producer.screenshot(path=artifacts / "vendor-flow-4-listing-form.png", full_page=True)
    producer.get_by_role("button", name="Đăng bán ngay").click()

    # then the listing is on sale, from the cheaper to the dearer variant, with its thumbnail
    producer.get_by_text(f"Đã đăng bán “{PRODUCT}”.").wait_for()
    assert producer.url.endswith("/portal/listings/")
    listing = producer.locator("li.listing-row")
    assert listing.locator("h3").inner_text() == PRODUCT
    assert listing.locator(".badge").inner_text() == "Đang bán"
    assert listing.locator("p", has=producer.locator(".money")).inner_text() == (
        "120.000 ₫ – 200.000 ₫ · Tồn kho: 15 (2 phân loại)"
    )
    thumbnail = listing.locator("img.thumb")
    assert thumbnail.get_attribute("alt") == PRODUCT
    producer.wait_for_function("img => img.complete", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    producer.screenshot(path=artifacts / "vendor-flow-5-listings-on-sale.png", full_page=True)

    # when the officer revokes the certificate in the admin
    officer.goto("/admin/registry/certificate/")
    officer.locator("#result_list tr", has_text=certificate.number).locator("input[name=_selected_action]").check()
    officer.locator("select[name=action]").select_option(label="Thu hồi giấy chứng nhận đã chọn (ghi lý do)")
    officer.get_by_role("button", name="Đi đến").click()
    officer.get_by_label("Ngày thu hồi").fill(timezone.localdate().isoformat())
    officer.get_by_label("Lý do thu hồi").fill("Sản phẩm không còn đáp ứng tiêu chí OCOP khi kiểm tra định kỳ.")
    officer.get_by_role("button", name="Xác nhận").click()
    officer.get_by_text("Đã thu hồi 1 giấy chứng nhận.").wait_for()

    # then the producer, reloading the listings, sees it hidden and why
    producer.reload()
    assert listing.locator(".badge").inner_text() == "Đang ẩn"
    assert listing.locator(".reason").inner_text() == f"Giấy chứng nhận OCOP đã bị thu hồi ngày {today}"
    producer.screenshot(path=artifacts / "vendor-flow-6-listings-after-revocation.png", full_page=True)
    assert horizontal_overflow(producer) == 0
