"""Status of an OCOP certificate on a given day.

A certificate is valid for 36 months from its decision (Decision 148/QĐ-TTg),
can be revoked early by the issuing authority, and is superseded when a
re-evaluation (đánh giá lại) issues a new decision for the same product.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .validity import days_until_expiry

# Days before expiry at which producers and officers are reminded to apply for
# re-evaluation. A product policy, not a legal rule.
DEFAULT_WARNING_WINDOWS = (90, 30, 7)


class CertificateStatus(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"

    @property
    def label_vi(self) -> str:
        return _STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _STATUS_LABELS[self][1]


_STATUS_LABELS = {
    CertificateStatus.VALID: ("Còn hiệu lực", "Valid"),
    CertificateStatus.EXPIRING: ("Sắp hết hiệu lực", "Expiring soon"),
    CertificateStatus.EXPIRED: ("Hết hiệu lực", "Expired"),
    CertificateStatus.REVOKED: ("Đã thu hồi", "Revoked"),
    CertificateStatus.SUPERSEDED: ("Đã được thay thế", "Superseded"),
}


@dataclass(frozen=True)
class CertificateFacts:
    """The facts about a certificate that the rules read.

    The rule functions only read these attributes, so any object with the same
    attribute names works (duck typing): the Django certificate model passes
    itself. `expires_on` is the last valid day (see validity.expiry_date);
    `revoked_on` is the date a revocation takes effect; `superseded` is true
    once a newer decision replaces this one.
    """

    star_level: int
    decision_date: date
    expires_on: date
    revoked_on: date | None = None
    superseded: bool = False


def _check_windows(windows: Iterable[int]) -> tuple[int, ...]:
    windows = tuple(windows)
    if any(window < 0 for window in windows):
        raise ValueError(f"warning windows must not be negative (got {windows})")
    return windows


def certificate_status(
    certificate: CertificateFacts,
    today: date,
    warning_windows: Iterable[int] = DEFAULT_WARNING_WINDOWS,
) -> CertificateStatus:
    """Return the status of a certificate on `today`.

    Precedence: revoked (revocation in effect on or before today) > superseded
    > expired (today after the last valid day, 36 months from the decision,
    Decision 148/QĐ-TTg) > expiring (days left within the widest warning
    window) > valid. A revocation dated in the future does not count yet.
    `certificate` is a CertificateFacts or any object with the same attributes.
    """
    windows = _check_windows(warning_windows)
    if certificate.revoked_on is not None and certificate.revoked_on <= today:
        return CertificateStatus.REVOKED
    if certificate.superseded:
        return CertificateStatus.SUPERSEDED
    days_left = days_until_expiry(certificate.expires_on, today)
    if days_left < 0:
        return CertificateStatus.EXPIRED
    if days_left <= max(windows, default=-1):
        return CertificateStatus.EXPIRING
    return CertificateStatus.VALID


def expiry_warning_window(
    expires_on: date,
    today: date,
    windows: Iterable[int] = DEFAULT_WARNING_WINDOWS,
) -> int | None:
    """Return the smallest warning window the certificate has entered, or None.

    With windows (90, 30, 7): 95 days left -> None; 90 or 31 -> 90; 30 -> 30;
    7 down to 0 (the last valid day) -> 7; expired -> None. Reminders to apply
    for re-evaluation before the 36-month validity ends (Decision 148/QĐ-TTg).
    """
    days_left = days_until_expiry(expires_on, today)
    if days_left < 0:
        return None
    for window in sorted(_check_windows(windows)):
        if days_left <= window:
            return window
    return None


def format_date_vi(d: date) -> str:
    """Format a date the Vietnamese way, dd/mm/yyyy: 15/03/2026."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
