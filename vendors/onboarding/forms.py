"""The applicant's forms. They only collect text; every rule about it (tax number, commune of
the province, phone, CCCD, bank account, who may change what) is in services.py, whose
errors the views put back on the field they belong to."""
from __future__ import annotations

from django import forms

from vendors.registry import places

from .models import KIND_CHOICES
from .services import ApplicationInput

BANK_FIELDS = ("bank_name", "bank_account_number", "bank_account_holder")


def _text(label: str, required_message: str, max_length: int, help_text: str = "", **attrs) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, help_text=help_text,
        error_messages={"required": required_message, "max_length": f"Tối đa {max_length} ký tự."},
        widget=forms.TextInput(attrs=attrs),
    )


def _select(label: str, required_message: str) -> forms.CharField:
    # A CharField, not a ChoiceField: a value from outside the list gets the service's own
    # message ("Chọn xã/phường thuộc Tỉnh Lâm Đồng."), not Django's generic one.
    return forms.CharField(label=label, error_messages={"required": required_message}, widget=forms.Select)


class ApplicationForm(forms.Form):
    kind = _select("Loại hình chủ thể", "Chọn loại hình chủ thể.")
    name = _text("Tên chủ thể", "Cần tên chủ thể.", 255, "Như trên giấy chứng nhận đăng ký kinh doanh.",
                 autocomplete="organization")
    tax_number = _text("Mã số thuế / số đăng ký kinh doanh", "Cần mã số thuế.", 32,
                       "Doanh nghiệp, hợp tác xã: 10 chữ số (hoặc 10 số kèm mã chi nhánh). Hộ kinh doanh: số đăng ký.")
    province_code = _select("Tỉnh/thành phố", "Chọn tỉnh/thành phố.")
    commune_code = _select("Xã/phường", "Chọn xã/phường.")
    street_address = _text("Số nhà, đường, thôn/ấp", "Cần địa chỉ.", 255, autocomplete="street-address")
    representative_name = _text("Họ tên người đại diện", "Cần người đại diện.", 255, autocomplete="name")
    phone = _text("Số điện thoại", "Cần số điện thoại.", 20, type="tel", inputmode="tel", autocomplete="tel")
    identity_number = _text("Số CCCD của người đại diện", "Cần số CCCD.", 20, "12 chữ số trên căn cước công dân.",
                            inputmode="numeric")
    bank_name = _text("Ngân hàng", "Cần ngân hàng.", 128, "Ví dụ: Agribank chi nhánh Lâm Đồng.")
    bank_account_number = _text("Số tài khoản", "Cần số tài khoản.", 32, inputmode="numeric")
    bank_account_holder = _text("Chủ tài khoản", "Cần chủ tài khoản.", 255, "Tên in trên tài khoản, thường là tên chủ thể.")

    def __init__(self, *args, vendor=None, bank_locked: bool = False, **kwargs):
        if vendor is not None:
            kwargs.setdefault("initial", {name: getattr(vendor, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.choices = [("", "— Chọn loại hình —"), *KIND_CHOICES]
        self.fields["province_code"].widget.choices = [("", "— Chọn tỉnh/thành phố —")] + [
            (province.code, province.name) for province in places.current_provinces()
        ]
        self.fields["commune_code"].widget.choices = self._commune_choices()
        if bank_locked:
            # Disabled fields keep the stored values whatever is posted.
            for name in BANK_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Chỉ chủ gian hàng được đổi tài khoản ngân hàng."

    def _commune_choices(self) -> list[tuple[str, str]]:
        code = self.data.get(self.add_prefix("province_code")) if self.is_bound else self.initial.get("province_code")
        if not places.province_or_none(code or ""):
            return [("", "— Chọn tỉnh/thành phố trước —")]
        return [("", "— Chọn xã/phường —")] + [(commune.code, commune.name) for commune in places.communes(code)]

    def to_input(self) -> ApplicationInput:
        return ApplicationInput(**{name: self.cleaned_data[name] for name in self.fields})


class DocumentForm(forms.Form):
    document = forms.FileField(
        label="Giấy chứng nhận đăng ký kinh doanh",
        help_text="Tệp PDF hoặc ảnh chụp rõ nét (JPG, PNG), tối đa 10 MB.",
        error_messages={"required": "Chọn tệp để tải lên.", "empty": "Tệp rỗng.", "invalid": "Chọn tệp để tải lên."},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )


class InvitationForm(forms.Form):
    # Not required here: the service checks the address and says what is wrong with it.
    email = forms.CharField(label="Email của nhân viên", max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "off", "autocapitalize": "none"}))
