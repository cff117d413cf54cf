"""The registry's pages in a real browser: a buyer on a phone, an officer importing a list."""
from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files import File

from tests.integration.factories import make_certificate, make_officer
from tests.integration.registry_files import row, write_xlsx
from vendors.registry.models import Certificate, RegistryImport
from vendors.registry.tasks import run_registry_import

pytestmark = pytest.mark.browser

from tests.integration.factories import PASSWORD  # noqa: E402


def log_in(page, email: str, next_path: str) -> None:
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


def upload(page, path) -> None:
    page.goto("/registry/import/")
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_url(re.compile(r"/registry/import/\d+/$"))


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_buyer_on_a_phone_finds_a_product_without_diacritics_and_checks_its_certificate(phone_page, artifacts):
    # given a valid coffee certificate and an unrelated product
    coffee = make_certificate(number="GCN-CF-01", product_name="Cà phê Natural Toàn Hằng", star_level=4)
    make_certificate(product_name="Hạt điều rang muối", star_level=3)
    valid_until = coffee.expires_on.strftime("%d/%m/%Y")
    page = phone_page

    # when a buyer types "ca phe" without diacritics on the lookup page
    page.goto("/registry/")
    page.fill("main input[name=q]", "ca phe")
    page.press("main input[name=q]", "Enter")
    page.wait_for_url("**/registry/?q=ca+phe*")

    # then only the coffee shows, with its stars and validity, and the page fits the phone
    cards = page.locator("article.result")
    assert cards.locator("h3").all_inner_texts() == ["Cà phê Natural Toàn Hằng"]
    assert cards.locator(".stars").inner_text() == "★★★★"
    assert "4 sao" in cards.inner_text()
    assert f"Hiệu lực đến {valid_until}" in cards.inner_text()
    assert page.get_by_text("Hạt điều rang muối").count() == 0
    assert page.get_by_text("1 kết quả", exact=True).is_visible()
    page.screenshot(path=artifacts / "lookup-phone.png", full_page=True)
    assert horizontal_overflow(page) == 0

    # when the buyer opens the card
    cards.get_by_role("link", name="Cà phê Natural Toàn Hằng").click()
    page.wait_for_url("**/verify/GCN-CF-01")

    # then the check page says the certificate is valid until its date, with a QR code that loads
    assert page.locator(".badge").inner_text() == "Còn hiệu lực"
    assert page.locator("h1").inner_text() == "Cà phê Natural Toàn Hằng ★★★★"
    assert page.locator(".status-sentence").inner_text() == (
        f"Sản phẩm OCOP 4 sao, giấy chứng nhận còn hiệu lực đến {valid_until}."
    )
    assert page.locator("dt:has-text('Hiệu lực đến') + dd").inner_text() == valid_until
    qr = page.locator("img.qr")
    page.wait_for_function("img => img.complete", arg=qr.element_handle())
    assert qr.evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=artifacts / "verify-phone.png", full_page=True)
    assert horizontal_overflow(page) == 0


def test_unknown_certificate_number_says_so_in_vietnamese(page):
    # when someone checks a number the registry does not hold
    response = page.goto("/verify/KHONG-CO")

    # then the page says it was not found and what to do next
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy giấy chứng nhận Certificate not found"
    assert page.locator("article p").first.inner_text() == (
        "Không tìm thấy giấy chứng nhận OCOP số “KHONG-CO” trong sổ đăng ký. Hãy kiểm tra lại số in trên "
        "bao bì; nếu đúng số mà vẫn không thấy, sản phẩm có thể không phải sản phẩm OCOP được công nhận."
    )
    assert page.get_by_role("link", name="Tra cứu trong sổ đăng ký OCOP").get_attribute("href") == (
        "/registry/?q=KHONG-CO"
    )


def test_officer_uploads_a_valid_list_then_a_list_with_a_bad_star_value(page, tmp_path, artifacts):
    # given an officer logged in
    make_officer("canbo")
    log_in(page, "canbo@example.vn", "/registry/import/")

    # when the officer uploads a valid list
    upload(page, write_xlsx(tmp_path / "danh-sach.xlsx", [row(number="GCN-2024-001")]))

    # then the job page shows the finished bar and the report
    assert page.locator("#state").inner_text() == "Đã nhập"
    assert page.locator("#bar").evaluate("bar => bar.style.width") == "100%"
    assert page.locator("#counter").inner_text() == "1/1 dòng"
    assert page.locator("h2").inner_text() == "Đã nhập 1 dòng"
    assert page.locator("dt:has-text('Giấy chứng nhận mới') + dd").inner_text() == "1"
    page.screenshot(path=artifacts / "import-succeeded.png", full_page=True)

    # when the officer uploads a list whose only product has 7 stars
    upload(page, write_xlsx(tmp_path / "loi.xlsx", [row(number="GCN-2024-002", product="Mật ong rừng", stars="7 sao")]))

    # then the file is rejected whole, with the bad row, column and reason
    assert page.locator("#state").inner_text() == "Bị từ chối"
    assert page.locator("h2.error").inner_text() == "Tệp bị từ chối: 1 lỗi, chưa ghi dòng nào vào sổ đăng ký"
    assert page.locator("table tr").all_inner_texts() == [
        "Dòng\tCột\tLý do",
        "4\tHạng sao\tHạng sao phải từ 1 đến 5: '7 sao'",
    ]
    assert sorted(Certificate.objects.values_list("number", flat=True)) == ["GCN-2024-001"]
    page.screenshot(path=artifacts / "import-rejected.png", full_page=True)


def pending_import(officer, tmp_path) -> RegistryImport:
    path = write_xlsx(tmp_path / "danh-sach.xlsx", [row()])
    with open(path, "rb") as handle:
        return RegistryImport.objects.create(file=File(handle, name=path.name), original_name=path.name,
                                             uploaded_by=officer)


def test_job_page_follows_the_progress_and_shows_the_report_when_the_import_finishes(page, tmp_path):
    # given an officer looking at an upload the worker has not started yet
    job = pending_import(make_officer("canbo"), tmp_path)
    log_in(page, "canbo@example.vn", f"/registry/import/{job.pk}/")
    assert page.locator("#state").inner_text() == "Đang chờ"
    assert page.locator("h2").count() == 0

    # when the worker runs the import
    run_registry_import(job.pk)

    # then the page, polling, reloads itself with the report
    page.locator("h2", has_text="Đã nhập 1 dòng").wait_for()
    assert page.locator("#state").inner_text() == "Đã nhập"
    assert page.locator("#bar").evaluate("bar => bar.style.width") == "100%"
    assert page.locator("#counter").inner_text() == "1/1 dòng"


def test_finished_job_keeps_a_full_bar_after_its_live_progress_expired(page, tmp_path):
    # given an import that finished, whose live progress has since left the cache (kept a day)
    job = pending_import(make_officer("canbo"), tmp_path)
    run_registry_import(job.pk)
    cache.delete(f"registry-import:{job.pk}:progress")

    # when the officer opens it from the list of recent imports
    log_in(page, "canbo@example.vn", "/registry/import/")
    page.get_by_role("link", name="danh-sach.xlsx").click()

    # then the bar is full and counts the file's rows, under the report
    assert page.locator("h2").inner_text() == "Đã nhập 1 dòng"
    assert page.locator("#bar").evaluate("bar => bar.style.width") == "100%"
    assert page.locator("#counter").inner_text() == "1/1 dòng"
