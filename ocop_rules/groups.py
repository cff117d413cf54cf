"""OCOP product groups.

The current taxonomy has six groups (Decision 919/QĐ-TTg, 2022, and Decision
148/QĐ-TTg, 2023). Certificates issued under the older taxonomy of Decisions
490/QĐ-TTg (2018) and 1048/QĐ-TTg (2019) keep their group; each older group
maps to the current group used for filtering (`current_code`).
"""

import re
from functools import lru_cache
from dataclasses import dataclass

from .text import fold


@dataclass(frozen=True)
class ProductGroup:
    """A product group. `taxonomy` is "148" (current) or "1048" (older);
    `ships` is False for tourism services, which are not shipped goods;
    `current_code` is the current group a legacy group maps to (itself for a
    current group)."""

    code: str
    number: int
    name_vi: str
    name_en: str
    taxonomy: str
    ships: bool
    current_code: str


class UnknownProductGroup(ValueError):
    """A code or label that names no product group."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(
            f'Không xác định được nhóm sản phẩm OCOP: "{value}" / '
            f'Unknown OCOP product group: "{value}"'
        )


def _current(code: str, number: int, name_vi: str, name_en: str, ships: bool = True) -> ProductGroup:
    return ProductGroup(code, number, name_vi, name_en, "148", ships, code)


def _legacy(
    code: str, number: int, name_vi: str, name_en: str, current_code: str, ships: bool = True
) -> ProductGroup:
    return ProductGroup(code, number, name_vi, name_en, "1048", ships, current_code)


PRODUCT_GROUPS = (
    _current("food", 1, "Thực phẩm", "Food"),
    _current("beverages", 2, "Đồ uống", "Beverages"),
    _current("herbal", 3, "Dược liệu và sản phẩm từ dược liệu", "Medicinal herbs and herbal products"),
    _current("handicrafts", 4, "Hàng thủ công mỹ nghệ", "Handicrafts"),
    _current("ornamental", 5, "Sinh vật cảnh", "Ornamental plants and animals"),
    _current(
        "tourism",
        6,
        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        "Community tourism, eco-tourism and tourist sites",
        ships=False,
    ),
)

LEGACY_PRODUCT_GROUPS = (
    _legacy("legacy_food", 1, "Thực phẩm", "Food", "food"),
    _legacy("legacy_beverages", 2, "Đồ uống", "Beverages", "beverages"),
    _legacy("legacy_herbal", 3, "Thảo dược", "Herbal products", "herbal"),
    _legacy("textiles", 4, "Vải và may mặc", "Textiles and garments", "handicrafts"),
    _legacy(
        "souvenirs",
        5,
        "Lưu niệm - nội thất - trang trí",
        "Souvenirs, furniture and decoration",
        "handicrafts",
    ),
    _legacy(
        "rural_tourism",
        6,
        "Dịch vụ du lịch nông thôn, bán hàng",
        "Rural tourism services and sales",
        "tourism",
        ships=False,
    ),
)

# Product sets within the current groups, as (group code, name). The exact
# official list (about 26 sets) is uncertain: this is data to be corrected
# against the published appendix, not a rule.
PRODUCT_SUBGROUPS = (
    ("food", "Nông sản tươi sống"),
    ("food", "Thịt, trứng, sữa tươi"),
    ("food", "Nông sản sơ chế"),
    ("food", "Thịt, thủy sản sơ chế"),
    ("food", "Gạo và ngũ cốc"),
    ("food", "Mật ong và sản phẩm từ mật ong"),
    ("food", "Thực phẩm chế biến"),
    ("food", "Đồ ăn nhanh"),
    ("food", "Gia vị"),
    ("food", "Chè và sản phẩm từ chè"),
    ("food", "Cà phê và ca cao"),
    ("beverages", "Rượu trắng"),
    ("beverages", "Đồ uống có cồn khác"),
    ("beverages", "Nước khoáng, nước uống tinh khiết"),
    ("beverages", "Đồ uống không cồn khác"),
    ("herbal", "Dược liệu"),
    ("herbal", "Thực phẩm chức năng, thuốc dược liệu, thuốc y học cổ truyền"),
    ("herbal", "Mỹ phẩm có nguồn gốc dược liệu"),
    ("herbal", "Tinh dầu và sản phẩm khác từ dược liệu"),
    ("handicrafts", "Thủ công mỹ nghệ, trang trí"),
    ("handicrafts", "Vải và may mặc"),
    ("handicrafts", "Đồ lưu niệm, nội thất"),
    ("ornamental", "Hoa"),
    ("ornamental", "Cây cảnh"),
    ("ornamental", "Động vật cảnh"),
    ("tourism", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"),
)

_BY_CODE = {group.code: group for group in PRODUCT_GROUPS + LEGACY_PRODUCT_GROUPS}
_CURRENT_BY_NUMBER = {group.number: group for group in PRODUCT_GROUPS}

# Labels people write, besides codes. A name shared by both taxonomies
# ("Thực phẩm", "Đồ uống") reads as the current group; the legacy groups of
# the same name are reachable by code only.
_LABELS = {
    "food": ("Thực phẩm", "Food", "Foods", "Foodstuffs"),
    "beverages": ("Đồ uống", "Beverages", "Drinks"),
    "herbal": (
        "Dược liệu và sản phẩm từ dược liệu",
        "Dược liệu",
        "Sản phẩm từ dược liệu",
        "Medicinal herbs and herbal products",
        "Medicinal herbs",
    ),
    "handicrafts": ("Hàng thủ công mỹ nghệ", "Thủ công mỹ nghệ", "Handicrafts", "Handicraft"),
    "ornamental": ("Sinh vật cảnh", "Ornamental plants and animals", "Ornamental"),
    "tourism": (
        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        "Dịch vụ du lịch cộng đồng",
        "Du lịch cộng đồng",
        "Du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        "Du lịch sinh thái",
        "Dịch vụ du lịch",
        "Du lịch",
        "Community tourism, eco-tourism and tourist sites",
        "Tourism",
    ),
    "legacy_herbal": ("Thảo dược", "Herbal products", "Herbs"),
    "textiles": ("Vải và may mặc", "Vải, may mặc", "Textiles and garments", "Textiles"),
    "souvenirs": (
        "Lưu niệm - nội thất - trang trí",
        "Đồ lưu niệm, nội thất, trang trí",
        "Souvenirs, furniture and decoration",
        "Souvenirs",
    ),
    "rural_tourism": (
        "Dịch vụ du lịch nông thôn, bán hàng",
        "Dịch vụ du lịch nông thôn",
        "Du lịch nông thôn",
        "Rural tourism services and sales",
        "Rural tourism",
    ),
}


def _key(label: str) -> str:
    # "Lưu niệm - nội thất - trang trí" and "Lưu niệm, nội thất, trang trí"
    # share a key; underscores survive so that codes still match.
    return " ".join(re.sub(r"[^a-z0-9_]+", " ", fold(label).replace("&", " va ")).split())


def _build_label_index() -> dict[str, ProductGroup]:
    index: dict[str, ProductGroup] = {}
    entries = [(code, code) for code in _BY_CODE]
    entries += [(label, code) for code, labels in _LABELS.items() for label in labels]
    for label, code in entries:
        key = _key(label)
        if index.get(key, _BY_CODE[code]) != _BY_CODE[code]:
            raise AssertionError(f"label {label!r} names two product groups")
        index[key] = _BY_CODE[code]
    return index


_BY_LABEL = _build_label_index()

_NUMBERED = re.compile(r"^(?:nhom(?: san pham)?\s*)?(?:([1-6])\b\s*)?(.*)$")


def product_group(code: str) -> ProductGroup:
    """Return the product group with this code, current or legacy.

    Current groups per Decision 919/QĐ-TTg and 148/QĐ-TTg; legacy groups per
    Decisions 490/QĐ-TTg and 1048/QĐ-TTg. Raises UnknownProductGroup.
    """
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownProductGroup(code) from None


# Official lists repeat the same few labels thousands of times.
@lru_cache(maxsize=4096)
def product_group_from_label(label: str) -> ProductGroup:
    """Read a product group from a label as written in a list or decision.

    Diacritics-, case- and punctuation-insensitive. Accepts the Vietnamese
    names and short forms ("Thực phẩm", "thuc pham", "Dược liệu", "Thảo
    dược", "Vải và may mặc", "Du lịch"...), English names, codes, and
    "Nhóm 1".."Nhóm 6" or "1".."6" (the current taxonomy of Decision
    148/QĐ-TTg). A number with a name ("Nhóm 3 - Thảo dược") must agree with
    the group's number in its own taxonomy. Legacy groups are returned as
    legacy; use `current_code` to filter. Raises UnknownProductGroup.
    """
    key = _key(label)
    if key in _BY_LABEL:
        return _BY_LABEL[key]
    match = _NUMBERED.match(key)
    number = int(match[1]) if match[1] else None
    name = match[2]
    if name:
        group = _BY_LABEL.get(name)
        if group is not None and number in (None, group.number):
            return group
    elif number is not None:
        return _CURRENT_BY_NUMBER[number]
    raise UnknownProductGroup(label)


def product_subgroups(group_code: str) -> tuple[str, ...]:
    """Names of the product sets of a group (legacy codes use their current
    group). The list is uncertain data, see PRODUCT_SUBGROUPS."""
    current_code = product_group(group_code).current_code
    return tuple(name for code, name in PRODUCT_SUBGROUPS if code == current_code)
