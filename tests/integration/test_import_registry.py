"""Importing the official OCOP lists: all or nothing, with a report a person can act on."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.integration.registry_files import HEADERS, row, write_csv, write_xlsx
from vendors.registry import places
from vendors.registry.models import Certificate, CertificateEvent, Producer
from vendors.registry.services import registry_import_file

pytestmark = pytest.mark.django_db


def run_import(path, **kwargs):
    return registry_import_file(path=path, today=timezone.localdate(), **kwargs)


def registry_state():
    return (
        list(Certificate.objects.order_by("number").values_list("number", "status", "star_level", "updated_at")),
        Producer.objects.count(),
        CertificateEvent.objects.count(),
    )


def problems(report):
    return [(p.row, p.column, p.message) for p in report.errors]


def test_official_list_imports_with_rules_applied(tmp_path):
    path = write_xlsx(tmp_path / "dak-nong.xlsx", [
        row(),
        row(number="GCN-2023-007", product="Cà phê Natural Toàn Hằng", producer="DNTN Toàn Hằng", tax="6400223344",
            stars="★★★", decision="7/QĐ-UBND", date="15/03/2023", commune="Xã Kiến Thành"),
    ])
    report = run_import(path)
    assert problems(report) == []
    assert (report.created, report.renewed, report.unchanged, report.producers_created) == (2, 0, 0, 2)

    cashew = Certificate.objects.select_related("producer").get(number="GCN-2024-001")
    assert cashew.star_level == 4
    assert cashew.decision_date == date(2024, 6, 20)
    assert cashew.expires_on == date(2027, 6, 20)
    assert cashew.issuing_level == "province"  # 4 stars under Decision 148: the province
    assert cashew.producer.kind == "dn"
    assert (cashew.issued_province, cashew.issued_district) == ("Tỉnh Đắk Nông", "Huyện Đắk R'Lấp")
    assert "Lâm Đồng" in places.province(cashew.province_code).name
    coffee = Certificate.objects.get(number="GCN-2023-007")
    assert coffee.expires_on == date(2026, 3, 15)
    assert coffee.issuing_level == "district"
    assert coffee.status == ("expired" if timezone.localdate() > date(2026, 3, 15) else "valid")
    assert list(cashew.events.values_list("kind", flat=True)) == ["recorded"]


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write_xlsx(tmp_path / "list.xlsx", [row(), row(number="GCN-2", product="Mắc ca", tax="6400667788",
                                                          producer="Công ty CP Mắc ca Đắk Wer")])
    run_import(path)
    before = registry_state()
    report = run_import(path)
    assert (report.created, report.renewed, report.corrected, report.unchanged) == (0, 0, 0, 2)
    assert registry_state() == before


def test_newer_decision_for_the_same_product_renews_it(tmp_path):
    run_import(write_xlsx(tmp_path / "2021.xlsx", [row(number="GCN-2021-01", stars="3", date="18/06/2021")]))
    report = run_import(write_xlsx(tmp_path / "2024.xlsx", [
        row(number="GCN-2024-01", product="HẠT ĐIỀU RANG MUỐI", stars="4", date="20/06/2024")]))
    assert (report.created, report.renewed) == (0, 1)
    old, new = Certificate.objects.get(number="GCN-2021-01"), Certificate.objects.get(number="GCN-2024-01")
    assert old.status == "superseded"
    assert new.renews == old
    assert new.star_level == 4
    assert list(old.events.values_list("kind", flat=True)) == ["recorded", "superseded"]
    assert list(new.events.values_list("kind", flat=True)) == ["renewed"]


def test_rows_below_three_stars_are_reported_not_imported(tmp_path):
    report = run_import(write_xlsx(tmp_path / "list.xlsx", [
        row(), row(number="GCN-X", product="Bánh tráng", stars="2 sao")]))
    assert problems(report) == []
    assert report.not_certifiable == [{"row": 5, "product_name": "Bánh tráng", "star_level": 2}]
    assert list(Certificate.objects.values_list("number", flat=True)) == ["GCN-2024-001"]


def test_csv_with_headers_without_diacritics_imports(tmp_path):
    headers = ["STT", "So giay chung nhan", "Ten san pham", "Chu the", "MST", "So sao", "So QD", "Ngay QD",
               "Nhom san pham", "Xa", "Huyen", "Tinh"]
    report = run_import(write_csv(tmp_path / "list.csv", [row(date="2024-06-20")], headers=headers))
    assert problems(report) == []
    assert Certificate.objects.get().decision_date == date(2024, 6, 20)


@pytest.mark.parametrize(("rows", "expected"), [
    ([row(), row(number="GCN-B", date="31/02/2024")], (5, "Ngày quyết định")),
    ([row(), row(number="GCN-B", stars="sáu sao")], (5, "Hạng sao")),
    ([row(), row()], (5, "Số giấy chứng nhận")),
    ([row(), row(number="GCN-B", tax="12AB")], (5, "Mã số thuế")),
    ([row(), row(number="GCN-B", group="Đồ điện tử")], (5, "Nhóm sản phẩm")),
    ([row(), row(number="GCN-B", province="Tỉnh Atlantis", district="", commune="")], (5, "Tỉnh")),
])
def test_one_bad_row_rejects_the_file_and_names_row_and_column(tmp_path, rows, expected):
    report = run_import(write_xlsx(tmp_path / "bad.xlsx", rows))
    assert report.rejected
    assert [(p.row, p.column) for p in report.errors] == [expected]
    assert report.errors[0].message  # a reason in Vietnamese
    assert registry_state() == ([], 0, 0)


def test_wrong_header_rejects_the_file(tmp_path):
    headers = [h for h in HEADERS if h != "Mã số thuế"]
    values = row()
    del values[3]
    report = run_import(write_xlsx(tmp_path / "bad.xlsx", [values], headers=headers))
    assert report.rejected
    assert "Mã số thuế" in report.errors[0].message
    assert registry_state() == ([], 0, 0)


def test_empty_file_and_fake_xlsx_are_rejected(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    fake = tmp_path / "list.xlsx"
    fake.write_text("Số giấy chứng nhận,Tên sản phẩm\nGCN-1,Cà phê\n", encoding="utf-8")
    for path in (empty, fake):
        report = run_import(path)
        assert report.rejected
        assert report.errors[0].row == 0
    assert "Excel" in run_import(fake).errors[0].message
    assert registry_state() == ([], 0, 0)


def test_certificate_number_of_another_producer_is_rejected(tmp_path):
    run_import(write_xlsx(tmp_path / "a.xlsx", [row()]))
    before = registry_state()
    report = run_import(write_xlsx(tmp_path / "b.xlsx", [row(tax="6400999999", producer="HTX Khác")]))
    assert [(p.row, p.column) for p in report.errors] == [(4, "Số giấy chứng nhận")]
    assert registry_state() == before


def test_dry_run_reports_and_writes_nothing(tmp_path):
    report = run_import(write_xlsx(tmp_path / "list.xlsx", [row()]), dry_run=True)
    assert (report.created, report.applied) == (1, False)
    assert registry_state() == ([], 0, 0)


def test_command_exit_status_and_report(tmp_path, capsys):
    good = write_xlsx(tmp_path / "good.xlsx", [row()])
    call_command("import_registry", str(good), "--no-progress")
    assert "1 GCN mới" in capsys.readouterr().out

    bad = write_xlsx(tmp_path / "bad.xlsx", [row(number="GCN-Z", date="99/99/2024")])
    with pytest.raises(CommandError) as raised:
        call_command("import_registry", str(bad), "--no-progress")
    assert raised.value.returncode == 2
    output = capsys.readouterr().out
    assert "Tệp bị từ chối" in output
    assert "Dòng 4, cột “Ngày quyết định”" in output
    assert not Certificate.objects.filter(number="GCN-Z").exists()
