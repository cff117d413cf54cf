from datetime import date

import pytest

from ocop_rules import (
    REGIME_148_FROM,
    REGIME_1489_FROM,
    IssuingLevel,
    Regime,
    UnknownIssuingLevel,
    expected_issuing_levels,
    issuing_level_allowed,
    parse_issuing_level,
    regime_for,
)

UNDER_1048 = date(2022, 6, 1)
UNDER_148 = date(2024, 6, 1)
UNDER_1489 = date(2025, 9, 1)

DISTRICT = IssuingLevel.DISTRICT
PROVINCE = IssuingLevel.PROVINCE
CENTRAL = IssuingLevel.CENTRAL
MINISTRY = IssuingLevel.MINISTRY


def test_regime_effective_dates():
    assert REGIME_148_FROM == date(2023, 2, 24)
    assert REGIME_1489_FROM == date(2025, 7, 6)


@pytest.mark.parametrize(
    ("regime", "value", "label_vi"),
    [
        (Regime.D1048, "1048/QĐ-TTg", "Quyết định 1048/QĐ-TTg (2019)"),
        (Regime.D148, "148/QĐ-TTg", "Quyết định 148/QĐ-TTg (2023)"),
        (Regime.D1489, "1489/QĐ-TTg", "Quyết định 1489/QĐ-TTg (2025)"),
    ],
)
def test_regime_values_and_labels(regime, value, label_vi):
    assert regime == value
    assert regime.label_vi == label_vi


@pytest.mark.parametrize(
    ("decision_date", "expected"),
    [
        (date(2019, 8, 21), Regime.D1048),
        (date(2023, 2, 23), Regime.D1048),
        (date(2023, 2, 24), Regime.D148),
        (date(2025, 7, 5), Regime.D148),
        (date(2025, 7, 6), Regime.D1489),
        (date(2026, 1, 1), Regime.D1489),
    ],
)
def test_regime_for_switches_on_the_effective_dates(decision_date, expected):
    assert regime_for(decision_date) is expected


def test_regime_dates_can_be_overridden():
    assert regime_for(date(2025, 7, 5), regime_1489_from=date(2025, 7, 1)) is Regime.D1489
    assert regime_for(date(2023, 3, 1), regime_148_from=date(2023, 4, 1)) is Regime.D1048


def test_regime_for_reads_the_module_constant_at_call_time(monkeypatch):
    # given the effective date of 1489 moved by configuration
    monkeypatch.setattr("ocop_rules.authority.REGIME_1489_FROM", date(2025, 7, 1))

    # then a decision of 5 July falls under 1489
    assert regime_for(date(2025, 7, 5)) is Regime.D1489


@pytest.mark.parametrize(
    ("level", "value", "label_vi", "label_en"),
    [
        (DISTRICT, "district", "UBND cấp huyện", "District People's Committee"),
        (PROVINCE, "province", "UBND cấp tỉnh", "Provincial People's Committee"),
        (CENTRAL, "central", "Trung ương", "Central government"),
        (MINISTRY, "ministry", "Bộ Nông nghiệp và Môi trường", "Ministry of Agriculture and Environment"),
    ],
)
def test_issuing_level_values_and_labels(level, value, label_vi, label_en):
    assert level == value
    assert level.label_vi == label_vi
    assert level.label_en == label_en


@pytest.mark.parametrize(
    ("star_level", "decision_date", "expected"),
    [
        (3, UNDER_1048, {DISTRICT}),
        (4, UNDER_1048, {PROVINCE}),
        (5, UNDER_1048, {CENTRAL, MINISTRY}),
        (3, UNDER_148, {DISTRICT}),
        (4, UNDER_148, {PROVINCE}),
        (5, UNDER_148, {CENTRAL, MINISTRY}),
        (3, UNDER_1489, {PROVINCE}),
        (4, UNDER_1489, {PROVINCE}),
        (5, UNDER_1489, {MINISTRY, CENTRAL}),
        (1, UNDER_148, set()),
        (2, UNDER_1489, set()),
        (6, UNDER_148, set()),
    ],
)
def test_expected_issuing_levels(star_level, decision_date, expected):
    assert expected_issuing_levels(star_level, decision_date) == frozenset(expected)


@pytest.mark.parametrize(
    ("decision_date", "expected"),
    [
        (date(2025, 7, 5), {DISTRICT}),
        (date(2025, 7, 6), {PROVINCE}),
    ],
)
def test_three_stars_move_from_district_to_province_on_the_1489_date(decision_date, expected):
    assert expected_issuing_levels(3, decision_date) == frozenset(expected)


@pytest.mark.parametrize(
    ("star_level", "decision_date", "level", "expected"),
    [
        (3, UNDER_148, DISTRICT, True),
        (3, UNDER_148, PROVINCE, False),
        (4, UNDER_148, PROVINCE, True),
        (4, UNDER_148, DISTRICT, False),
        (5, UNDER_148, CENTRAL, True),
        (5, UNDER_148, PROVINCE, False),
        (3, UNDER_1489, PROVINCE, True),
        (3, UNDER_1489, DISTRICT, False),
        (5, UNDER_1489, MINISTRY, True),
        (5, UNDER_1489, CENTRAL, True),
        (2, UNDER_148, DISTRICT, False),
        (4, UNDER_1489, "province", True),
    ],
)
def test_issuing_level_allowed(star_level, decision_date, level, expected):
    assert issuing_level_allowed(star_level, decision_date, level) is expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("huyện", DISTRICT),
        ("huyen", DISTRICT),
        ("cấp huyện", DISTRICT),
        ("Cấp Huyện", DISTRICT),
        ("UBND huyện Đắk R'Lấp", DISTRICT),
        ("Ủy ban nhân dân huyện Đắk R'Lấp", DISTRICT),
        ("UBND thị xã Buôn Hồ", DISTRICT),
        ("UBND quận 1", DISTRICT),
        ("UBND thành phố Gia Nghĩa", DISTRICT),
        ("tỉnh", PROVINCE),
        ("cấp tỉnh", PROVINCE),
        ("UBND tỉnh Đắk Nông", PROVINCE),
        ("ubnd tinh dak nong", PROVINCE),
        ("UBND thành phố Hà Nội", PROVINCE),
        ("UBND TP. Hồ Chí Minh", PROVINCE),
        ("trung ương", CENTRAL),
        ("Trung Ương", CENTRAL),
        ("cấp trung ương", CENTRAL),
        ("TW", CENTRAL),
        ("Bộ NN&MT", MINISTRY),
        ("Bộ Nông nghiệp và Môi trường", MINISTRY),
        ("bo nong nghiep va moi truong", MINISTRY),
        ("Bộ NN&PTNT", MINISTRY),
        ("district", DISTRICT),
        ("Province", PROVINCE),
        ("central", CENTRAL),
        ("MINISTRY", MINISTRY),
    ],
)
def test_parse_issuing_level(label, expected):
    assert parse_issuing_level(label) is expected


@pytest.mark.parametrize("label", ["", "UBND", "xã Nhân Cơ", "Sở Công Thương", "thành phố", "hội đồng"])
def test_parse_issuing_level_rejects_unknown_labels(label):
    with pytest.raises(UnknownIssuingLevel):
        parse_issuing_level(label)


def test_unknown_issuing_level_message_names_the_value():
    with pytest.raises(UnknownIssuingLevel) as caught:
        parse_issuing_level("xã Nhân Cơ")

    assert str(caught.value) == (
        'Không xác định được cấp ban hành quyết định: "xã Nhân Cơ" / Unknown issuing level: "xã Nhân Cơ"'
    )
    assert isinstance(caught.value, ValueError)
