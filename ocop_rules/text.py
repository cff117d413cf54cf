"""Text folding for matching Vietnamese labels typed by people.

Official lists, spreadsheets and officers write the same label with or without
diacritics, in any case and with stray spaces ("Thực phẩm", "thuc pham",
"THỰC  PHẨM"). Matching is done on the folded form.
"""

import unicodedata

# "đ" is a letter of its own in Unicode, not "d" plus a combining mark, so NFD
# leaves it alone; map it explicitly.
_D_WITH_STROKE = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lowercase, strip Vietnamese diacritics and collapse whitespace.

    Diacritics are removed by NFD decomposition and dropping combining marks,
    with đ/Đ mapped to d. Used for diacritics-insensitive matching of labels:
    "Cà phê  Natural" -> "ca phe natural"; "Đắk R'Lấp" -> "dak r'lap".
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_WITH_STROKE))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.lower().split())
