"""Writes to certificates: record a decision, renew, revoke, correct.

Every write keeps a CertificateEvent (who, when, what, why) in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from django.db import transaction

import ocop_rules
from ocop_rules import IssuingLevel

from .. import places
from ..events import announce_certificates_changed
from ..models import Certificate, CertificateEvent, Producer
from .errors import RegistryError

# Fields a re-imported or corrected decision may change, with their Vietnamese labels.
CORRECTABLE_FIELDS = {
    "product_name": "Tên sản phẩm",
    "product_group": "Nhóm sản phẩm",
    "product_subgroup": "Bộ sản phẩm",
    "score": "Điểm",
    "star_level": "Hạng sao",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "issuing_level": "Cấp công nhận",
    "issuing_authority": "Cơ quan công nhận",
    "issued_province": "Tỉnh",
    "issued_district": "Huyện",
    "issued_commune": "Xã",
}


@dataclass(frozen=True)
class Decision:
    """A recognition decision as an officer records it, before it is a certificate."""

    number: str
    product_name: str
    product_group: str
    star_level: int
    decision_number: str
    decision_date: date
    issuing_level: IssuingLevel
    issuing_authority: str = ""
    score: Decimal | None = None
    product_subgroup: str = ""
    issued_province: str = ""
    issued_district: str = ""
    issued_commune: str = ""
    # Set when the issuing level was not on the list and was taken from the regime.
    issuing_level_inferred: bool = field(default=False, compare=False)


def decision_problems(decision: Decision, *, today: date) -> list[tuple[str, str]]:
    """Check a decision against the OCOP rules; return (field, Vietnamese message) pairs.

    Only 3-5 stars are certified (Decision 148/QĐ-TTg); the score, when known, must
    give the same stars; the issuing level must fit the regime in force at the
    decision date (148/QĐ-TTg or 1489/QĐ-TTg); the place must be a known province.
    """
    problems: list[tuple[str, str]] = []
    if not ocop_rules.is_certifiable(decision.star_level):
        problems.append(
            ("star_level", f"Sản phẩm {decision.star_level} sao không được cấp giấy chứng nhận OCOP (chỉ 3–5 sao).")
        )
    if decision.score is not None:
        try:
            from_score = ocop_rules.star_level(decision.score)
        except ocop_rules.ScoreOutOfRange as error:
            problems.append(("score", str(error)))
        else:
            if from_score != decision.star_level:
                problems.append(
                    (
                        "score",
                        f"Điểm {decision.score} tương ứng {from_score} sao, không khớp hạng {decision.star_level} sao.",
                    )
                )
    if decision.decision_date > today:
        problems.append(("decision_date", "Ngày quyết định không được sau ngày hôm nay."))
    if ocop_rules.is_certifiable(decision.star_level) and not ocop_rules.issuing_level_allowed(
        decision.star_level, decision.decision_date, decision.issuing_level
    ):
        regime = ocop_rules.regime_for(decision.decision_date)
        problems.append(
            (
                "issuing_level",
                f"{decision.issuing_level.label_vi} không có thẩm quyền công nhận sản phẩm "
                f"{decision.star_level} sao theo Quyết định {regime.value}.",
            )
        )
    if places.map_to_current(decision.issued_province, decision.issued_district, decision.issued_commune).province is None:
        problems.append(("issued_province", f"Không tìm thấy tỉnh/thành phố '{decision.issued_province}'."))
    return problems


def _raise_first(problems: list[tuple[str, str]]) -> None:
    if problems:
        field_name, message = problems[0]
        raise RegistryError(message, code="invalid", field=field_name)


def certificate_build(*, decision: Decision, producer: Producer, today: date) -> Certificate:
    """An unsaved certificate for a checked decision; expiry is 36 months from the decision
    date, counted as the Civil Code counts months (Decision 148/QĐ-TTg, OCOP_RULES.md)."""
    mapped = places.map_to_current(decision.issued_province, decision.issued_district, decision.issued_commune)
    group = ocop_rules.product_group(decision.product_group)
    expires_on = ocop_rules.expiry_date(decision.decision_date)
    certificate = Certificate(
        number=decision.number,
        product_name=decision.product_name,
        producer=producer,
        product_group=group.code,
        current_product_group=group.current_code,
        product_subgroup=decision.product_subgroup,
        score=decision.score,
        star_level=decision.star_level,
        decision_number=decision.decision_number,
        decision_date=decision.decision_date,
        issuing_level=decision.issuing_level.value,
        issuing_authority=decision.issuing_authority,
        expires_on=expires_on,
        status=Certificate.Status.EXPIRED if expires_on < today else Certificate.Status.VALID,
        issued_province=decision.issued_province,
        issued_district=decision.issued_district,
        issued_commune=decision.issued_commune,
        province_code=mapped.province.code if mapped.province else "",
        commune_code=mapped.commune.code if mapped.commune else "",
    )
    # bulk_create skips save(): fill the derived columns here as well.
    certificate.product_name_folded = ocop_rules.fold(certificate.product_name)
    certificate.issued_district_folded = ocop_rules.fold(certificate.issued_district)
    return certificate


def decision_snapshot(decision: Decision) -> dict[str, object]:
    return {f.name: _jsonable(getattr(decision, f.name)) for f in fields(decision)}


def _jsonable(value: object) -> object:
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def event_for(
    certificate: Certificate,
    kind: str,
    *,
    actor,
    source: str,
    reason: str = "",
    changes: dict | None = None,
) -> CertificateEvent:
    return CertificateEvent(
        certificate=certificate,
        kind=kind,
        actor=actor,
        source=source,
        reason=reason,
        changes=changes or {},
    )


def current_certificate_for_product(*, producer: Producer, product_name: str) -> Certificate | None:
    """The live (not superseded) certificate of a producer's product, matched by folded name."""
    return (
        Certificate.objects.filter(
            producer=producer,
            product_name_folded=ocop_rules.fold(product_name),
            renewed_by__isnull=True,
        )
        .exclude(status=Certificate.Status.SUPERSEDED)
        .order_by("-decision_date")
        .first()
    )


@transaction.atomic
def certificate_record_decision(
    *, decision: Decision, producer: Producer, actor, source: str, today: date
) -> Certificate:
    """Record a new recognition decision for a product that has no live certificate.

    Re-evaluation of a certified product goes through `certificate_renew`, so its
    history stays one chain (OCOP_RULES.md, Validity).
    """
    _raise_first(decision_problems(decision, today=today))
    if Certificate.objects.filter(number=decision.number).exists():
        raise RegistryError(
            f"Số giấy chứng nhận {decision.number} đã có trong sổ đăng ký.", code="duplicate", field="number"
        )
    existing = current_certificate_for_product(producer=producer, product_name=decision.product_name)
    if existing is not None:
        raise RegistryError(
            f"Sản phẩm này đã có giấy chứng nhận {existing.number}; hãy ghi nhận công nhận lại (gia hạn).",
            code="already_certified",
            field="product_name",
        )
    certificate = certificate_build(decision=decision, producer=producer, today=today)
    certificate.save()
    event_for(
        certificate, CertificateEvent.Kind.RECORDED, actor=actor, source=source, changes=decision_snapshot(decision)
    ).save()
    return certificate


@transaction.atomic
def certificate_renew(
    *, certificate: Certificate, decision: Decision, actor, source: str, today: date, reason: str = ""
) -> Certificate:
    """Record a re-evaluation (đánh giá lại): a new decision starts a new 36-month period and
    supersedes the old certificate; the star level may stay, rise or fall (Decision 148/QĐ-TTg)."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    _raise_first(decision_problems(decision, today=today))
    if hasattr(certificate, "renewed_by"):
        raise RegistryError(
            f"Giấy chứng nhận {certificate.number} đã được công nhận lại bằng {certificate.renewed_by.number}.",
            code="already_renewed",
        )
    if decision.decision_date <= certificate.decision_date:
        raise RegistryError(
            "Quyết định công nhận lại phải có ngày sau quyết định cũ "
            f"({ocop_rules.format_date_vi(certificate.decision_date)}).",
            code="invalid",
            field="decision_date",
        )
    if Certificate.objects.filter(number=decision.number).exists():
        raise RegistryError(
            f"Số giấy chứng nhận {decision.number} đã có trong sổ đăng ký.", code="duplicate", field="number"
        )
    renewal = certificate_build(decision=decision, producer=certificate.producer, today=today)
    renewal.renews = certificate
    renewal.save()
    event_for(
        renewal,
        CertificateEvent.Kind.RENEWED,
        actor=actor,
        source=source,
        reason=reason,
        changes={**decision_snapshot(decision), "renews": certificate.number},
    ).save()
    if certificate.status != Certificate.Status.REVOKED:
        old_status = certificate.status
        certificate.status = Certificate.Status.SUPERSEDED
        certificate.save(update_fields=["status", "updated_at"])
        event_for(
            certificate,
            CertificateEvent.Kind.SUPERSEDED,
            actor=actor,
            source=source,
            reason=reason,
            changes={"status": [old_status, certificate.status], "renewed_by": renewal.number},
        ).save()
    announce_certificates_changed([certificate.id, renewal.id])
    return renewal


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, revoked_on: date, reason: str, actor, source: str, today: date
) -> Certificate:
    """Revoke a certificate early (quality violation, dissolved producer; OCOP_RULES.md)."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    reason = reason.strip()
    if not reason:
        raise RegistryError("Cần ghi lý do thu hồi.", code="required", field="reason")
    if certificate.status == Certificate.Status.REVOKED:
        raise RegistryError(f"Giấy chứng nhận {certificate.number} đã bị thu hồi trước đó.", code="invalid_state")
    if certificate.status == Certificate.Status.SUPERSEDED:
        raise RegistryError(
            f"Giấy chứng nhận {certificate.number} đã được thay thế; hãy thu hồi giấy chứng nhận mới.",
            code="invalid_state",
        )
    if revoked_on > today:
        raise RegistryError("Ngày thu hồi không được sau ngày hôm nay.", code="invalid", field="revoked_on")
    if revoked_on < certificate.decision_date:
        raise RegistryError("Ngày thu hồi không được trước ngày quyết định công nhận.", code="invalid", field="revoked_on")
    old_status = certificate.status
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_on = revoked_on
    certificate.revocation_reason = reason
    certificate.save(update_fields=["status", "revoked_on", "revocation_reason", "updated_at"])
    event_for(
        certificate,
        CertificateEvent.Kind.REVOKED,
        actor=actor,
        source=source,
        reason=reason,
        changes={"status": [old_status, certificate.status], "revoked_on": str(revoked_on)},
    ).save()
    announce_certificates_changed([certificate.id])
    return certificate


def correction_changes(certificate: Certificate, decision: Decision) -> dict[str, list]:
    """What a re-imported decision with the same number would change: {field: [old, new]}."""
    wanted = certificate_build(decision=decision, producer=certificate.producer, today=date.min)
    changes = {}
    for name in CORRECTABLE_FIELDS:
        old, new = getattr(certificate, name), getattr(wanted, name)
        if old != new:
            changes[name] = [_jsonable(old), _jsonable(new)]
    return changes


def certificate_apply_correction(
    certificate: Certificate, decision: Decision, *, today: date
) -> list[str]:
    """Copy a corrected decision onto the certificate in memory; return the fields to save."""
    wanted = certificate_build(decision=decision, producer=certificate.producer, today=today)
    changed = [name for name in CORRECTABLE_FIELDS if getattr(certificate, name) != getattr(wanted, name)]
    derived = ["current_product_group", "expires_on", "province_code", "commune_code",
               "product_name_folded", "issued_district_folded"]
    for name in changed + derived:
        setattr(certificate, name, getattr(wanted, name))
    if certificate.status in (Certificate.Status.VALID, Certificate.Status.EXPIRED):
        certificate.status = wanted.status
    return changed + derived + ["status"]
