"""Read an official list of OCOP products (.xlsx or .csv) into raw rows.

Pure (standard library and openpyxl only). The reader finds the header row below any
title rows, maps each header to a canonical column, and hands back the cell values as
the file holds them; parsing.py turns them into Python values and the registry's
import service validates and writes them. Problems with the file as a whole raise
ImportFileError with a message for the officer.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from ocop_rules import fold

__all__ = [
    "COLUMN_LABELS",
    "HEADER_SEARCH_ROWS",
    "REQUIRED_COLUMNS",
    "ImportFileError",
    "ImportTable",
    "RawRow",
    "open_table",
]

# Canonical column -> the header an official list uses, for messages.
COLUMN_LABELS: dict[str, str] = {
    "certificate_number": "Số giấy chứng nhận",
    "product_name": "Tên sản phẩm",
    "producer_name": "Chủ thể",
    "tax_number": "Mã số thuế",
    "producer_kind": "Loại hình chủ thể",
    "star_level": "Hạng sao",
    "score": "Điểm",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "issuing_level": "Cấp công nhận",
    "issuing_authority": "Cơ quan công nhận",
    "product_group": "Nhóm sản phẩm",
    "product_subgroup": "Bộ sản phẩm",
    "commune": "Xã/phường",
    "district": "Huyện",
    "province": "Tỉnh",
    "address": "Địa chỉ",
    "phone": "Điện thoại",
    "email": "Email",
    "representative": "Người đại diện",
}

# Other headers seen on provincial lists, besides the label itself. Matching ignores
# case, diacritics, spaces, punctuation and a trailing note in parentheses.
_ALIASES: dict[str, tuple[str, ...]] = {
    "certificate_number": (
        "Số GCN", "Số chứng nhận", "Số giấy chứng nhận OCOP", "Số hiệu giấy chứng nhận",
        "Mã số OCOP", "Mã OCOP",
    ),
    "product_name": ("Sản phẩm", "Tên SP", "Tên sản phẩm OCOP"),
    "producer_name": (
        "Tên chủ thể", "Chủ thể OCOP", "Tên chủ thể OCOP", "Chủ thể sản xuất",
        "Đơn vị sản xuất",
    ),
    "tax_number": (
        "MST", "Mã số doanh nghiệp", "Mã số DN", "Số đăng ký kinh doanh", "Số ĐKKD",
        "Mã số thuế/ĐKKD", "Mã số thuế/Số ĐKKD", "MST/ĐKKD",
    ),
    "producer_kind": ("Loại hình", "Loại hình tổ chức"),
    "star_level": ("Số sao", "Xếp hạng", "Hạng", "Phân hạng", "Hạng sao OCOP"),
    "score": ("Tổng điểm", "Điểm đánh giá", "Điểm số"),
    "decision_number": ("Số QĐ", "Quyết định số", "Số quyết định công nhận"),
    "decision_date": (
        "Ngày QĐ", "Ngày công nhận", "Ngày ban hành", "Ngày quyết định công nhận",
        "Ngày ban hành quyết định",
    ),
    "issuing_level": ("Cấp", "Cấp đánh giá", "Cấp đánh giá công nhận"),
    "issuing_authority": (
        "Đơn vị công nhận", "Cơ quan ban hành", "Cơ quan ban hành quyết định",
    ),
    "product_group": ("Nhóm", "Nhóm SP"),
    "product_subgroup": ("Phân nhóm", "Phân nhóm sản phẩm"),
    "commune": (
        "Xã", "Phường", "Phường/xã", "Xã, phường, thị trấn", "Xã/phường/đặc khu",
    ),
    "district": (
        "Quận/huyện", "Huyện/thị xã", "Huyện/thị xã/thành phố",
    ),
    "province": ("Tỉnh/thành phố", "Tỉnh/TP"),
    "address": ("Địa chỉ chủ thể", "Địa chỉ sản xuất"),
    "phone": ("Số điện thoại", "SĐT", "ĐT", "Điện thoại liên hệ"),
    "email": ("Thư điện tử",),
    "representative": (
        "Đại diện", "Người đại diện theo pháp luật", "Người đại diện pháp luật",
    ),
}

# Row-number columns: recognised, then dropped without a mention.
_ROW_NUMBER_HEADERS = ("STT", "TT", "Số TT", "Số thứ tự")

REQUIRED_COLUMNS: tuple[str, ...] = (
    "certificate_number", "product_name", "producer_name", "tax_number",
    "decision_number", "decision_date", "product_group", "province",
)
# A list must carry the star level, the score, or both.
_STAR_OR_SCORE = ("star_level", "score")

HEADER_SEARCH_ROWS = 15
_MIN_HEADER_MATCHES = 3

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: Excel 97–2003 .xls
_EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_CSV_SUFFIXES = (".csv", ".txt", "")
_SNIFF_CHARS = 8192


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(str(text)))


def _build_header_index() -> dict[str, str]:
    index = {_header_key(label): "" for label in _ROW_NUMBER_HEADERS}
    for column, label in COLUMN_LABELS.items():
        for header in (label, *_ALIASES[column]):
            index[_header_key(header)] = column
    return index


# Normalised header -> canonical column ("" for row-number columns).
_HEADER_INDEX = _build_header_index()


class ImportFileError(Exception):
    """The file as a whole cannot be imported; `message` is shown to the officer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RawRow:
    # The row number the officer sees in Excel (1-based, title rows included).
    number: int
    # Canonical column -> the cell's value as read: str, int, float, datetime or None.
    values: dict[str, object]


@dataclass
class ImportTable:
    # Canonical column -> header as written in the file.
    columns: dict[str, str]
    # Headers that match no known column, as written, for the report.
    ignored_columns: list[str]
    # Data rows, fully blank rows left out.
    rows: list[RawRow] = field(default_factory=list)
    total_rows: int | None = None


def open_table(path: str | Path, *, filename: str | None = None) -> ImportTable:
    """Read an .xlsx or UTF-8 .csv list of OCOP products.

    The format is decided by content (an .xlsx is a zip archive) and by name;
    `filename` is the name the officer uploaded, used in messages and for the
    extension when `path` is a temporary file.
    """
    path = Path(path)
    name = filename or path.name
    suffix = Path(name).suffix.lower()
    with path.open("rb") as file:
        start = file.read(len(_XLS_MAGIC))
    if not start:
        raise ImportFileError(f"Tệp '{name}' trống.")
    if start.startswith(_XLSX_MAGIC):
        return _open_xlsx(path, name)
    if start == _XLS_MAGIC and suffix in _EXCEL_SUFFIXES:
        # Excel stores a password-protected .xlsx inside the old binary container.
        raise ImportFileError(
            f"Tệp '{name}' đang được đặt mật khẩu hoặc ở định dạng Excel 97–2003. "
            "Hãy bỏ mật khẩu và lưu lại dưới dạng Excel Workbook (.xlsx)."
        )
    if start == _XLS_MAGIC or suffix == ".xls":
        raise ImportFileError(
            f"Tệp '{name}' là tệp Excel 97–2003 (.xls), không được hỗ trợ. "
            "Hãy mở tệp bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx)."
        )
    if suffix in _EXCEL_SUFFIXES:
        raise ImportFileError(f"Tệp '{name}' không phải là tệp Excel (.xlsx) hợp lệ.")
    if suffix not in _CSV_SUFFIXES:
        raise ImportFileError(
            f"Tệp '{name}' không được hỗ trợ: chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."
        )
    return _open_csv(path.read_bytes(), name)


def _open_xlsx(path: Path, name: str) -> ImportTable:
    """Read the first sheet with a recognisable header.

    calamine (Rust) reads a 20,000-row list in a fraction of a second, where
    openpyxl's read-only mode took about six: the import's speed target needs it.
    """
    invalid = ImportFileError(f"Tệp '{name}' không phải là tệp Excel (.xlsx) hợp lệ.")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError):
        raise invalid from None
    try:
        empty = True
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            if sheet.height == 0:
                continue
            empty = False
            # Rows above the first non-empty cell are not returned: put them back so
            # row numbers are the ones the officer sees in Excel.
            first_row = sheet.start[0] if sheet.start else 0
            rows = chain(((),) * first_row, sheet.iter_rows())
            table = _table_from_rows(rows, name)
            if table is not None:
                return table
    except (CalamineError, ValueError):
        raise invalid from None
    finally:
        workbook.close()
    if empty:
        raise ImportFileError(f"Tệp '{name}' trống.")
    raise _no_header_error(name)


def _open_csv(data: bytes, name: str) -> ImportTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"Tệp '{name}' không dùng bảng mã UTF-8. Trong Excel, chọn Lưu thành > "
            "'CSV UTF-8 (Comma delimited) (*.csv)' rồi tải lên lại."
        ) from None
    if not text.strip():
        raise ImportFileError(f"Tệp '{name}' trống.")
    for delimiter in _delimiters(text):
        try:
            table = _table_from_rows(csv.reader(io.StringIO(text), delimiter=delimiter), name)
        except csv.Error as error:
            raise ImportFileError(f"Tệp CSV '{name}' bị lỗi định dạng: {error}.") from None
        if table is not None:
            return table
    raise _no_header_error(name)


def _delimiters(text: str) -> list[str]:
    """The sniffed delimiter first, then the others Excel writes by locale."""
    candidates = [",", ";", "\t"]
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(candidates)).delimiter
    except csv.Error:
        return candidates
    return [sniffed, *(candidate for candidate in candidates if candidate != sniffed)]


def _no_header_error(name: str) -> ImportFileError:
    examples = ", ".join(COLUMN_LABELS[column] for column in REQUIRED_COLUMNS[:4])
    return ImportFileError(
        f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp "
        f"'{name}'. Dòng tiêu đề cần có các cột như: {examples}."
    )


# ---------------------------------------------------------------- header and rows


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _match(header: object) -> str | None:
    """The canonical column for a header cell ("" for row numbers), or None."""
    if _blank(header):
        return None
    text = str(header)
    column = _HEADER_INDEX.get(_header_key(text))
    if column is None:
        # "Ngày quyết định (dd/mm/yyyy)": a note in parentheses is not part of the name.
        column = _HEADER_INDEX.get(_header_key(re.sub(r"\(.*?\)", "", text)))
    return column


def _header_text(header: object) -> str:
    return " ".join(str(header).split())


def _table_from_rows(rows: Iterable[Sequence[object]], name: str) -> ImportTable | None:
    """The table under the first header row within the first rows; None if none."""
    numbered = enumerate(rows, start=1)
    head = list(islice(numbered, HEADER_SEARCH_ROWS))
    for position, (number, cells) in enumerate(head):
        matches = [_match(cell) for cell in cells]
        if sum(1 for column in matches if column) >= _MIN_HEADER_MATCHES:
            break
    else:
        return None

    below: Iterator[tuple[int, Sequence[object]]] = chain(head[position + 1:], numbered)
    headers = [_header_text(cell) if not _blank(cell) else "" for cell in cells]
    headers, matches, below = _merge_sub_header(headers, matches, below)
    positions, columns, ignored = _resolve_columns(headers, matches, name)

    table_rows = []
    for row_number, row_cells in _skip_column_numbering(below):
        width = len(row_cells)
        values = {
            column: None if index >= width or _blank(row_cells[index]) else row_cells[index]
            for column, index in positions.items()
        }
        # Rows with content only in unknown or STT columns (pre-numbered empty
        # template rows) are blank to us.
        if any(value is not None for value in values.values()):
            table_rows.append(RawRow(number=row_number, values=values))
    if not table_rows:
        raise ImportFileError(
            f"Tệp '{name}' không có dòng dữ liệu nào dưới dòng tiêu đề (dòng {number})."
        )
    return ImportTable(
        columns=columns, ignored_columns=ignored, rows=table_rows, total_rows=len(table_rows)
    )


def _merge_sub_header(
    headers: list[str],
    matches: list[str | None],
    below: Iterator[tuple[int, Sequence[object]]],
) -> tuple[list[str], list[str | None], Iterator[tuple[int, Sequence[object]]]]:
    """Take in a second header row under merged cells, as official lists have:
    "Địa chỉ" over "Xã | Huyện | Tỉnh", or "Quyết định công nhận" over "Số | Ngày".

    The next row is a sub-header only if every filled cell in it names a column,
    alone or together with the merged header above it.
    """
    following = next(below, None)
    if following is None:
        return headers, matches, below
    cells = following[1]
    width = max(len(headers), len(cells))
    headers = headers + [""] * (width - len(headers))
    matches = matches + [None] * (width - len(matches))
    merged_headers, merged_matches = list(headers), list(matches)
    parent = ""
    found = False
    for index in range(width):
        parent = headers[index] or parent
        cell = cells[index] if index < len(cells) else None
        if _blank(cell):
            continue
        child = _header_text(cell)
        column = _match(child)
        label = child
        if column is None and parent:
            column = _match(f"{child} {parent}")
            label = f"{parent} / {child}"
        if column is None:
            return headers, matches, chain([following], below)
        merged_headers[index], merged_matches[index] = label, column
        found = True
    if not found:
        return headers, matches, chain([following], below)
    return merged_headers, merged_matches, below


def _resolve_columns(
    headers: list[str], matches: list[str | None], name: str
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    positions: dict[str, int] = {}
    columns: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: dict[str, list[str]] = {}
    for index, (header, column) in enumerate(zip(headers, matches)):
        if column is None:
            if header:
                ignored.append(header)
        elif column in columns:
            duplicates.setdefault(column, [columns[column]]).append(header)
        elif column:
            positions[column], columns[column] = index, header
    if duplicates:
        described = "; ".join(
            f"{COLUMN_LABELS[column]} ({', '.join(repr(h) for h in written)})"
            for column, written in duplicates.items()
        )
        raise ImportFileError(f"Tệp '{name}' có cột trùng lặp: {described}.")

    missing = [COLUMN_LABELS[column] for column in REQUIRED_COLUMNS if column not in columns]
    if not any(column in columns for column in _STAR_OR_SCORE):
        missing.append(f"{COLUMN_LABELS['star_level']} (hoặc {COLUMN_LABELS['score']})")
    if missing:
        message = f"Thiếu cột bắt buộc: {', '.join(missing)}."
        if ignored:
            message += f" Các cột không nhận ra: {', '.join(repr(h) for h in ignored)}."
        raise ImportFileError(message)
    return positions, columns, ignored


_NUMBERING_CELL = re.compile(r"\(?(\d+)\)?")
_MIN_NUMBERED_COLUMNS = 3


def _skip_column_numbering(
    rows: Iterator[tuple[int, Sequence[object]]],
) -> Iterator[tuple[int, Sequence[object]]]:
    """Drop the "(1) (2) (3) …" row that government tables put under the header."""
    first = next(rows, None)
    if first is None:
        return rows
    numbers = []
    for cell in first[1]:
        if _blank(cell):
            continue
        match = _NUMBERING_CELL.fullmatch(str(cell).strip().removesuffix(".0"))
        if match is None:
            return chain([first], rows)
        numbers.append(int(match.group(1)))
    consecutive = all(b == a + 1 for a, b in zip(numbers, numbers[1:]))
    if len(numbers) >= _MIN_NUMBERED_COLUMNS and consecutive:
        return rows
    return chain([first], rows)
