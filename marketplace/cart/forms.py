"""The checkout form only collects text; the rules (phone, commune of the province, email)
are in storefront_adapter.checkout, whose errors the view puts back on their field."""
from __future__ import annotations

from django import forms

from vendors.registry import places

PAYMENT_COD = "cod"
PAYMENT_CARD = "card"
PAYMENT_CHOICES = [(PAYMENT_COD, "Thanh toán khi nhận hàng (COD)"), (PAYMENT_CARD, "Thẻ (Stripe)")]


def _text(label: str, required_message: str, max_length: int, **attrs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length,
                           error_messages={"required": required_message, "max_length": f"Tối đa {max_length} ký tự."},
                           widget=forms.TextInput(attrs=attrs))


class CheckoutForm(forms.Form):
    email = _text("Email", "Cần email để gửi xác nhận đơn hàng.", 254, type="email", autocomplete="email")
    full_name = _text("Họ tên người nhận", "Cần họ tên người nhận.", 128, autocomplete="name")
    phone = _text("Số điện thoại", "Cần số điện thoại.", 20, type="tel", inputmode="tel", autocomplete="tel")
    province = forms.CharField(label="Tỉnh/thành phố", error_messages={"required": "Chọn tỉnh/thành phố."},
                               widget=forms.Select)
    commune = forms.CharField(label="Xã/phường", error_messages={"required": "Chọn xã/phường."}, widget=forms.Select)
    street = _text("Số nhà, đường, thôn/ấp", "Cần số nhà, tên đường, thôn/ấp.", 255, autocomplete="street-address")
    shipping_method = forms.CharField(label="Cách giao hàng", required=False, widget=forms.RadioSelect)
    payment = forms.ChoiceField(label="Thanh toán", choices=PAYMENT_CHOICES, initial=PAYMENT_COD,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Chọn cách thanh toán.",
                                                "invalid_choice": "Chọn cách thanh toán."})

    def __init__(self, *args, shipping_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].widget.choices = [("", "— Chọn tỉnh/thành phố —")] + [
            (p.code, p.name) for p in places.current_provinces()]
        code = self.data.get("province") if self.is_bound else self.initial.get("province")
        self.fields["commune"].widget.choices = (
            [("", "— Chọn xã/phường —")] + [(c.code, c.name) for c in places.communes(code)]
            if places.province_or_none(code or "") else [("", "— Chọn tỉnh/thành phố trước —")])
        self.fields["shipping_method"].widget.choices = [
            (o.id, f"{o.name}") for o in shipping_options]


class OrderLookupForm(forms.Form):
    email = _text("Email đã dùng khi đặt hàng", "Cần email.", 254, type="email", autocomplete="email")
    # Saleor's order number is a GraphQL Int (32 bits): a larger one is refused before asking.
    number = forms.IntegerField(label="Mã đơn hàng", min_value=1, max_value=2**31 - 1,
                                error_messages={"required": "Cần mã đơn hàng.", "invalid": "Mã đơn hàng là một số.",
                                                "min_value": "Mã đơn hàng là một số.",
                                                "max_value": "Mã đơn hàng không đúng; hãy xem lại mã trong "
                                                             "email xác nhận đơn hàng."})
