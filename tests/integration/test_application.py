"""A producer applies to sell: the form, its documents, submission, status, staff invitations."""
from __future__ import annotations

import io
import re
import time
from dataclasses import asdict
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from tests.integration.factories import (
    application_input,
    make_confirmed_user,
    make_producer,
    make_staff,
    make_user,
    make_vendor,
)
from vendors.onboarding import services
from vendors.onboarding.applicant_views import invitation_token
from vendors.onboarding.models import Decision, Document, Invitation, Membership, Vendor
from vendors.registry import places

pytestmark = pytest.mark.django_db

INVITATION_LINK = re.compile(r"https://ocop\.example\.vn(/apply/invitations/[^/\s]+/)")


@pytest.fixture
def private_root(settings):
    """Applicants' documents go to a temporary private folder (tests/conftest.py), apart from MEDIA_ROOT."""
    return settings.PRIVATE_MEDIA_ROOT


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def form_data(**overrides) -> dict:
    return asdict(application_input(**overrides))


def image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, image_format)
    return buffer.getvalue()


def upload(client, name: str, content: bytes):
    return client.post("/apply/documents/", {"document": SimpleUploadedFile(name, content)})


@pytest.fixture
def applicant(client):
    user = make_confirmed_user("an")
    client.force_login(user)
    return user


@pytest.fixture
def draft(applicant, client):
    """The applicant's draft application, as the form saved it."""
    client.post("/apply/", form_data())
    return Vendor.objects.get()


# --- the application form ----------------------------------------------------------------


def test_unconfirmed_user_is_sent_to_confirm_the_email_and_cannot_apply(client):
    client.force_login(make_user("an"))
    page = client.get("/apply/")
    posted = client.post("/apply/", form_data())
    status = client.get("/apply/status/").content.decode()
    assert page.status_code == 302
    assert page["Location"] == "/apply/status/"
    assert posted.status_code == 302
    assert posted["Location"] == "/apply/status/"
    assert "hãy xác nhận email <strong>an@example.vn</strong>" in status
    assert Vendor.objects.count() == 0


def test_confirmed_user_gets_the_form_with_todays_provinces(client, applicant):
    response = client.get("/apply/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="68">Tỉnh Lâm Đồng</option>' in page
    assert "Tỉnh Đắk Nông" not in page  # merged into Lâm Đồng in July 2025
    assert page.count('<option value="') == 1 + 4 + 1 + 34 + 1  # kind, provinces, commune placeholders


def test_valid_application_creates_a_draft_vendor_owned_by_the_user(client, applicant):
    response = client.post("/apply/", form_data(tax_number="MST: 6400 000 123", phone="+84 912 345 678"))
    vendor = Vendor.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/apply/documents/"
    assert (vendor.state, vendor.tax_number, vendor.phone, vendor.commune_code) == ("draft", "6400000123", "0912345678", "24751")
    assert list(Membership.objects.values_list("vendor", "user", "role")) == [(vendor.pk, applicant.pk, "owner")]
    assert vendor.producer is None
    assert Decision.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"tax_number": "12-34"}, "tax_number",
         "Mã số thuế không hợp lệ: cần 10 chữ số (hoặc 13 với mã chi nhánh), hoặc số đăng ký hộ kinh doanh."),
        ({"commune_code": "00004"}, "commune_code", "Chọn xã/phường thuộc Tỉnh Lâm Đồng."),  # Phường Ba Đình, Hà Nội
        ({"phone": "09123"}, "phone", "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0)."),
        ({"identity_number": "06708000123"}, "identity_number", "Số CCCD gồm 12 chữ số."),
        ({"bank_account_number": ""}, "bank_account_number", "Cần số tài khoản."),
        ({"bank_account_number": "12ab"}, "bank_account_number", "Số tài khoản gồm 6–20 chữ số."),
        ({"kind": "xyz"}, "kind", "Chọn loại hình chủ thể."),
        ({"province_code": "67"}, "province_code", "Chọn tỉnh/thành phố."),  # Đắk Nông's old code
        ({"street_address": "x" * 256}, "street_address", "Tối đa 255 ký tự."),
    ],
)
def test_bad_application_shows_the_vietnamese_error_on_its_field_and_creates_nothing(client, applicant, overrides,
                                                                                      field, message):
    response = client.post("/apply/", form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert Vendor.objects.count() == 0
    assert Membership.objects.count() == 0


def test_commune_of_another_province_is_caught_without_javascript_and_the_right_communes_are_offered(client, applicant):
    response = client.post("/apply/", form_data(commune_code="00004"))
    page = response.content.decode()
    assert '<option value="24751">Xã Nhân Cơ</option>' in page
    assert "Phường Ba Đình" not in page


def test_duplicate_tax_number_of_an_existing_vendor_is_refused(client, applicant):
    existing = make_vendor("HTX Cà phê Đắk Mil")
    response = client.post("/apply/", form_data(tax_number=existing.tax_number))
    assert response.context["form"].errors == {"tax_number": ["Mã số thuế này đã đăng ký gian hàng."]}
    assert Vendor.objects.count() == 1
    assert not Membership.objects.filter(user=applicant).exists()


def test_communes_endpoint_lists_the_provinces_communes(client):
    response = client.get("/apply/communes/?province=68")
    unknown = client.get("/apply/communes/?province=67")
    communes = response.json()["communes"]
    assert response.status_code == 200
    assert {"code": "24751", "name": "Xã Nhân Cơ"} in communes
    assert len(communes) == len(places.communes("68"))
    assert unknown.status_code == 404
    assert unknown.json() == {"communes": [], "error": "Không có tỉnh/thành phố với mã này."}


def test_owner_edits_the_draft_from_the_same_page(client, draft):
    page = client.get("/apply/").content.decode()
    response = client.post("/apply/", form_data(tax_number=draft.tax_number, street_address="Thôn 5, đường Lê Lợi",
                                                bank_account_number="1903 6688 0001"))
    draft.refresh_from_db()
    assert 'value="Thôn 3"' in page
    assert response.status_code == 302
    assert draft.street_address == "Thôn 5, đường Lê Lợi"
    assert Vendor.objects.count() == 1


def test_staff_cannot_change_the_bank_account(client):
    vendor = make_vendor(state="draft")
    staff = make_staff(vendor)
    client.force_login(staff)
    page = client.get("/apply/").content.decode()
    response = client.post("/apply/", form_data(
        tax_number=vendor.tax_number, street_address="Thôn 7", bank_name="Ngân hàng khác",
        bank_account_number="999999999", bank_account_holder="Người khác",
    ))
    vendor.refresh_from_db()
    assert "Chỉ chủ gian hàng được đổi tài khoản ngân hàng." in page
    assert re.search(r'<input type="text" name="bank_account_number" value="5300205123456"[^>]* disabled', page)
    assert response.status_code == 302
    assert vendor.street_address == "Thôn 7"
    assert (vendor.bank_name, vendor.bank_account_number, vendor.bank_account_holder) == (
        "Agribank Lâm Đồng", "5300205123456", "HTX Nông nghiệp Nhân Đạo")


def test_service_refuses_a_staff_member_changing_the_account_number():
    vendor = make_vendor(state="draft")
    staff = make_staff(vendor)
    data = application_input(tax_number=vendor.tax_number, bank_account_number="999999999")
    with pytest.raises(services.OnboardingError, match="Chỉ chủ gian hàng được đổi tài khoản ngân hàng."):
        services.application_save(user=staff, data=data, vendor=vendor)
    vendor.refresh_from_db()
    assert vendor.bank_account_number == "5300205123456"


def test_service_refuses_a_staff_member_changing_the_account_holder():
    vendor = make_vendor(state="draft")
    staff = make_staff(vendor)
    data = application_input(tax_number=vendor.tax_number, bank_account_holder="Người khác")
    with pytest.raises(services.OnboardingError):
        services.application_save(user=staff, data=data, vendor=vendor)


def test_submitted_application_is_not_editable(client, draft):
    client.post("/apply/documents/", {"document": SimpleUploadedFile("giay-phep.pdf", image_bytes("PDF"))})
    client.post("/apply/submit/")
    response = client.get("/apply/")
    assert response.status_code == 302
    assert response["Location"] == "/apply/status/"


# --- documents -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "image_format", "content_type"),
                         [("giay-phep.pdf", "PDF", "application/pdf"), ("giay phep.png", "PNG", "image/png"),
                          ("anh-chup.JPG", "JPEG", "image/jpeg")])
def test_business_licence_as_pdf_or_image_is_stored_privately(client, draft, private_root, settings, name,
                                                              image_format, content_type):
    content = image_bytes(image_format)
    response = upload(client, name, content)
    document = Document.objects.get()
    page = client.get("/apply/documents/").content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/apply/documents/"
    assert (document.vendor, document.kind, document.content_type, document.size, document.original_name) == (
        draft, "business_licence", content_type, len(content), name)
    assert stored_files(private_root) == [private_root / document.file.name]
    assert stored_files(settings.MEDIA_ROOT) == []
    assert f'<a href="/apply/documents/{document.pk}/">{name}</a>' in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("giay-phep.pdf", "Giấy phép kinh doanh số 123".encode(), "Chỉ nhận tệp PDF hoặc ảnh JPEG/PNG."),
        ("anh.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 500, "Chỉ nhận tệp PDF hoặc ảnh JPEG/PNG."),
        ("lon.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "Tệp quá lớn (tối đa 10 MB)."),
        ("rong.pdf", b"", "Tệp rỗng."),
    ],
    ids=["text-named-pdf", "exe-named-png", "11-mb", "empty"],
)
def test_bad_document_is_refused_and_nothing_is_stored(client, draft, private_root, name, content, message):
    response = upload(client, name, content)
    assert response.status_code == 200
    assert response.context["form"].errors == {"document": [message]}
    assert message in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(private_root) == []


@pytest.mark.parametrize(
    ("who", "status"),
    # A draft is the applicant's own: officers see its documents once it is submitted.
    [("owner", 200), ("staff", 200), ("officer", 404), ("other_vendor_owner", 404), ("buyer", 404), ("anonymous", 302)],
)
def test_document_download_only_for_the_vendors_users_and_officers(client, who, status, officer):
    owner = make_confirmed_user("chu")
    vendor = make_vendor(state="draft", owner=owner)
    content = image_bytes("PDF")
    client.force_login(owner)
    upload(client, "giấy phép.pdf", content)
    document = Document.objects.get()
    client.logout()
    users = {"owner": owner, "staff": make_staff(vendor), "officer": officer, "buyer": make_user("nguoimua"),
             "other_vendor_owner": make_confirmed_user("chukhac")}
    make_vendor("HTX khác", owner=users["other_vendor_owner"])
    if who != "anonymous":
        client.force_login(users[who])
    response = client.get(f"/apply/documents/{document.pk}/")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == "attachment; filename*=utf-8''gi%E1%BA%A5y%20ph%C3%A9p.pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
    elif who == "anonymous":
        assert response["Location"] == f"/accounts/login/?next=/apply/documents/{document.pk}/"


def test_officers_download_a_document_once_the_application_is_submitted(client, officer):
    owner = make_confirmed_user("chu")
    vendor = make_vendor(state="draft", owner=owner)
    content = image_bytes("PDF")
    client.force_login(owner)
    upload(client, "giay-phep.pdf", content)
    services.application_submit(vendor=vendor, user=owner)
    client.force_login(officer)
    response = client.get(f"/apply/documents/{Document.objects.get().pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content


def test_download_name_carries_the_real_type_not_the_uploaded_extension(client, draft):
    upload(client, "giay-phep.exe", image_bytes("PNG"))
    response = client.get(f"/apply/documents/{Document.objects.get().pk}/")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="giay-phep.png"'


# --- submission and status ------------------------------------------------------------------


def test_submit_without_a_business_licence_is_refused(client, draft):
    response = client.post("/apply/submit/", follow=True)
    draft.refresh_from_db()
    assert response.redirect_chain == [("/apply/documents/", 302)]
    assert "Cần tải lên giấy chứng nhận đăng ký kinh doanh." in response.content.decode()
    assert draft.state == "draft"
    assert Decision.objects.count() == 0


def test_submit_with_a_licence_sends_it_and_links_the_registry_producer_by_exact_tax_number(client, applicant):
    producer = make_producer("HTX Nông nghiệp Nhân Đạo", tax_number="6400000777")
    client.post("/apply/", form_data(tax_number="6400 000 777"))
    upload(client, "giay-phep.pdf", image_bytes("PDF"))
    response = client.post("/apply/submit/", follow=True)
    vendor = Vendor.objects.get()
    page = response.content.decode()
    assert response.redirect_chain == [("/apply/status/", 302)]
    assert (vendor.state, vendor.producer) == ("submitted", producer)
    assert vendor.submitted_at is not None
    assert list(Decision.objects.values_list("action", "from_state", "to_state", "actor")) == [
        ("submit", "draft", "submitted", applicant.pk)]
    assert "Đã gửi, chờ duyệt" in page
    assert "Cán bộ OCOP đang xem hồ sơ. Bạn sẽ nhận email khi có kết quả." in page
    assert "Đã khớp với chủ thể trong sổ đăng ký OCOP: <strong>HTX Nông nghiệp Nhân Đạo</strong>" in page


def test_submit_does_not_link_a_producer_that_only_shares_the_name(client, applicant):
    make_producer("HTX Nông nghiệp Nhân Đạo", tax_number="6400000777")
    client.post("/apply/", form_data(tax_number="6400000778"))
    upload(client, "giay-phep.pdf", image_bytes("PDF"))
    client.post("/apply/submit/")
    vendor = Vendor.objects.get()
    assert (vendor.state, vendor.producer) == ("submitted", None)


def test_status_shows_the_officers_request_so_the_producer_can_fix_it(client, applicant, officer):
    client.post("/apply/", form_data())
    upload(client, "giay-phep.pdf", image_bytes("PDF"))
    client.post("/apply/submit/")
    services.application_request_changes(vendor=Vendor.objects.get(), officer=officer,
                                         reason="Ảnh giấy phép bị mờ, hãy chụp lại.")
    page = client.get("/apply/status/").content.decode()
    form = client.get("/apply/")
    assert "Cần bổ sung hồ sơ" in page
    assert "Yêu cầu bổ sung: Ảnh giấy phép bị mờ, hãy chụp lại." in page
    assert "Sửa hồ sơ theo yêu cầu bổ sung bên dưới, rồi nộp lại." in page
    assert form.status_code == 200


def test_status_page_costs_the_same_queries_for_one_and_many_members_and_decisions(client, officer):
    vendor = make_vendor(state="submitted")
    owner = Membership.objects.get(vendor=vendor).user
    client.force_login(owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/apply/status/").status_code == 200
        return len(captured)

    one = queries()
    services.application_request_changes(vendor=vendor, officer=officer, reason="Bổ sung ảnh.")
    make_staff(vendor, "nhanvien1")
    make_staff(vendor, "nhanvien2")
    many = queries()
    # session, user, membership, permissions (2), licence, decisions, members, invitations, producer
    assert one == many == 10


def test_documents_page_costs_the_same_queries_for_one_and_many_documents(client, draft):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/apply/documents/").status_code == 200
        return len(captured)

    upload(client, "a.pdf", image_bytes("PDF"))
    one = queries()
    upload(client, "b.png", image_bytes("PNG"))
    upload(client, "c.png", image_bytes("PNG"))
    many = queries()
    assert one == many == 6  # session, user, membership, permissions (2), documents


# --- staff invitations ----------------------------------------------------------------------


def test_staff_cannot_invite(client):
    vendor = make_vendor()
    client.force_login(make_staff(vendor))
    response = client.post("/apply/invite/", {"email": "ban@example.vn"})
    assert response.status_code == 403
    assert "Chỉ chủ gian hàng được mời nhân viên." in response.content.decode()
    assert not Invitation.objects.filter(email="ban@example.vn").exists()
    assert mail.outbox == []


def test_user_of_no_vendor_cannot_invite(client, buyer):
    client.force_login(buyer)
    response = client.post("/apply/invite/", {"email": "ban@example.vn"})
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_owner_invites_and_the_invitee_with_the_same_email_joins_as_staff(client):
    vendor = make_vendor("HTX Cà phê Đắk Mil")
    owner = Membership.objects.get(vendor=vendor).user
    invitee = make_confirmed_user("ban")
    client.force_login(owner)
    response = client.post("/apply/invite/", {"email": " Ban@Example.vn "})
    path = INVITATION_LINK.search(mail.outbox[0].body).group(1)
    client.force_login(invitee)
    shown = client.get(path)
    accepted = client.post(path)
    assert response.status_code == 302
    assert mail.outbox[0].to == ["ban@example.vn"]
    assert mail.outbox[0].subject == "[OCOP] Lời mời tham gia gian hàng HTX Cà phê Đắk Mil"
    assert "Gian hàng <strong>HTX Cà phê Đắk Mil</strong> mời <strong>ban@example.vn</strong>" in shown.content.decode()
    assert accepted.status_code == 302
    assert accepted["Location"] == "/apply/status/"
    assert Membership.objects.get(user=invitee).role == "staff"
    assert Membership.objects.get(user=invitee).vendor == vendor
    assert Invitation.objects.get().accepted_at is not None


def test_opening_the_invitation_link_accepts_nothing(client):
    vendor = make_vendor()
    owner = Membership.objects.get(vendor=vendor).user
    invitation = services.invitation_create(vendor=vendor, user=owner, email="ban@example.vn")
    client.force_login(make_confirmed_user("ban"))
    response = client.get(f"/apply/invitations/{invitation_token(invitation)}/")
    assert response.status_code == 200
    assert Membership.objects.filter(vendor=vendor).count() == 1


def test_invitation_for_another_email_is_refused(client):
    vendor = make_vendor()
    owner = Membership.objects.get(vendor=vendor).user
    invitation = services.invitation_create(vendor=vendor, user=owner, email="ban@example.vn")
    stranger = make_confirmed_user("nguoila")
    client.force_login(stranger)
    response = client.post(f"/apply/invitations/{invitation_token(invitation)}/")
    assert response.status_code == 403
    assert "Lời mời gửi cho một email khác." in response.content.decode()
    assert not Membership.objects.filter(user=stranger).exists()
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize("forge", ["altered", "expired"])
def test_forged_or_expired_invitation_link_is_refused(client, forge):
    vendor = make_vendor()
    owner = Membership.objects.get(vendor=vendor).user
    invitation = services.invitation_create(vendor=vendor, user=owner, email="ban@example.vn")
    invitee = make_confirmed_user("ban")
    if forge == "expired":
        with mock.patch("time.time", return_value=time.time() - 8 * 24 * 3600):
            token = invitation_token(invitation)
        message = "Liên kết mời đã hết hạn. Hãy nhờ chủ gian hàng gửi lại lời mời."
    else:
        token = invitation_token(invitation)[:-2] + "xx"
        message = "Liên kết mời không hợp lệ."
    client.force_login(invitee)
    response = client.post(f"/apply/invitations/{token}/")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()


def test_invalid_invitation_email_is_shown_on_the_status_page(client):
    vendor = make_vendor()
    client.force_login(Membership.objects.get(vendor=vendor).user)
    response = client.post("/apply/invite/", {"email": "khong-phai-email"})
    assert response.status_code == 200
    assert response.context["invitation_form"].errors == {"email": ["Email không hợp lệ."]}
    assert Invitation.objects.count() == 0
    assert mail.outbox == []
