"""Vietnam's administrative units: today's two levels, and the three levels named before.

Since 1 July 2025 Vietnam has 34 provinces and centrally-run cities and no districts
(Resolution 202/2025/QH15; codes in Decision 19/2025/QĐ-TTg). Addresses use today's
units; certificates keep the units they were issued under ("Huyện Đắk R'Lấp, Tỉnh Đắk
Nông") and are mapped to today's ("Tỉnh Lâm Đồng") for search and filters, as
OCOP_RULES.md ("Vietnam's administrative reorganisation") requires.

Data: the ``vietnamadminunits`` package (PyPI, tested with 1.0.4), which ships its data
in the wheel (SQLite + JSON), so nothing here touches the network:
- today's 34 provinces and 3,321 communes, wards and special zones, with their official
  codes (``database.get_data(table="admin_units")``);
- the 63 provinces, 696 districts and 10,035 communes in force until 30 June 2025 (five
  island districts had no communes), with the package's spelling variants and former
  names as keywords (``table="admin_units_legacy"``);
- the old-to-new mapping, reached only through ``convert_address``.

Caveats, checked against 1.0.4:
- ``vietnam-provinces`` (2025.10.1) was not used: it has no old units and no mapping,
  and 115 of its 3,321 commune codes, plus a few names, differ from the code list of
  Decision 19/2025/QĐ-TTg (e.g. Phường Cửa Nam is 00082 there, 00073 in it). This
  package's codes match that list, Xã Ba Chẽ's 06970 included.
- 471 old communes were split between several new ones. Without a street the package
  maps each to the new commune it marks as the default, which is not always the one
  that kept the name (old Phường Cửa Nam, Hoàn Kiếm district -> Phường Văn Miếu - Quốc
  Tử Giám, not today's Phường Cửa Nam), so a record from another part lands in a
  neighbouring commune of the same province.
- ``convert_address`` geocodes online when it finds a street in the address and the old
  commune was split. We only ever pass it an old unit's own canonical names
  ("Xã Kiến Thành, Huyện Đắk R'Lấp, Tỉnh Đắk Nông"); for every old commune and island
  district that runs offline in 1.0.4 and reads back the same unit. Re-check on upgrade.
- Codes are the zero-padded strings of the data: provinces "01".."96", communes
  "00004".."32248".
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from ocop_rules import fold


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city as it exists today."""

    code: str
    name: str  # with its type: "Tỉnh Lâm Đồng", "Thành phố Hà Nội"

    @property
    def short_name(self) -> str:
        for prefix in ("Thành phố ", "Tỉnh "):
            if self.name.startswith(prefix):
                return self.name[len(prefix):]
        return self.name


@dataclass(frozen=True)
class Commune:
    """A commune, ward or special zone as it exists today: "Xã Kiến Đức"."""

    code: str
    name: str
    province_code: str


@dataclass(frozen=True)
class LegacyPlace:
    """Units as written on a record, possibly from before July 2025 (blank when absent)."""

    province: str
    district: str
    commune: str


@dataclass(frozen=True)
class MappedPlace:
    """Today's units for a record; ``None`` where they cannot be determined."""

    province: Province | None
    commune: Commune | None


def current_provinces() -> tuple[Province, ...]:
    """The 34 provinces and cities, in alphabetical order of their folded short names."""
    return _current().provinces


def province(code: str) -> Province:
    """Today's province with this code; ``KeyError`` if there is none."""
    return _current().province_by_code[code]


def communes(province_code: str) -> tuple[Commune, ...]:
    """Today's communes of a province, alphabetically; ``KeyError`` for an unknown code."""
    return _current().communes_by_province[province_code]


def commune(code: str) -> Commune:
    """Today's commune with this code; ``KeyError`` if there is none."""
    return _current().commune_by_code[code]


def find_current_province(name: str) -> Province | None:
    """Today's province named so, ignoring case, diacritics and "Tỉnh"/"Thành phố"/"TP.".

    Names of provinces merged away ("Đắk Nông") give ``None``; use ``map_to_current``.
    """
    found = _match(name, _current().province_keys)
    return None if found is None else province(found.id)


def find_current_commune(province_code: str, name: str) -> Commune | None:
    """Today's commune of a province named so, ignoring case, diacritics and its type."""
    return _find_current_commune(province_code, name, strict=False)


def is_known_legacy_province(name: str) -> bool:
    """Whether ``name`` is one of the 63 provinces in force until 30 June 2025."""
    return _match(name, _legacy().province_keys) is not None


@lru_cache(maxsize=16_384)
def map_to_current(province: str, district: str = "", commune: str = "") -> MappedPlace:
    """Today's province and, where the data determines it, commune for a record's units.

    Accepts old three-level units (province, district, commune) and today's two-level
    ones (district blank). A record without a district is read as today's units first,
    then as old ones; a record naming a district is read as old units first. Unknown
    province -> ``MappedPlace(None, None)``; unknown commune -> ``(province, None)``.
    Cached, since imports call it once per row.
    """
    has_district, has_commune = bool(district.strip()), bool(commune.strip())
    current = find_current_province(province)
    if current is not None and not has_district:
        if not has_commune:
            return MappedPlace(current, None)
        # Strict: "Phường Chương Dương" is an old ward, not today's "Xã Chương Dương".
        found = _find_current_commune(current.code, commune, strict=True)
        if found is not None:
            return MappedPlace(current, found)
    mapped = _map_legacy(province, district, commune)
    if mapped is not None:
        return mapped
    if current is not None:
        found = _find_current_commune(current.code, commune, strict=False) if has_commune else None
        return MappedPlace(current, found)
    return MappedPlace(None, None)


def _find_current_commune(province_code: str, name: str, *, strict: bool) -> Commune | None:
    found = _match(name, _current().commune_keys.get(province_code, {}), strict=strict)
    return None if found is None else _current().commune_by_code[found.id]


# --- matching names -------------------------------------------------------------------


class _Unit(NamedTuple):
    id: str
    name: str
    short: str


# Type words people put before a unit's name, and their abbreviations ("TP.", "H.").
_TYPE_PREFIX = re.compile(
    r"^(?:(thanh pho|tinh|quan|huyen|thi xa|thi tran|xa|phuong|dac khu|tp|tx|tt)"
    r"(?:\s*\.\s*|\s+)|([tqhxp])\s*\.\s*)"
)
_TYPE_WORDS = {"tp": "thanh pho", "t": "tinh", "q": "quan", "h": "huyen", "tx": "thi xa",
               "tt": "thi tran", "x": "xa", "p": "phuong"}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


# Old and new tone placement ("Hoà"/"Hòa", "Thuỷ"/"Thủy") both occur in official lists;
# comparing in one placement keeps diacritics meaningful without rejecting either.
_TONE_PLACEMENT = re.compile("(o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ])")


def _accented_key(text: str) -> str:
    lowered = unicodedata.normalize("NFC", text).lower()
    moved = _TONE_PLACEMENT.sub(lambda m: _move_tone(m.group()), lowered)
    return re.sub(r"[\W_]+", "", moved)


def _move_tone(pair: str) -> str:
    vowel, *marks = unicodedata.normalize("NFD", pair[1])
    return unicodedata.normalize("NFC", pair[0] + "".join(marks)) + vowel


def _match(
    text: str, units_by_key: Mapping[str, tuple[_Unit, ...]], *, strict: bool = False
) -> _Unit | None:
    units = _lookup(text, units_by_key, strict=strict)
    return units[0] if len(units) == 1 else None


def _lookup(
    text: str, units_by_key: Mapping[str, tuple[_Unit, ...]], *, strict: bool = False
) -> tuple[_Unit, ...]:
    """The units called ``text``: one, none, or several when the name is ambiguous.

    Tried with its type word ("Xã Kiến Đức"), then, unless ``strict``, without it
    ("Kiến Đức"), which also matches "Thị trấn Kiến Đức". Folding merges a few names
    that only diacritics tell apart (Thị trấn Ba Tơ, Xã Ba Tô); a name written with
    diacritics picks among those, one written without stays ambiguous. ``strict`` also
    holds a name written with diacritics to them: "Xã Sơn Đông" is not "Xã Sơn Đồng".
    """
    folded = fold(text)
    match = _TYPE_PREFIX.match(folded)
    if match is None:
        keys = [_key(folded)]
    else:
        type_word = match.group(1) or match.group(2)
        bare = folded[match.end():]
        keys = [_key(f"{_TYPE_WORDS.get(type_word, type_word)} {bare}")]
        if not strict:
            keys.append(_key(bare))
    accented = _accented_key(text)
    has_diacritics = accented != _key(text)
    for key in filter(None, keys):
        units = units_by_key.get(key, ())
        if has_diacritics and (strict or len(units) > 1):
            units = tuple(u for u in units if accented.endswith(_accented_key(u.short)))
        if units:
            return units
    return ()


def _index(entries: Iterable[tuple[_Unit, Iterable[str]]]) -> dict[str, tuple[_Unit, ...]]:
    by_key: dict[str, dict[str, _Unit]] = defaultdict(dict)
    for unit, keywords in entries:
        for key in {*keywords, _key(unit.name), _key(unit.short)}:
            by_key[key][unit.id] = unit
    return {key: tuple(units.values()) for key, units in by_key.items()}


# --- data -----------------------------------------------------------------------------


class _Current(NamedTuple):
    provinces: tuple[Province, ...]
    province_by_code: dict[str, Province]
    province_keys: dict[str, tuple[_Unit, ...]]
    communes_by_province: dict[str, tuple[Commune, ...]]
    commune_by_code: dict[str, Commune]
    commune_keys: dict[str, dict[str, tuple[_Unit, ...]]]  # by province code


class _Legacy(NamedTuple):
    province_keys: dict[str, tuple[_Unit, ...]]
    district_keys: dict[str, dict[str, tuple[_Unit, ...]]]  # by province key
    # Old communes have ids "province key|district key|commune key".
    commune_keys: dict[tuple[str, str], dict[str, tuple[_Unit, ...]]]  # by (province, district)
    commune_keys_in_province: dict[str, dict[str, tuple[_Unit, ...]]]
    names: dict[str, str]  # province, district or commune key -> canonical name
    districts_without_communes: frozenset[tuple[str, str]]  # island districts


def _rows(table: str, fields: list[str]) -> list[dict]:
    # Imported here: the package loads ~4 MB of data on import, which only the pages
    # and imports that look up places should pay for.
    from vietnamadminunits.database import get_data

    return get_data(fields=fields, table=table)


@cache
def _current() -> _Current:
    rows = _rows(
        "admin_units",
        ["province", "provinceShort", "provinceCode", "provinceKeywords",
         "ward", "wardShort", "wardCode", "wardKeywords"],
    )
    provinces: dict[str, _Unit] = {}
    province_keywords: dict[str, list[str]] = {}
    communes_of: dict[str, list[tuple[_Unit, list[str]]]] = defaultdict(list)
    for row in rows:
        code = row["provinceCode"]
        provinces[code] = _Unit(code, row["province"], row["provinceShort"])
        province_keywords[code] = json.loads(row["provinceKeywords"])
        ward = _Unit(row["wardCode"], row["ward"], row["wardShort"])
        communes_of[code].append((ward, json.loads(row["wardKeywords"])))

    def alphabetical(unit: _Unit) -> tuple[str, str]:
        return fold(unit.short), unit.name

    ordered = sorted(provinces.values(), key=alphabetical)
    in_order = tuple(Province(unit.id, unit.name) for unit in ordered)
    communes_by_province = {
        code: tuple(
            Commune(ward.id, ward.name, code)
            for ward in sorted((ward for ward, _ in wards), key=alphabetical)
        )
        for code, wards in communes_of.items()
    }
    return _Current(
        provinces=in_order,
        province_by_code={p.code: p for p in in_order},
        province_keys=_index((unit, province_keywords[unit.id]) for unit in ordered),
        communes_by_province=communes_by_province,
        commune_by_code={c.code: c for cs in communes_by_province.values() for c in cs},
        commune_keys={code: _index(wards) for code, wards in communes_of.items()},
    )


@cache
def _legacy() -> _Legacy:
    rows = _rows(
        "admin_units_legacy",
        ["province", "provinceShort", "provinceKey", "provinceKeywords",
         "district", "districtShort", "districtKey", "districtKeywords",
         "ward", "wardShort", "wardKey", "wardKeywords"],
    )
    provinces: dict[str, tuple[_Unit, list[str]]] = {}
    districts: dict[str, dict[str, tuple[_Unit, list[str]]]] = defaultdict(dict)
    wards: dict[tuple[str, str], list[tuple[_Unit, list[str]]]] = defaultdict(list)
    wards_in_province: dict[str, list[tuple[_Unit, list[str]]]] = defaultdict(list)
    names: dict[str, str] = {}
    wardless: set[tuple[str, str]] = set()
    for row in rows:
        pk, dk, wk = row["provinceKey"], row["districtKey"], row["wardKey"]
        provinces[pk] = (_Unit(pk, row["province"], row["provinceShort"]),
                         json.loads(row["provinceKeywords"]))
        districts[pk][dk] = (_Unit(dk, row["district"], row["districtShort"]),
                             json.loads(row["districtKeywords"]))
        names[pk], names[f"{pk}|{dk}"] = row["province"], row["district"]
        if wk is None:
            wardless.add((pk, dk))
            continue
        keywords = json.loads(row["wardKeywords"])
        ward = _Unit(f"{pk}|{dk}|{wk}", row["ward"], row["wardShort"])
        wards[(pk, dk)].append((ward, keywords))
        wards_in_province[pk].append((ward, keywords))
        names[f"{pk}|{dk}|{wk}"] = row["ward"]
    return _Legacy(
        province_keys=_index(provinces.values()),
        district_keys={pk: _index(ds.values()) for pk, ds in districts.items()},
        commune_keys={place: _index(ws) for place, ws in wards.items()},
        commune_keys_in_province={pk: _index(ws) for pk, ws in wards_in_province.items()},
        names=names,
        districts_without_communes=frozenset(wardless),
    )


# --- old units to today's -------------------------------------------------------------


def _map_legacy(province_name: str, district: str, commune_name: str) -> MappedPlace | None:
    """Today's units for old ones; ``None`` if ``province_name`` is no old province."""
    legacy = _legacy()
    old_province = _match(province_name, legacy.province_keys)
    if old_province is None:
        return None
    pk = old_province.id
    new_province = _convert((pk,))[0]
    if new_province is None:
        return None
    old_district = _match(district, legacy.district_keys[pk]) if district.strip() else None
    dk = old_district.id if old_district else None

    if commune_name.strip():
        return MappedPlace(new_province, _map_commune(pk, dk, new_province, commune_name))
    if dk is not None and (pk, dk) in legacy.districts_without_communes:
        # Island districts had no communes and each became one special zone.
        return MappedPlace(*_convert((pk, dk)))
    return MappedPlace(new_province, None)


def _map_commune(pk: str, dk: str | None, new_province: Province, name: str) -> Commune | None:
    """Today's commune for an old one, looked for from the narrowest place outwards.

    Within the old district, then the old province, then every old province merged
    into today's (records after July 2025 name "Lâm Đồng" with an old Đắk Nông
    commune), and last among today's communes ("Đắk Nông" with "Xã Kiến Đức").
    """
    legacy = _legacy()
    places = (
        legacy.commune_keys.get((pk, dk), {}) if dk is not None else {},
        legacy.commune_keys_in_province.get(pk, {}),
        _old_commune_keys(new_province.code),
    )
    for units_by_key in places:
        found = _lookup(name, units_by_key)
        if found:
            # Several old communes may go by the name (Phường Sa Pa, Phường Sa Pả); it is
            # determined only if they all became the same commune. A wider place won't help.
            targets = {_convert(tuple(unit.id.split("|")))[1] for unit in found}
            return targets.pop() if len(targets) == 1 else None
    return find_current_commune(new_province.code, name)


@cache
def _old_commune_keys(province_code: str) -> dict[str, tuple[_Unit, ...]]:
    """Old communes of every old province merged into today's ``province_code``."""
    legacy = _legacy()
    merged: dict[str, tuple[_Unit, ...]] = defaultdict(tuple)
    for pk, units_by_key in legacy.commune_keys_in_province.items():
        new_province = _convert((pk,))[0]
        if new_province is not None and new_province.code == province_code:
            for key, units in units_by_key.items():
                merged[key] += units
    return dict(merged)


@cache
def _convert(keys: tuple[str, ...]) -> tuple[Province | None, Commune | None]:
    """Today's units for an old (province, district, commune) given by the package's keys.

    The package is given the unit's canonical names only, so it finds no street and
    never geocodes; its answer is used only if it read back the very unit we asked for.
    """
    from vietnamadminunits import convert_address

    names = _legacy().names
    parts = ["|".join(keys[:length]) for length in range(len(keys), 0, -1)]
    unit = convert_address(", ".join(names[part] for part in parts))
    old = unit.OldAdminUnit
    read_back = (old.province_key, old.district_key, old.ward_key)[: len(keys)]
    new_province = _current().province_by_code.get(unit.province_code or "")
    if read_back != keys or new_province is None:
        return None, None
    new_commune = _current().commune_by_code.get(unit.ward_code or "")
    return new_province, new_commune


def province_or_none(code: str) -> Province | None:
    """Today's province for a stored code, or None for a blank or retired code."""
    try:
        return province(code) if code else None
    except KeyError:
        return None


def commune_or_none(code: str) -> Commune | None:
    try:
        return commune(code) if code else None
    except KeyError:
        return None
