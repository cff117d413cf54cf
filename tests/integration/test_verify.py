"""The public certificate check behind the QR code on packaging."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.integration.factories import make_certificate
from vendors.registry.services import certificate_revoke

pytestmark = pytest.mark.django_db


def verify_json(client, number: str):
    return client.get(f"/verify/{number}", {"format": "json"})


def test_valid_certificate_json_has_the_documented_keys(client):
    # given a 4-star certificate valid for another 400 days
    certificate = make_certificate(number="GCN-001", product_name="Cà phê rang xay", star_level=4, expires_in_days=400)

    # when anyone checks it
    response = verify_json(client, "GCN-001")

    # then the JSON tells the facts printed on the certificate
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == "GCN-001"
    assert body["product_name"] == "Cà phê rang xay"
    assert body["producer"] == certificate.producer.name
    assert body["star_level"] == 4
    assert body["decision_date"] == certificate.decision_date.isoformat()
    assert body["valid_until"] == (timezone.localdate() + timedelta(days=400)).isoformat()
    assert body["status"] == "valid"


def test_certificate_in_its_last_90_days_is_expiring(client):
    make_certificate(number="GCN-002", expires_in_days=30)
    assert verify_json(client, "GCN-002").json()["status"] == "expiring"


def test_certificate_past_its_last_day_is_expired(client):
    make_certificate(number="GCN-003", expires_in_days=-1)
    body = verify_json(client, "GCN-003").json()
    assert body["status"] == "expired"
    assert body["valid_until"] == (timezone.localdate() - timedelta(days=1)).isoformat()


def test_certificate_on_its_last_day_is_still_valid(client):
    make_certificate(number="GCN-004", expires_in_days=0)
    assert verify_json(client, "GCN-004").json()["status"] == "expiring"


def test_revoked_certificate_says_so(client):
    certificate = make_certificate(number="GCN-005")
    today = timezone.localdate()
    certificate_revoke(certificate=certificate, revoked_on=today, reason="Vi phạm chất lượng",
                       actor=None, source="test", today=today)
    body = verify_json(client, "GCN-005").json()
    assert body["status"] == "revoked"
    assert body["revoked_on"] == today.isoformat()


def test_unknown_number_is_404_with_a_helpful_message(client):
    response = verify_json(client, "KHONG-CO")
    assert response.status_code == 404
    assert "Không tìm thấy giấy chứng nhận OCOP số “KHONG-CO”" in response.json()["message"]
    page = client.get("/verify/KHONG-CO")
    assert page.status_code == 404
    assert "Không tìm thấy giấy chứng nhận" in page.content.decode()


def test_verify_page_speaks_plain_vietnamese(client):
    make_certificate(number="12/GCN-UBND", product_name="Hạt điều rang muối", star_level=3, expires_in_days=200)
    html = client.get("/verify/12/GCN-UBND").content.decode()
    valid_until = (timezone.localdate() + timedelta(days=200)).strftime("%d/%m/%Y")
    assert "Hạt điều rang muối" in html
    assert f"Sản phẩm OCOP 3 sao, giấy chứng nhận còn hiệu lực đến {valid_until}." in html
    assert "Còn hiệu lực" in html
    # the place as the decision named it, and where it is today
    assert "Huyện Đắk R&#x27;Lấp" in html or "Huyện Đắk R'Lấp" in html
    assert "Lâm Đồng" in html


@pytest.mark.parametrize(("extension", "content_type", "magic"), [
    ("svg", "image/svg+xml", b"<?xml"),
    ("png", "image/png", b"\x89PNG\r\n\x1a\n"),
])
def test_qr_image_for_a_certificate(client, extension, content_type, magic):
    make_certificate(number="12/GCN-UBND")
    response = client.get(f"/qr/12/GCN-UBND.{extension}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(magic)


def test_qr_encodes_the_public_verify_address(client):
    import segno

    make_certificate(number="GCN-QR")
    expected = segno.make("https://ocop.example.vn/verify/GCN-QR", error="m")
    import io

    buffer = io.BytesIO()
    expected.save(buffer, kind="png", scale=8, border=2)
    assert client.get("/qr/GCN-QR.png").content == buffer.getvalue()


def test_qr_for_unknown_certificate_is_404(client):
    assert client.get("/qr/KHONG-CO.svg").status_code == 404
