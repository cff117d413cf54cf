"""Money as Vietnamese readers write it, and as vendors type it."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template

from marketplace.templatetags.money import format_vnd, vnd
from vendors.listings.forms import VndField, parse_vnd


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (150000, "150.000 ₫"),
        (0, "0 ₫"),
        (999, "999 ₫"),
        (1000, "1.000 ₫"),
        (1234567890, "1.234.567.890 ₫"),
        (-5000, "-5.000 ₫"),
        ("200000", "200.000 ₫"),
        (Decimal(120000), "120.000 ₫"),
        (Decimal("99999.5"), "100.000 ₫"),
        (Decimal("99999.4"), "99.999 ₫"),
    ],
)
def test_format_vnd_groups_whole_dong_with_dots_and_puts_the_sign_after_a_space(amount, expected):
    assert format_vnd(amount) == expected


@pytest.mark.parametrize(("value", "expected"), [(None, ""), ("", ""), ("abc", "abc"), (150000, "150.000 ₫")])
def test_vnd_filter_leaves_empty_and_non_numbers_alone(value, expected):
    assert vnd(value) == expected


def test_vnd_filter_in_a_template():
    # given a price range in a template
    template = Template("{% load money %}{{ low|vnd }} – {{ high|vnd }}")

    # when rendered
    text = template.render(Context({"low": 120000, "high": 200000}))

    # then both ends read as Vietnamese money
    assert text == "120.000 ₫ – 200.000 ₫"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("150000", 150000),
        ("150.000", 150000),
        ("1.200.000", 1200000),
        ("1 200 000", 1200000),
        ("150.000 ₫", 150000),
        ("150.000đ", 150000),
        ("  45000 đồng ", 45000),
        ("0", 0),
    ],
)
def test_parse_vnd_reads_what_vendors_type(typed, expected):
    assert parse_vnd(typed) == expected


@pytest.mark.parametrize("typed", ["150,5", "15.00", "1.2345", "abc", "", "150.000.0", "1e6"])
def test_parse_vnd_refuses_anything_but_whole_dong(typed):
    with pytest.raises(ValueError):
        parse_vnd(typed)


def test_vnd_field_cleans_a_typed_price():
    assert VndField().clean("150.000") == 150000


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Giá phải lớn hơn 0 đồng."),
        ("-150.000", "Giá phải lớn hơn 0 đồng."),
        ("150,5", "Nhập giá bằng số đồng nguyên, ví dụ 150.000."),
        ("99999999999999999999", "Giá quá lớn."),
    ],
)
def test_vnd_field_explains_a_bad_price_in_vietnamese(typed, message):
    with pytest.raises(forms.ValidationError) as caught:
        VndField().clean(typed)
    assert caught.value.messages == [message]
