from django import forms
from django.conf import settings

ALLOWED_EXTENSIONS = (".xlsx", ".csv")


class RegistryImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp danh sách (.xlsx hoặc .csv)",
        help_text="Danh sách sản phẩm OCOP chính thức của tỉnh. Tệp được kiểm tra toàn bộ trước khi ghi.",
    )
    dry_run = forms.BooleanField(
        label="Chỉ kiểm tra (chạy thử, không ghi vào sổ đăng ký)", required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError("Chỉ nhận tệp .xlsx hoặc .csv.")
        if upload.size == 0:
            raise forms.ValidationError("Tệp rỗng.")
        if upload.size > settings.REGISTRY_IMPORT_MAX_BYTES:
            limit = settings.REGISTRY_IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"Tệp quá lớn (tối đa {limit} MB).")
        return upload


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(label="Ngày thu hồi", input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                 widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Lý do thu hồi", widget=forms.Textarea(attrs={"rows": 3}))


class RenewForm(forms.Form):
    number = forms.CharField(label="Số giấy chứng nhận mới", max_length=64)
    decision_number = forms.CharField(label="Số quyết định", max_length=64)
    decision_date = forms.DateField(label="Ngày quyết định", input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                    widget=forms.DateInput(attrs={"type": "date"}))
    star_level = forms.TypedChoiceField(label="Hạng sao", coerce=int, choices=[(3, "3 sao"), (4, "4 sao"), (5, "5 sao")])
    score = forms.DecimalField(label="Điểm", required=False, min_value=0, max_value=100, decimal_places=2)
    issuing_level = forms.ChoiceField(label="Cấp công nhận")
    issuing_authority = forms.CharField(label="Cơ quan công nhận", max_length=255, required=False)
    reason = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ocop_rules import IssuingLevel

        self.fields["issuing_level"].choices = [(level.value, level.label_vi) for level in IssuingLevel]
