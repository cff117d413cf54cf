from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    SetPasswordMixin,
)
from django.utils import translation

PASSWORD_MESSAGES = {
    "password_too_short": "Mật khẩu quá ngắn: cần ít nhất {min_length} ký tự.",
    "password_too_common": "Mật khẩu này quá phổ biến, dễ bị đoán.",
    "password_entirely_numeric": "Mật khẩu không được chỉ gồm chữ số.",
    "password_too_similar": "Mật khẩu quá giống thông tin tài khoản của bạn.",
}
PASSWORD_HELP = "Ít nhất 8 ký tự; không dùng mật khẩu quá phổ biến, toàn chữ số hoặc giống email."


class SignupForm(BaseUserCreationForm):
    password1, password2 = SetPasswordMixin.create_password_fields(label1="Mật khẩu", label2="Nhập lại mật khẩu")
    error_messages = {"password_mismatch": "Hai mật khẩu không giống nhau."}

    class Meta:
        model = get_user_model()
        fields = ("email", "full_name")
        labels = {"email": "Email", "full_name": "Họ và tên"}
        error_messages = {
            "email": {"required": "Cần email.", "invalid": "Email không hợp lệ."},
            "full_name": {"required": "Cần họ và tên."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["email"].widget.attrs.update(autocomplete="email", autocapitalize="none")
        self.fields["full_name"].widget.attrs.update(autocomplete="name")
        self.fields["password1"].help_text = PASSWORD_HELP
        self.fields["password2"].help_text = ""
        for name in ("password1", "password2"):
            self.fields[name].error_messages["required"] = "Cần mật khẩu."

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Email này đã có tài khoản. Hãy đăng nhập.", code="unique")
        return email

    def validate_password_for_user(self, user, password_field_name="password2"):
        # Django's messages follow the browser's language and its Vietnamese catalogue lacks
        # some (the too-short one); this page says them in Vietnamese, by the validator's code.
        password = self.cleaned_data.get(password_field_name)
        if not password:
            return
        try:
            password_validation.validate_password(password, user)
        except forms.ValidationError as error:
            for problem in error.error_list:
                message = PASSWORD_MESSAGES.get(problem.code)
                if message is None:
                    with translation.override("vi"):
                        message = " ".join(problem.messages)
                self.add_error(password_field_name, message.format(**(problem.params or {})))


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Email hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường.",
        "inactive": "Tài khoản này đã bị khoá.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email", "autocapitalize": "none"}
        )
        self.fields["password"].label = "Mật khẩu"
        self.fields["username"].error_messages["required"] = "Cần email."
        self.fields["password"].error_messages["required"] = "Cần mật khẩu."

    def clean_username(self):
        # Addresses are stored in lower case (EmailUserManager); people type them as they like.
        return self.cleaned_data["username"].strip().lower()
