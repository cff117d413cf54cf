"""The officers' back office: the certificate and producer pages of Django admin."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from django.utils.html import escape

import ocop_rules
from tests.integration.factories import make_certificate, make_producer, make_user
from vendors.registry import places
from vendors.registry.models import Certificate, CertificateEvent, Producer
from vendors.registry.services import certificate_revoke

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/registry/certificate/"
ADD = "/admin/registry/certificate/add/"
PRODUCER_ADD = "/admin/registry/producer/add/"
QUERIES_PER_CHANGELIST = 13  # session, user, permissions, vendor membership (navigation), counts, rows, filter choices: never per row
NO_INLINE_FORMS = {
    "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    "certificates-TOTAL_FORMS": "0", "certificates-INITIAL_FORMS": "0",
}


def shown(response) -> list[str]:
    """The certificate numbers the changelist shows, sorted."""
    assert response.status_code == 200
    return sorted(certificate.number for certificate in response.context["cl"].result_list)


def messages_of(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


def level_for(star_level: int, decision_date) -> str:
    return sorted(ocop_rules.expected_issuing_levels(star_level, decision_date))[0].value


def decision_form(producer, **overrides) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "producer": str(producer.pk), "number": "GCN-2026-001", "product_name": "Mật ong hoa cà phê",
        "product_group": "food", "product_subgroup": "", "star_level": "4", "score": "75",
        "decision_number": "12/QĐ-UBND", "decision_date": today.isoformat(),
        "issuing_level": level_for(4, today), "issuing_authority": "UBND tỉnh Lâm Đồng",
        "issued_province": "Tỉnh Lâm Đồng", "issued_district": "", "issued_commune": "",
        **NO_INLINE_FORMS,
    }
    data.update(overrides)
    return data


def renewal_form(certificate, **overrides) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "action": "renew_certificate", "_selected_action": [str(certificate.pk)], "apply": "1",
        "number": "GCN-MOI-001", "decision_number": "77/QĐ-UBND", "decision_date": today.isoformat(),
        "star_level": "4", "score": "75", "issuing_level": level_for(4, today),
        "issuing_authority": "UBND tỉnh Lâm Đồng", "reason": "Đánh giá lại",
    }
    data.update(overrides)
    return data


# Search


def test_officer_finds_a_product_typed_without_diacritics(client, officer):
    make_certificate(number="GCN-CAPHE", product_name="Cà phê rang xay")
    make_certificate(number="GCN-MATONG", product_name="Mật ong rừng")
    client.force_login(officer)

    everything = client.get(CHANGELIST)
    found = client.get(CHANGELIST, {"q": "ca phe"})
    typed_with_marks = client.get(CHANGELIST, {"q": "CÀ PHÊ"})

    assert shown(everything) == ["GCN-CAPHE", "GCN-MATONG"]
    assert shown(found) == ["GCN-CAPHE"]
    assert shown(typed_with_marks) == ["GCN-CAPHE"]
    assert "Cà phê rang xay" in found.content.decode()


def test_officer_finds_certificates_by_the_producers_tax_number(client, officer):
    honey = make_producer(name="Hộ kinh doanh Mật ong Quảng Tín", tax_number="6400556677")
    make_certificate(number="GCN-MATONG", product_name="Mật ong rừng", producer=honey)
    make_certificate(number="GCN-CAPHE", product_name="Cà phê rang xay")
    client.force_login(officer)

    plain = client.get(CHANGELIST, {"q": "6400556677"})
    as_printed = client.get(CHANGELIST, {"q": "MST: 6400 556 677"})

    assert shown(plain) == ["GCN-MATONG"]
    assert shown(as_printed) == ["GCN-MATONG"]


def test_changelist_costs_the_same_queries_for_one_and_for_many_certificates(
    client, officer, django_assert_num_queries
):
    make_certificate(number="GCN-00", product_name="Cà phê 0")
    client.force_login(officer)
    client.get(CHANGELIST)  # session and permission caches warmed as in a real visit

    with django_assert_num_queries(QUERIES_PER_CHANGELIST):
        one = client.get(CHANGELIST)
    for index in range(1, 12):
        make_certificate(number=f"GCN-{index:02d}", product_name=f"Cà phê {index}", district=f"Huyện {index}")
    with django_assert_num_queries(QUERIES_PER_CHANGELIST):
        many = client.get(CHANGELIST)

    assert len(shown(one)) == 1
    assert len(shown(many)) == 12


# List filters


def test_status_filter_shows_only_certificates_in_that_state(client, officer):
    make_certificate(number="GCN-VALID", product_name="Cà phê")
    make_certificate(number="GCN-EXPIRED", product_name="Tiêu đen", expires_in_days=-20)
    revoked = make_certificate(number="GCN-REVOKED", product_name="Mật ong")
    certificate_revoke(certificate=revoked, revoked_on=timezone.localdate(), reason="Vi phạm chất lượng",
                       actor=officer, source="test", today=timezone.localdate())
    client.force_login(officer)

    assert shown(client.get(CHANGELIST, {"status__exact": "valid"})) == ["GCN-VALID"]
    assert shown(client.get(CHANGELIST, {"status__exact": "expired"})) == ["GCN-EXPIRED"]
    assert shown(client.get(CHANGELIST, {"status__exact": "revoked"})) == ["GCN-REVOKED"]


def test_star_level_filter_shows_only_that_star_level(client, officer):
    make_certificate(number="GCN-3", product_name="Cà phê", star_level=3)
    make_certificate(number="GCN-4", product_name="Tiêu đen", star_level=4)
    make_certificate(number="GCN-5", product_name="Mật ong", star_level=5)
    client.force_login(officer)

    assert shown(client.get(CHANGELIST, {"star_level__exact": "3"})) == ["GCN-3"]
    assert shown(client.get(CHANGELIST, {"star_level__exact": "5"})) == ["GCN-5"]


def test_group_filter_uses_todays_groups(client, officer):
    make_certificate(number="GCN-FOOD", product_name="Cà phê", group="food")
    make_certificate(number="GCN-WINE", product_name="Rượu cần", group="beverages")
    client.force_login(officer)

    assert shown(client.get(CHANGELIST, {"current_product_group__exact": "beverages"})) == ["GCN-WINE"]


def test_province_filter_uses_todays_province_for_certificates_of_merged_provinces(client, officer):
    lam_dong = places.find_current_province("Lâm Đồng").code
    make_certificate(number="GCN-DAKNONG", product_name="Cà phê", province="Tỉnh Đắk Nông")
    make_certificate(number="GCN-BINHTHUAN", product_name="Thanh long", province="Tỉnh Bình Thuận",
                     district="Huyện Hàm Thuận Bắc")
    make_certificate(number="GCN-THAINGUYEN", product_name="Chè Tân Cương", province="Tỉnh Thái Nguyên",
                     district="Thành phố Thái Nguyên")
    client.force_login(officer)

    page = client.get(CHANGELIST)
    response = client.get(CHANGELIST, {"province": lam_dong})

    assert shown(response) == ["GCN-BINHTHUAN", "GCN-DAKNONG"]
    assert "Tỉnh Lâm Đồng" in page.content.decode()


def test_former_district_filter_takes_the_folded_district_name(client, officer):
    make_certificate(number="GCN-DAKRLAP", product_name="Cà phê", district="Huyện Đắk R'Lấp")
    make_certificate(number="GCN-DAKMIL", product_name="Tiêu đen", district="Huyện Đắk Mil")
    client.force_login(officer)

    page = client.get(CHANGELIST)
    response = client.get(CHANGELIST, {"former_district": "huyen dak r'lap"})

    assert shown(response) == ["GCN-DAKRLAP"]
    assert "?former_district=huyen+dak+r%27lap" in page.content.decode()


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("7", ["GCN-IN-05"]),
        ("30", ["GCN-IN-05", "GCN-IN-20"]),
        ("90", ["GCN-IN-05", "GCN-IN-20", "GCN-IN-60"]),
        ("past", ["GCN-PAST"]),
    ],
)
def test_expiry_filter_shows_live_certificates_ending_within_the_window(client, officer, window, expected):
    for days in (5, 20, 60, 200):
        make_certificate(number=f"GCN-IN-{days:02d}", product_name=f"Sản phẩm {days}", expires_in_days=days)
    make_certificate(number="GCN-PAST", product_name="Tiêu đen", expires_in_days=-3)
    revoked = make_certificate(number="GCN-REVOKED-SOON", product_name="Mật ong", expires_in_days=4)
    certificate_revoke(certificate=revoked, revoked_on=timezone.localdate(), reason="Vi phạm chất lượng",
                       actor=officer, source="test", today=timezone.localdate())
    client.force_login(officer)

    response = client.get(CHANGELIST, {"expiry": window})

    assert shown(response) == expected


# Revoke action


def test_revoke_action_first_asks_for_a_date_and_reason(client, officer):
    certificate = make_certificate(number="GCN-1", product_name="Cà phê")
    client.force_login(officer)

    response = client.post(CHANGELIST, {"action": "revoke_certificates", "index": "0",
                                        "_selected_action": [str(certificate.pk)]})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Thu hồi giấy chứng nhận" in page
    assert "Lý do thu hồi" in page
    assert "GCN-1 – Cà phê" in page
    assert "OCOP Marketplace – Quản trị" in page
    assert Certificate.objects.get(pk=certificate.pk).status == "valid"


def test_revoke_action_revokes_the_selected_certificates_with_the_officers_reason(client, officer):
    first = make_certificate(number="GCN-1", product_name="Cà phê")
    second = make_certificate(number="GCN-2", product_name="Tiêu đen")
    untouched = make_certificate(number="GCN-3", product_name="Mật ong")
    today = timezone.localdate()
    client.force_login(officer)

    response = client.post(CHANGELIST, {
        "action": "revoke_certificates", "_selected_action": [str(first.pk), str(second.pk)], "apply": "1",
        "revoked_on": today.strftime("%d/%m/%Y"), "reason": "Không đạt chỉ tiêu vi sinh",
    }, follow=True)

    assert messages_of(response) == ["Đã thu hồi 2 giấy chứng nhận."]
    for certificate in (first, second):
        certificate.refresh_from_db()
        assert (certificate.status, certificate.revoked_on, certificate.revocation_reason) == (
            "revoked", today, "Không đạt chỉ tiêu vi sinh"
        )
        event = certificate.events.get(kind="revoked")
        assert (event.actor, event.reason) == (officer, "Không đạt chỉ tiêu vi sinh")
    assert Certificate.objects.get(pk=untouched.pk).status == "valid"


def test_revoke_action_without_a_reason_changes_nothing_and_says_why(client, officer):
    certificate = make_certificate(number="GCN-1", product_name="Cà phê")
    client.force_login(officer)

    response = client.post(CHANGELIST, {
        "action": "revoke_certificates", "_selected_action": [str(certificate.pk)], "apply": "1",
        "revoked_on": timezone.localdate().isoformat(), "reason": "",
    })

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Trường này là bắt buộc."]}
    assert "Trường này là bắt buộc." in response.content.decode()
    assert Certificate.objects.get(pk=certificate.pk).status == "valid"
    assert CertificateEvent.objects.filter(kind="revoked").count() == 0


# Renewal action


def test_renewal_action_records_a_new_certificate_that_supersedes_the_old(client, officer):
    old = make_certificate(number="GCN-CU", product_name="Cà phê", expires_in_days=20)
    client.force_login(officer)

    form = client.post(CHANGELIST, {"action": "renew_certificate", "index": "0", "_selected_action": [str(old.pk)]})
    response = client.post(CHANGELIST, renewal_form(old))

    renewal = Certificate.objects.get(number="GCN-MOI-001")
    old.refresh_from_db()
    assert "Số giấy chứng nhận mới" in form.content.decode()
    assert "OCOP Marketplace – Quản trị" in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/registry/certificate/{renewal.pk}/change/"
    assert renewal.renews == old
    assert (renewal.product_name, renewal.star_level, renewal.status) == ("Cà phê", 4, "valid")
    assert renewal.expires_on == ocop_rules.expiry_date(timezone.localdate())
    assert old.status == "superseded"
    assert renewal.events.get().actor == officer


def test_renewal_dated_before_the_old_decision_is_refused_and_changes_nothing(client, officer):
    old = make_certificate(number="GCN-CU", product_name="Cà phê")
    earlier = old.decision_date - timedelta(days=10)
    client.force_login(officer)

    response = client.post(CHANGELIST, renewal_form(
        old, decision_date=earlier.isoformat(), issuing_level=level_for(4, earlier),
    ))

    message = ("Quyết định công nhận lại phải có ngày sau quyết định cũ "
               f"({ocop_rules.format_date_vi(old.decision_date)}).")
    assert response.status_code == 200
    assert response.context["form"].errors == {"decision_date": [message]}
    assert message in response.content.decode()
    assert list(Certificate.objects.values_list("number", "status")) == [("GCN-CU", "valid")]


def test_renewal_of_two_certificates_at_once_is_refused_with_a_warning(client, officer):
    first = make_certificate(number="GCN-1", product_name="Cà phê")
    second = make_certificate(number="GCN-2", product_name="Tiêu đen")
    client.force_login(officer)

    response = client.post(CHANGELIST, {
        "action": "renew_certificate", "index": "0", "_selected_action": [str(first.pk), str(second.pk)],
    }, follow=True)

    assert messages_of(response) == ["Chọn đúng một giấy chứng nhận để công nhận lại."]
    assert sorted(Certificate.objects.values_list("number", "status")) == [("GCN-1", "valid"), ("GCN-2", "valid")]
    assert CertificateEvent.objects.exclude(kind="recorded").count() == 0


# Add form: recording a decision


def test_add_form_records_a_decision_with_its_history(client, officer):
    producer = make_producer()
    client.force_login(officer)

    response = client.post(ADD, decision_form(producer))

    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert (certificate.number, certificate.product_name, certificate.star_level, certificate.status) == (
        "GCN-2026-001", "Mật ong hoa cà phê", 4, "valid"
    )
    assert certificate.expires_on == ocop_rules.expiry_date(timezone.localdate())
    assert certificate.province_code == places.find_current_province("Lâm Đồng").code
    event = certificate.events.get()
    assert (event.kind, event.actor, event.source) == ("recorded", officer, "Quản trị (admin)")


def test_add_form_refuses_a_two_star_decision(client, officer):
    producer = make_producer()
    client.force_login(officer)

    response = client.post(ADD, decision_form(producer, star_level="2", score="40"))

    assert response.status_code == 200
    assert "Sản phẩm 2 sao không được cấp giấy chứng nhận OCOP (chỉ 3–5 sao)." in response.content.decode()
    assert Certificate.objects.count() == 0
    assert CertificateEvent.objects.count() == 0


def test_add_form_refuses_a_product_that_already_has_a_live_certificate(client, officer):
    existing = make_certificate(number="GCN-CU", product_name="Mật ong hoa cà phê")
    client.force_login(officer)

    response = client.post(ADD, decision_form(existing.producer, product_name="Mat ong hoa ca phe"))

    assert response.status_code == 200
    assert ("Sản phẩm đã có giấy chứng nhận GCN-CU: hãy dùng thao tác công nhận lại."
            in response.content.decode())
    assert list(Certificate.objects.values_list("number", flat=True)) == ["GCN-CU"]


# Change and delete


def test_change_view_is_read_only(client, officer):
    certificate = make_certificate(number="GCN-1", product_name="Cà phê")
    url = f"/admin/registry/certificate/{certificate.pk}/change/"
    client.force_login(officer)

    page = client.get(url)
    client.post(url, {**NO_INLINE_FORMS, "product_name": "Tên đã sửa", "star_level": "5"})

    certificate.refresh_from_db()
    assert page.status_code == 200
    assert 'name="product_name"' not in page.content.decode()
    assert page.content.decode().count("Hiệu lực đến:") == 1
    assert (certificate.product_name, certificate.star_level) == ("Cà phê", 4)
    assert list(certificate.events.values_list("kind", flat=True)) == ["recorded"]


@pytest.mark.parametrize("who", ["officer", "superuser"])
def test_certificates_cannot_be_deleted_even_by_a_superuser(client, officer, who):
    certificate = make_certificate(number="GCN-1", product_name="Cà phê")
    client.force_login(officer if who == "officer" else make_user("quantri", is_staff=True, is_superuser=True))

    get = client.get(f"/admin/registry/certificate/{certificate.pk}/delete/")
    post = client.post(f"/admin/registry/certificate/{certificate.pk}/delete/", {"post": "yes"})

    assert (get.status_code, post.status_code) == (403, 403)
    assert Certificate.objects.filter(pk=certificate.pk).exists()


# Who may enter


def test_staff_who_are_not_officers_cannot_see_the_registry(client):
    make_certificate(number="GCN-1", product_name="Cà phê")
    client.force_login(make_user("nhanvien", is_staff=True))

    index = client.get("/admin/")
    response = client.get(CHANGELIST)

    assert index.status_code == 200
    assert CHANGELIST not in index.content.decode()
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={CHANGELIST}"


# Producers


def test_adding_a_producer_stores_the_normalised_tax_number(client, officer):
    client.force_login(officer)

    response = client.post(PRODUCER_ADD, {
        "kind": "dn", "name": "Công ty TNHH Hồng Đức", "tax_number": "0101 234 567", **NO_INLINE_FORMS,
    })

    assert response.status_code == 302
    producer = Producer.objects.get()
    assert (producer.name, producer.tax_number, producer.name_folded) == (
        "Công ty TNHH Hồng Đức", "0101234567", "cong ty tnhh hong duc"
    )


def test_adding_a_producer_with_an_invalid_tax_number_shows_the_error(client, officer):
    client.force_login(officer)

    response = client.post(PRODUCER_ADD, {
        "kind": "dn", "name": "Công ty TNHH Hồng Đức", "tax_number": "12ab", **NO_INLINE_FORMS,
    })

    message = 'Mã số thuế hoặc số đăng ký kinh doanh không hợp lệ: "12ab" / Invalid tax or business registration number: "12ab"'
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert Producer.objects.count() == 0
