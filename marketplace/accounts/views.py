"""Sign up with an email address, confirm it from a mailed link, log in and out."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .forms import EmailAuthenticationForm, SignupForm
from .tokens import (
    MAX_AGE,
    ExpiredConfirmationToken,
    InvalidConfirmationToken,
    confirmation_token,
    confirmation_token_redeem,
)

RESEND_INTERVAL_SECONDS = 60


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if allowed else ""


def _send_confirmation(user) -> None:
    link = settings.SITE_URL + reverse("accounts:confirm", kwargs={"token": confirmation_token(user)})
    days = MAX_AGE.days
    body = (
        f"Chào {user.full_name or user.email},\n\n"
        f"Bấm vào liên kết sau để xác nhận email của bạn trên Sàn OCOP (liên kết dùng được trong {days} ngày):\n"
        f"{link}\n\n"
        "Nếu bạn không đăng ký tài khoản, hãy bỏ qua email này.\n\n"
        "OCOP Marketplace"
    )
    send_mail("[OCOP] Xác nhận email của bạn", body, None, [user.email])


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "accounts:resend")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save()
        except IntegrityError:  # the same address signed up a moment ago
            form.add_error("email", "Email này đã có tài khoản. Hãy đăng nhập.")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            _send_confirmation(user)
            messages.success(request, f"Đã tạo tài khoản. Chúng tôi vừa gửi liên kết xác nhận đến {user.email}.")
            return redirect(next_url or "accounts:resend")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@require_http_methods(["GET"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        confirmation = confirmation_token_redeem(token)
    except ExpiredConfirmationToken:
        return render(request, "accounts/confirm_failed.html", {"expired": True, "days": MAX_AGE.days}, status=400)
    except InvalidConfirmationToken:
        return render(request, "accounts/confirm_failed.html", {"expired": False, "days": MAX_AGE.days}, status=400)
    return render(request, "accounts/confirmed.html", {"confirmation": confirmation})


@login_required
@require_http_methods(["GET", "POST"])
def resend(request: HttpRequest) -> HttpResponse:
    """The 'check your inbox' page, with a button to mail the link again (once a minute)."""
    user = request.user
    if request.method == "POST":
        if user.email_confirmed_at:
            messages.info(request, "Email của bạn đã được xác nhận rồi.")
        elif cache.add(f"accounts:resend:{user.pk}", 1, RESEND_INTERVAL_SECONDS):
            _send_confirmation(user)
            messages.success(request, f"Đã gửi lại liên kết xác nhận đến {user.email}.")
        else:
            messages.error(request, "Vừa gửi xong. Hãy đợi một phút rồi thử lại, và xem cả thư mục Thư rác (Spam).")
        return redirect("accounts:resend")
    return render(request, "accounts/resend.html")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True
    next_page = "home"


class LogoutView(auth_views.LogoutView):
    next_page = "home"
