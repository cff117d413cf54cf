"""Scores and star levels, Decision 148/QĐ-TTg (24/02/2023).

A product is scored out of 100 points; the score falls into one of five star
bands. Only 3, 4 and 5 stars are recognised OCOP products.
"""

import math
from decimal import Decimal
from numbers import Real

STAR_LEVELS = (1, 2, 3, 4, 5)

CERTIFIABLE_STAR_LEVELS = frozenset({3, 4, 5})

MIN_SCORE = 0
MAX_SCORE = 100

# (lowest score of the band, star level), highest band first.
_BAND_FLOORS = ((90, 5), (70, 4), (50, 3), (30, 2), (0, 1))


class ScoreOutOfRange(ValueError):
    """A score outside 0–100 (or NaN): not a score the rules can rank."""

    def __init__(self, score: object) -> None:
        self.score = score
        super().__init__(
            f"Điểm phải từ {MIN_SCORE} đến {MAX_SCORE} (nhận được {score}) / "
            f"Score must be between {MIN_SCORE} and {MAX_SCORE} (got {score})"
        )


def _is_nan(score: Real | Decimal) -> bool:
    if isinstance(score, Decimal):
        return score.is_nan()
    return isinstance(score, float) and math.isnan(score)


def star_level(score: int | float | Decimal) -> int:
    """Return the star band (1–5) of a score out of 100, Decision 148/QĐ-TTg.

    Bands: 1★ below 30; 2★ 30 to under 50; 3★ 50 to under 70; 4★ 70 to under
    90; 5★ 90 to 100. Fractional scores fall in the band of their floor
    (49.5 -> 2★).

    This is the band only. A 5★ band is a candidate for national ranking: the
    certificate needs the central council's decision (Decision 148/QĐ-TTg).

    Raises ScoreOutOfRange outside [0, 100], for NaN and for booleans;
    TypeError for values that are not numbers.
    """
    if isinstance(score, bool):
        raise ScoreOutOfRange(score)
    if not isinstance(score, (Real, Decimal)):
        raise TypeError(f"score must be a number, not {type(score).__name__}")
    if _is_nan(score) or not MIN_SCORE <= score <= MAX_SCORE:
        raise ScoreOutOfRange(score)
    for floor, level in _BAND_FLOORS:
        if score >= floor:
            return level
    raise AssertionError("unreachable: the lowest band starts at 0")


def is_certifiable(star_level: int) -> bool:
    """True for 3★, 4★ and 5★: the levels recognised as OCOP products.

    1★ and 2★ products are scored but not certified and are never sold as OCOP
    products (Decision 148/QĐ-TTg).
    """
    return star_level in CERTIFIABLE_STAR_LEVELS
