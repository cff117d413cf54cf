"""`manage.py seed_demo`: a labelled demo registry for the former Đắk Nông province."""
from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from vendors.registry import places
from vendors.registry.models import Certificate, CertificateEvent, Producer

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_a_labelled_registry_with_every_state():
    today = timezone.localdate()

    seed()

    certificates = Certificate.objects.all()
    live = certificates.filter(status="valid")
    assert certificates.count() == 24
    assert all(number.startswith("DEMO-") for number in certificates.values_list("number", flat=True))
    assert live.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=30)).count() == 4
    assert certificates.filter(status="expired", expires_on__lt=today).count() == 2
    assert certificates.filter(status="revoked").count() == 1
    assert set(certificates.values_list("star_level", flat=True)) == {3, 4}
    assert set(certificates.values_list("current_product_group", flat=True)) == {
        "food", "beverages", "herbal", "handicrafts", "ornamental", "tourism"
    }


@pytest.mark.parametrize(
    ("product_name", "producer_name", "number"),
    [
        ("Hạt điều rang muối", "Công ty TNHH Hồng Đức", "01"),
        ("Cà phê Natural Toàn Hằng", "DNTN Toàn Hằng", "02"),
    ],
)
def test_seed_demo_renews_the_two_plan_117_products(product_name, producer_name, number):
    lam_dong = places.find_current_province("Lâm Đồng").code

    seed()

    first = Certificate.objects.select_related("producer").get(number=f"DEMO-DRL-2021-{number}")
    renewal = first.renewed_by
    assert (first.product_name, first.producer.name) == (product_name, producer_name)
    assert (first.status, first.decision_date.year) == ("superseded", 2021)
    assert (renewal.number, renewal.product_name, renewal.producer_id) == (
        f"DEMO-DRL-2024-{number}", product_name, first.producer_id
    )
    assert (renewal.status, renewal.decision_date.year) == ("valid", 2024)
    assert renewal.expires_on == date(2027, 6, 20)
    assert (first.province_code, renewal.province_code, first.producer.province_code) == (lam_dong,) * 3
    assert (renewal.issued_province, renewal.issued_district) == ("Tỉnh Đắk Nông", "Huyện Đắk R'Lấp")


def test_seed_demo_run_twice_adds_nothing():
    seed()
    before = (Certificate.objects.count(), Producer.objects.count(), CertificateEvent.objects.count(),
              get_user_model().objects.count())

    output = seed()

    after = (Certificate.objects.count(), Producer.objects.count(), CertificateEvent.objects.count(),
             get_user_model().objects.count())
    assert after == before
    assert "Dữ liệu mẫu: 0 giấy chứng nhận mới, tổng 24 trong sổ đăng ký." in output


def test_seed_demo_officer_can_log_in_and_upload_a_list(client):
    output = seed()

    logged_in = client.login(email="canbo@example.vn", password="canbo-ocop-demo")
    response = client.get("/registry/import/")

    assert "Tài khoản cán bộ mẫu: canbo@example.vn / canbo-ocop-demo" in output
    assert logged_in is True
    assert response.status_code == 200
