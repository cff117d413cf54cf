import pytest

from ocop_rules import (
    InvalidTaxNumber,
    ProducerKind,
    UnknownProducerKind,
    normalise_tax_number,
    parse_producer_kind,
)

COOPERATIVE = ProducerKind.COOPERATIVE
COOPERATIVE_GROUP = ProducerKind.COOPERATIVE_GROUP
ENTERPRISE = ProducerKind.ENTERPRISE
HOUSEHOLD = ProducerKind.HOUSEHOLD


@pytest.mark.parametrize(
    ("kind", "value", "label_vi", "label_en"),
    [
        (COOPERATIVE, "htx", "Hợp tác xã", "Cooperative"),
        (COOPERATIVE_GROUP, "tht", "Tổ hợp tác", "Cooperative group"),
        (ENTERPRISE, "dn", "Doanh nghiệp", "Enterprise"),
        (HOUSEHOLD, "hkd", "Hộ kinh doanh", "Business household"),
    ],
)
def test_producer_kind_values_and_labels(kind, value, label_vi, label_en):
    assert kind == value
    assert kind.label_vi == label_vi
    assert kind.label_en == label_en


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("HTX", COOPERATIVE),
        ("htx", COOPERATIVE),
        ("THT", COOPERATIVE_GROUP),
        ("DN", ENTERPRISE),
        ("DNTN", ENTERPRISE),
        ("HKD", HOUSEHOLD),
        ("Hợp tác xã", COOPERATIVE),
        ("hop tac xa", COOPERATIVE),
        ("Tổ hợp tác", COOPERATIVE_GROUP),
        ("to hop tac", COOPERATIVE_GROUP),
        ("Doanh nghiệp", ENTERPRISE),
        ("Doanh nghiệp tư nhân", ENTERPRISE),
        ("Hộ kinh doanh", HOUSEHOLD),
        ("ho kinh doanh", HOUSEHOLD),
        ("Cooperative", COOPERATIVE),
        ("Cooperative group", COOPERATIVE_GROUP),
        ("Enterprise", ENTERPRISE),
        ("Household", HOUSEHOLD),
    ],
)
def test_parse_producer_kind_from_kind_labels(label, expected):
    assert parse_producer_kind(label) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Công ty TNHH Hồng Đức", ENTERPRISE),
        ("Cty CP Cà phê Đắk Nông", ENTERPRISE),
        ("DNTN Toàn Hằng", ENTERPRISE),
        ("Doanh nghiệp tư nhân Toàn Hằng", ENTERPRISE),
        ("HTX Nông nghiệp Nhân Cơ", COOPERATIVE),
        ("HTX. Nông nghiệp Nhân Cơ", COOPERATIVE),
        ("Hợp tác xã Dịch vụ Nông nghiệp Đạo Nghĩa", COOPERATIVE),
        ("Liên hiệp hợp tác xã Cà phê", COOPERATIVE),
        ("Tổ hợp tác sản xuất tiêu sạch", COOPERATIVE_GROUP),
        ("Hộ kinh doanh Nguyễn Văn A", HOUSEHOLD),
        ("Cơ sở sản xuất Mật ong Quảng Tín", HOUSEHOLD),
    ],
)
def test_parse_producer_kind_from_a_producer_name(name, expected):
    assert parse_producer_kind(name) is expected


@pytest.mark.parametrize("label", ["", "Nguyễn Văn A", "Trang trại Xanh", "Hồ Lắk", "hop tac"])
def test_parse_producer_kind_rejects_unknown_labels(label):
    with pytest.raises(UnknownProducerKind):
        parse_producer_kind(label)


def test_unknown_producer_kind_message_names_the_value():
    with pytest.raises(UnknownProducerKind) as caught:
        parse_producer_kind("Trang trại Xanh")

    assert str(caught.value) == (
        'Không xác định được loại hình chủ thể OCOP: "Trang trại Xanh" / '
        'Unknown producer kind: "Trang trại Xanh"'
    )
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0101234567", "0101234567"),
        (" 0101234567 ", "0101234567"),
        ("0101.234.567", "0101234567"),
        ("0101 234 567", "0101234567"),
        ("0101234567-001", "0101234567-001"),
        ("0101234567 001", "0101234567-001"),
        ("0101234567001", "0101234567-001"),
        ("0101234567 - 001", "0101234567-001"),
        ("'0101234567", "0101234567"),
        ("0101234567;", "0101234567"),
        ("MST: 0101234567", "0101234567"),
        ("Mã số thuế: 6400123456", "6400123456"),
        ("67A8001234", "67A8001234"),
        ("67a8001234", "67A8001234"),
        ("123456", "123456"),
        ("012345678901", "012345678901"),
        ("ABCDE1234567890", "ABCDE1234567890"),
    ],
)
def test_normalise_tax_number(raw, expected):
    assert normalise_tax_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "12345",
        "ABCDEFGH",
        "0101234567-01",
        "0101234567-0001",
        "0101234567/001",
        "ABCDE12345678901",
        "67Đ8001234",
        "01012345６7",
    ],
)
def test_normalise_tax_number_rejects_other_forms(raw):
    with pytest.raises(InvalidTaxNumber):
        normalise_tax_number(raw)


def test_tax_number_checksum_is_not_applied():
    # given a 10-digit number whose check digit is wrong
    # then it still imports as published
    assert normalise_tax_number("0101234560") == "0101234560"


def test_invalid_tax_number_message_names_the_value():
    with pytest.raises(InvalidTaxNumber) as caught:
        normalise_tax_number("12-34")

    assert str(caught.value) == (
        'Mã số thuế hoặc số đăng ký kinh doanh không hợp lệ: "12-34" / '
        'Invalid tax or business registration number: "12-34"'
    )
    assert isinstance(caught.value, ValueError)
