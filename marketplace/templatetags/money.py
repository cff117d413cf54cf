"""Money as Vietnamese readers write it: 150000 → "150.000 ₫".

VND has no minor unit (OCOP_RULES.md, "Payments in Vietnam"): amounts are whole đồng,
grouped by dots, with the đồng sign after a space.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def format_vnd(amount: int | Decimal | str) -> str:
    """150000 → "150.000 ₫"; -5000 → "-5.000 ₫"; a fraction is rounded half up to whole đồng."""
    whole = int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    grouped = f"{abs(whole):,}".replace(",", ".")
    return f"{'-' if whole < 0 else ''}{grouped} ₫"


@register.filter(is_safe=True)
def vnd(value):
    """`{{ price|vnd }}`; empty for None or "", the value unchanged when it is not a number."""
    if value is None or value == "":
        return ""
    try:
        return format_vnd(value)
    except (InvalidOperation, ValueError, TypeError):
        return value
