import math
from decimal import Decimal
from fractions import Fraction

import pytest

from ocop_rules import (
    CERTIFIABLE_STAR_LEVELS,
    STAR_LEVELS,
    ScoreOutOfRange,
    is_certifiable,
    star_level,
)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, 1),
        (0.0, 1),
        (29, 1),
        (29.99, 1),
        (30, 2),
        (49, 2),
        (49.5, 2),
        (49.99, 2),
        (50, 3),
        (69, 3),
        (69.99, 3),
        (70, 4),
        (89, 4),
        (89.99, 4),
        (90, 5),
        (99.5, 5),
        (100, 5),
        (100.0, 5),
        (Decimal("29.99"), 1),
        (Decimal("30"), 2),
        (Decimal("49.99"), 2),
        (Decimal("50.00"), 3),
        (Decimal("89.99"), 4),
        (Decimal("90"), 5),
        (Decimal("100"), 5),
        (Fraction(139, 2), 3),
    ],
)
def test_star_level_follows_the_decision_148_bands(score, expected):
    assert star_level(score) == expected


@pytest.mark.parametrize(
    "score",
    [
        -1,
        -0.01,
        100.01,
        101,
        120,
        math.nan,
        math.inf,
        -math.inf,
        Decimal("100.01"),
        Decimal("-1"),
        Decimal("NaN"),
    ],
)
def test_star_level_rejects_scores_outside_0_to_100(score):
    with pytest.raises(ScoreOutOfRange):
        star_level(score)


@pytest.mark.parametrize("score", [True, False])
def test_star_level_rejects_booleans(score):
    with pytest.raises(ScoreOutOfRange):
        star_level(score)


@pytest.mark.parametrize("score", ["50", None, [50]])
def test_star_level_rejects_non_numbers_with_type_error(score):
    with pytest.raises(TypeError):
        star_level(score)


def test_score_out_of_range_message_is_vietnamese_then_english():
    with pytest.raises(ScoreOutOfRange) as caught:
        star_level(120)

    assert str(caught.value) == (
        "Điểm phải từ 0 đến 100 (nhận được 120) / Score must be between 0 and 100 (got 120)"
    )
    assert caught.value.score == 120


def test_score_out_of_range_is_a_value_error():
    assert issubclass(ScoreOutOfRange, ValueError)


def test_star_levels_are_one_to_five():
    assert STAR_LEVELS == (1, 2, 3, 4, 5)


def test_only_three_to_five_stars_are_certifiable():
    assert CERTIFIABLE_STAR_LEVELS == frozenset({3, 4, 5})


@pytest.mark.parametrize(
    ("level", "expected"),
    [(0, False), (1, False), (2, False), (3, True), (4, True), (5, True), (6, False)],
)
def test_is_certifiable(level, expected):
    assert is_certifiable(level) is expected
