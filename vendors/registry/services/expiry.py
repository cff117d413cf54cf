"""The daily expiry sweep: mark expired certificates and warn producers before expiry.

Flow 4 of the design: warnings at 90/30/7 days (settings.OCOP_EXPIRY_WARNING_DAYS);
at expiry the certificate stops allowing sales. Every step is idempotent: running the
sweep twice on one day changes and sends nothing more.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

import ocop_rules

from ..events import announce_certificates_changed
from ..models import Certificate, CertificateEvent, ExpiryWarning
from .bulk import copy_instances

logger = logging.getLogger(__name__)

SYSTEM_SOURCE = "Hệ thống: rà soát hết hiệu lực hằng ngày"


def certificates_expire_due(*, today: date, batch_size: int = 5000) -> int:
    """Mark VALID certificates whose last valid day is before `today` as EXPIRED.

    A certificate is valid through the end of its expiry day (Civil Code 2015,
    Art. 147-148), so it expires the day after. Three queries per batch.
    """
    expired = 0
    while True:
        with transaction.atomic():
            ids = list(
                Certificate.objects.filter(status=Certificate.Status.VALID, expires_on__lt=today)
                .order_by("id")
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                return expired
            Certificate.objects.filter(id__in=ids).update(
                status=Certificate.Status.EXPIRED, updated_at=timezone.now()
            )
            copy_instances(
                CertificateEvent,
                (
                    {
                        "certificate_id": certificate_id,
                        "kind": CertificateEvent.Kind.EXPIRED,
                        "source": SYSTEM_SOURCE,
                        "changes": {"status": [Certificate.Status.VALID, Certificate.Status.EXPIRED]},
                    }
                    for certificate_id in ids
                ),
            )
            announce_certificates_changed(ids)
            expired += len(ids)


def expiry_warnings_schedule(*, today: date, batch_size: int = 5000) -> int:
    """Create one pending warning per certificate for the window it has entered.

    The window is the smallest of the configured ones that covers the days left
    (ocop_rules.expiry_warning_window), so 20 days left gives the 30-day warning.
    """
    windows = sorted(settings.OCOP_EXPIRY_WARNING_DAYS)
    created = 0
    lower = 0
    for window in windows:
        candidates = (
            Certificate.objects.filter(
                status=Certificate.Status.VALID,
                expires_on__gte=today + timedelta(days=lower),
                expires_on__lte=today + timedelta(days=window),
            )
            .exclude(expiry_warnings__window_days=window)
            .order_by("id")
            .values_list("id", flat=True)
        )
        ids = list(candidates)
        for start in range(0, len(ids), batch_size):
            rows = ExpiryWarning.objects.bulk_create(
                (ExpiryWarning(certificate_id=cid, window_days=window) for cid in ids[start : start + batch_size]),
                ignore_conflicts=True,
            )
            created += len(rows)
        lower = window + 1
    return created


def expiry_warnings_send(*, today: date, batch_size: int = 500) -> int:
    """Email each producer once for its pending warnings; return the emails sent.

    Warnings are claimed with a conditional UPDATE (one per batch of producers)
    before any email goes out, so no transaction is held open around the mail
    server and two sweeps never send the same warning. A failed email releases
    its warnings, so the next sweep sends it again.
    """
    pending = (
        ExpiryWarning.objects.filter(sent_at__isnull=True, certificate__status=Certificate.Status.VALID)
        .select_related("certificate__producer")
        .order_by("certificate__producer_id", "certificate__expires_on")
    )
    by_producer: dict[int, list[ExpiryWarning]] = defaultdict(list)
    for warning in pending:
        by_producer[warning.certificate.producer_id].append(warning)
    groups = list(by_producer.values())

    sent = 0
    for start in range(0, len(groups), batch_size):
        batch = groups[start : start + batch_size]
        claimed = _claim([warning.id for warnings in batch for warning in warnings])
        for warnings in batch:
            mine = [warning for warning in warnings if warning.id in claimed]
            producer = warnings[0].certificate.producer
            if not mine or not producer.email:
                continue  # no email address: the warning stays recorded for the vendor portal
            try:
                send_mail(
                    subject="[OCOP] Giấy chứng nhận OCOP sắp hết hiệu lực",
                    message=expiry_warning_text(producer.name, [w.certificate for w in mine], today=today),
                    from_email=None,
                    recipient_list=[producer.email],
                )
            except Exception:
                ExpiryWarning.objects.filter(id__in=[w.id for w in mine]).update(sent_at=None)
                raise
            sent += 1
    return sent


def _claim(ids: list[int]) -> set[int]:
    """Mark these warnings sent unless another sweep already has; return the ones taken here."""
    table = ExpiryWarning._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET sent_at = %s WHERE id = ANY(%s) AND sent_at IS NULL RETURNING id",
            [timezone.now(), ids],
        )
        return {row[0] for row in cursor.fetchall()}


def expiry_warning_text(producer_name: str, certificates: list[Certificate], *, today: date) -> str:
    lines = [f"Kính gửi {producer_name},", "", "Các giấy chứng nhận OCOP sau sắp hết hiệu lực:"]
    for certificate in certificates:
        days_left = ocop_rules.days_until_expiry(certificate.expires_on, today)
        lines.append(
            f"- {certificate.product_name} (số {certificate.number}, {certificate.star_level} sao): "
            f"hiệu lực đến {ocop_rules.format_date_vi(certificate.expires_on)}, còn {days_left} ngày."
        )
    lines += [
        "",
        "Để tiếp tục mang nhãn OCOP và bán trên sàn, vui lòng đăng ký đánh giá lại (công nhận lại)",
        "với cơ quan OCOP địa phương trước ngày hết hiệu lực.",
        "",
        "OCOP Marketplace",
    ]
    return "\n".join(lines)


def expiry_sweep(*, today: date) -> dict[str, int]:
    """The daily sweep: expire, schedule warnings, send them."""
    return {
        "expired": certificates_expire_due(today=today),
        "warnings": expiry_warnings_schedule(today=today),
        "emails": expiry_warnings_send(today=today),
    }
