"""Import of the official OCOP lists (xlsx/csv): check the whole file, then write all or nothing.

Flow 1 of the design. Rows below 3 stars are reported as not certifiable and skipped;
any bad row rejects the file, and the report names each row, column and reason.
Re-importing the same file changes nothing; a newer decision for the same product
(same producer, same product name) renews it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from django.db import transaction

import ocop_rules
from ocop_rules import IssuingLevel

from ..importing.parsing import (
    CellError,
    parse_date,
    parse_email,
    parse_phone,
    parse_score,
    parse_star_level,
    parse_tax_number_text,
    parse_text,
)
from ..importing.reader import COLUMN_LABELS, ImportFileError, RawRow, open_table
from ..events import announce_certificates_changed
from ..models import Certificate, CertificateEvent, Producer
from .bulk import copy_instances, ids_by
from .producers import producer_build
from .certificates import (
    Decision,
    certificate_apply_correction,
    certificate_build,
    correction_changes,
    decision_problems,
    decision_snapshot,
)

Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 500
CHUNK = 2000

# Which column a rule problem belongs to, for the report.
PROBLEM_COLUMNS = {
    "star_level": "star_level",
    "score": "score",
    "decision_date": "decision_date",
    "issuing_level": "issuing_level",
    "issued_province": "province",
}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    total_rows: int = 0
    created: int = 0
    renewed: int = 0
    corrected: int = 0
    unchanged: int = 0
    producers_created: int = 0
    not_certifiable: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool(self.errors)

    @property
    def applied(self) -> bool:
        return not self.errors and not self.dry_run

    def summary(self) -> dict[str, object]:
        return {
            "total_rows": self.total_rows,
            "created": self.created,
            "renewed": self.renewed,
            "corrected": self.corrected,
            "unchanged": self.unchanged,
            "producers_created": self.producers_created,
            "not_certifiable": self.not_certifiable,
            "ignored_columns": self.ignored_columns,
        }


@dataclass
class ParsedRow:
    row: int
    decision: Decision
    tax_number: str
    producer_name: str
    producer_kind: str
    phone: str = ""
    email: str = ""
    representative: str = ""
    street_address: str = ""

    @property
    def product_key(self) -> tuple[str, str]:
        return (self.tax_number, ocop_rules.fold(self.decision.product_name))


@dataclass
class Plan:
    new_producers: dict[str, ParsedRow] = field(default_factory=dict)
    # (row, predecessor): the predecessor is an existing Certificate, a ParsedRow of this file, or None.
    creates: list[tuple[ParsedRow, Certificate | ParsedRow | None]] = field(default_factory=list)
    corrections: list[tuple[Certificate, ParsedRow, dict]] = field(default_factory=list)


def registry_import_file(
    *,
    path: str | Path,
    filename: str | None = None,
    actor=None,
    source: str = "",
    today: date,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check the whole list and, unless it is rejected or a dry run, apply it in one transaction."""
    filename = filename or Path(path).name
    report = ImportReport(filename=filename, dry_run=dry_run)
    progress = progress or (lambda phase, done, total: None)
    try:
        table = open_table(path, filename=filename)
    except ImportFileError as error:
        report.errors.append(RowProblem(0, "", error.message))
        return report
    report.ignored_columns = list(table.ignored_columns)
    rows = list(table.rows)
    report.total_rows = len(rows)
    parsed = _parse_rows(rows, report, today=today, progress=progress)
    plan = _plan(parsed, report)
    if report.errors or dry_run:
        return report
    _apply(plan, actor=actor, source=source or f"Nhập tệp {filename}", today=today, progress=progress)
    return report


def _parse_rows(rows: list[RawRow], report: ImportReport, *, today: date, progress: Progress) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    first_row_of_number: dict[str, int] = {}
    total = len(rows)
    for index, raw in enumerate(rows, start=1):
        row = _parse_row(raw, report, today=today)
        if row is not None:
            earlier = first_row_of_number.setdefault(row.decision.number, row.row)
            if earlier != row.row:
                _problem(report, row.row, "certificate_number", f"Trùng số giấy chứng nhận với dòng {earlier}.")
            else:
                parsed.append(row)
        if index % PROGRESS_EVERY == 0 or index == total:
            progress("Kiểm tra", index, total)
    return parsed


def _problem(report: ImportReport, row: int, column: str, message: str) -> None:
    report.errors.append(RowProblem(row, COLUMN_LABELS.get(column, column), message))


def _parse_row(raw: RawRow, report: ImportReport, *, today: date) -> ParsedRow | None:
    errors_before = len(report.errors)
    values = raw.values

    def cell(column: str, parser, *args, **kwargs):
        try:
            return parser(values.get(column), *args, **kwargs)
        except CellError as error:
            _problem(report, raw.number, column, error.message)
        except ValueError as error:  # the domain parsers' errors carry vi/en messages
            _problem(report, raw.number, column, str(error))
        return None

    stars = cell("star_level", parse_star_level) if _given(values.get("star_level")) else None
    score = cell("score", parse_score)
    if stars is None and score is not None:
        stars = _stars_from_score(score, raw, report)
    if stars is None and not _given(values.get("star_level")) and score is None:
        _problem(report, raw.number, "star_level", "Bắt buộc: cần hạng sao hoặc điểm.")
    product_name = cell("product_name", parse_text, required=True, max_length=255)
    if stars is not None and not ocop_rules.is_certifiable(stars):
        report.not_certifiable.append({"row": raw.number, "product_name": product_name or "", "star_level": stars})
        return None

    number = cell("certificate_number", parse_text, required=True, max_length=64)
    producer_name = cell("producer_name", parse_text, required=True, max_length=255)
    tax_text = cell("tax_number", parse_tax_number_text)
    tax_number = cell("tax_number", lambda _value: ocop_rules.normalise_tax_number(tax_text)) if tax_text else None
    kind_label = values.get("producer_kind") if _given(values.get("producer_kind")) else producer_name
    kind = cell("producer_kind", lambda _value: ocop_rules.parse_producer_kind(str(kind_label))) if kind_label else None
    decision_number = cell("decision_number", parse_text, required=True, max_length=64)
    decision_date = cell("decision_date", parse_date, today=today)
    group = cell("product_group", lambda value: ocop_rules.product_group_from_label(parse_text(value, required=True, max_length=128)))
    subgroup = cell("product_subgroup", parse_text, required=False, max_length=128) or ""
    authority = cell("issuing_authority", parse_text, required=False, max_length=255) or ""
    province = cell("province", parse_text, required=True, max_length=128)
    district = cell("district", parse_text, required=False, max_length=128) or ""
    commune = cell("commune", parse_text, required=False, max_length=128) or ""
    level = _issuing_level(values, authority, stars, decision_date, raw, report)
    phone = cell("phone", parse_phone) or ""
    email = cell("email", parse_email) or ""
    representative = cell("representative", parse_text, required=False, max_length=255) or ""
    address = cell("address", parse_text, required=False, max_length=255) or ""
    if len(report.errors) > errors_before or None in (stars, level, decision_date, group):
        return None

    decision = Decision(
        number=number,
        product_name=product_name,
        product_group=group.code,
        product_subgroup=subgroup,
        star_level=stars,
        score=score,
        decision_number=decision_number,
        decision_date=decision_date,
        issuing_level=level[0],
        issuing_level_inferred=level[1],
        issuing_authority=authority,
        issued_province=province,
        issued_district=district,
        issued_commune=commune,
    )
    for problem_field, message in decision_problems(decision, today=today):
        _problem(report, raw.number, PROBLEM_COLUMNS.get(problem_field, problem_field), message)
    if len(report.errors) > errors_before:
        return None
    return ParsedRow(
        row=raw.number,
        decision=decision,
        tax_number=tax_number,
        producer_name=producer_name,
        producer_kind=kind.value,
        phone=phone,
        email=email,
        representative=representative,
        street_address=address,
    )


def _given(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _stars_from_score(score, raw: RawRow, report: ImportReport) -> int | None:
    try:
        return ocop_rules.star_level(score)
    except ocop_rules.ScoreOutOfRange as error:
        _problem(report, raw.number, "score", str(error))
        return None


def _issuing_level(values, authority: str, stars, decision_date, raw: RawRow, report: ImportReport):
    """The level as the list states it (column, else the authority's name); when the list
    says neither, the level the regime in force at the decision date assigns to the stars."""
    label = values.get("issuing_level")
    for column, text in (("issuing_level", label), ("issuing_authority", authority)):
        if _given(text):
            try:
                return ocop_rules.parse_issuing_level(str(text)), False
            except ValueError as error:
                _problem(report, raw.number, column, str(error))
                return None
    if stars is None or decision_date is None or not ocop_rules.is_certifiable(stars):
        return None
    levels = ocop_rules.expected_issuing_levels(stars, decision_date)
    if IssuingLevel.MINISTRY in levels:
        return IssuingLevel.MINISTRY, True
    return next(iter(levels)), True


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _plan(parsed: list[ParsedRow], report: ImportReport) -> Plan:
    """Decide per row: new, renewal, correction or unchanged; record problems that need the database."""
    plan = Plan()
    producers: dict[str, Producer] = {}
    for chunk in _chunks(sorted({row.tax_number for row in parsed})):
        producers.update((p.tax_number, p) for p in Producer.objects.filter(tax_number__in=chunk))
    existing: dict[str, Certificate] = {}
    for chunk in _chunks([row.decision.number for row in parsed]):
        existing.update(
            (c.number, c) for c in Certificate.objects.filter(number__in=chunk).select_related("producer")
        )
    live: dict[tuple[str, str], Certificate] = {}
    producer_ids = {p.id: tax for tax, p in producers.items()}
    for chunk in _chunks(list(producer_ids)):
        for certificate in (
            Certificate.objects.filter(producer_id__in=chunk, renewed_by__isnull=True)
            .exclude(status=Certificate.Status.SUPERSEDED)
            .order_by("decision_date")
        ):
            live[(producer_ids[certificate.producer_id], certificate.product_name_folded)] = certificate

    by_product: dict[tuple[str, str], list[ParsedRow]] = defaultdict(list)
    for row in parsed:
        certificate = existing.get(row.decision.number)
        if certificate is None:
            by_product[row.product_key].append(row)
            if row.tax_number not in producers:
                plan.new_producers.setdefault(row.tax_number, row)
            continue
        if certificate.producer.tax_number != row.tax_number:
            _problem(
                report,
                row.row,
                "certificate_number",
                f"Số giấy chứng nhận {row.decision.number} đã thuộc về chủ thể khác "
                f"({certificate.producer.name}, MST {certificate.producer.tax_number}).",
            )
            continue
        changes = correction_changes(certificate, row.decision)
        if changes:
            plan.corrections.append((certificate, row, changes))
            report.corrected += 1
        else:
            report.unchanged += 1

    for key, rows in by_product.items():
        predecessor: Certificate | ParsedRow | None = live.get(key)
        for row in sorted(rows, key=lambda r: r.decision.decision_date):
            if predecessor is not None:
                previous_date = predecessor.decision.decision_date if isinstance(predecessor, ParsedRow) else predecessor.decision_date
                previous_number = predecessor.decision.number if isinstance(predecessor, ParsedRow) else predecessor.number
                if row.decision.decision_date <= previous_date:
                    _problem(
                        report,
                        row.row,
                        "decision_date",
                        f"Sản phẩm đã có giấy chứng nhận {previous_number} với quyết định ngày "
                        f"{ocop_rules.format_date_vi(previous_date)}; quyết định công nhận lại phải có ngày sau đó.",
                    )
                    continue
                report.renewed += 1
            else:
                report.created += 1
            plan.creates.append((row, predecessor))
            predecessor = row
    report.producers_created = len(plan.new_producers)
    return plan


@transaction.atomic
def _apply(plan: Plan, *, actor, source: str, today: date, progress: Progress) -> None:
    total = len(plan.creates) + len(plan.corrections)
    new_producers = [
        producer_build(
            kind=row.producer_kind, name=row.producer_name, tax_number=tax_number,
            province=row.decision.issued_province, district=row.decision.issued_district,
            commune=row.decision.issued_commune, representative=row.representative, phone=row.phone,
            email=row.email, street_address=row.street_address,
        )
        for tax_number, row in plan.new_producers.items()
    ]
    copy_instances(Producer, new_producers)
    producer_ids = ids_by(Producer, "tax_number", sorted({row.tax_number for row, _ in plan.creates}))

    built: dict[int, Certificate] = {}
    for row, predecessor in plan.creates:
        certificate = certificate_build(decision=row.decision, producer=Producer(id=producer_ids[row.tax_number]), today=today)
        if isinstance(predecessor, Certificate):
            certificate.renews_id = predecessor.id
        built[row.row] = certificate
    copy_instances(Certificate, built.values())
    certificate_ids = ids_by(Certificate, "number", [c.number for c in built.values()])
    for certificate in built.values():
        certificate.id = certificate_ids[certificate.number]
    progress("Ghi", len(plan.creates), total)

    events: list[dict] = []

    def event(certificate: Certificate, kind: str, **fields) -> dict:
        return {"certificate_id": certificate.id, "kind": kind, "actor_id": getattr(actor, "id", None),
                "source": source, **fields}

    superseded: list[Certificate] = []
    relinked: list[Certificate] = []
    for row, predecessor in plan.creates:
        certificate = built[row.row]
        if predecessor is None:
            events.append(event(certificate, CertificateEvent.Kind.RECORDED, changes=decision_snapshot(row.decision)))
            continue
        old = built[predecessor.row] if isinstance(predecessor, ParsedRow) else predecessor
        if isinstance(predecessor, ParsedRow):
            certificate.renews_id = old.id
            relinked.append(certificate)
        events.append(event(certificate, CertificateEvent.Kind.RENEWED,
                            changes={**decision_snapshot(row.decision), "renews": old.number}))
        if old.status != Certificate.Status.REVOKED:
            events.append(event(old, CertificateEvent.Kind.SUPERSEDED,
                                changes={"status": [old.status, Certificate.Status.SUPERSEDED],
                                         "renewed_by": certificate.number}))
            old.status = Certificate.Status.SUPERSEDED
            superseded.append(old)
    Certificate.objects.bulk_update(relinked, ["renews"], batch_size=1000)
    Certificate.objects.bulk_update(superseded, ["status"], batch_size=1000)

    corrected: list[Certificate] = []
    update_fields: set[str] = set()
    for certificate, row, changes in plan.corrections:
        update_fields.update(certificate_apply_correction(certificate, row.decision, today=today))
        corrected.append(certificate)
        events.append(event(certificate, CertificateEvent.Kind.CORRECTED, changes=changes,
                            reason="Nhập lại danh sách có thông tin khác"))
    if corrected:
        Certificate.objects.bulk_update(corrected, sorted(update_fields), batch_size=1000)
    copy_instances(CertificateEvent, events)
    # New certificates have no listings yet; superseded and corrected ones may.
    announce_certificates_changed([c.id for c in superseded] + [c.id for c in corrected])
    progress("Ghi", total, total)
