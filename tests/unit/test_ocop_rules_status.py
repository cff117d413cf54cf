from datetime import date

import pytest

from ocop_rules import (
    DEFAULT_WARNING_WINDOWS,
    CertificateFacts,
    CertificateStatus,
    certificate_status,
    expiry_warning_window,
    format_date_vi,
)

DECISION_DATE = date(2023, 3, 15)
EXPIRES_ON = date(2026, 3, 15)


def make_certificate(**overrides) -> CertificateFacts:
    facts = {"star_level": 4, "decision_date": DECISION_DATE, "expires_on": EXPIRES_ON}
    return CertificateFacts(**{**facts, **overrides})


def test_default_warning_windows():
    assert DEFAULT_WARNING_WINDOWS == (90, 30, 7)


@pytest.mark.parametrize(
    ("status", "value", "label_vi", "label_en"),
    [
        (CertificateStatus.VALID, "valid", "Còn hiệu lực", "Valid"),
        (CertificateStatus.EXPIRING, "expiring", "Sắp hết hiệu lực", "Expiring soon"),
        (CertificateStatus.EXPIRED, "expired", "Hết hiệu lực", "Expired"),
        (CertificateStatus.REVOKED, "revoked", "Đã thu hồi", "Revoked"),
        (CertificateStatus.SUPERSEDED, "superseded", "Đã được thay thế", "Superseded"),
    ],
)
def test_status_values_and_labels(status, value, label_vi, label_en):
    assert status == value
    assert status.label_vi == label_vi
    assert status.label_en == label_en


def test_certificate_facts_are_frozen():
    certificate = make_certificate()

    with pytest.raises(AttributeError):
        certificate.superseded = True


def test_certificate_facts_defaults():
    certificate = make_certificate()

    assert certificate.revoked_on is None
    assert certificate.superseded is False


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2023, 3, 15), CertificateStatus.VALID),
        (date(2025, 12, 14), CertificateStatus.VALID),  # 91 days left
        (date(2025, 12, 15), CertificateStatus.EXPIRING),  # 90 days left
        (date(2026, 3, 14), CertificateStatus.EXPIRING),
        (date(2026, 3, 15), CertificateStatus.EXPIRING),  # last valid day
        (date(2026, 3, 16), CertificateStatus.EXPIRED),
        (date(2030, 1, 1), CertificateStatus.EXPIRED),
    ],
)
def test_status_by_days_left(today, expected):
    assert certificate_status(make_certificate(), today) is expected


def test_revocation_takes_effect_on_its_date():
    # given a certificate revoked with effect from 1 June 2024
    certificate = make_certificate(revoked_on=date(2024, 6, 1))

    # then it is valid the day before and revoked from that day on
    assert certificate_status(certificate, date(2024, 5, 31)) is CertificateStatus.VALID
    assert certificate_status(certificate, date(2024, 6, 1)) is CertificateStatus.REVOKED
    assert certificate_status(certificate, date(2024, 6, 2)) is CertificateStatus.REVOKED


def test_revoked_wins_over_superseded_and_expired():
    certificate = make_certificate(revoked_on=date(2024, 6, 1), superseded=True)

    assert certificate_status(certificate, date(2027, 1, 1)) is CertificateStatus.REVOKED


def test_future_revocation_does_not_hide_superseded():
    certificate = make_certificate(revoked_on=date(2024, 6, 1), superseded=True)

    assert certificate_status(certificate, date(2024, 5, 31)) is CertificateStatus.SUPERSEDED


def test_superseded_wins_over_expired():
    certificate = make_certificate(superseded=True)

    assert certificate_status(certificate, date(2027, 1, 1)) is CertificateStatus.SUPERSEDED


def test_superseded_wins_over_expiring():
    certificate = make_certificate(superseded=True)

    assert certificate_status(certificate, date(2026, 3, 1)) is CertificateStatus.SUPERSEDED


def test_expiring_uses_the_widest_window_given():
    # given 20 days left
    today = date(2026, 2, 23)

    narrow = certificate_status(make_certificate(), today, warning_windows=(7,))
    wide = certificate_status(make_certificate(), today, warning_windows=(7, 20))

    assert narrow is CertificateStatus.VALID
    assert wide is CertificateStatus.EXPIRING


def test_no_warning_windows_means_never_expiring():
    assert certificate_status(make_certificate(), EXPIRES_ON, warning_windows=()) is CertificateStatus.VALID


def test_negative_warning_window_is_a_programming_error():
    with pytest.raises(ValueError):
        certificate_status(make_certificate(), EXPIRES_ON, warning_windows=(-1,))


class DuckCertificate:
    """Stands for the Django model: only the attribute names matter."""

    star_level = 3
    decision_date = DECISION_DATE
    expires_on = EXPIRES_ON
    revoked_on = None
    superseded = False


def test_any_object_with_the_same_attributes_works():
    assert certificate_status(DuckCertificate(), date(2026, 3, 1)) is CertificateStatus.EXPIRING


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (400, None),
        (95, None),
        (91, None),
        (90, 90),
        (89, 90),
        (31, 90),
        (30, 30),
        (29, 30),
        (8, 30),
        (7, 7),
        (1, 7),
        (0, 7),
        (-1, None),
        (-30, None),
    ],
)
def test_expiry_warning_window_boundaries(days_left, expected):
    today = date.fromordinal(EXPIRES_ON.toordinal() - days_left)

    assert expiry_warning_window(EXPIRES_ON, today) == expected


def test_expiry_warning_window_accepts_unsorted_windows():
    today = date.fromordinal(EXPIRES_ON.toordinal() - 10)

    assert expiry_warning_window(EXPIRES_ON, today, windows=(7, 60, 14)) == 14


def test_expiry_warning_window_with_no_windows():
    assert expiry_warning_window(EXPIRES_ON, EXPIRES_ON, windows=()) is None


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 3, 15), "15/03/2026"),
        (date(2024, 2, 29), "29/02/2024"),
        (date(2025, 12, 1), "01/12/2025"),
        (date(999, 1, 2), "02/01/0999"),
    ],
)
def test_format_date_vi(d, expected):
    assert format_date_vi(d) == expected
