"""Sign up with an email address, confirm it from the mailed link, log in and out."""
from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from marketplace.accounts.tokens import confirmation_token
from tests.integration.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
GOOD_PASSWORD = "Ca-phe-Nhan-Dao-2025"
CONFIRM_LINK = re.compile(r"https://ocop\.example\.vn(/accounts/confirm/[^/\s]+/)")


def signup(client, **overrides):
    data = {"email": "an@example.vn", "full_name": "Nguyễn Văn An", "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD, **overrides}
    return client.post("/accounts/signup/", data)


def confirmation_path(message) -> str:
    return CONFIRM_LINK.search(message.body).group(1)


def test_signup_creates_the_user_logs_them_in_and_mails_a_confirmation_link(client):
    response = signup(client, email="An@Example.VN")
    user = User.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/accounts/resend/"
    assert (user.email, user.full_name, user.email_confirmed_at) == ("an@example.vn", "Nguyễn Văn An", None)
    assert user.check_password(GOOD_PASSWORD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["an@example.vn"]
    assert mail.outbox[0].subject == "[OCOP] Xác nhận email của bạn"
    page = client.get("/accounts/resend/").content.decode()
    assert "Chúng tôi đã gửi một liên kết đến <strong>an@example.vn</strong>" in page


def test_confirmation_link_confirms_the_email_once(client):
    signup(client)
    path = confirmation_path(mail.outbox[0])
    first = client.get(path)
    confirmed_at = User.objects.get().email_confirmed_at
    second = client.get(path)
    assert first.status_code == 200
    assert "Email <strong>an@example.vn</strong> đã được xác nhận." in first.content.decode()
    assert confirmed_at is not None
    assert second.status_code == 200
    assert "đã được xác nhận từ trước, không cần làm gì thêm" in second.content.decode()
    assert User.objects.get().email_confirmed_at == confirmed_at


def test_confirmation_link_older_than_three_days_is_refused(client):
    user = make_user("an")
    with mock.patch("time.time", return_value=time.time() - 3 * 24 * 3600 - 60):
        token = confirmation_token(user)
    response = client.get(f"/accounts/confirm/{token}/")
    assert response.status_code == 400
    assert "Liên kết xác nhận đã hết hạn (chỉ dùng được trong 3 ngày)." in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is None


@pytest.mark.parametrize("forge", ["altered", "other_address", "garbage"])
def test_forged_confirmation_link_is_refused(client, forge):
    user = make_user("an")
    token = confirmation_token(user)
    if forge == "altered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif forge == "other_address":  # mailed to the address the account had before
        User.objects.filter(pk=user.pk).update(email="moi@example.vn")
    else:
        token = "khong-phai-token"
    response = client.get(f"/accounts/confirm/{token}/")
    assert response.status_code == 400
    assert "Liên kết xác nhận không hợp lệ." in response.content.decode()
    assert User.objects.get(pk=user.pk).email_confirmed_at is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "daco@example.vn"}, "email", "Email này đã có tài khoản. Hãy đăng nhập."),
        ({"email": "DACO@example.vn"}, "email", "Email này đã có tài khoản. Hãy đăng nhập."),
        ({"email": "khong-phai-email"}, "email", "Email không hợp lệ."),
        ({"full_name": ""}, "full_name", "Cần họ và tên."),
        ({"password2": GOOD_PASSWORD + "x"}, "password2", "Hai mật khẩu không giống nhau."),
        ({"password1": "abc12", "password2": "abc12"}, "password2", "Mật khẩu quá ngắn: cần ít nhất 8 ký tự."),
        ({"password1": "password123", "password2": "password123"}, "password2", "Mật khẩu này quá phổ biến, dễ bị đoán."),
        ({"password1": "8273645192", "password2": "8273645192"}, "password2", "Mật khẩu không được chỉ gồm chữ số."),
        ({"email": "nguyenvanan@example.vn", "password1": "nguyenvanan", "password2": "nguyenvanan"}, "password2",
         "Mật khẩu quá giống thông tin tài khoản của bạn."),
    ],
)
def test_bad_signup_shows_the_vietnamese_error_and_creates_nothing(client, overrides, field, message):
    make_user("daco")
    response = signup(client, **overrides)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert User.objects.count() == 1
    assert mail.outbox == []
    assert "_auth_user_id" not in client.session


def test_resend_mails_a_new_link_at_most_once_a_minute(client):
    user = make_user("an")
    client.force_login(user)
    first = client.post("/accounts/resend/", follow=True)
    second = client.post("/accounts/resend/", follow=True)
    assert "Đã gửi lại liên kết xác nhận đến an@example.vn." in first.content.decode()
    assert "Vừa gửi xong. Hãy đợi một phút rồi thử lại" in second.content.decode()
    assert len(mail.outbox) == 1
    assert client.get(confirmation_path(mail.outbox[0])).status_code == 200
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def test_resend_needs_a_login(client):
    response = client.post("/accounts/resend/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/resend/"
    assert mail.outbox == []


def test_login_page_asks_for_email_and_logs_in_whatever_the_case(client):
    make_user("an")
    page = client.get("/accounts/login/?next=/apply/").content.decode()
    response = client.post("/accounts/login/?next=/apply/", {"username": "AN@example.vn", "password": PASSWORD})
    assert '<label for="id_username">Email:</label>' in page
    assert response.status_code == 302
    assert response["Location"] == "/apply/"
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_login_with_a_wrong_password_says_so(client):
    make_user("an")
    response = client.post("/accounts/login/", {"username": "an@example.vn", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Email hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_that_need_a_login_send_people_to_the_email_login(client):
    response = client.get("/apply/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/apply/"


def test_logout_ends_the_session(client):
    client.force_login(make_user("an"))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
