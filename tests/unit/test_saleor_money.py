"""Saleor's amounts read as whole đồng, whichever shape Saleor sends."""
import pytest

from storefront_adapter.money import saleor_dong


@pytest.mark.parametrize(("money", "dong"), [
    ({"amount": 30000.0, "currency": "VND"}, 30_000),                      # Money (a shipping price)
    ({"gross": {"amount": 365000.0, "currency": "VND"}}, 365_000),          # TaxedMoney (a total)
    ({"gross": {"amount": "120000.00", "currency": "VND"}}, 120_000),       # a decimal string
    (None, None), ({}, None), ({"gross": None}, None), ({"gross": {"amount": None}}, None),
])
def test_saleor_amounts_are_whole_dong_or_none(money, dong):
    assert saleor_dong(money) == dong
