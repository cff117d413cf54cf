import pytest

from ocop_rules import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cà phê  Natural", "ca phe natural"),
        ("Đắk R'Lấp", "dak r'lap"),
        ("đồ uống", "do uong"),
        ("  THỰC\tPHẨM \n", "thuc pham"),
        ("Hạt điều rang muối", "hat dieu rang muoi"),
        ("Dược liệu và sản phẩm từ dược liệu", "duoc lieu va san pham tu duoc lieu"),
        ("Bộ NN&PTNT", "bo nn&ptnt"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_fold_strips_case_diacritics_and_extra_whitespace(text, expected):
    assert fold(text) == expected


def test_fold_treats_decomposed_and_composed_input_alike():
    # given the same word typed precomposed (NFC) and decomposed (NFD)
    composed = "Thực phẩm"
    decomposed = "Th\u01b0\u0323c pha\u0302\u0309m"

    # then both fold to the same text
    assert fold(composed) == fold(decomposed) == "thuc pham"
