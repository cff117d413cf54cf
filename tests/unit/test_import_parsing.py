from datetime import date, datetime
from decimal import Decimal

import pytest

from vendors.registry.importing.parsing import (
    CellError,
    parse_date,
    parse_email,
    parse_phone,
    parse_score,
    parse_star_level,
    parse_tax_number_text,
    parse_text,
)

TODAY = date(2025, 6, 30)


# ---------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2023, 3, 15), date(2023, 3, 15)),
        (datetime(2023, 3, 15, 0, 0), date(2023, 3, 15)),
        ("15/03/2023", date(2023, 3, 15)),
        ("5/3/2023", date(2023, 3, 5)),
        ("15-03-2023", date(2023, 3, 15)),
        ("15.03.2023", date(2023, 3, 15)),
        ("2023-03-15", date(2023, 3, 15)),
        ("  15/03/2023 ", date(2023, 3, 15)),
        ("15/03/2023 00:00:00", date(2023, 3, 15)),
        ("29/02/2024", date(2024, 2, 29)),
        (45000, date(2023, 3, 15)),
        (45000.0, date(2023, 3, 15)),
        (45000.75, date(2023, 3, 15)),
        ("45000", date(2023, 3, 15)),
        (43101, date(2018, 1, 1)),
        (45838, date(2025, 6, 30)),
        ("30/06/2025", TODAY),
    ],
)
def test_parse_date_accepts(value, expected):
    assert parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2023", "Ngày không hợp lệ: '31/02/2023' (dùng dd/mm/yyyy)"),
        ("03/15/2023", "Ngày không hợp lệ: '03/15/2023' (dùng dd/mm/yyyy)"),
        ("2023-02-30", "Ngày không hợp lệ: '2023-02-30' (dùng dd/mm/yyyy)"),
        ("15/03/23", "Năm phải ghi đủ 4 chữ số: '15/03/23' (dùng dd/mm/yyyy)"),
        ("15/03-2023", "Ngày không hợp lệ: '15/03-2023' (dùng dd/mm/yyyy)"),
        ("ngày 15 tháng 3", "Ngày không hợp lệ: 'ngày 15 tháng 3' (dùng dd/mm/yyyy)"),
        ("15/03/2023 abc", "Ngày không hợp lệ: '15/03/2023 abc' (dùng dd/mm/yyyy)"),
        (60, "Ngày không hợp lệ: 60 (dùng dd/mm/yyyy)"),
        (0, "Ngày không hợp lệ: 0 (dùng dd/mm/yyyy)"),
        (-5, "Ngày không hợp lệ: -5 (dùng dd/mm/yyyy)"),
        (float("nan"), "Ngày không hợp lệ: nan (dùng dd/mm/yyyy)"),
        (True, "Ngày không hợp lệ: True (dùng dd/mm/yyyy)"),
        (
            "15/03/2017",
            "Ngày trước khi Chương trình OCOP bắt đầu (01/01/2018): '15/03/2017'",
        ),
        (
            date(2017, 12, 31),
            "Ngày trước khi Chương trình OCOP bắt đầu (01/01/2018): 31/12/2017",
        ),
        (
            43100,
            "Ngày trước khi Chương trình OCOP bắt đầu (01/01/2018): 43100 (= 31/12/2017)",
        ),
        ("01/07/2025", "Ngày ở tương lai: '01/07/2025' (hôm nay là 30/06/2025)"),
        (45839, "Ngày ở tương lai: 45839 (= 01/07/2025) (hôm nay là 30/06/2025)"),
        (None, "Bắt buộc, không được để trống"),
        ("   ", "Bắt buộc, không được để trống"),
    ],
)
def test_parse_date_rejects(value, message):
    with pytest.raises(CellError) as error:
        parse_date(value, today=TODAY)

    assert error.value.message == message


@pytest.mark.parametrize(
    ("serial", "expected"),
    [(1, date(1900, 1, 1)), (59, date(1900, 2, 28)), (61, date(1900, 3, 1))],
)
def test_parse_date_follows_excel_1900_leap_year_bug(serial, expected):
    assert parse_date(serial, today=TODAY, earliest=date(1900, 1, 1)) == expected


def test_parse_date_earliest_is_a_parameter():
    assert parse_date("15/03/2017", today=TODAY, earliest=date(2017, 1, 1)) == date(2017, 3, 15)


# ---------------------------------------------------------------- parse_star_level


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4, 4),
        (4.0, 4),
        ("4", 4),
        ("4.0", 4),
        (" 4 sao ", 4),
        ("4sao", 4),
        ("4 Sao", 4),
        ("4*", 4),
        ("4★", 4),
        ("3 ★", 3),
        ("★★★★", 4),
        ("★★★★★", 5),
        ("* * *", 3),
        ("⭐️⭐️⭐️", 3),
        ("Bốn sao", 4),
        ("bon sao", 4),
        ("Năm sao", 5),
        ("ba", 3),
        ("Hạng 3 sao", 3),
        ("1", 1),
        (2, 2),
    ],
)
def test_parse_star_level_accepts(value, expected):
    assert parse_star_level(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("6 sao", "Hạng sao phải từ 1 đến 5: '6 sao'"),
        ("0", "Hạng sao phải từ 1 đến 5: '0'"),
        (6, "Hạng sao phải từ 1 đến 5: 6"),
        ("★★★★★★", "Hạng sao phải từ 1 đến 5: '★★★★★★'"),
        ("4.5", "Hạng sao không hợp lệ: '4.5' (ghi số từ 1 đến 5, ví dụ 4 hoặc '4 sao')"),
        (4.5, "Hạng sao không hợp lệ: 4.5 (ghi số từ 1 đến 5, ví dụ 4 hoặc '4 sao')"),
        ("☆☆☆", "Hạng sao không hợp lệ: '☆☆☆' (ghi số từ 1 đến 5, ví dụ 4 hoặc '4 sao')"),
        ("tốt", "Hạng sao không hợp lệ: 'tốt' (ghi số từ 1 đến 5, ví dụ 4 hoặc '4 sao')"),
        (None, "Bắt buộc, không được để trống"),
        ("", "Bắt buộc, không được để trống"),
    ],
)
def test_parse_star_level_rejects(value, message):
    with pytest.raises(CellError) as error:
        parse_star_level(value)

    assert error.value.message == message


# ---------------------------------------------------------------- parse_score


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("72", Decimal("72")),
        ("72,5", Decimal("72.5")),
        ("72.5", Decimal("72.5")),
        (" 72,5 điểm ", Decimal("72.5")),
        (72, Decimal("72")),
        (72.5, Decimal("72.5")),
        (72.3, Decimal("72.3")),
        (0, Decimal("0")),
        ("100", Decimal("100")),
    ],
)
def test_parse_score_accepts(value, expected):
    assert parse_score(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (100.5, "Điểm phải từ 0 đến 100: 100.5"),
        ("100,5", "Điểm phải từ 0 đến 100: '100,5'"),
        ("-1", "Điểm không hợp lệ: '-1' (ghi số, ví dụ 72 hoặc 72,5)"),
        ("1.234,5", "Điểm không hợp lệ: '1.234,5' (ghi số, ví dụ 72 hoặc 72,5)"),
        ("bảy mươi", "Điểm không hợp lệ: 'bảy mươi' (ghi số, ví dụ 72 hoặc 72,5)"),
        (float("inf"), "Điểm không hợp lệ: inf (ghi số, ví dụ 72 hoặc 72,5)"),
        (True, "Điểm không hợp lệ: True (ghi số, ví dụ 72 hoặc 72,5)"),
    ],
)
def test_parse_score_rejects(value, message):
    with pytest.raises(CellError) as error:
        parse_score(value)

    assert error.value.message == message


# ---------------------------------------------------------------- parse_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Cà phê   Natural\nToàn Hằng ", "Cà phê Natural Toàn Hằng"),
        ("Hạt\u00a0điều\u200b rang muối", "Hạt điều rang muối"),
        (123.0, "123"),
        (123, "123"),
        (12.5, "12.5"),
        (None, ""),
        ("   ", ""),
    ],
)
def test_parse_text_accepts(value, expected):
    assert parse_text(value, required=False, max_length=255) == expected


@pytest.mark.parametrize(
    ("value", "max_length", "message"),
    [
        (None, 255, "Bắt buộc, không được để trống"),
        (" \t ", 255, "Bắt buộc, không được để trống"),
        ("Hạt điều rang muối", 10, "Quá dài: 18 ký tự (tối đa 10)"),
        (
            datetime(2023, 12, 1),
            255,
            "Excel đã đổi giá trị thành ngày (01/12/2023): hãy định dạng ô là "
            "Văn bản (Text) và nhập lại",
        ),
    ],
)
def test_parse_text_rejects(value, max_length, message):
    with pytest.raises(CellError) as error:
        parse_text(value, required=True, max_length=max_length)

    assert error.value.message == message


# ---------------------------------------------------------------- parse_tax_number_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (101234567, "0101234567"),
        (101234567.0, "0101234567"),
        (6001234567, "6001234567"),
        (1234567890, "1234567890"),
        (12345678901, "012345678901"),
        ("0101234567", "0101234567"),
        (" 0101234567-001 ", "0101234567-001"),
        ("101234567", "101234567"),
        ("MST 0101", "MST 0101"),
    ],
)
def test_parse_tax_number_text_accepts(value, expected):
    assert parse_tax_number_text(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Bắt buộc, không được để trống"),
        (
            "1.01235E+09",
            "Mã số thuế bị Excel đổi thành dạng số mũ: '1.01235E+09'; hãy định dạng "
            "cột là Văn bản (Text) và nhập lại đủ các chữ số",
        ),
    ],
)
def test_parse_tax_number_text_rejects(value, message):
    with pytest.raises(CellError) as error:
        parse_tax_number_text(value)

    assert error.value.message == message


# ---------------------------------------------------------------- parse_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        (912345678, "0912345678"),
        (912345678.0, "0912345678"),
        (84912345678, "0912345678"),
        ("(0261) 3123 456", "02613123456"),
        (2613123456, "02613123456"),
        ("+84 261 3123 456", "02613123456"),
    ],
)
def test_parse_phone_accepts(value, expected):
    assert parse_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    ["091234567", "09123456789", "0912345678 / 0987654321", "1800 1234", "gọi 0912345678",
     "0012345678", 12.5],
)
def test_parse_phone_rejects(value):
    with pytest.raises(CellError) as error:
        parse_phone(value)

    shown = f"'{value}'" if isinstance(value, str) else str(value)
    assert error.value.message == (
        f"Số điện thoại không hợp lệ: {shown} (ghi một số, 10 chữ số, bắt đầu bằng 0)"
    )


# ---------------------------------------------------------------- parse_email


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  ", ""),
        (" htx.dakrlap@gmail.com ", "htx.dakrlap@gmail.com"),
        ("Info@ToanHang.com.vn", "Info@ToanHang.com.vn"),
    ],
)
def test_parse_email_accepts(value, expected):
    assert parse_email(value) == expected


@pytest.mark.parametrize(
    "value",
    ["htx.dakrlap", "htx@gmail", "a@b@c.vn", "a b@c.vn", "a@x.vn; b@y.vn", "a@.vn", "a@x..vn"],
)
def test_parse_email_rejects(value):
    with pytest.raises(CellError) as error:
        parse_email(value)

    assert error.value.message == (
        f"Email không hợp lệ: '{value}' (ghi một địa chỉ, ví dụ ten@example.com)"
    )


def test_cell_error_is_a_value_error_carrying_its_message():
    error = CellError("Bắt buộc, không được để trống")

    assert isinstance(error, ValueError)
    assert str(error) == error.message == "Bắt buộc, không được để trống"
