"""Officers review vendor applications, decide on them with reasons, suspend and reinstate."""
from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from tests.integration.factories import make_certificate, make_producer
from vendors.listings.models import Listing
from vendors.listings.services import VariantInput, listing_create, listing_hide
from vendors.onboarding.models import Decision, Document, Membership, Vendor

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
_numbers = itertools.count(1)
QUEUE = "/officer/vendors/"


def make_owner():
    """An applicant with a confirmed email; tests sign in with force_login, so no password
    (hashing one costs half a second)."""
    return get_user_model().objects.create_user(
        email=f"chu{next(_numbers)}@example.vn", password=None, email_confirmed_at=timezone.now()
    )


def make_applicant(
    name: str = "Hợp tác xã Cà phê Đạo Nghĩa", *, producer=None, tax_number: str | None = None,
    state: str = "submitted", submitted_days_ago: int = 1, province_code: str = "68", commune_code: str = "24733",
) -> Vendor:
    """A vendor as application_submit leaves it: linked to the producer with its tax number."""
    vendor = Vendor.objects.create(
        state=state, producer=producer, kind="htx", name=name,
        tax_number=producer.tax_number if producer else (tax_number or f"65{next(_numbers):08d}"),
        province_code=province_code, commune_code=commune_code, street_address="Thôn 3",
        representative_name="Nguyễn Văn An", phone="0905111222", identity_number="012345678901",
        bank_name="Agribank", bank_account_number="5100205123456", bank_account_holder="HTX Cà phê Đạo Nghĩa",
        submitted_at=None if state == "draft" else timezone.now() - timedelta(days=submitted_days_ago),
    )
    owner = make_owner()
    Membership.objects.create(vendor=vendor, user=owner, role=Membership.Role.OWNER)
    if state != "draft":
        Decision.objects.create(vendor=vendor, action="submit", from_state="draft", to_state="submitted", actor=owner)
    return vendor


def certified_applicant(name: str = "Hợp tác xã Cà phê Đạo Nghĩa", *, state: str = "submitted", **extra) -> Vendor:
    producer = make_producer(name)
    make_certificate(producer=producer, product_name="Cà phê rang xay Đạo Nghĩa", star_level=4, expires_in_days=400)
    return make_applicant(name, producer=producer, state=state, **extra)


def owner_email(vendor: Vendor) -> str:
    return Membership.objects.get(vendor=vendor, role="owner").user.email


def queue_names(response) -> list[str]:
    return re.findall(r'<a href="/officer/vendors/\d+/">([^<]+)</a>', response.content.decode())


def decide(client, vendor, action, reason, callbacks):
    """POST a decision, running what the service defers to after commit (email, listings)."""
    with callbacks(execute=True):
        return client.post(f"/officer/vendors/{vendor.pk}/decide/", {"action": action, "reason": reason})


def vendor_page(client, vendor) -> str:
    return client.get(f"/officer/vendors/{vendor.pk}/").content.decode()


def disabled_approval(reason: str) -> re.Pattern:
    return re.compile(rf'Chưa duyệt được: {re.escape(reason)}</p>\s*<button type="submit" disabled')


def listing_of(vendor, certificate, sku):
    variant = VariantInput(name="Hộp 250 g", sku=sku, price_vnd=120_000, stock=10, weight_grams=250)
    return listing_create(vendor=vendor, certificate=certificate, variants=[variant], today=TODAY())


# --- the queue ------------------------------------------------------------------------


def test_queue_lists_submitted_applications_oldest_first(client, officer):
    certified_applicant("HTX Mới nộp", submitted_days_ago=1)
    certified_applicant("HTX Nộp sớm nhất", submitted_days_ago=9)
    make_applicant("Hộ kinh doanh Nộp giữa", submitted_days_ago=4)
    certified_applicant("HTX Đã duyệt", state="approved", submitted_days_ago=20)
    make_applicant("HTX Bản nháp", state="draft")
    client.force_login(officer)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert queue_names(response) == ["HTX Nộp sớm nhất", "Hộ kinh doanh Nộp giữa", "HTX Mới nộp"]
    assert "<p>3 hồ sơ ·" in response.content.decode()


def test_queue_filters_by_state_and_by_todays_province(client, officer):
    certified_applicant("HTX Lâm Đồng chờ duyệt")
    certified_applicant("HTX Hà Nội chờ duyệt", province_code="01", commune_code="00004")
    certified_applicant("HTX Lâm Đồng đã duyệt", state="approved")
    certified_applicant("HTX Hà Nội bị tạm ngừng", state="suspended", province_code="01", commune_code="00004")
    make_applicant("HTX Hà Nội bản nháp", state="draft", province_code="01", commune_code="00004")
    client.force_login(officer)

    in_ha_noi = client.get(QUEUE, {"province": "01"})
    approved = client.get(QUEUE, {"state": "approved"})
    everything_in_ha_noi = client.get(QUEUE, {"state": "all", "province": "01"})
    drafts_asked_for = client.get(QUEUE, {"state": "draft", "province": "01"})

    assert queue_names(in_ha_noi) == ["HTX Hà Nội chờ duyệt"]
    assert queue_names(approved) == ["HTX Lâm Đồng đã duyệt"]
    assert sorted(queue_names(everything_in_ha_noi)) == ["HTX Hà Nội bị tạm ngừng", "HTX Hà Nội chờ duyệt"]
    assert queue_names(drafts_asked_for) == ["HTX Hà Nội chờ duyệt"]


def test_queue_row_shows_area_date_registry_match_and_a_masked_identity_number(client, officer):
    vendor = certified_applicant("HTX Cà phê Đạo Nghĩa", submitted_days_ago=3)
    make_certificate(producer=vendor.producer, product_name="Cà phê bột", star_level=3, expires_in_days=200)
    make_certificate(producer=vendor.producer, product_name="Cà phê hạt cũ", star_level=3, expires_in_days=-5)
    make_producer("Hợp tác xã Hồ tiêu Nhân Cơ")
    make_applicant("HTX Ho tieu Nhan Co", submitted_days_ago=2)
    client.force_login(officer)

    page = client.get(QUEUE).content.decode()

    submitted = timezone.localtime(vendor.submitted_at).strftime("%d/%m/%Y")
    assert "Xã Kiến Đức, Tỉnh Lâm Đồng" in page
    assert f"<td>{submitted}</td>" in page
    assert f"Hợp tác xã · MST {vendor.tax_number}" in page
    assert "✓ Khớp mã số thuế</span> 2 GCN còn hiệu lực" in page
    assert "Không khớp mã số thuế</span> 1 gợi ý theo tên" in page
    assert "CCCD ••••••••8901" in page
    assert "012345678901" not in page


def test_queue_costs_the_same_queries_for_one_and_for_thirty_applications(
    client, officer, django_assert_num_queries
):
    certified_applicant("HTX Đầu tiên")
    client.force_login(officer)
    with django_assert_num_queries(8):
        assert len(queue_names(client.get(QUEUE))) == 1

    for number in range(29):
        if number % 2:
            certified_applicant(f"HTX Số {number}")
        else:
            make_applicant(f"Hộ kinh doanh Số {number}")
    with django_assert_num_queries(8):
        assert len(queue_names(client.get(QUEUE))) == 25
    assert len(queue_names(client.get(QUEUE, {"page": 2}))) == 5


# --- one vendor's page ----------------------------------------------------------------


def test_vendor_page_shows_the_exact_match_with_its_certificates_beside_the_application(client, officer):
    vendor = certified_applicant("HTX Cà phê Đạo Nghĩa")
    expired = make_certificate(producer=vendor.producer, product_name="Cà phê hạt", star_level=3, expires_in_days=-5)
    client.force_login(officer)

    page = vendor_page(client, vendor)

    valid = vendor.producer.certificates.get(product_name="Cà phê rang xay Đạo Nghĩa")
    assert "✓ Khớp mã số thuế</span> <strong>HTX Cà phê Đạo Nghĩa</strong>" in page
    assert re.search(r'<span class="badge valid">Còn hiệu lực</span>\s*<strong>Cà phê rang xay Đạo Nghĩa</strong>', page)
    assert f"Hiệu lực đến {valid.expires_on:%d/%m/%Y}" in page
    assert 'aria-label="4 sao">★★★★</span>' in page
    assert re.search(r'<span class="badge expired">Hết hiệu lực</span>\s*<strong>Cà phê hạt</strong>', page)
    assert f"Hiệu lực đến {expired.expires_on:%d/%m/%Y}" in page
    assert "012345678901" in page
    assert "5100205123456" in page
    assert owner_email(vendor) in page
    assert "Thôn 3, Xã Kiến Đức, Tỉnh Lâm Đồng" in page
    assert "<strong>Nộp hồ sơ</strong>" in page
    assert "approval-blocker" not in page


def test_a_name_match_is_only_suggested_and_never_linked(client, officer):
    make_producer("Hợp tác xã Cà phê Đạo Nghĩa", tax_number="6400000001")
    make_producer("Công ty TNHH Hồng Đức", tax_number="6400000002")
    vendor = make_applicant("HTX Ca phe Dao Nghia", tax_number="6499999999")
    client.force_login(officer)

    page = vendor_page(client, vendor)

    vendor.refresh_from_db()
    assert "Không có chủ thể nào trong sổ đăng ký có mã số thuế 6499999999." in page
    assert "Gợi ý theo tên — chưa liên kết" in page
    assert "<strong>Hợp tác xã Cà phê Đạo Nghĩa</strong>" in page
    assert "MST 6400000001" in page
    assert "Công ty TNHH Hồng Đức" not in page
    assert vendor.producer_id is None
    assert disabled_approval("Không có chủ thể nào trong sổ đăng ký OCOP trùng mã số thuế của hồ sơ.").search(page)


def test_a_draft_is_not_shown_to_officers_until_it_is_submitted(client, officer):
    draft = make_applicant("HTX Bản nháp", state="draft")
    client.force_login(officer)

    response = client.get(f"/officer/vendors/{draft.pk}/")

    assert response.status_code == 404


def test_vendor_page_shows_document_links(client, officer, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    vendor = certified_applicant()
    document = Document.objects.create(
        vendor=vendor, file=SimpleUploadedFile("giay-phep.pdf", b"%PDF-1.4 test"), original_name="giay-phep.pdf",
        content_type="application/pdf", size=13,
    )
    client.force_login(officer)

    page = vendor_page(client, vendor)

    link = reverse("onboarding:document", kwargs={"pk": document.pk})
    assert f'<a href="{link}">Giấy chứng nhận đăng ký kinh doanh: giay-phep.pdf</a>' in page


def test_vendor_page_costs_the_same_queries_for_one_and_for_many_certificates_and_listings(
    client, officer, django_assert_num_queries
):
    vendor = certified_applicant(state="approved")
    listing_of(vendor, vendor.producer.certificates.get(), "SKU-0")
    client.force_login(officer)
    with django_assert_num_queries(11):
        client.get(f"/officer/vendors/{vendor.pk}/")

    for number in range(1, 6):
        certificate = make_certificate(producer=vendor.producer, product_name=f"Sản phẩm {number}")
        listing_of(vendor, certificate, f"SKU-{number}")
        Decision.objects.create(vendor=vendor, action="reinstate", from_state="suspended", to_state="approved")
    with django_assert_num_queries(11):
        page = client.get(f"/officer/vendors/{vendor.pk}/").content.decode()
    assert page.count('class="card certificate"') == 6


# --- decisions ------------------------------------------------------------------------


def test_officer_approves_an_application_and_the_owner_is_emailed(
    client, officer, django_capture_on_commit_callbacks
):
    vendor = certified_applicant("HTX Cà phê Đạo Nghĩa")
    client.force_login(officer)

    response = decide(client, vendor, "approve", "Hồ sơ đầy đủ.", django_capture_on_commit_callbacks)

    vendor.refresh_from_db()
    decision = vendor.decisions.last()
    assert response.status_code == 302
    assert response["Location"] == f"/officer/vendors/{vendor.pk}/"
    assert vendor.state == "approved"
    assert (decision.action, decision.actor, decision.reason) == ("approve", officer, "Hồ sơ đầy đủ.")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([owner_email(vendor)], "[OCOP] Hồ sơ gian hàng OCOP đã được duyệt")
    ]
    page = vendor_page(client, vendor)
    assert "Đã duyệt gian hàng “HTX Cà phê Đạo Nghĩa”. Người nộp hồ sơ được thông báo qua email." in page
    when = timezone.localtime(decision.created_at).strftime("%d/%m/%Y %H:%M")
    assert f"<strong>Duyệt</strong> · {when} · {officer.email}" in page
    assert "Lý do: Hồ sơ đầy đủ." in page
    assert "action-suspend" in page


def test_approval_is_refused_with_the_reason_when_no_certificate_is_valid(
    client, officer, django_capture_on_commit_callbacks
):
    producer = make_producer("HTX Cà phê Đạo Nghĩa")
    make_certificate(producer=producer, expires_in_days=-1)
    vendor = make_applicant("HTX Cà phê Đạo Nghĩa", producer=producer)
    client.force_login(officer)

    before = vendor_page(client, vendor)
    response = decide(client, vendor, "approve", "Ghi chú của cán bộ", django_capture_on_commit_callbacks)

    reason = "Chủ thể chưa có giấy chứng nhận OCOP (3 sao trở lên) còn hiệu lực."
    assert disabled_approval(reason).search(before)
    assert response["Location"] == f"/officer/vendors/{vendor.pk}/"
    assert f'<p class="card error">Chưa duyệt được: {reason}</p>' in vendor_page(client, vendor)
    vendor.refresh_from_db()
    assert vendor.state == "submitted"
    assert list(vendor.decisions.values_list("action", flat=True)) == ["submit"]
    assert mail.outbox == []


def test_approval_is_refused_when_no_producer_has_the_tax_number(
    client, officer, django_capture_on_commit_callbacks
):
    make_producer("Hợp tác xã Cà phê Đạo Nghĩa", tax_number="6400000001")
    vendor = make_applicant("HTX Ca phe Dao Nghia", tax_number="6499999999")
    client.force_login(officer)

    decide(client, vendor, "approve", "", django_capture_on_commit_callbacks)

    assert (
        '<p class="card error">Chưa duyệt được: Không có chủ thể nào trong sổ đăng ký OCOP trùng mã số thuế của hồ sơ.</p>'
        in vendor_page(client, vendor)
    )
    vendor.refresh_from_db()
    assert (vendor.state, vendor.producer_id) == ("submitted", None)
    assert mail.outbox == []


@pytest.mark.parametrize("action", ["reject", "request_changes"])
def test_reject_and_request_changes_need_a_written_reason(
    client, officer, action, django_capture_on_commit_callbacks
):
    vendor = certified_applicant()
    client.force_login(officer)

    decide(client, vendor, action, "   ", django_capture_on_commit_callbacks)

    assert '<p class="card error">Cần ghi lý do.</p>' in vendor_page(client, vendor)
    vendor.refresh_from_db()
    assert vendor.state == "submitted"
    assert vendor.decisions.count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("action", "state", "subject"),
    [
        ("reject", "rejected", "[OCOP] Hồ sơ gian hàng OCOP bị từ chối"),
        ("request_changes", "changes_requested", "[OCOP] Hồ sơ gian hàng OCOP cần bổ sung"),
    ],
)
def test_reject_or_request_changes_keeps_the_reason_and_emails_it(
    client, officer, action, state, subject, django_capture_on_commit_callbacks
):
    vendor = certified_applicant()
    client.force_login(officer)

    decide(client, vendor, action, "Giấy phép kinh doanh bị mờ, cần bản rõ.", django_capture_on_commit_callbacks)

    vendor.refresh_from_db()
    decision = vendor.decisions.last()
    assert vendor.state == state
    assert (decision.action, decision.actor, decision.reason) == (action, officer, "Giấy phép kinh doanh bị mờ, cần bản rõ.")
    assert [m.subject for m in mail.outbox] == [subject]
    assert "Lý do: Giấy phép kinh doanh bị mờ, cần bản rõ." in mail.outbox[0].body


def test_an_action_the_state_does_not_allow_is_refused_with_the_state(
    client, officer, django_capture_on_commit_callbacks
):
    vendor = certified_applicant()
    client.force_login(officer)

    decide(client, vendor, "suspend", "Vi phạm", django_capture_on_commit_callbacks)

    assert (
        '<p class="card error">Không thực hiện được: gian hàng đang ở trạng thái “Đã gửi, chờ duyệt”.</p>'
        in vendor_page(client, vendor)
    )
    vendor.refresh_from_db()
    assert vendor.state == "submitted"
    assert mail.outbox == []


def test_suspension_hides_every_listing_at_once_and_reinstatement_shows_them_again(
    client, officer, django_capture_on_commit_callbacks
):
    vendor = certified_applicant("HTX Cà phê Đạo Nghĩa", state="approved")
    coffee = vendor.producer.certificates.get()
    honey = make_certificate(producer=vendor.producer, product_name="Mật ong hoa cà phê", star_level=3)
    on_sale = [listing_of(vendor, coffee, "CF-250"), listing_of(vendor, honey, "MO-500")]
    hidden_by_vendor = listing_hide(listing=listing_of(vendor, honey, "MO-250"))
    client.force_login(officer)

    decide(client, vendor, "suspend", "Khách phản ánh hàng kém chất lượng.", django_capture_on_commit_callbacks)

    suspended_page = vendor_page(client, vendor)
    assert [Listing.objects.get(pk=l.pk).status for l in on_sale] == ["hidden", "hidden"]
    assert suspended_page.count("<td>Đang ẩn</td><td>Nhà bán hàng đang bị tạm ngừng hoạt động</td>") == 2
    assert "Đã tạm ngừng gian hàng “HTX Cà phê Đạo Nghĩa”: mọi sản phẩm đang bán được ẩn." in suspended_page
    assert "Lý do: Khách phản ánh hàng kém chất lượng." in suspended_page

    decide(client, vendor, "reinstate", "", django_capture_on_commit_callbacks)

    reinstated_page = vendor_page(client, vendor)
    assert [Listing.objects.get(pk=l.pk).status for l in on_sale] == ["active", "active"]
    assert Listing.objects.get(pk=hidden_by_vendor.pk).hidden_reason == "Gian hàng đã ẩn sản phẩm này."
    assert reinstated_page.count("<td>Đang bán</td><td></td>") == 2
    assert [m.subject for m in mail.outbox] == [
        "[OCOP] Gian hàng OCOP bị tạm ngừng", "[OCOP] Gian hàng OCOP được khôi phục"
    ]


# --- who may see and decide -----------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "buyer", "vendor owner"])
def test_only_officers_see_the_queue_and_decide(client, who, django_capture_on_commit_callbacks):
    vendor = certified_applicant()
    if who == "buyer":
        client.force_login(make_owner())
    elif who == "vendor owner":
        client.force_login(Membership.objects.get(vendor=vendor).user)

    queue = client.get(QUEUE)
    page = client.get(f"/officer/vendors/{vendor.pk}/")
    decision = decide(client, vendor, "approve", "", django_capture_on_commit_callbacks)

    if who == "anonymous":
        assert [r.status_code for r in (queue, page, decision)] == [302, 302, 302]
        assert queue["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=/officer/vendors/"
    else:
        assert [r.status_code for r in (queue, page, decision)] == [403, 403, 403]
    vendor.refresh_from_db()
    assert vendor.state == "submitted"
    assert vendor.decisions.count() == 1
    assert mail.outbox == []


def test_an_officer_who_works_for_the_vendor_cannot_decide_on_it(client):
    from tests.integration.factories import make_officer, make_vendor
    from vendors.onboarding.models import Membership

    vendor = make_vendor("HTX Gia đình", state="submitted")
    officer = make_officer("canbo.thanhvien")
    Membership.objects.create(vendor=vendor, user=officer, role="staff")
    client.force_login(officer)
    client.post(f"/officer/vendors/{vendor.pk}/decide/", {"action": "approve", "reason": ""})
    vendor.refresh_from_db()
    assert vendor.state == "submitted"
    assert vendor.decisions.filter(action="approve").count() == 0
