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
from django.db import transaction
from django.utils import timezone

import ocop_rules

from ..models import Certificate, CertificateEvent, ExpiryWarning

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
            CertificateEvent.objects.bulk_create(
                CertificateEvent(
                    certificate_id=certificate_id,
                    kind=CertificateEvent.Kind.EXPIRED,
                    source=SYSTEM_SOURCE,
                    changes={"status": [Certificate.Status.VALID, Certificate.Status.EXPIRED]},
                )
                for certificate_id in ids
            )
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


def expiry_warnings_send(*, today: date) -> int:
    """Email each producer once for its pending warnings; return the emails sent.

    Each producer's warnings are claimed with a conditional UPDATE before the email
    goes out (no transaction is held open around the mail server), and released if
    sending fails, so a retry sends it again and a second sweep never does.
    """
    pending = (
        ExpiryWarning.objects.filter(sent_at__isnull=True, certificate__status=Certificate.Status.VALID)
        .select_related("certificate__producer")
        .order_by("certificate__producer_id", "certificate__expires_on")
    )
    by_producer: dict[int, list[ExpiryWarning]] = defaultdict(list)
    for warning in pending:
        by_producer[warning.certificate.producer_id].append(warning)

    sent = 0
    for warnings in by_producer.values():
        ids = [warning.id for warning in warnings]
        claimed = ExpiryWarning.objects.filter(id__in=ids, sent_at__isnull=True).update(sent_at=timezone.now())
        if claimed != len(ids):
            continue  # another sweep took some of them: it sends them
        producer = warnings[0].certificate.producer
        if not producer.email:
            logger.info("No email for producer %s: %d expiry warnings recorded only", producer.pk, len(ids))
            continue
        try:
            send_mail(
                subject="[OCOP] Giấy chứng nhận OCOP sắp hết hiệu lực",
                message=expiry_warning_text(producer.name, [w.certificate for w in warnings], today=today),
                from_email=None,
                recipient_list=[producer.email],
            )
        except Exception:
            ExpiryWarning.objects.filter(id__in=ids).update(sent_at=None)
            raise
        sent += 1
    return sent


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
