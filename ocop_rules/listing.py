"""May a vendor's product be listed in the shop as an OCOP product?

Only recognised OCOP products (3★ to 5★) with a certificate in force may be
sold as such (Decision 148/QĐ-TTg), and only by an approved vendor.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .stars import is_certifiable
from .status import (
    DEFAULT_WARNING_WINDOWS,
    CertificateFacts,
    CertificateStatus,
    certificate_status,
    format_date_vi,
)


class VendorState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"

    @property
    def label_vi(self) -> str:
        return _VENDOR_STATE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _VENDOR_STATE_LABELS[self][1]


_VENDOR_STATE_LABELS = {
    VendorState.DRAFT: ("Bản nháp", "Draft"),
    VendorState.SUBMITTED: ("Đã gửi, chờ duyệt", "Submitted"),
    VendorState.CHANGES_REQUESTED: ("Cần bổ sung hồ sơ", "Changes requested"),
    VendorState.APPROVED: ("Đã duyệt", "Approved"),
    VendorState.REJECTED: ("Bị từ chối", "Rejected"),
    VendorState.SUSPENDED: ("Bị tạm ngừng", "Suspended"),
}


class ListingCode(StrEnum):
    """The `code` of a ListingDecision; compares equal to its plain string."""

    ALLOWED = "allowed"
    NOT_CERTIFIABLE = "not_certifiable"
    CERTIFICATE_REVOKED = "certificate_revoked"
    CERTIFICATE_SUPERSEDED = "certificate_superseded"
    CERTIFICATE_EXPIRED = "certificate_expired"
    VENDOR_SUSPENDED = "vendor_suspended"
    VENDOR_NOT_APPROVED = "vendor_not_approved"


@dataclass(frozen=True)
class ListingDecision:
    """Whether a listing is allowed, with a stable code and reasons in vi/en."""

    allowed: bool
    code: str
    reason_vi: str
    reason_en: str

    def __bool__(self) -> bool:
        return self.allowed


def _refuse(code: ListingCode, reason_vi: str, reason_en: str) -> ListingDecision:
    return ListingDecision(allowed=False, code=code, reason_vi=reason_vi, reason_en=reason_en)


def listing_decision(
    certificate: CertificateFacts,
    vendor_state: VendorState | str,
    today: date,
    warning_windows: Iterable[int] = DEFAULT_WARNING_WINDOWS,
) -> ListingDecision:
    """Decide whether a product may be listed for sale on `today`.

    Checks, first failure wins: star level certifiable (3★–5★ only, Decision
    148/QĐ-TTg); certificate not revoked; not superseded by a newer decision;
    not expired (36 months from the decision date, Decision 148/QĐ-TTg);
    vendor not suspended; vendor approved. A certificate in its expiry warning
    window is still allowed. `certificate` is a CertificateFacts or any object
    with the same attributes; `vendor_state` a VendorState or its value
    (an unknown value raises ValueError).
    """
    vendor_state = VendorState(vendor_state)
    if not is_certifiable(certificate.star_level):
        stars = certificate.star_level
        return _refuse(
            ListingCode.NOT_CERTIFIABLE,
            f"Sản phẩm {stars} sao chưa được công nhận là sản phẩm OCOP "
            "(cần từ 3 sao trở lên)",
            f"A {stars}-star product is not a certified OCOP product "
            "(3 stars or more required)",
        )
    status = certificate_status(certificate, today, warning_windows)
    if status is CertificateStatus.REVOKED:
        revoked_on = format_date_vi(certificate.revoked_on)
        return _refuse(
            ListingCode.CERTIFICATE_REVOKED,
            f"Giấy chứng nhận OCOP đã bị thu hồi ngày {revoked_on}",
            f"The OCOP certificate was revoked on {revoked_on}",
        )
    if status is CertificateStatus.SUPERSEDED:
        return _refuse(
            ListingCode.CERTIFICATE_SUPERSEDED,
            "Giấy chứng nhận OCOP đã được thay thế bằng giấy chứng nhận mới",
            "The OCOP certificate has been superseded by a new certificate",
        )
    expires_on = format_date_vi(certificate.expires_on)
    if status is CertificateStatus.EXPIRED:
        return _refuse(
            ListingCode.CERTIFICATE_EXPIRED,
            f"Giấy chứng nhận OCOP đã hết hiệu lực: hiệu lực đến {expires_on}",
            f"The OCOP certificate has expired: it was valid until {expires_on}",
        )
    if vendor_state is VendorState.SUSPENDED:
        return _refuse(
            ListingCode.VENDOR_SUSPENDED,
            "Nhà bán hàng đang bị tạm ngừng hoạt động",
            "The vendor is suspended",
        )
    if vendor_state is not VendorState.APPROVED:
        return _refuse(
            ListingCode.VENDOR_NOT_APPROVED,
            f"Nhà bán hàng chưa được duyệt (trạng thái: {vendor_state.label_vi})",
            f"The vendor is not approved (state: {vendor_state.label_en})",
        )
    return ListingDecision(
        allowed=True,
        code=ListingCode.ALLOWED,
        reason_vi=f"Được phép bán: giấy chứng nhận còn hiệu lực đến {expires_on}",
        reason_en=f"May be sold: the certificate is valid until {expires_on}",
    )
