"""Writes to producers (chủ thể OCOP)."""
from __future__ import annotations

import ocop_rules

from .. import places
from ..models import Producer
from .errors import RegistryError


def producer_get_or_create(
    *,
    tax_number: str,
    name: str,
    kind: str = "",
    province: str = "",
    commune: str = "",
    district: str = "",
    phone: str = "",
    email: str = "",
    representative: str = "",
    street_address: str = "",
) -> tuple[Producer, bool]:
    """The producer with this tax/business registration number, created when new.

    Producers are identified by the normalised number (OCOP_RULES.md, Producers); an
    existing producer is returned as it is. The kind is inferred from the name
    ("Công ty TNHH …", "HTX …") when not given.
    """
    try:
        normalised = ocop_rules.normalise_tax_number(tax_number)
    except ocop_rules.InvalidTaxNumber as error:
        raise RegistryError(str(error), code="invalid", field="tax_number") from error
    existing = Producer.objects.filter(tax_number=normalised).first()
    if existing is not None:
        return existing, False
    name = " ".join(name.split())
    if not name:
        raise RegistryError("Cần tên chủ thể.", code="required", field="producer_name")
    try:
        producer_kind = ocop_rules.parse_producer_kind(kind or name)
    except ocop_rules.UnknownProducerKind as error:
        raise RegistryError(str(error), code="invalid", field="producer_kind") from error
    producer = producer_build(
        kind=producer_kind.value, name=name, tax_number=normalised, phone=phone, email=email,
        representative=representative, street_address=street_address,
        province=province, district=district, commune=commune,
    )
    producer.save()
    return producer, True


def producer_build(
    *, kind: str, name: str, tax_number: str, province: str, district: str, commune: str, **contact: str
) -> Producer:
    """An unsaved producer with its address in today's units (after 1 July 2025)."""
    mapped = places.map_to_current(province, district, commune)
    return Producer(
        kind=kind,
        name=name,
        name_folded=ocop_rules.fold(name),
        tax_number=tax_number,
        province_code=mapped.province.code if mapped.province else "",
        commune_code=mapped.commune.code if mapped.commune else "",
        **contact,
    )
