"""The daily expiry sweep: expire, warn at 90/30/7 days, never twice."""
from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from tests.integration.factories import make_certificate, make_producer
from vendors.registry.models import Certificate, ExpiryWarning
from vendors.registry.services import expiry_sweep

pytestmark = pytest.mark.django_db


def test_sweep_marks_certificates_past_their_last_day_expired():
    past = make_certificate(number="GCN-PAST", expires_in_days=-1)
    Certificate.objects.filter(pk=past.pk).update(status="valid")  # as if yesterday's sweep had not run
    last_day = make_certificate(number="GCN-LAST-DAY", expires_in_days=0)

    result = expiry_sweep(today=timezone.localdate())

    past.refresh_from_db()
    last_day.refresh_from_db()
    assert result["expired"] == 1
    assert (past.status, last_day.status) == ("expired", "valid")
    assert past.events.last().kind == "expired"


def test_each_producer_gets_one_warning_per_window_and_none_twice():
    producer = make_producer("HTX Cà phê Đạo Nghĩa", email="daonghia@example.vn")
    make_certificate(producer=producer, product_name="Cà phê phin", number="GCN-7", expires_in_days=6)
    make_certificate(producer=producer, product_name="Cà phê hạt", number="GCN-30", expires_in_days=25)
    make_certificate(producer=producer, product_name="Cà phê bột", number="GCN-FAR", expires_in_days=200)
    other = make_producer("HTX Mật ong", email="matong@example.vn")
    make_certificate(producer=other, product_name="Mật ong", number="GCN-90", expires_in_days=80)

    first = expiry_sweep(today=timezone.localdate())
    second = expiry_sweep(today=timezone.localdate())

    assert (first["warnings"], first["emails"]) == (3, 2)
    assert (second["warnings"], second["emails"]) == (0, 0)
    assert sorted(ExpiryWarning.objects.values_list("certificate__number", "window_days")) == [
        ("GCN-30", 30), ("GCN-7", 7), ("GCN-90", 90)]
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert set(by_recipient) == {"daonghia@example.vn", "matong@example.vn"}
    assert "Cà phê phin (số GCN-7, 4 sao)" in by_recipient["daonghia@example.vn"]
    assert "còn 6 ngày" in by_recipient["daonghia@example.vn"]
    assert "Cà phê bột" not in by_recipient["daonghia@example.vn"]


def test_a_certificate_entering_a_smaller_window_is_warned_again(monkeypatch):
    make_certificate(number="GCN-A", expires_in_days=31)
    today = timezone.localdate()
    expiry_sweep(today=today)
    expiry_sweep(today=today + __import__("datetime").timedelta(days=1))  # now 30 days left
    assert sorted(ExpiryWarning.objects.values_list("window_days", flat=True)) == [30, 90]
    assert len(mail.outbox) == 2


def test_failed_email_is_sent_again_by_the_next_sweep(monkeypatch):
    make_certificate(number="GCN-A", expires_in_days=20)

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("vendors.registry.services.expiry.send_mail", broken)
    with pytest.raises(ConnectionError):
        expiry_sweep(today=timezone.localdate())
    monkeypatch.undo()
    assert expiry_sweep(today=timezone.localdate())["emails"] == 1
    assert len(mail.outbox) == 1
