from datetime import date

import pytest

from ocop_rules import (
    CertificateFacts,
    ListingCode,
    ListingDecision,
    VendorState,
    listing_decision,
)

DECISION_DATE = date(2023, 3, 15)
EXPIRES_ON = date(2026, 3, 15)
TODAY = date(2025, 6, 1)


def make_certificate(**overrides) -> CertificateFacts:
    facts = {"star_level": 3, "decision_date": DECISION_DATE, "expires_on": EXPIRES_ON}
    return CertificateFacts(**{**facts, **overrides})


@pytest.mark.parametrize(
    ("state", "value"),
    [
        (VendorState.DRAFT, "draft"),
        (VendorState.SUBMITTED, "submitted"),
        (VendorState.CHANGES_REQUESTED, "changes_requested"),
        (VendorState.APPROVED, "approved"),
        (VendorState.REJECTED, "rejected"),
        (VendorState.SUSPENDED, "suspended"),
    ],
)
def test_vendor_state_values(state, value):
    assert state == value


@pytest.mark.parametrize("stars", [3, 4, 5])
def test_valid_certificate_and_approved_vendor_is_allowed(stars):
    decision = listing_decision(make_certificate(star_level=stars), VendorState.APPROVED, TODAY)

    assert decision == ListingDecision(
        allowed=True,
        code="allowed",
        reason_vi="Được phép bán: giấy chứng nhận còn hiệu lực đến 15/03/2026",
        reason_en="May be sold: the certificate is valid until 15/03/2026",
    )
    assert bool(decision) is True


@pytest.mark.parametrize("today", [date(2025, 12, 15), date(2026, 3, 8), date(2026, 3, 15)])
def test_expiring_certificate_is_still_allowed(today):
    decision = listing_decision(make_certificate(), VendorState.APPROVED, today)

    assert decision.allowed is True
    assert decision.code == "allowed"


def test_vendor_state_may_be_given_as_its_value():
    assert listing_decision(make_certificate(), "approved", TODAY).code == "allowed"


def test_unknown_vendor_state_is_a_programming_error():
    with pytest.raises(ValueError):
        listing_decision(make_certificate(), "banned", TODAY)


@pytest.mark.parametrize("stars", [1, 2])
def test_uncertified_star_level_is_refused(stars):
    decision = listing_decision(make_certificate(star_level=stars), VendorState.APPROVED, TODAY)

    assert decision == ListingDecision(
        allowed=False,
        code="not_certifiable",
        reason_vi=f"Sản phẩm {stars} sao chưa được công nhận là sản phẩm OCOP (cần từ 3 sao trở lên)",
        reason_en=f"A {stars}-star product is not a certified OCOP product (3 stars or more required)",
    )
    assert bool(decision) is False


def test_revoked_certificate_is_refused_with_the_revocation_date():
    certificate = make_certificate(revoked_on=date(2024, 6, 1))

    decision = listing_decision(certificate, VendorState.APPROVED, TODAY)

    assert decision == ListingDecision(
        allowed=False,
        code="certificate_revoked",
        reason_vi="Giấy chứng nhận OCOP đã bị thu hồi ngày 01/06/2024",
        reason_en="The OCOP certificate was revoked on 01/06/2024",
    )


def test_superseded_certificate_is_refused():
    decision = listing_decision(make_certificate(superseded=True), VendorState.APPROVED, TODAY)

    assert decision == ListingDecision(
        allowed=False,
        code="certificate_superseded",
        reason_vi="Giấy chứng nhận OCOP đã được thay thế bằng giấy chứng nhận mới",
        reason_en="The OCOP certificate has been superseded by a new certificate",
    )


def test_expired_certificate_is_refused_from_the_day_after_expiry():
    # given the last valid day is 15/03/2026
    # when checked on 16/03/2026
    decision = listing_decision(make_certificate(), VendorState.APPROVED, date(2026, 3, 16))

    # then
    assert decision == ListingDecision(
        allowed=False,
        code="certificate_expired",
        reason_vi="Giấy chứng nhận OCOP đã hết hiệu lực: hiệu lực đến 15/03/2026",
        reason_en="The OCOP certificate has expired: it was valid until 15/03/2026",
    )


def test_suspended_vendor_is_refused():
    decision = listing_decision(make_certificate(), VendorState.SUSPENDED, TODAY)

    assert decision == ListingDecision(
        allowed=False,
        code="vendor_suspended",
        reason_vi="Nhà bán hàng đang bị tạm ngừng hoạt động",
        reason_en="The vendor is suspended",
    )


@pytest.mark.parametrize(
    ("state", "label_vi", "label_en"),
    [
        (VendorState.DRAFT, "Bản nháp", "Draft"),
        (VendorState.SUBMITTED, "Đã gửi, chờ duyệt", "Submitted"),
        (VendorState.CHANGES_REQUESTED, "Cần bổ sung hồ sơ", "Changes requested"),
        (VendorState.REJECTED, "Bị từ chối", "Rejected"),
    ],
)
def test_vendor_not_approved_is_refused(state, label_vi, label_en):
    decision = listing_decision(make_certificate(), state, TODAY)

    assert decision == ListingDecision(
        allowed=False,
        code="vendor_not_approved",
        reason_vi=f"Nhà bán hàng chưa được duyệt (trạng thái: {label_vi})",
        reason_en=f"The vendor is not approved (state: {label_en})",
    )


@pytest.mark.parametrize(
    ("certificate", "today", "vendor_state", "expected_code"),
    [
        # not certifiable beats everything else
        (
            make_certificate(star_level=2, revoked_on=date(2024, 6, 1), superseded=True),
            date(2027, 1, 1),
            VendorState.SUSPENDED,
            "not_certifiable",
        ),
        # revoked beats superseded, expired and vendor state
        (
            make_certificate(revoked_on=date(2024, 6, 1), superseded=True),
            date(2027, 1, 1),
            VendorState.SUSPENDED,
            "certificate_revoked",
        ),
        # superseded beats expired and vendor state
        (make_certificate(superseded=True), date(2027, 1, 1), VendorState.DRAFT, "certificate_superseded"),
        # expired beats vendor state
        (make_certificate(), date(2027, 1, 1), VendorState.SUSPENDED, "certificate_expired"),
        # a revocation dated in the future is not in effect yet
        (make_certificate(revoked_on=date(2025, 6, 2)), TODAY, VendorState.APPROVED, "allowed"),
    ],
)
def test_checks_apply_in_order(certificate, today, vendor_state, expected_code):
    assert listing_decision(certificate, vendor_state, today).code == expected_code


def test_every_listing_code_value():
    assert {code.value for code in ListingCode} == {
        "allowed",
        "not_certifiable",
        "certificate_revoked",
        "certificate_superseded",
        "certificate_expired",
        "vendor_suspended",
        "vendor_not_approved",
    }


def test_listing_decision_is_frozen():
    decision = listing_decision(make_certificate(), VendorState.APPROVED, TODAY)

    with pytest.raises(AttributeError):
        decision.allowed = False
