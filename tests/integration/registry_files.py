"""Official-list files for import tests, written with openpyxl like a province's Excel."""
from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

HEADERS = ["STT", "Số giấy chứng nhận", "Tên sản phẩm", "Chủ thể", "Mã số thuế", "Hạng sao", "Số quyết định",
           "Ngày quyết định", "Nhóm sản phẩm", "Xã", "Huyện", "Tỉnh"]


def row(number="GCN-2024-001", product="Hạt điều rang muối", producer="Công ty TNHH Hồng Đức",
        tax="6400112233", stars="4 sao", decision="15/QĐ-UBND", date="20/06/2024", group="Thực phẩm",
        commune="Xã Nhân Cơ", district="Huyện Đắk R'Lấp", province="Tỉnh Đắk Nông") -> list:
    return [number, product, producer, tax, stars, decision, date, group, commune, district, province]


def write_xlsx(path: Path, rows: list[list], headers: list[str] = HEADERS, title: bool = True) -> Path:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append(["DANH SÁCH SẢN PHẨM OCOP ĐƯỢC CÔNG NHẬN"])
        sheet.append([])
    sheet.append(headers)
    for index, values in enumerate(rows, start=1):
        sheet.append([index, *values] if headers[0] == "STT" else values)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list], headers: list[str] = HEADERS) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for index, values in enumerate(rows, start=1):
            writer.writerow([index, *values])
    return path
