"""Validity period of an OCOP certificate.

A certificate is valid for 36 months from the date of the recognition decision
(Decision 148/QĐ-TTg). Months are counted as the Civil Code 2015 counts them
(Art. 147–148).
"""

import calendar
from datetime import date

VALIDITY_MONTHS = 36


def add_months(start: date, months: int) -> date:
    """Return the last day of a period of `months` months starting on `start`.

    Civil Code 2015, Art. 147–148: the start day itself is not counted, and a
    period in months ends at the end of the corresponding day of the last month,
    or on that month's last day when it has no such day
    (31/05/2023 + 1 month -> 30/06/2023; 29/02/2024 + 12 months -> 28/02/2025).
    """
    if months < 0:
        raise ValueError(f"months must not be negative (got {months})")
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def expiry_date(decision_date: date, months: int = VALIDITY_MONTHS) -> date:
    """Return the last day on which a certificate is valid.

    36 months from the decision date, Decision 148/QĐ-TTg, counted per the
    Civil Code 2015 Art. 147–148: 15/03/2023 -> 15/03/2026;
    29/02/2024 -> 28/02/2027.
    """
    return add_months(decision_date, months)


def days_until_expiry(expires_on: date, today: date) -> int:
    """Days left until `expires_on`, the last valid day (inclusive).

    0 on the last valid day, negative once the certificate has expired.
    """
    return (expires_on - today).days
