"""Parse one cell of an imported OCOP list into a Python value.

Pure functions (standard library and ocop_rules, no Django): each takes the raw value
a spreadsheet cell held (str, int, float, date/datetime or None) and returns a clean
value, or raises CellError with a Vietnamese message an officer can act on. Whether a
value is acceptable to the registry (known producer, valid tax number, certifiable
star level) is decided elsewhere; these only read what was written.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from ocop_rules import fold

__all__ = [
    "CellError",
    "parse_date",
    "parse_email",
    "parse_phone",
    "parse_score",
    "parse_star_level",
    "parse_tax_number_text",
    "parse_text",
]

REQUIRED_MESSAGE = "Bắt buộc, không được để trống"

# Decision 490/QĐ-TTg (7 May 2018) started the OCOP programme: no certificate predates it.
PROGRAMME_START = date(2018, 1, 1)

# Excel's 1900 date system counts 1900-02-29, a day that never existed (serial 60), so
# serials from 61 on are one day ahead of a plain count from 1899-12-31.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31

# Zero-width characters and the emoji variation selector ride along with pasted text.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\ufe0f]")


class CellError(ValueError):
    """A cell whose value cannot be read; `message` is shown to the officer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _clean(value: object) -> str:
    """The value as text: invisible characters dropped, whitespace collapsed."""
    return " ".join(_INVISIBLE.sub("", str(value)).split())


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not _clean(value))


def _show(value: object) -> str:
    """The value as the officer typed it, quoted, for messages."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return f"'{_clean(value)}'" if isinstance(value, str) else str(value)


def _whole_number(value: object) -> int | None:
    """An int for numeric cells holding a whole number (4, 4.0); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


# ---------------------------------------------------------------- dates

_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d+)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME_SUFFIX = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_SERIAL = re.compile(r"\d+(?:\.\d+)?")


def _invalid_date(value: object) -> CellError:
    return CellError(f"Ngày không hợp lệ: {_show(value)} (dùng dd/mm/yyyy)")


def _from_excel_serial(serial: float, value: object) -> date:
    """The date an Excel serial stands for; `value` is the cell, for the message."""
    if not math.isfinite(serial):
        raise _invalid_date(value)
    whole = int(serial)
    if whole < 1 or whole > _EXCEL_MAX_SERIAL or whole == _EXCEL_FAKE_LEAP_DAY:
        raise _invalid_date(value)
    if whole < _EXCEL_FAKE_LEAP_DAY:
        whole += 1
    return _EXCEL_EPOCH + timedelta(days=whole)


def _date_from_text(text: str, value: object) -> date:
    if _SERIAL.fullmatch(text):
        return _from_excel_serial(float(text), value)
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.group(1, 2, 3))
    elif match := _DMY.match(text):
        day, month, year = (int(part) for part in match.group(1, 3, 4))
        if len(match.group(4)) != 4:
            raise CellError(f"Năm phải ghi đủ 4 chữ số: {_show(value)} (dùng dd/mm/yyyy)")
    else:
        raise _invalid_date(value)
    if not _TIME_SUFFIX.fullmatch(text[match.end():]):
        raise _invalid_date(value)
    try:
        return date(year, month, day)
    except ValueError:
        raise _invalid_date(value) from None


def parse_date(value: object, *, today: date, earliest: date = PROGRAMME_START) -> date:
    """A decision date: a date cell, dd/mm/yyyy text (also with - or .), ISO
    yyyy-mm-dd, or an Excel serial number (1900 date system).

    Dates before `earliest` (the programme's start, Decision 490/QĐ-TTg of 2018) and
    after `today` cannot be recognition decisions.
    """
    if _is_blank(value):
        raise CellError(REQUIRED_MESSAGE)
    text = _clean(value) if isinstance(value, str) else ""
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        result = _from_excel_serial(float(value), value)
    elif text:
        result = _date_from_text(text, value)
    else:
        raise _invalid_date(value)
    if earliest <= result <= today:
        return result

    shown = _show(value)
    if not isinstance(value, date) and not _DMY.match(text) and not _ISO.match(text):
        # An Excel serial number: show the date it stands for.
        shown = f"{shown} (= {_show(result)})"
    if result < earliest:
        raise CellError(
            f"Ngày trước khi Chương trình OCOP bắt đầu ({_show(earliest)}): {shown}"
        )
    raise CellError(f"Ngày ở tương lai: {shown} (hôm nay là {_show(today)})")


# ---------------------------------------------------------------- stars and score

_STAR_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5}
_STAR_SYMBOLS = "*★⭐"
_STARS_ONLY = re.compile(f"[{_STAR_SYMBOLS}]+")
_STAR_NUMBER = re.compile(
    rf"(?:hang )?(\d+|{'|'.join(_STAR_WORDS)})(?:[.,]0+)? ?(?:sao|[{_STAR_SYMBOLS}])?"
)


def parse_star_level(value: object) -> int:
    """A star level 1..5 written as 4, "4", "4 sao", "4*", "★★★★" or "bốn sao".

    1★ and 2★ are returned as such: they are scored but not certified (Decision
    148/QĐ-TTg), which the caller reports.
    """
    if _is_blank(value):
        raise CellError(REQUIRED_MESSAGE)
    level = _whole_number(value)
    if level is None and isinstance(value, str):
        symbols = _clean(value).replace(" ", "")
        if _STARS_ONLY.fullmatch(symbols):
            level = len(symbols)
        elif match := _STAR_NUMBER.fullmatch(fold(_clean(value))):
            word = match.group(1)
            level = _STAR_WORDS[word] if word in _STAR_WORDS else int(word)
    if level is None:
        raise CellError(
            f"Hạng sao không hợp lệ: {_show(value)} (ghi số từ 1 đến 5, ví dụ 4 hoặc '4 sao')"
        )
    if not 1 <= level <= 5:
        raise CellError(f"Hạng sao phải từ 1 đến 5: {_show(value)}")
    return level


_SCORE = re.compile(r"(\d+(?:[.,]\d+)?) ?(?:diem)?")


def parse_score(value: object) -> Decimal | None:
    """An evaluation score out of 100 points (Decision 148/QĐ-TTg); blank is None.

    Accepts the Vietnamese decimal comma ("72,5").
    """
    if _is_blank(value):
        return None
    score: Decimal | None = None
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        score = Decimal(value)
    elif isinstance(value, float):
        # str() gives the shortest text that round-trips: 72.5, not 72.5000000001.
        score = Decimal(str(value))
    elif isinstance(value, str) and (match := _SCORE.fullmatch(fold(_clean(value)))):
        score = Decimal(match.group(1).replace(",", "."))
    if score is None or not score.is_finite():
        raise CellError(f"Điểm không hợp lệ: {_show(value)} (ghi số, ví dụ 72 hoặc 72,5)")
    if not 0 <= score <= 100:
        raise CellError(f"Điểm phải từ 0 đến 100: {_show(value)}")
    return score


# ---------------------------------------------------------------- text


def _text(value: object) -> str:
    if isinstance(value, (date, datetime)):
        raise CellError(
            f"Excel đã đổi giá trị thành ngày ({_show(value)}): hãy định dạng ô là "
            "Văn bản (Text) và nhập lại"
        )
    number = _whole_number(value)
    return str(number) if number is not None else _clean(value)


def parse_text(value: object, *, required: bool, max_length: int) -> str:
    """Text with surrounding and repeated whitespace removed; whole numbers Excel
    stored as 123.0 read back as "123"."""
    text = "" if value is None else _text(value)
    if not text:
        if required:
            raise CellError(REQUIRED_MESSAGE)
        return ""
    if len(text) > max_length:
        raise CellError(f"Quá dài: {len(text)} ký tự (tối đa {max_length})")
    return text


_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?e\+?\d+", re.IGNORECASE)


def parse_tax_number_text(value: object) -> str:
    """The tax or business registration number as text, with the leading zero that
    Excel drops from numeric cells put back.

    A 9-digit number is a 10-digit tax number that started with 0; an 11-digit one
    a 12-digit personal identification number (used as the household's tax number)
    that did. Anything else is returned as written: the registry's normaliser
    validates it.
    """
    if _is_blank(value):
        raise CellError(REQUIRED_MESSAGE)
    number = _whole_number(value)
    if number is not None:
        digits = str(number)
        return "0" + digits if len(digits) in (9, 11) else digits
    text = _text(value)
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(
            f"Mã số thuế bị Excel đổi thành dạng số mũ: {_show(value)}; hãy định dạng "
            "cột là Văn bản (Text) và nhập lại đủ các chữ số"
        )
    return text


# ---------------------------------------------------------------- contacts

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"0[1-9]\d{8}|02\d{9}")


def parse_phone(value: object) -> str:
    """A Vietnamese phone number as 10 digits starting with 0 (landlines: 10 or 11
    digits starting with 02); blank is "".

    "+84"/"84" becomes "0", and the leading 0 Excel drops from numeric cells is
    put back.
    """
    if _is_blank(value):
        return ""
    number = _whole_number(value)
    if number is not None:
        digits = str(number)
    elif isinstance(value, str):
        digits = _PHONE_SEPARATORS.sub("", _INVISIBLE.sub("", value))
    else:
        digits = ""
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif digits.isdigit() and (len(digits) == 9 or (len(digits) == 10 and digits[0] == "2")):
        digits = "0" + digits
    if not _PHONE.fullmatch(digits):
        raise CellError(
            f"Số điện thoại không hợp lệ: {_show(value)} "
            "(ghi một số, 10 chữ số, bắt đầu bằng 0)"
        )
    return digits


_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)*\.[A-Za-z]{2,}")
_EMAIL_MAX_LENGTH = 254


def parse_email(value: object) -> str:
    """An email address, checked only for its shape; blank is ""."""
    if _is_blank(value):
        return ""
    text = _clean(value)
    if len(text) > _EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(text):
        raise CellError(
            f"Email không hợp lệ: {_show(value)} (ghi một địa chỉ, ví dụ ten@example.com)"
        )
    return text
