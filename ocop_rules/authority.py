"""Which authority certifies which star level, under which regime.

- Decision 1048/QĐ-TTg (2019), then Decision 148/QĐ-TTg (24/02/2023): the
  district People's Committee certifies 3★, the province 4★, the central level
  5★ (the Ministry of Agriculture and Rural Development organised the central
  evaluation and its minister signed the 5★ decisions).
- Decision 1489/QĐ-TTg (06/07/2025), after the district level was abolished on
  01/07/2025: the province certifies 3★ and 4★ (the commune does the
  preliminary review); 5★ goes to the Ministry of Agriculture and Environment.

The registry reads the issuing level from each decision and never derives it;
the functions here only check that a level is plausible for the decision date.
"""

import re
from functools import lru_cache
from datetime import date
from enum import StrEnum

from .text import fold

# Effective dates of the regimes. The dates are those of the decisions; how
# dossiers already in progress were handled at each transition is uncertain,
# so both are parameters of regime_for() and may be overridden here.
REGIME_148_FROM = date(2023, 2, 24)
REGIME_1489_FROM = date(2025, 7, 6)


class Regime(StrEnum):
    D1048 = "1048/QĐ-TTg"
    D148 = "148/QĐ-TTg"
    D1489 = "1489/QĐ-TTg"

    @property
    def label_vi(self) -> str:
        return _REGIME_LABELS[self]


_REGIME_LABELS = {
    Regime.D1048: "Quyết định 1048/QĐ-TTg (2019)",
    Regime.D148: "Quyết định 148/QĐ-TTg (2023)",
    Regime.D1489: "Quyết định 1489/QĐ-TTg (2025)",
}


class IssuingLevel(StrEnum):
    DISTRICT = "district"
    PROVINCE = "province"
    CENTRAL = "central"
    MINISTRY = "ministry"

    @property
    def label_vi(self) -> str:
        return _LEVEL_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LEVEL_LABELS[self][1]


_LEVEL_LABELS = {
    IssuingLevel.DISTRICT: ("UBND cấp huyện", "District People's Committee"),
    IssuingLevel.PROVINCE: ("UBND cấp tỉnh", "Provincial People's Committee"),
    IssuingLevel.CENTRAL: ("Trung ương", "Central government"),
    IssuingLevel.MINISTRY: ("Bộ Nông nghiệp và Môi trường", "Ministry of Agriculture and Environment"),
}

_LEVELS_BEFORE_1489 = {
    3: frozenset({IssuingLevel.DISTRICT}),
    4: frozenset({IssuingLevel.PROVINCE}),
    # 5★ decisions were signed by the Minister of Agriculture and Rural
    # Development on behalf of the central level, so either label is plausible.
    5: frozenset({IssuingLevel.CENTRAL, IssuingLevel.MINISTRY}),
}

# Plausible issuing levels per regime and star level. Under 1489 the name of
# the central body that signs 5★ decisions is uncertain: CENTRAL is accepted
# alongside MINISTRY.
EXPECTED_ISSUING_LEVELS = {
    Regime.D1048: _LEVELS_BEFORE_1489,
    Regime.D148: _LEVELS_BEFORE_1489,
    Regime.D1489: {
        3: frozenset({IssuingLevel.PROVINCE}),
        4: frozenset({IssuingLevel.PROVINCE}),
        5: frozenset({IssuingLevel.MINISTRY, IssuingLevel.CENTRAL}),
    },
}


class UnknownIssuingLevel(ValueError):
    """A label that names no known issuing level."""

    def __init__(self, label: str) -> None:
        self.label = label
        super().__init__(
            f'Không xác định được cấp ban hành quyết định: "{label}" / '
            f'Unknown issuing level: "{label}"'
        )


def regime_for(
    decision_date: date,
    *,
    regime_148_from: date | None = None,
    regime_1489_from: date | None = None,
) -> Regime:
    """Return the regime a decision was issued under, from its date.

    Decision 148/QĐ-TTg from REGIME_148_FROM (24/02/2023), Decision
    1489/QĐ-TTg from REGIME_1489_FROM (06/07/2025), Decision 1048/QĐ-TTg
    before. The transition details are uncertain, so the dates default to the
    module constants (read at call time) and can be passed explicitly.
    """
    if regime_148_from is None:
        regime_148_from = REGIME_148_FROM
    if regime_1489_from is None:
        regime_1489_from = REGIME_1489_FROM
    if decision_date >= regime_1489_from:
        return Regime.D1489
    if decision_date >= regime_148_from:
        return Regime.D148
    return Regime.D1048


def expected_issuing_levels(
    star_level: int,
    decision_date: date,
    *,
    regime_148_from: date | None = None,
    regime_1489_from: date | None = None,
) -> frozenset[IssuingLevel]:
    """Return the issuing levels plausible for a star level at a decision date.

    Under Decisions 1048/QĐ-TTg and 148/QĐ-TTg: 3★ district, 4★ province,
    5★ central (or the ministry that signed for it). Under Decision
    1489/QĐ-TTg: 3★ and 4★ province, 5★ the Ministry of Agriculture and
    Environment (central also accepted: the body's name is uncertain).
    Non-certifiable star levels -> empty set. Regime dates as in regime_for().
    """
    regime = regime_for(
        decision_date,
        regime_148_from=regime_148_from,
        regime_1489_from=regime_1489_from,
    )
    return EXPECTED_ISSUING_LEVELS[regime].get(star_level, frozenset())


def issuing_level_allowed(
    star_level: int,
    decision_date: date,
    level: IssuingLevel | str,
    *,
    regime_148_from: date | None = None,
    regime_1489_from: date | None = None,
) -> bool:
    """True if `level` is a plausible issuer for this star level and date.

    A plausibility check for officers (see expected_issuing_levels); the
    registry keeps the level written on the decision either way.
    """
    expected = expected_issuing_levels(
        star_level,
        decision_date,
        regime_148_from=regime_148_from,
        regime_1489_from=regime_1489_from,
    )
    return IssuingLevel(level) in expected


# Centrally-run cities are provinces; other cities ("thành phố Gia Nghĩa") are
# district-level. Huế (centrally run only since 2025) is deliberately absent:
# its level depends on the date, so such labels should say "tỉnh"/"huyện".
CENTRALLY_RUN_CITIES = ("ha noi", "ho chi minh", "hcm", "hai phong", "da nang", "can tho")

_PREFIXES = re.compile(
    r"^(?:ubnd|uy ban nhan dan|chu tich|hoi dong(?: danh gia)?(?: ocop)?|cap)\s+"
)
_ENGLISH = {
    "district": IssuingLevel.DISTRICT,
    "province": IssuingLevel.PROVINCE,
    "provincial": IssuingLevel.PROVINCE,
    "central": IssuingLevel.CENTRAL,
    "national": IssuingLevel.CENTRAL,
    "ministry": IssuingLevel.MINISTRY,
}
_FIRST_WORDS = {
    "huyen": IssuingLevel.DISTRICT,
    "quan": IssuingLevel.DISTRICT,
    "thi xa": IssuingLevel.DISTRICT,
    "tx": IssuingLevel.DISTRICT,
    "tinh": IssuingLevel.PROVINCE,
    "trung uong": IssuingLevel.CENTRAL,
    "tw": IssuingLevel.CENTRAL,
    "chinh phu": IssuingLevel.CENTRAL,
    "thu tuong": IssuingLevel.CENTRAL,
    "bo": IssuingLevel.MINISTRY,
}


# Official lists repeat the same few labels thousands of times.
@lru_cache(maxsize=4096)
def parse_issuing_level(label: str) -> IssuingLevel:
    """Read an issuing level from a label as written on a decision or a list.

    Diacritics-insensitive; accepts "huyện", "cấp huyện", "UBND huyện X",
    "tỉnh", "UBND tỉnh Đắk Nông", "trung ương", "TW", "Bộ NN&MT",
    "Bộ Nông nghiệp và Môi trường", "Bộ NN&PTNT" (the ministry before 2025),
    and the English level names. "thành phố X" is a province for the
    centrally-run cities (CENTRALLY_RUN_CITIES), a district otherwise.
    Raises UnknownIssuingLevel otherwise.
    """
    words = re.sub(r"[^a-z0-9&]+", " ", fold(label)).strip()
    while (match := _PREFIXES.match(words)) is not None:
        words = words[match.end():]
    first = words.split(" ", 1)[0]
    if first in _ENGLISH:
        return _ENGLISH[first]
    for city_word in ("thanh pho ", "tp "):
        if words.startswith(city_word):
            city = words[len(city_word):]
            if city.startswith(CENTRALLY_RUN_CITIES + ("truc thuoc trung uong",)):
                return IssuingLevel.PROVINCE
            if city:
                return IssuingLevel.DISTRICT
    for start, level in _FIRST_WORDS.items():
        if words == start or words.startswith(start + " "):
            return level
    raise UnknownIssuingLevel(label)
