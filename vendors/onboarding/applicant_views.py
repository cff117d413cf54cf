"""The applicant's pages (/apply/...): the application form, its documents, submission,
the application's status, and staff invitations.

Each view asks `actor_for(request.user)` who is asking and calls one service; the rules
(and their Vietnamese messages) live in services.py.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.mail import send_mail
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop_rules import VendorState
from vendors.access import actor_for
from vendors.registry import places

from . import services
from .forms import ApplicationForm, DocumentForm, InvitationForm
from .models import Document, Invitation
from .services import EDITABLE_STATES, OnboardingError

INVITATION_SALT = "onboarding.invitation"
INVITATION_MAX_AGE = timedelta(days=7)
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

NEXT_STEPS = {
    VendorState.DRAFT: "Điền đủ hồ sơ, tải lên giấy chứng nhận đăng ký kinh doanh, rồi bấm “Nộp hồ sơ”.",
    VendorState.SUBMITTED: "Cán bộ OCOP đang xem hồ sơ. Bạn sẽ nhận email khi có kết quả.",
    VendorState.CHANGES_REQUESTED: "Sửa hồ sơ theo yêu cầu bổ sung bên dưới, rồi nộp lại.",
    VendorState.APPROVED: "Gian hàng đã được duyệt. Bạn có thể đăng bán các sản phẩm OCOP còn hiệu lực của mình.",
    VendorState.REJECTED: "Hồ sơ không được duyệt; xem lý do bên dưới. Cần hỏi thêm, hãy liên hệ cán bộ OCOP của tỉnh.",
    VendorState.SUSPENDED: "Gian hàng đang tạm ngừng, sản phẩm không hiển thị với người mua; xem lý do bên dưới.",
}


def _field(form, error: OnboardingError) -> str | None:
    return error.field if error.field in form.fields else None


@login_required
@require_http_methods(["GET", "POST"])
def application_form(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    vendor = actor.vendor
    if not request.user.email_confirmed_at or (vendor is not None and vendor.vendor_state not in EDITABLE_STATES):
        return redirect("onboarding:status")
    bank_locked = vendor is not None and not actor.is_owner
    form = ApplicationForm(request.POST or None, vendor=vendor, bank_locked=bank_locked)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_save(user=request.user, data=form.to_input(), vendor=vendor)
        except OnboardingError as error:
            form.add_error(_field(form, error), error.message)
        else:
            messages.success(request, "Đã lưu hồ sơ. Bước tiếp theo: tải lên giấy chứng nhận đăng ký kinh doanh.")
            return redirect("onboarding:documents")
    return render(request, "onboarding/applicant_form.html", {"form": form, "vendor": vendor, "bank_locked": bank_locked})


@require_GET
@cache_control(max_age=86400, public=True)
def communes(request: HttpRequest) -> JsonResponse:
    """Today's communes and wards of a province, for the address select of the form."""
    code = request.GET.get("province", "")
    if places.province_or_none(code) is None:
        return JsonResponse({"communes": [], "error": "Không có tỉnh/thành phố với mã này."}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    return JsonResponse(
        {"communes": [{"code": commune.code, "name": commune.name} for commune in places.communes(code)]},
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest) -> HttpResponse:
    vendor = actor_for(request.user).vendor
    if vendor is None:
        return redirect("onboarding:apply")
    editable = vendor.vendor_state in EDITABLE_STATES
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            services.document_add(vendor=vendor, user=request.user, upload=upload)
        except OnboardingError as error:
            form.add_error(_field(form, error), error.message)
        else:
            messages.success(request, f"Đã tải lên “{upload.name}”.")
            return redirect("onboarding:documents")
    return render(
        request,
        "onboarding/applicant_documents.html",
        {"form": form, "vendor": vendor, "editable": editable, "documents": vendor.documents.order_by("created_at", "id")},
    )


def _download_name(document: Document) -> str:
    # The applicant's own name, with the extension of what the file really is.
    stem = PurePath(document.original_name).stem or "tai-lieu"
    return stem + EXTENSIONS.get(document.content_type, "")


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, to the vendor's own users and officers only; anyone else gets 404."""
    actor = actor_for(request.user)
    documents = Document.objects.all()
    if actor.officer and not (actor.vendor and Document.objects.filter(pk=pk, vendor=actor.vendor).exists()):
        documents = documents.exclude(vendor__state=VendorState.DRAFT)  # drafts are the applicant's own
    document = actor.get(documents, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("Tệp không còn trên máy chủ.") from None
    response = FileResponse(handle, as_attachment=True, filename=_download_name(document),
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    vendor = actor_for(request.user).vendor
    if vendor is None:
        return redirect("onboarding:apply")
    try:
        services.application_submit(vendor=vendor, user=request.user)
    except OnboardingError as error:
        messages.error(request, error.message)
        return redirect("onboarding:documents")
    messages.success(request, "Đã nộp hồ sơ. Cán bộ OCOP sẽ xem và trả lời qua email.")
    return redirect("onboarding:status")


def _status_page(request: HttpRequest, actor, invitation_form: InvitationForm | None = None):
    vendor = actor.vendor
    context = {"actor": actor, "vendor": vendor, "email_confirmed": bool(request.user.email_confirmed_at)}
    if vendor is not None:
        context.update(
            state=vendor.vendor_state,
            next_step=NEXT_STEPS[vendor.vendor_state],
            editable=vendor.vendor_state in EDITABLE_STATES,
            province=places.province_or_none(vendor.province_code),
            commune=places.commune_or_none(vendor.commune_code),
            decisions=vendor.decisions.all(),
            members=vendor.memberships.select_related("user").order_by("role", "created_at"),
            open_invitations=vendor.invitations.filter(accepted_at__isnull=True).order_by("created_at"),
            invitation_form=invitation_form or InvitationForm(),
            has_licence=vendor.documents.filter(kind=Document.Kind.BUSINESS_LICENCE).exists(),
        )
    return render(request, "onboarding/applicant_status.html", context)


@login_required
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    return _status_page(request, actor_for(request.user))


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign_object({"invitation": invitation.pk})


def _send_invitation(invitation: Invitation, *, inviter) -> None:
    link = settings.SITE_URL + reverse("onboarding:invitation", kwargs={"token": invitation_token(invitation)})
    vendor = invitation.vendor
    body = (
        f"Chào bạn,\n\n{inviter.get_full_name()} mời bạn làm nhân viên của gian hàng “{vendor.name}” trên Sàn OCOP.\n\n"
        f"Bấm vào liên kết sau để nhận lời mời (dùng được trong {INVITATION_MAX_AGE.days} ngày):\n{link}\n\n"
        f"Nếu chưa có tài khoản, hãy tạo tài khoản bằng đúng email này ({invitation.email}) rồi mở lại liên kết.\n\n"
        "OCOP Marketplace"
    )
    send_mail(f"[OCOP] Lời mời tham gia gian hàng {vendor.name}", body, None, [invitation.email])


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    form = InvitationForm(request.POST)
    if actor.vendor is None:
        return render(request, "onboarding/applicant_forbidden.html",
                      {"message": "Chỉ chủ gian hàng được mời nhân viên."}, status=403)
    try:
        invitation = services.invitation_create(vendor=actor.vendor, user=request.user, email=request.POST.get("email", ""))
    except OnboardingError as error:
        if error.code == "permission_denied":
            return render(request, "onboarding/applicant_forbidden.html", {"message": error.message}, status=403)
        form.is_valid()
        form.add_error(_field(form, error), error.message)
        return _status_page(request, actor, invitation_form=form)
    # The invitation is committed by now; the email goes out after, never inside the transaction.
    _send_invitation(invitation, inviter=request.user)
    messages.success(request, f"Đã gửi lời mời đến {invitation.email}.")
    return redirect("onboarding:status")


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link from the invitation email is what lets a non-member reach the
    invitation (actor scoping cannot: the invitee belongs to no vendor yet). GET only
    shows it, so a mail scanner opening the link accepts nothing."""
    try:
        payload = signing.TimestampSigner(salt=INVITATION_SALT).unsign_object(token, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        return render(request, "onboarding/applicant_invitation_invalid.html", {"expired": True}, status=400)
    except (signing.BadSignature, ValueError, TypeError):
        payload = None
    pk = payload.get("invitation") if isinstance(payload, dict) else None
    invitation = Invitation.objects.select_related("vendor").filter(pk=pk).first() if isinstance(pk, int) else None
    if invitation is None:
        return render(request, "onboarding/applicant_invitation_invalid.html", {"expired": False}, status=400)
    context, status_code = {"invitation": invitation}, 200
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except OnboardingError as error:
            context["error"] = error.message
            status_code = 403 if error.code == "permission_denied" else 400
        else:
            messages.success(request, f"Bạn đã là nhân viên của gian hàng “{invitation.vendor.name}”.")
            return redirect("onboarding:status")
    return render(request, "onboarding/applicant_invitation.html", context, status=status_code)
