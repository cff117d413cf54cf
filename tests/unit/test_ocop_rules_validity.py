from datetime import date

import pytest

from ocop_rules import VALIDITY_MONTHS, add_months, days_until_expiry, expiry_date


def test_validity_is_36_months():
    assert VALIDITY_MONTHS == 36


@pytest.mark.parametrize(
    ("decision_date", "expected"),
    [
        (date(2023, 3, 15), date(2026, 3, 15)),
        (date(2023, 8, 31), date(2026, 8, 31)),
        # a leap day has no counterpart three years later: last day of February
        (date(2024, 2, 29), date(2027, 2, 28)),
        (date(2023, 2, 28), date(2026, 2, 28)),
        (date(2025, 2, 28), date(2028, 2, 28)),
        (date(2021, 2, 28), date(2024, 2, 28)),
        (date(2023, 1, 1), date(2026, 1, 1)),
        (date(2023, 12, 31), date(2026, 12, 31)),
        (date(2022, 5, 31), date(2025, 5, 31)),
    ],
)
def test_expiry_date_is_36_months_after_the_decision(decision_date, expected):
    assert expiry_date(decision_date) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 5, 31), 1, date(2023, 6, 30)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 30), 1, date(2023, 2, 28)),
        (date(2023, 3, 31), 1, date(2023, 4, 30)),
        (date(2023, 1, 15), 1, date(2023, 2, 15)),
        # December to February crosses the year
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
        (date(2023, 12, 15), 2, date(2024, 2, 15)),
        (date(2023, 11, 30), 1, date(2023, 12, 30)),
        (date(2023, 12, 1), 1, date(2024, 1, 1)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2023, 3, 15), 0, date(2023, 3, 15)),
    ],
)
def test_add_months_counts_as_the_civil_code(start, months, expected):
    assert add_months(start, months) == expected


def test_expiry_date_accepts_another_number_of_months():
    assert expiry_date(date(2023, 5, 31), months=1) == date(2023, 6, 30)


def test_add_months_rejects_negative_months():
    with pytest.raises(ValueError):
        add_months(date(2023, 3, 15), -1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 14), 1),
        (date(2026, 3, 15), 0),
        (date(2026, 3, 16), -1),
        (date(2025, 12, 15), 90),
        (date(2023, 3, 15), 1096),
    ],
)
def test_days_until_expiry_is_zero_on_the_last_valid_day(today, expected):
    assert days_until_expiry(date(2026, 3, 15), today) == expected
