import pytest

from ocop_rules import (
    LEGACY_PRODUCT_GROUPS,
    PRODUCT_GROUPS,
    PRODUCT_SUBGROUPS,
    ProductGroup,
    UnknownProductGroup,
    product_group,
    product_group_from_label,
    product_subgroups,
)


def test_current_groups_in_order():
    assert [(g.number, g.code, g.name_vi) for g in PRODUCT_GROUPS] == [
        (1, "food", "Thực phẩm"),
        (2, "beverages", "Đồ uống"),
        (3, "herbal", "Dược liệu và sản phẩm từ dược liệu"),
        (4, "handicrafts", "Hàng thủ công mỹ nghệ"),
        (5, "ornamental", "Sinh vật cảnh"),
        (6, "tourism", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"),
    ]


def test_current_groups_map_to_themselves_in_the_148_taxonomy():
    assert all(g.taxonomy == "148" and g.current_code == g.code for g in PRODUCT_GROUPS)


def test_legacy_groups_map_to_current_groups():
    assert [(g.number, g.code, g.name_vi, g.current_code) for g in LEGACY_PRODUCT_GROUPS] == [
        (1, "legacy_food", "Thực phẩm", "food"),
        (2, "legacy_beverages", "Đồ uống", "beverages"),
        (3, "legacy_herbal", "Thảo dược", "herbal"),
        (4, "textiles", "Vải và may mặc", "handicrafts"),
        (5, "souvenirs", "Lưu niệm - nội thất - trang trí", "handicrafts"),
        (6, "rural_tourism", "Dịch vụ du lịch nông thôn, bán hàng", "tourism"),
    ]
    assert all(g.taxonomy == "1048" for g in LEGACY_PRODUCT_GROUPS)


def test_only_tourism_groups_are_not_shipped():
    not_shipped = {g.code for g in PRODUCT_GROUPS + LEGACY_PRODUCT_GROUPS if not g.ships}

    assert not_shipped == {"tourism", "rural_tourism"}


def test_product_group_is_frozen():
    with pytest.raises(AttributeError):
        PRODUCT_GROUPS[0].ships = False


@pytest.mark.parametrize("group", PRODUCT_GROUPS + LEGACY_PRODUCT_GROUPS, ids=lambda g: g.code)
def test_product_group_by_code(group):
    assert product_group(group.code) is group


@pytest.mark.parametrize("code", ["", "Food", "drinks", "nhom 1"])
def test_product_group_rejects_unknown_codes(code):
    with pytest.raises(UnknownProductGroup):
        product_group(code)


@pytest.mark.parametrize(
    ("label", "expected_code"),
    [
        ("Thực phẩm", "food"),
        ("thuc pham", "food"),
        ("THỰC PHẨM", "food"),
        ("  Thực   phẩm ", "food"),
        ("Đồ uống", "beverages"),
        ("do uong", "beverages"),
        ("Dược liệu", "herbal"),
        ("Dược liệu và sản phẩm từ dược liệu", "herbal"),
        ("Thủ công mỹ nghệ", "handicrafts"),
        ("Hàng thủ công mỹ nghệ", "handicrafts"),
        ("Sinh vật cảnh", "ornamental"),
        ("sinh vat canh", "ornamental"),
        ("Du lịch", "tourism"),
        ("Dịch vụ du lịch cộng đồng...", "tourism"),
        ("Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", "tourism"),
        ("Food", "food"),
        ("Beverages", "beverages"),
        ("Medicinal herbs and herbal products", "herbal"),
        ("Handicrafts", "handicrafts"),
        ("Ornamental plants and animals", "ornamental"),
        ("Community tourism, eco-tourism and tourist sites", "tourism"),
        ("food", "food"),
        ("tourism", "tourism"),
        ("Nhóm 1", "food"),
        ("nhom 2", "beverages"),
        ("Nhóm 3", "herbal"),
        ("Nhóm 4", "handicrafts"),
        ("Nhóm 5", "ornamental"),
        ("Nhóm 6", "tourism"),
        ("1", "food"),
        ("6", "tourism"),
        ("Nhóm 1 - Thực phẩm", "food"),
        ("Nhóm 6: Du lịch", "tourism"),
    ],
)
def test_product_group_from_label_current(label, expected_code):
    assert product_group_from_label(label).code == expected_code


@pytest.mark.parametrize(
    ("label", "expected_code", "current_code"),
    [
        ("Thảo dược", "legacy_herbal", "herbal"),
        ("thao duoc", "legacy_herbal", "herbal"),
        ("Vải và may mặc", "textiles", "handicrafts"),
        ("Vải, may mặc", "textiles", "handicrafts"),
        ("Lưu niệm, nội thất, trang trí", "souvenirs", "handicrafts"),
        ("Lưu niệm - nội thất - trang trí", "souvenirs", "handicrafts"),
        ("Dịch vụ du lịch nông thôn, bán hàng", "rural_tourism", "tourism"),
        ("Nhóm 3 - Thảo dược", "legacy_herbal", "herbal"),
        ("legacy_food", "legacy_food", "food"),
        ("legacy_beverages", "legacy_beverages", "beverages"),
        ("Textiles and garments", "textiles", "handicrafts"),
    ],
)
def test_product_group_from_label_keeps_legacy_groups(label, expected_code, current_code):
    group = product_group_from_label(label)

    assert group.code == expected_code
    assert group.taxonomy == "1048"
    assert group.current_code == current_code


@pytest.mark.parametrize(
    "label",
    ["", "Nhóm 7", "0", "10", "Mỹ phẩm", "Nhóm 2 - Thực phẩm", "Nhóm", "legacy"],
)
def test_product_group_from_label_rejects_unknown_labels(label):
    with pytest.raises(UnknownProductGroup):
        product_group_from_label(label)


def test_unknown_product_group_message_names_the_value():
    with pytest.raises(UnknownProductGroup) as caught:
        product_group_from_label("Mỹ phẩm")

    assert str(caught.value) == (
        'Không xác định được nhóm sản phẩm OCOP: "Mỹ phẩm" / Unknown OCOP product group: "Mỹ phẩm"'
    )
    assert isinstance(caught.value, ValueError)


def test_subgroups_belong_to_current_groups():
    current_codes = {g.code for g in PRODUCT_GROUPS}

    assert {code for code, _ in PRODUCT_SUBGROUPS} == current_codes
    assert len(PRODUCT_SUBGROUPS) == len(set(PRODUCT_SUBGROUPS)) == 26


def test_product_subgroups_of_food_include_the_examples():
    names = product_subgroups("food")

    assert {
        "Nông sản tươi sống",
        "Nông sản sơ chế",
        "Thực phẩm chế biến",
        "Gia vị",
        "Chè và sản phẩm từ chè",
    } <= set(names)


def test_product_subgroups_of_a_legacy_group_are_those_of_its_current_group():
    assert product_subgroups("rural_tourism") == product_subgroups("tourism") == (
        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
    )


def test_product_group_fields():
    assert product_group("tourism") == ProductGroup(
        code="tourism",
        number=6,
        name_vi="Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        name_en="Community tourism, eco-tourism and tourist sites",
        taxonomy="148",
        ships=False,
        current_code="tourism",
    )
