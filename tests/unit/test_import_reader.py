import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from vendors.registry.importing.parsing import parse_date, parse_star_level, parse_tax_number_text
from vendors.registry.importing.reader import (
    _ALIASES,
    _ROW_NUMBER_HEADERS,
    COLUMN_LABELS,
    REQUIRED_COLUMNS,
    ImportFileError,
    RawRow,
    _header_key,
    open_table,
)

HEADERS_PLAIN = [
    "STT", "So GCN", "Ten san pham", "Chu the", "Ma so thue", "Hang sao", "Diem",
    "So QD", "Ngay QD", "Nhom san pham", "Tinh", "Ghi chu",
]
HEADERS_VIETNAMESE = [
    "STT", "Số giấy chứng nhận", "Tên sản phẩm", "Tên chủ thể", "Mã số thuế/ĐKKD",
    "Hạng sao", "Số quyết định", "Ngày quyết định (dd/mm/yyyy)", "Nhóm sản phẩm",
    "Xã, phường, thị trấn", "Huyện", "Tỉnh", "Số điện thoại", "Ghi chú",
]


def _write_xlsx(path, rows, *, sheets=None):
    workbook = Workbook()
    sheet = workbook.active
    for extra_title, extra_rows in sheets or []:
        for row in extra_rows:
            sheet.append(row)
        sheet.title = extra_title
        sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _official_header(**replace):
    """The Vietnamese header row with some headers replaced (None drops one)."""
    headers = [replace.get(header, header) for header in HEADERS_VIETNAMESE]
    return [header for header in headers if header is not None]


def test_xlsx_with_plain_headers_below_a_title_keeps_excel_row_numbers(tmp_path):
    # given an official list: title, blank row, header without diacritics, a blank data row
    path = _write_xlsx(tmp_path / "ds.xlsx", [
        ["DANH SACH SAN PHAM OCOP NAM 2023"],
        [],
        HEADERS_PLAIN,
        [1, "12/GCN-OCOP", "Hat dieu rang muoi", "Cong ty TNHH Hong Duc", "6001234567",
         "4 sao", 78.5, "1234/QĐ-UBND", datetime(2023, 3, 15), "Thực phẩm", "Đắk Nông",
         "tái đánh giá"],
        [2, "13/GCN-OCOP", "Ca phe Natural", "DNTN Toan Hang", 101234567, 3, None,
         "1234/QĐ-UBND", "15/03/2023", "Đồ uống", "Đắk Nông", None],
        [None] * 12,
        [3, "14/GCN-OCOP", "Mat ong", "HTX Ong", "6009876543", "★★★★★", "92", "5/QĐ-TTg",
         45000, "Thực phẩm", "Đắk Nông", None],
    ])

    # when
    table = open_table(path)

    # then
    assert table.columns == {
        "certificate_number": "So GCN", "product_name": "Ten san pham",
        "producer_name": "Chu the", "tax_number": "Ma so thue", "star_level": "Hang sao",
        "score": "Diem", "decision_number": "So QD", "decision_date": "Ngay QD",
        "product_group": "Nhom san pham", "province": "Tinh",
    }
    assert table.ignored_columns == ["Ghi chu"]
    assert table.total_rows == 3
    assert [row.number for row in table.rows] == [4, 5, 7]
    assert table.rows[0] == RawRow(number=4, values={
        "certificate_number": "12/GCN-OCOP", "product_name": "Hat dieu rang muoi",
        "producer_name": "Cong ty TNHH Hong Duc", "tax_number": "6001234567",
        "star_level": "4 sao", "score": 78.5, "decision_number": "1234/QĐ-UBND",
        "decision_date": date(2023, 3, 15), "product_group": "Thực phẩm",
        "province": "Đắk Nông",
    })
    assert table.rows[1].values["tax_number"] == 101234567
    assert table.rows[1].values["score"] is None
    assert table.rows[2].values["decision_date"] == 45000


def test_xlsx_with_vietnamese_headers_reads_dates_and_stars_in_every_form(tmp_path):
    # given dates as a date cell, an Excel serial number and dd/mm/yyyy text
    path = _write_xlsx(tmp_path / "danh-sach.xlsx", [
        ["DANH SÁCH SẢN PHẨM OCOP TỈNH ĐẮK NÔNG"],
        ["(Kèm theo Quyết định số 1234/QĐ-UBND)"],
        [],
        HEADERS_VIETNAMESE,
        [1, "01", "Hạt điều rang muối", "Công ty TNHH Hồng Đức", 6001234567, "4 sao",
         "1234/QĐ-UBND", date(2023, 3, 15), "Thực phẩm", "Nhân Cơ", "Đắk R'Lấp",
         "Đắk Nông", 912345678, None],
        [2, "02", "Cà phê Natural Toàn Hằng", "DNTN Toàn Hằng", 101234567, "★★★★★",
         "1234/QĐ-UBND", 45000, "Đồ uống", "Kiến Đức", "Đắk R'Lấp", "Đắk Nông", None, None],
        [3, "03", "Mật ong", "HTX Ong", "6009876543", 3, "1234/QĐ-UBND", "15/03/2023",
         "Thực phẩm", None, "Đắk R'Lấp", "Đắk Nông", None, "mới"],
    ])

    # when
    table = open_table(path)

    # then
    assert table.columns == {
        "certificate_number": "Số giấy chứng nhận", "product_name": "Tên sản phẩm",
        "producer_name": "Tên chủ thể", "tax_number": "Mã số thuế/ĐKKD",
        "star_level": "Hạng sao", "decision_number": "Số quyết định",
        "decision_date": "Ngày quyết định (dd/mm/yyyy)", "product_group": "Nhóm sản phẩm",
        "commune": "Xã, phường, thị trấn", "district": "Huyện", "province": "Tỉnh",
        "phone": "Số điện thoại",
    }
    assert table.ignored_columns == ["Ghi chú"]
    assert [row.number for row in table.rows] == [5, 6, 7]
    today = date(2025, 6, 30)
    assert [parse_date(row.values["decision_date"], today=today) for row in table.rows] == [
        date(2023, 3, 15)
    ] * 3
    assert [parse_star_level(row.values["star_level"]) for row in table.rows] == [4, 5, 3]
    assert [parse_tax_number_text(row.values["tax_number"]) for row in table.rows] == [
        "6001234567", "0101234567", "6009876543",
    ]
    assert table.rows[2].values["commune"] is None


def test_xlsx_two_row_header_under_merged_cells_and_column_numbering_row(tmp_path):
    # given "Quyết định công nhận" merged over "Số | Ngày", then a (1) (2) (3)… row
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP"])
    sheet.append(["TT", "Số GCN", "Sản phẩm", "Chủ thể", "MST", "Hạng sao",
                  "Quyết định công nhận", None, "Nhóm", "Địa chỉ", None])
    sheet.append([None, None, None, None, None, None, "Số", "Ngày", None, "Xã", "Tỉnh"])
    sheet.append([f"({n})" for n in range(1, 12)])
    sheet.append([1, "01", "Hạt điều", "Công ty Hồng Đức", "6001234567", 4, "12/QĐ-UBND",
                  "15/03/2023", "Thực phẩm", "Nhân Cơ", "Đắk Nông"])
    sheet.merge_cells("G2:H2")
    sheet.merge_cells("J2:K2")
    for column in "ABCDEFI":
        sheet.merge_cells(f"{column}2:{column}3")
    workbook.save(tmp_path / "ds.xlsx")

    # when
    table = open_table(tmp_path / "ds.xlsx")

    # then
    assert table.columns == {
        "certificate_number": "Số GCN", "product_name": "Sản phẩm", "producer_name": "Chủ thể",
        "tax_number": "MST", "star_level": "Hạng sao",
        "decision_number": "Quyết định công nhận / Số",
        "decision_date": "Quyết định công nhận / Ngày", "product_group": "Nhóm",
        "commune": "Xã", "province": "Tỉnh",
    }
    assert table.rows == [RawRow(number=5, values={
        "certificate_number": "01", "product_name": "Hạt điều",
        "producer_name": "Công ty Hồng Đức", "tax_number": "6001234567", "star_level": 4,
        "decision_number": "12/QĐ-UBND", "decision_date": "15/03/2023",
        "product_group": "Thực phẩm", "commune": "Nhân Cơ", "province": "Đắk Nông",
    })]


def test_xlsx_skips_rows_with_content_only_in_unknown_columns(tmp_path):
    # given a template pre-numbered to row 5 and a signature line in the notes column
    rows = [HEADERS_PLAIN,
            [1, "01", "Hạt điều", "Hồng Đức", "6001234567", 4, None, "12/QĐ", "15/03/2023",
             "Thực phẩm", "Đắk Nông", None]]
    rows += [[n] for n in range(2, 5)]
    rows += [[None] * 11 + ["Người lập biểu"]]
    path = _write_xlsx(tmp_path / "ds.xlsx", rows)

    # when
    table = open_table(path)

    # then
    assert [row.number for row in table.rows] == [2]


def test_xlsx_reads_the_first_sheet_with_a_header(tmp_path):
    # given a cover sheet without a header before the list
    path = _write_xlsx(
        tmp_path / "ds.xlsx",
        [HEADERS_PLAIN, [1, "01", "Hạt điều", "Hồng Đức", "6001234567", 4]],
        sheets=[("Bìa", [["ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG"], ["Báo cáo năm 2023"]])],
    )

    # when
    table = open_table(path)

    # then
    assert [(row.number, row.values["certificate_number"]) for row in table.rows] == [(2, "01")]


def test_xlsx_uploaded_under_a_temporary_name_is_recognised_by_content(tmp_path):
    # given the upload stored without an extension
    path = _write_xlsx(tmp_path / "upload", [HEADERS_PLAIN, [1, "01"]])
    path.rename(tmp_path / "upload.tmp")

    # when
    table = open_table(tmp_path / "upload.tmp", filename="danh-sach.xlsx")

    # then
    assert table.total_rows == 1


def test_csv_with_bom_and_semicolons(tmp_path):
    # given a CSV as Excel saves it with a Vietnamese locale
    text = (
        "DANH SÁCH SẢN PHẨM OCOP;;;;;;;;;;\n"
        ";;;;;;;;;;\n"
        "STT;Số GCN;Tên sản phẩm;Chủ thể;Mã số thuế;Điểm;Số QĐ;Ngày QĐ;Nhóm;Tỉnh;Địa chỉ\n"
        '1;01;Hạt điều rang muối;Công ty TNHH Hồng Đức;6001234567;72,5;12/QĐ-UBND;'
        '15/03/2023;Thực phẩm;Đắk Nông;"Thôn 1; xã Nhân Cơ"\n'
        ";;;;;;;;;;\n"
        "2;02;Cà phê;DNTN Toàn Hằng;101234567;;12/QĐ-UBND;15/03/2023;Đồ uống;Đắk Nông;\n"
    )
    path = tmp_path / "ds.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    # when
    table = open_table(path)

    # then
    assert list(table.columns) == [
        "certificate_number", "product_name", "producer_name", "tax_number", "score",
        "decision_number", "decision_date", "product_group", "province", "address",
    ]
    assert table.ignored_columns == []
    assert [row.number for row in table.rows] == [4, 6]
    assert table.rows[0].values["score"] == "72,5"
    assert table.rows[0].values["address"] == "Thôn 1; xã Nhân Cơ"
    assert table.rows[1].values["score"] is None
    assert table.rows[1].values["tax_number"] == "101234567"


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_csv_with_comma_or_tab_delimiter(tmp_path, delimiter):
    # given
    headers = ["So GCN", "Ten san pham", "Chu the", "MST", "Hang sao", "So QD", "Ngay QD",
               "Nhom", "Tinh"]
    values = ["01", "Hạt điều", "Hồng Đức", "6001234567", "4 sao", "12/QĐ-UBND",
              "15/03/2023", "Thực phẩm", "Đắk Nông"]
    path = tmp_path / "ds.csv"
    path.write_text(delimiter.join(headers) + "\n" + delimiter.join(values) + "\n")

    # when
    table = open_table(path)

    # then
    assert table.rows == [RawRow(number=2, values=dict(zip(
        ["certificate_number", "product_name", "producer_name", "tax_number", "star_level",
         "decision_number", "decision_date", "product_group", "province"], values)))]


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_csv_not_in_utf8_is_refused(tmp_path, encoding):
    # given
    path = tmp_path / "ds.csv"
    path.write_bytes("Số GCN,Tên sản phẩm,Chủ thể\n01,Cà phê,Hồng Đức\n".encode(
        encoding, errors="replace"
    ))

    # when
    with pytest.raises(ImportFileError) as error:
        open_table(path)

    # then
    assert error.value.message == (
        "Tệp 'ds.csv' không dùng bảng mã UTF-8. Trong Excel, chọn Lưu thành > "
        "'CSV UTF-8 (Comma delimited) (*.csv)' rồi tải lên lại."
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ds.csv", b"", "Tệp 'ds.csv' trống."),
        ("ds.xlsx", b"", "Tệp 'ds.xlsx' trống."),
        ("ds.csv", b"\xef\xbb\xbf \r\n\r\n", "Tệp 'ds.csv' trống."),
        ("ds.xlsx", "Số GCN,Tên sản phẩm\n".encode(),
         "Tệp 'ds.xlsx' không phải là tệp Excel (.xlsx) hợp lệ."),
        ("ds.xlsx", b"PK\x03\x04 not really a zip",
         "Tệp 'ds.xlsx' không phải là tệp Excel (.xlsx) hợp lệ."),
        ("ds.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
         "Tệp 'ds.xls' là tệp Excel 97–2003 (.xls), không được hỗ trợ. "
         "Hãy mở tệp bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx)."),
        ("ds.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
         "Tệp 'ds.xlsx' đang được đặt mật khẩu hoặc ở định dạng Excel 97–2003. "
         "Hãy bỏ mật khẩu và lưu lại dưới dạng Excel Workbook (.xlsx)."),
        ("ds.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
         "Tệp 'ds.csv' là tệp Excel 97–2003 (.xls), không được hỗ trợ. "
         "Hãy mở tệp bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx)."),
        ("ds.pdf", b"%PDF-1.7",
         "Tệp 'ds.pdf' không được hỗ trợ: chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."),
    ],
)
def test_files_that_are_not_readable_lists_are_refused(tmp_path, name, content, message):
    # given
    path = tmp_path / name
    path.write_bytes(content)

    # when
    with pytest.raises(ImportFileError) as error:
        open_table(path)

    # then
    assert error.value.message == message


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    # given a renamed .zip archive
    path = tmp_path / "ds.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")

    # when
    with pytest.raises(ImportFileError) as error:
        open_table(path)

    # then
    assert error.value.message == "Tệp 'ds.xlsx' không phải là tệp Excel (.xlsx) hợp lệ."


def test_an_empty_workbook_is_refused(tmp_path):
    # given
    path = _write_xlsx(tmp_path / "ds.xlsx", [])

    # when
    with pytest.raises(ImportFileError) as error:
        open_table(path)

    # then
    assert error.value.message == "Tệp 'ds.xlsx' trống."


def test_missing_tax_number_column_is_named(tmp_path):
    # given
    path = _write_xlsx(tmp_path / "ds.xlsx", [
        _official_header(**{"Mã số thuế/ĐKKD": None, "Ghi chú": None}),
        [1, "01", "Hạt điều"],
    ])

    # when
    with pytest.raises(ImportFileError) as error:
        open_table(path)

    # then
    assert error.value.message == "Thiếu cột bắt buộc: Mã số thuế."


def test_missing_columns_are_named_with_the_unrecognised_headers(tmp_path):
    # given a misspelt tax number column and neither star level nor score
    path = _write_xlsx(tmp_path / "ds.xlsx", [
        _official_header(**{"Mã số thuế/ĐKKD": "MST DN", "Hạng sao": None,
                            "Số giấy chứng nhận": None}),
        [1, "Hạt điều"],
    ])

    # when
    with pytest.raises(ImportFileError) as error:
        open_table(path)

    # then
    assert error.value.message == (
        "Thiếu cột bắt buộc: Số giấy chứng nhận, Mã số thuế, Hạng sao (hoặc Điểm). "
        "Các cột không nhận ra: 'MST DN', 'Ghi chú'."
    )


def test_duplicate_columns_are_refused(tmp_path):
    # given two certificate number columns
    path = _write_xlsx(tmp_path / "ds.xlsx", [
        [*HEADERS_VIETNAMESE, "Số GCN"],
        [1, "01"],
    ])

    # when
    with pytest.raises(ImportFileError) as error:
        open_table(path)

    # then
    assert error.value.message == (
        "Tệp 'ds.xlsx' có cột trùng lặp: Số giấy chứng nhận ('Số giấy chứng nhận', 'Số GCN')."
    )


def test_header_without_data_rows_is_refused(tmp_path):
    # given
    path = _write_xlsx(tmp_path / "ds.xlsx", [["DANH SÁCH"], HEADERS_VIETNAMESE, [], []])

    # when
    with pytest.raises(ImportFileError) as error:
        open_table(path)

    # then
    assert error.value.message == (
        "Tệp 'ds.xlsx' không có dòng dữ liệu nào dưới dòng tiêu đề (dòng 2)."
    )


def test_header_below_the_first_15_rows_is_not_found(tmp_path):
    # given
    path = _write_xlsx(tmp_path / "ds.xlsx", [["Ghi chú"]] * 15 + [HEADERS_VIETNAMESE, [1]])

    # when
    with pytest.raises(ImportFileError) as error:
        open_table(path)

    # then
    assert error.value.message == (
        "Không tìm thấy dòng tiêu đề trong 15 dòng đầu của tệp 'ds.xlsx'. Dòng tiêu đề "
        "cần có các cột như: Số giấy chứng nhận, Tên sản phẩm, Chủ thể, Mã số thuế."
    )


def test_no_header_alias_names_two_columns():
    # given every accepted header, normalised as the reader matches them
    owners = {}
    for column, label in COLUMN_LABELS.items():
        for header in (label, *_ALIASES[column]):
            owners.setdefault(_header_key(header), set()).add(column)
    for header in _ROW_NUMBER_HEADERS:
        owners.setdefault(_header_key(header), set()).add("")

    # then
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}
    assert set(_ALIASES) == set(COLUMN_LABELS)
    assert set(REQUIRED_COLUMNS) <= set(COLUMN_LABELS)


def test_the_importing_package_does_not_import_django():
    # given a fresh interpreter
    code = (
        "import sys, vendors.registry.importing; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )

    # when
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )

    # then
    assert result.stdout == "[]\n"
