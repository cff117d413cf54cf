"""The portal's forms. They read what a person typed ("150.000" is 150000 đồng) and
keep values inside what the database can hold; the OCOP and listing rules live in
services.py, whose ListingError is shown on the field it names."""
from __future__ import annotations

import re

from django import forms
from django.forms import formset_factory

import ocop_rules

from .services import MAX_VARIANTS, VariantInput

# PostgreSQL's integer and bigint, so that nothing typed reaches the database as a DataError.
MAX_INT = 2_147_483_647
MAX_BIGINT = 9_223_372_036_854_775_807
MAX_PHOTOS_PER_UPLOAD = 10
PRICE_ERROR = "Giá phải lớn hơn 0 đồng."
# Digits grouped by dots or spaces as Vietnamese write them ("150.000", "1 200 000"), or plain digits.
_GROUPED = re.compile(r"\d{1,3}(?:[.\s]\d{3})+|\d+")
_CURRENCY = re.compile(r"\s*(₫|đồng|đ|vnđ|vnd)\s*$", re.IGNORECASE)


def parse_vnd(text: str) -> int:
    """ "150.000" / "150000" / "150.000 ₫" / "1 200 000đ" → whole đồng; raises ValueError."""
    text = _CURRENCY.sub("", text.strip()).strip().replace("\u00a0", " ")
    if not _GROUPED.fullmatch(text):
        raise ValueError(text)
    return int(re.sub(r"[.\s]", "", text))


class VndField(forms.CharField):
    """A price in whole đồng, typed with or without thousands dots."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "150.000"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if value.lstrip().startswith("-"):
            raise forms.ValidationError(PRICE_ERROR, code="min_value")
        try:
            amount = parse_vnd(value)
        except ValueError:
            raise forms.ValidationError(
                "Nhập giá bằng số đồng nguyên, ví dụ 150.000.", code="invalid"
            ) from None
        if amount > MAX_BIGINT:
            raise forms.ValidationError("Giá quá lớn.", code="max_value")
        return amount

    def prepare_value(self, value):
        # A stored price shows as it is typed: 150000 → "150.000".
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value

    def validate(self, value):
        super().validate(value)
        if value is not None and value <= 0:
            raise forms.ValidationError(PRICE_ERROR, code="min_value")


class VariantForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The stock as the form showed it: saving applies only the vendor's change to what is
    # left now, since buyers may take units while the form is open (services._stock_edit).
    stock_shown = forms.IntegerField(required=False, min_value=0, max_value=MAX_INT, widget=forms.HiddenInput)
    name = forms.CharField(
        label="Tên phân loại", max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "Hộp 250 g"}),
        error_messages={"required": "Cần tên phân loại."},
    )
    sku = forms.CharField(
        label="Mã SKU", max_length=64,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        error_messages={"required": "Cần mã SKU."},
    )
    price_vnd = VndField(label="Giá (đồng)", error_messages={"required": "Cần giá bán."})
    stock = forms.IntegerField(
        label="Tồn kho", min_value=0, max_value=MAX_INT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        error_messages={"required": "Cần số lượng tồn kho.", "min_value": "Tồn kho không được âm.",
                        "max_value": "Số lượng quá lớn.", "invalid": "Tồn kho là số nguyên."},
    )
    weight_grams = forms.IntegerField(
        label="Khối lượng (gam)", required=False, min_value=1, max_value=MAX_INT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        help_text="Để tính phí vận chuyển.",
        error_messages={"min_value": "Khối lượng phải lớn hơn 0 gam.", "max_value": "Khối lượng quá lớn.",
                        "invalid": "Khối lượng là số gam nguyên."},
    )

    limit_per_customer = forms.IntegerField(
        label="Giới hạn mỗi khách", required=False, min_value=1, max_value=MAX_INT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        help_text="Số lượng tối đa một khách được mua; bỏ trống nếu không giới hạn.",
        error_messages={"min_value": "Giới hạn phải từ 1 trở lên.", "max_value": "Số lượng quá lớn.",
                        "invalid": "Giới hạn là số nguyên."},
    )

    def __init__(self, *args, ships: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ships:
            # Tourism services have no weight and are not shipped (OCOP_RULES.md, group 6).
            del self.fields["weight_grams"]

    def as_variant_input(self) -> VariantInput:
        data = self.cleaned_data
        return VariantInput(
            id=data.get("id"),
            name=data["name"],
            sku=data["sku"],
            price_vnd=data["price_vnd"],
            stock=data["stock"],
            weight_grams=data.get("weight_grams"),
            limit_per_customer=data.get("limit_per_customer"),
            stock_shown=data.get("stock_shown"),
        )


class _VariantFormSet(forms.BaseFormSet):
    def variant_inputs(self) -> list[VariantInput]:
        """The filled-in rows, in order, without the ones marked for deletion."""
        # An untouched extra row has empty cleaned_data; existing rows always count.
        return [
            form.as_variant_input()
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]


def variant_formset(*, data=None, initial=None, ships: bool = True, can_delete: bool = False):
    """One empty row when there are no variants yet; more rows come from the page's
    "+ Thêm phân loại" button."""
    formset_class = formset_factory(
        VariantForm, formset=_VariantFormSet, extra=0 if initial else 1, can_delete=can_delete,
        max_num=MAX_VARIANTS, absolute_max=MAX_VARIANTS, validate_max=True,
    )
    return formset_class(data=data, initial=initial, prefix="variants", form_kwargs={"ships": ships})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field; their content is checked by listing_add_photo."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data] if data else []
        if len(uploads) > MAX_PHOTOS_PER_UPLOAD:
            raise forms.ValidationError(f"Tối đa {MAX_PHOTOS_PER_UPLOAD} ảnh mỗi lần tải lên.", code="max")
        return [super(PhotosField, self).clean(upload, initial) for upload in uploads]


class CertificateSelect(forms.Select):
    """Options carry the product name (the title's default) and whether the product ships."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_data: dict[str, dict[str, str]] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


class CertificateField(forms.ModelChoiceField):
    widget = CertificateSelect

    def label_from_instance(self, certificate):
        return (
            f"{certificate.product_name} · {certificate.star_level}★ · số {certificate.number}"
            f" · hiệu lực đến {ocop_rules.format_date_vi(certificate.expires_on)}"
        )


class ListingForm(forms.Form):
    title = forms.CharField(
        label="Tên sản phẩm đăng bán", max_length=255, required=False,
        help_text="Để trống: dùng tên sản phẩm trên giấy chứng nhận.",
    )
    description = forms.CharField(label="Mô tả", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    photos = PhotosField(label="Ảnh sản phẩm", required=False, help_text="JPEG, PNG hoặc WebP, tối đa 5 MB mỗi ảnh.")


class ListingCreateForm(ListingForm):
    certificate = CertificateField(
        label="Giấy chứng nhận OCOP",
        queryset=None,
        empty_label="— Chọn sản phẩm OCOP —",
        error_messages={
            "required": "Hãy chọn giấy chứng nhận OCOP của sản phẩm.",
            "invalid_choice": "Giấy chứng nhận này không thuộc chủ thể của gian hàng.",
        },
    )
    field_order = ("certificate", "title", "description", "photos")

    def __init__(self, *args, certificates, offered, **kwargs):
        """`certificates`: every certificate the vendor may name (scoped by the caller);
        `offered`: those shown in the list (the ones a listing may use today)."""
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        field.queryset = certificates
        field.widget.choices = [("", field.empty_label)] + [
            (certificate.pk, field.label_from_instance(certificate)) for certificate in offered
        ]
        field.widget.option_data = {
            str(certificate.pk): {
                "data-name": certificate.product_name,
                "data-ships": "1" if ocop_rules.product_group(certificate.current_product_group).ships else "0",
            }
            for certificate in offered
        }


class ListingEditForm(ListingForm):
    title = forms.CharField(label="Tên sản phẩm đăng bán", max_length=255,
                            error_messages={"required": "Cần tên sản phẩm."})
