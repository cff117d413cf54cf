"""OCOP producers (chủ thể OCOP) and their identifiers.

Producers are cooperatives, cooperative groups, enterprises and registered
business households (Decision 919/QĐ-TTg), identified by their business
registration or tax number.
"""

import re
from functools import lru_cache
import unicodedata
from enum import StrEnum

from .text import fold


class ProducerKind(StrEnum):
    COOPERATIVE = "htx"
    COOPERATIVE_GROUP = "tht"
    ENTERPRISE = "dn"
    HOUSEHOLD = "hkd"

    @property
    def label_vi(self) -> str:
        return _KIND_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _KIND_LABELS[self][1]


_KIND_LABELS = {
    ProducerKind.COOPERATIVE: ("Hợp tác xã", "Cooperative"),
    ProducerKind.COOPERATIVE_GROUP: ("Tổ hợp tác", "Cooperative group"),
    ProducerKind.ENTERPRISE: ("Doanh nghiệp", "Enterprise"),
    ProducerKind.HOUSEHOLD: ("Hộ kinh doanh", "Business household"),
}


class UnknownProducerKind(ValueError):
    """A label from which no producer kind can be read."""

    def __init__(self, label: str) -> None:
        self.label = label
        super().__init__(
            f'Không xác định được loại hình chủ thể OCOP: "{label}" / '
            f'Unknown producer kind: "{label}"'
        )


class InvalidTaxNumber(ValueError):
    """A value that is not a tax or business registration number."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        super().__init__(
            f'Mã số thuế hoặc số đăng ký kinh doanh không hợp lệ: "{raw}" / '
            f'Invalid tax or business registration number: "{raw}"'
        )


# Leading words (folded) that say what a producer is. Checked in order, so a
# longer prefix comes before a shorter one it starts with.
_PREFIXES = (
    (("to", "hop", "tac"), ProducerKind.COOPERATIVE_GROUP),
    (("tht",), ProducerKind.COOPERATIVE_GROUP),
    (("cooperative", "group"), ProducerKind.COOPERATIVE_GROUP),
    (("lien", "hiep", "hop", "tac", "xa"), ProducerKind.COOPERATIVE),
    (("hop", "tac", "xa"), ProducerKind.COOPERATIVE),
    (("htx",), ProducerKind.COOPERATIVE),
    (("cooperative",), ProducerKind.COOPERATIVE),
    (("doanh", "nghiep"), ProducerKind.ENTERPRISE),
    (("dntn",), ProducerKind.ENTERPRISE),
    (("dn",), ProducerKind.ENTERPRISE),
    (("cong", "ty"), ProducerKind.ENTERPRISE),
    (("cty",), ProducerKind.ENTERPRISE),
    (("ctcp",), ProducerKind.ENTERPRISE),
    (("enterprise",), ProducerKind.ENTERPRISE),
    (("company",), ProducerKind.ENTERPRISE),
    (("ho", "kinh", "doanh"), ProducerKind.HOUSEHOLD),
    (("ho", "gia", "dinh"), ProducerKind.HOUSEHOLD),
    (("ho", "san", "xuat"), ProducerKind.HOUSEHOLD),
    (("hkd",), ProducerKind.HOUSEHOLD),
    (("co", "so"), ProducerKind.HOUSEHOLD),
    (("business", "household"), ProducerKind.HOUSEHOLD),
    (("household",), ProducerKind.HOUSEHOLD),
)


# Official lists repeat the same few labels thousands of times.
@lru_cache(maxsize=4096)
def parse_producer_kind(label: str) -> ProducerKind:
    """Read the kind of an OCOP producer (Decision 919/QĐ-TTg) from a label.

    Accepts the abbreviations HTX, THT, DN, DNTN, HKD, the full Vietnamese
    names with or without diacritics, English names, and a producer's name
    starting with its kind: "Công ty TNHH Hồng Đức" and "DNTN Toàn Hằng" ->
    enterprise; "HTX ..." / "Hợp tác xã ..." -> cooperative; "Tổ hợp tác ..."
    -> cooperative group; "Hộ kinh doanh ..." / "Cơ sở ..." -> household.
    Raises UnknownProducerKind.
    """
    words = tuple(re.sub(r"[^a-z0-9]+", " ", fold(label)).split())
    for prefix, kind in _PREFIXES:
        if words[: len(prefix)] == prefix:
            return kind
    raise UnknownProducerKind(label)


# Labels sometimes pasted along with the number ("MST: 0101234567").
_LABEL = re.compile(
    r"^(?:mst|msdn|m[ãa]\s*s[ốo]\s*(?:thu[ếe]|doanh\s*nghi[ệe]p))\s*[:.]?\s*",
    re.IGNORECASE,
)
_TAX_CODE = re.compile(r"([0-9]{10})(?:-?([0-9]{3}))?")
_HOUSEHOLD_NUMBER = re.compile(r"(?=[A-Z]*[0-9])[A-Z0-9]{6,15}")
_EDGE_JUNK = re.compile(r"^[^0-9A-Za-z]+|[^0-9A-Za-z]+$")


def normalise_tax_number(raw: str) -> str:
    """Return a producer's tax or business registration number in one form.

    Enterprise tax codes: 10 digits, or 10 digits and a 3-digit branch number
    written "0101234567-001" (Law on Tax Administration 2019 and Circular
    105/2020/TT-BTC). Business households: their registration number, 6 to 15
    letters and digits with at least one digit ("67A8001234"), which also
    admits the owner's 12-digit personal identification number that replaces
    individual tax codes from 1 July 2025. Spaces, dots, a
    leading "MST:" label and punctuation around the value are dropped.

    The tax-code checksum is not applied: registry lists must import as
    published. Raises InvalidTaxNumber.
    """
    value = _LABEL.sub("", unicodedata.normalize("NFC", raw).strip())
    value = _EDGE_JUNK.sub("", value)
    value = re.sub(r"[\s.]+", "", value).upper()
    if match := _TAX_CODE.fullmatch(value):
        tax_code, branch = match.groups()
        return f"{tax_code}-{branch}" if branch else tax_code
    if _HOUSEHOLD_NUMBER.fullmatch(value):
        return value
    raise InvalidTaxNumber(raw)
