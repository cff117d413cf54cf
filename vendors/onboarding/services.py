"""Writes for onboarding: the producer's application, officers' decisions, vendor users.

Flow 2 of the design: a producer applies with its tax number; the registry match is
shown to the officer; approve / reject / request changes / suspend / reinstate, each
with who, when and why kept and emailed to the applicant; suspension hides all
listings at once (through the vendor_state_changed event).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

import ocop_rules
from ocop_rules import VendorState
from vendors.access import forget_actor
from vendors.errors import UserError
from vendors.registry import places
from vendors.registry.models import Producer

from .events import announce_vendor_state_changed
from .models import Decision, Document, Invitation, Membership, Vendor
from .selectors import certifiable_certificates

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_PIXELS = 60_000_000
MAX_DOCUMENTS_PER_VENDOR = 10
EDITABLE_STATES = {VendorState.DRAFT, VendorState.CHANGES_REQUESTED}
BANK_FIELDS = ("bank_name", "bank_account_number", "bank_account_holder")
PHONE = re.compile(r"0\d{9,10}")
IDENTITY_NUMBER = re.compile(r"\d{12}")


class OnboardingError(UserError):
    pass


@dataclass(frozen=True)
class ApplicationInput:
    kind: str
    name: str
    tax_number: str
    province_code: str
    commune_code: str
    street_address: str
    representative_name: str
    phone: str
    identity_number: str
    bank_name: str
    bank_account_number: str
    bank_account_holder: str


def _clean_application(data: ApplicationInput) -> dict[str, str]:
    """Check every field; the first problem is raised with the field it belongs to."""
    try:
        kind = ocop_rules.ProducerKind(data.kind)
    except ValueError:
        raise OnboardingError("Chọn loại hình chủ thể.", code="required", field="kind") from None
    try:
        tax_number = ocop_rules.normalise_tax_number(data.tax_number or "")
    except ocop_rules.InvalidTaxNumber as error:
        raise OnboardingError(
            "Mã số thuế không hợp lệ: cần 10 chữ số (hoặc 13 với mã chi nhánh), hoặc số đăng ký hộ kinh doanh.",
            code="invalid", field="tax_number",
        ) from error
    province = places.province_or_none(data.province_code)
    if province is None:
        raise OnboardingError("Chọn tỉnh/thành phố.", code="required", field="province_code")
    commune = places.commune_or_none(data.commune_code)
    if commune is None or commune.province_code != province.code:
        raise OnboardingError(f"Chọn xã/phường thuộc {province.name}.", code="invalid", field="commune_code")
    phone = re.sub(r"[\s.\-()]", "", data.phone or "").replace("+84", "0", 1)
    if not PHONE.fullmatch(phone):
        raise OnboardingError("Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).", code="invalid", field="phone")
    identity = re.sub(r"\s", "", data.identity_number or "")
    if not IDENTITY_NUMBER.fullmatch(identity):
        raise OnboardingError("Số CCCD gồm 12 chữ số.", code="invalid", field="identity_number")
    cleaned = {
        "kind": kind.value, "tax_number": tax_number, "province_code": province.code, "commune_code": commune.code,
        "phone": phone, "identity_number": identity,
    }
    for name, label in (("name", "tên chủ thể"), ("street_address", "địa chỉ"), ("representative_name", "người đại diện"),
                        ("bank_name", "ngân hàng"), ("bank_account_number", "số tài khoản"),
                        ("bank_account_holder", "chủ tài khoản")):
        value = " ".join((getattr(data, name) or "").split())
        if not value:
            raise OnboardingError(f"Cần {label}.", code="required", field=name)
        cleaned[name] = value
    cleaned["bank_account_number"] = cleaned["bank_account_number"].replace(" ", "")
    if not re.fullmatch(r"[0-9]{6,20}", cleaned["bank_account_number"]):
        raise OnboardingError("Số tài khoản gồm 6–20 chữ số.", code="invalid", field="bank_account_number")
    for name, value in cleaned.items():
        limit = Vendor._meta.get_field(name).max_length
        if limit and len(value) > limit:
            raise OnboardingError(f"Quá dài (tối đa {limit} ký tự).", code="invalid", field=name)
    return cleaned


@transaction.atomic
def application_save(*, user, data: ApplicationInput, vendor: Vendor | None = None) -> Vendor:
    """Create the applicant's vendor (the user becomes its owner) or edit it while it is
    a draft or changes were requested."""
    if not getattr(user, "email_confirmed_at", None):
        raise OnboardingError("Hãy xác nhận email trước khi đăng ký bán hàng.", code="email_unconfirmed")
    cleaned = _clean_application(data)
    if vendor is None:
        if Membership.objects.filter(user=user).exists():
            raise OnboardingError("Tài khoản này đã thuộc một gian hàng.", code="already_member")
        vendor = Vendor(state=VendorState.DRAFT)
    else:
        # Lock and re-read: a submit racing this edit must not be written back over.
        vendor = _locked(vendor)
    if vendor.pk is not None:
        if VendorState(vendor.state) not in EDITABLE_STATES:
            raise OnboardingError("Hồ sơ đã nộp, không sửa được lúc này.", code="invalid_state")
        bank_changed = any(cleaned[name] != getattr(vendor, name) for name in BANK_FIELDS)
        if bank_changed and not _is_owner(user, vendor):
            raise OnboardingError("Chỉ chủ gian hàng được đổi tài khoản ngân hàng.", code="permission_denied")
    duplicate = OnboardingError("Mã số thuế này đã đăng ký gian hàng.", code="duplicate", field="tax_number")
    if Vendor.objects.filter(tax_number=cleaned["tax_number"]).exclude(pk=vendor.pk).exists():
        raise duplicate
    if vendor.pk is not None and cleaned["tax_number"] != vendor.tax_number:
        vendor.producer = None  # the registry link follows the tax number; submit links it again
    for name, value in cleaned.items():
        setattr(vendor, name, value)
    try:
        with transaction.atomic():
            if vendor.pk is None:
                vendor.save()
            else:
                vendor.save(update_fields=[*cleaned, "name_folded", "producer", "updated_at"])
    except IntegrityError:  # the same tax number applied for at the same moment
        raise duplicate from None
    if not vendor.memberships.exists():
        Membership.objects.create(vendor=vendor, user=user, role=Membership.Role.OWNER)
        forget_actor(user)
    return vendor


def _is_owner(user, vendor: Vendor) -> bool:
    return Membership.objects.filter(vendor=vendor, user=user, role=Membership.Role.OWNER).exists()


def _sniff_document(upload) -> str:
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_DOCUMENT_PIXELS:
                raise OnboardingError("Ảnh có kích thước quá lớn.", code="invalid", field="document")
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        kind = None
    finally:
        upload.seek(0)
    if kind in {"JPEG", "PNG"}:
        return f"image/{kind.lower()}"
    raise OnboardingError("Chỉ nhận tệp PDF hoặc ảnh JPEG/PNG.", code="invalid", field="document")


@transaction.atomic
def document_add(*, vendor: Vendor, user, upload, kind: str = Document.Kind.BUSINESS_LICENCE) -> Document:
    """A business licence (PDF or image), checked by its content and size, stored privately."""
    if VendorState(vendor.state) not in EDITABLE_STATES:
        raise OnboardingError("Hồ sơ đã nộp, không thêm tài liệu được lúc này.", code="invalid_state")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise OnboardingError("Tệp quá lớn (tối đa 10 MB).", code="invalid", field="document")
    if vendor.documents.count() >= MAX_DOCUMENTS_PER_VENDOR:
        raise OnboardingError(f"Tối đa {MAX_DOCUMENTS_PER_VENDOR} tài liệu cho một hồ sơ.", code="invalid", field="document")
    content_type = _sniff_document(upload)
    return Document.objects.create(
        vendor=vendor, kind=kind, file=upload, original_name=upload.name[:255], content_type=content_type,
        size=upload.size, uploaded_by=user,
    )


def _transition(vendor: Vendor, action: str, to_state: VendorState, *, actor, reason: str = "") -> Decision:
    decision = Decision.objects.create(
        vendor=vendor, action=action, from_state=vendor.state, to_state=to_state.value, reason=reason, actor=actor
    )
    vendor.state = to_state.value
    vendor.save(update_fields=["state", "submitted_at", "approved_at", "producer", "updated_at"])
    announce_vendor_state_changed(vendor.id)
    return decision


def _locked(vendor: Vendor) -> Vendor:
    return Vendor.objects.select_for_update().get(pk=vendor.pk)


def _require_state(vendor: Vendor, *states: VendorState) -> None:
    if VendorState(vendor.state) not in states:
        raise OnboardingError(
            f"Không thực hiện được: gian hàng đang ở trạng thái “{VendorState(vendor.state).label_vi}”.",
            code="invalid_state",
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise OnboardingError("Cần ghi lý do.", code="required", field="reason")
    return reason


@transaction.atomic
def application_submit(*, vendor: Vendor, user) -> Vendor:
    """Send the application to the officers. An exact tax-number match links the
    registry producer; a name match is only ever shown, never linked."""
    vendor = _locked(vendor)
    _require_state(vendor, VendorState.DRAFT, VendorState.CHANGES_REQUESTED)
    if not vendor.documents.filter(kind=Document.Kind.BUSINESS_LICENCE).exists():
        raise OnboardingError("Cần tải lên giấy chứng nhận đăng ký kinh doanh.", code="required", field="document")
    producer = Producer.objects.filter(tax_number=vendor.tax_number).first()
    if producer is not None and Vendor.objects.filter(producer=producer).exclude(pk=vendor.pk).exists():
        raise OnboardingError(
            "Chủ thể có mã số thuế này đã có gian hàng trên sàn; liên hệ cán bộ OCOP nếu có nhầm lẫn.",
            code="duplicate", field="tax_number",
        )
    vendor.producer = producer
    vendor.submitted_at = timezone.now()
    _transition(vendor, Decision.Action.SUBMIT, VendorState.SUBMITTED, actor=user)
    return vendor


def registry_producer(vendor: Vendor) -> Producer | None:
    """The registry producer with the application's tax number (exact match only), also
    when it was added to the registry after the application was submitted."""
    return vendor.producer or Producer.objects.filter(tax_number=vendor.tax_number).first()


def approval_blocker(vendor: Vendor, *, today) -> str | None:
    """Why this application cannot be approved, in plain words; None when it can."""
    producer = registry_producer(vendor)
    if producer is None:
        return "Không có chủ thể nào trong sổ đăng ký OCOP trùng mã số thuế của hồ sơ."
    if not certifiable_certificates(producer, today=today):
        return "Chủ thể chưa có giấy chứng nhận OCOP (3 sao trở lên) còn hiệu lực."
    return None


@transaction.atomic
def application_approve(*, vendor: Vendor, officer, today, reason: str = "") -> Vendor:
    _refuse_own_vendor(vendor, officer)
    vendor = _locked(vendor)
    _require_state(vendor, VendorState.SUBMITTED)
    blocker = approval_blocker(vendor, today=today)
    if blocker:
        raise OnboardingError(f"Chưa duyệt được: {blocker}", code="not_certified")
    vendor.producer = registry_producer(vendor)
    vendor.approved_at = timezone.now()
    decision = _transition(vendor, Decision.Action.APPROVE, VendorState.APPROVED, actor=officer, reason=reason)
    _notify(vendor, decision)
    return vendor


def _refuse_own_vendor(vendor: Vendor, officer) -> None:
    """Nobody decides on a vendor they work for: an officer who is also its member must
    leave the decision to a colleague."""
    if officer is not None and Membership.objects.filter(vendor=vendor, user=officer).exists():
        raise OnboardingError("Cán bộ không được tự quyết định về gian hàng mình tham gia.", code="permission_denied")


def _decide(vendor: Vendor, action: str, *, allowed_from: VendorState, to_state: VendorState, officer,
            reason: str, reason_required: bool) -> Vendor:
    """One officer decision: lock, check the state, keep the decision, email the applicant."""
    reason = _require_reason(reason) if reason_required else (reason or "").strip()
    _refuse_own_vendor(vendor, officer)
    vendor = _locked(vendor)
    _require_state(vendor, allowed_from)
    _notify(vendor, _transition(vendor, action, to_state, actor=officer, reason=reason))
    return vendor


@transaction.atomic
def application_reject(*, vendor: Vendor, officer, reason: str) -> Vendor:
    return _decide(vendor, Decision.Action.REJECT, allowed_from=VendorState.SUBMITTED,
                   to_state=VendorState.REJECTED, officer=officer, reason=reason, reason_required=True)


@transaction.atomic
def application_request_changes(*, vendor: Vendor, officer, reason: str) -> Vendor:
    return _decide(vendor, Decision.Action.REQUEST_CHANGES, allowed_from=VendorState.SUBMITTED,
                   to_state=VendorState.CHANGES_REQUESTED, officer=officer, reason=reason, reason_required=True)


@transaction.atomic
def vendor_suspend(*, vendor: Vendor, officer, reason: str) -> Vendor:
    """Suspension takes every listing of the vendor off sale at once (vendor_state_changed)."""
    return _decide(vendor, Decision.Action.SUSPEND, allowed_from=VendorState.APPROVED,
                   to_state=VendorState.SUSPENDED, officer=officer, reason=reason, reason_required=True)


@transaction.atomic
def vendor_reinstate(*, vendor: Vendor, officer, reason: str = "") -> Vendor:
    return _decide(vendor, Decision.Action.REINSTATE, allowed_from=VendorState.SUSPENDED,
                   to_state=VendorState.APPROVED, officer=officer, reason=reason, reason_required=False)


DECISION_SUBJECTS = {
    Decision.Action.APPROVE: "Hồ sơ gian hàng OCOP đã được duyệt",
    Decision.Action.REJECT: "Hồ sơ gian hàng OCOP bị từ chối",
    Decision.Action.REQUEST_CHANGES: "Hồ sơ gian hàng OCOP cần bổ sung",
    Decision.Action.SUSPEND: "Gian hàng OCOP bị tạm ngừng",
    Decision.Action.REINSTATE: "Gian hàng OCOP được khôi phục",
}


def _notify(vendor: Vendor, decision: Decision) -> None:
    """Email the owner through a Celery task enqueued after commit: a mail server that is
    down delays the email (the task retries), never the officer's decision."""
    from .tasks import send_decision_email

    send_decision_email.delay_on_commit(decision.id)


def decision_email_send(*, decision_id: int) -> bool:
    """Send the owner the email of one decision; False when the vendor has no owner."""
    decision = Decision.objects.select_related("vendor").get(pk=decision_id)
    vendor = decision.vendor
    owner = Membership.objects.filter(vendor=vendor, role=Membership.Role.OWNER).select_related("user").first()
    if owner is None:
        return False
    subject = f"[OCOP] {DECISION_SUBJECTS[decision.action]}"
    body = (
        f"Kính gửi {vendor.representative_name},\n\n{DECISION_SUBJECTS[decision.action]}: {vendor.name}.\n"
        + (f"Lý do: {decision.reason}\n" if decision.reason else "")
        + "\nOCOP Marketplace"
    )
    send_mail(subject, body, None, [owner.user.email])
    return True


@transaction.atomic
def invitation_create(*, vendor: Vendor, user, email: str) -> Invitation:
    """Only the owner invites staff; the invitation is emailed as a signed link by the view."""
    if not _is_owner(user, vendor):
        raise OnboardingError("Chỉ chủ gian hàng được mời nhân viên.", code="permission_denied")
    email = (email or "").strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise OnboardingError("Email không hợp lệ.", code="invalid", field="email")
    if Membership.objects.filter(user__email=email).exists():
        raise OnboardingError("Người này đã thuộc một gian hàng.", code="already_member", field="email")
    # Inviting the same address again renews the open invitation (a new link is mailed).
    invitation, created = Invitation.objects.get_or_create(
        vendor=vendor, email=email, accepted_at__isnull=True, defaults={"invited_by": user}
    )
    if not created:
        invitation.invited_by = user
        invitation.created_at = timezone.now()
        invitation.save(update_fields=["invited_by", "created_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise OnboardingError("Lời mời này đã được dùng.", code="invalid_state")
    if user.email.lower() != invitation.email:
        raise OnboardingError("Lời mời gửi cho một email khác.", code="permission_denied")
    if Membership.objects.filter(user=user).exists():
        raise OnboardingError("Tài khoản này đã thuộc một gian hàng.", code="already_member")
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    membership = Membership.objects.create(vendor=invitation.vendor, user=user, role=Membership.Role.STAFF)
    forget_actor(user)
    return membership
