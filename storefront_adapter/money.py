"""Saleor's amounts as the shop counts them: whole đồng."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def saleor_dong(money: Mapping[str, Any] | None) -> int | None:
    """Saleor's Money (``{"amount"}``) or TaxedMoney (``{"gross": {"amount"}}``) in whole
    đồng; None when Saleor gave none. VND has no minor unit: rounding only drops the float."""
    if not money:
        return None
    amount = (money.get("gross") or money).get("amount")
    return None if amount is None else round(float(amount))
