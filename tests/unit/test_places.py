import pytest

from vendors.registry.places import (
    Commune,
    MappedPlace,
    Province,
    commune,
    communes,
    current_provinces,
    find_current_commune,
    find_current_province,
    is_known_legacy_province,
    map_to_current,
    province,
)

LAM_DONG = Province(code="68", name="Tỉnh Lâm Đồng")
HA_NOI = Province(code="01", name="Thành phố Hà Nội")
KIEN_DUC = Commune(code="24733", name="Xã Kiến Đức", province_code="68")
NHAN_CO = Commune(code="24751", name="Xã Nhân Cơ", province_code="68")
QUANG_TIN = Commune(code="24760", name="Xã Quảng Tín", province_code="68")
HOAN_KIEM = Commune(code="00070", name="Phường Hoàn Kiếm", province_code="01")


def test_there_are_34_provinces_in_folded_alphabetical_order():
    # when listing today's provinces
    provinces = current_provinces()

    # then there are 34, from An Giang to Vĩnh Long by their folded short names
    assert len(provinces) == 34
    assert len({p.code for p in provinces}) == 34
    assert provinces[0] == Province(code="91", name="Tỉnh An Giang")
    assert provinces[-1] == Province(code="86", name="Tỉnh Vĩnh Long")
    assert [p.short_name for p in provinces[:4]] == ["An Giang", "Bắc Ninh", "Cà Mau", "Cần Thơ"]


def test_province_short_name_drops_its_type():
    assert LAM_DONG.short_name == "Lâm Đồng"
    assert HA_NOI.short_name == "Hà Nội"


def test_lookups_by_code():
    # given today's codes of Lâm Đồng and Xã Kiến Đức
    # then they resolve to the units, and Kiến Đức is among Lâm Đồng's communes
    assert province("68") == LAM_DONG
    assert commune("24733") == KIEN_DUC
    assert KIEN_DUC in communes("68")
    assert len(communes("68")) == 124
    assert sum(len(communes(p.code)) for p in current_provinces()) == 3321


def test_unknown_codes_raise_key_error():
    with pytest.raises(KeyError):
        province("67")  # Đắk Nông's old code
    with pytest.raises(KeyError):
        commune("99999")


@pytest.mark.parametrize(
    "name",
    ["Lâm Đồng", "lam dong", "Tỉnh Lâm Đồng", "TỈNH LÂM ĐỒNG", "tinh lam dong", "  Lâm  Đồng "],
)
def test_find_current_province_ignores_type_case_and_diacritics(name):
    assert find_current_province(name) == LAM_DONG


@pytest.mark.parametrize(
    "name", ["Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "tp hcm", "TP.HCM", "Hồ Chí Minh"]
)
def test_find_current_province_accepts_city_prefixes(name):
    assert find_current_province(name) == Province(code="79", name="Thành phố Hồ Chí Minh")


@pytest.mark.parametrize("name", ["Đắk Nông", "Bắc Giang", "Atlantis", ""])
def test_find_current_province_does_not_return_merged_or_unknown_provinces(name):
    assert find_current_province(name) is None


@pytest.mark.parametrize("name", ["Xã Kiến Đức", "kien duc", "XÃ KIẾN ĐỨC", "X. Kiến Đức"])
def test_find_current_commune_ignores_type_case_and_diacritics(name):
    assert find_current_commune("68", name) == KIEN_DUC


def test_find_current_commune_accepts_special_zones_and_wards():
    assert find_current_commune("79", "Đặc khu Côn Đảo") == Commune(
        code="26732", name="Đặc khu Côn Đảo", province_code="79"
    )
    assert find_current_commune("01", "P. Hoàn Kiếm") == HOAN_KIEM


def test_find_current_commune_is_scoped_to_the_province():
    assert find_current_commune("01", "Xã Kiến Đức") is None
    assert find_current_commune("68", "Kiến Thành") is None  # an old commune


def test_legacy_provinces_are_the_63_old_ones():
    assert is_known_legacy_province("Tỉnh Đắk Nông")
    assert is_known_legacy_province("bac kan")
    assert is_known_legacy_province("Lâm Đồng")
    assert not is_known_legacy_province("Atlantis")


@pytest.mark.parametrize(
    ("old_commune", "new_commune"),
    [
        ("Thị trấn Kiến Đức", KIEN_DUC),
        ("Xã Kiến Thành", KIEN_DUC),
        ("Xã Nghĩa Thắng", KIEN_DUC),
        ("Xã Đạo Nghĩa", KIEN_DUC),
        ("Xã Nhân Cơ", NHAN_CO),
        ("Xã Nhân Đạo", NHAN_CO),
        ("Xã Đắk Wer", NHAN_CO),
        ("Xã Quảng Tín", QUANG_TIN),
        ("Xã Đắk Ru", QUANG_TIN),
        ("Xã Đắk Sin", QUANG_TIN),
        ("Xã Hưng Bình", QUANG_TIN),
    ],
)
def test_communes_of_former_dak_rlap_district_map_to_lam_dong(old_commune, new_commune):
    # given a certificate issued under Tỉnh Đắk Nông, Huyện Đắk R'Lấp
    # when mapped to today's units
    mapped = map_to_current("Tỉnh Đắk Nông", "Huyện Đắk R'Lấp", old_commune)

    # then it is in Lâm Đồng, in the commune Resolution 1671/NQ-UBTVQH15 formed
    assert mapped == MappedPlace(LAM_DONG, new_commune)


@pytest.mark.parametrize(
    ("province_name", "district", "commune_name"),
    [
        ("Đắk Nông", "Đắk R'Lấp", "Kiến Thành"),
        ("dak nong", "dak r'lap", "kien thanh"),
        ("Tỉnh Đắk Nông", "H. Đắk R’Lấp", "X. Kiến Thành"),
        ("Đắk Nông", "", "Xã Kiến Thành"),
        ("Lâm Đồng", "", "Xã Kiến Thành"),  # new province written with an old commune
        ("Đắk Nông", "", "Xã Kiến Đức"),  # old province written with a new commune
    ],
)
def test_old_records_map_whatever_the_spelling(province_name, district, commune_name):
    assert map_to_current(province_name, district, commune_name) == MappedPlace(LAM_DONG, KIEN_DUC)


def test_old_province_or_district_alone_maps_to_todays_province():
    assert map_to_current("Đắk Nông") == MappedPlace(LAM_DONG, None)
    assert map_to_current("Tỉnh Đắk Nông", "Huyện Đắk R'Lấp") == MappedPlace(LAM_DONG, None)
    assert map_to_current("Bình Thuận") == MappedPlace(LAM_DONG, None)
    bac_ninh = Province(code="24", name="Tỉnh Bắc Ninh")
    assert map_to_current("Bắc Giang") == MappedPlace(bac_ninh, None)


@pytest.mark.parametrize(
    ("province_name", "district", "commune_name"),
    [
        ("Lâm Đồng", "", "Xã Kiến Đức"),
        ("Tỉnh Lâm Đồng", "", "kien duc"),
        ("Lâm Đồng", "Đắk R'Lấp", "Xã Kiến Đức"),  # people still name the old district
    ],
)
def test_new_style_record_maps_to_itself(province_name, district, commune_name):
    assert map_to_current(province_name, district, commune_name) == MappedPlace(LAM_DONG, KIEN_DUC)


def test_post_2025_ha_noi_ward_maps_to_itself():
    assert map_to_current("Thành phố Hà Nội", "", "Phường Hoàn Kiếm") == MappedPlace(
        HA_NOI, HOAN_KIEM
    )
    assert map_to_current("ha noi", "", "phuong hoan kiem") == MappedPlace(HA_NOI, HOAN_KIEM)


def test_old_ha_noi_ward_maps_to_its_new_ward():
    # given a ward of the former Hoàn Kiếm district
    mapped = map_to_current("Hà Nội", "Quận Hoàn Kiếm", "Phường Hàng Bạc")

    # then it is in today's Phường Hoàn Kiếm
    assert mapped == MappedPlace(HA_NOI, HOAN_KIEM)


def test_an_old_name_with_other_diacritics_is_not_taken_for_a_new_one():
    # given old Xã Sơn Đông (Sơn Tây), not to be confused with today's Xã Sơn Đồng
    mapped = map_to_current("Hà Nội", "", "Xã Sơn Đông")

    # then it maps to the commune it was merged into
    doai_phuong = Commune(code="09616", name="Xã Đoài Phương", province_code="01")
    assert mapped == MappedPlace(HA_NOI, doai_phuong)


def test_island_district_maps_to_its_special_zone():
    assert map_to_current("Tỉnh Bà Rịa - Vũng Tàu", "Huyện Côn Đảo") == MappedPlace(
        Province(code="79", name="Thành phố Hồ Chí Minh"),
        Commune(code="26732", name="Đặc khu Côn Đảo", province_code="79"),
    )


def test_unknown_province_maps_to_nothing():
    assert map_to_current("Atlantis", "", "Xã Kiến Đức") == MappedPlace(None, None)
    assert map_to_current("") == MappedPlace(None, None)


def test_unknown_commune_keeps_the_province():
    assert map_to_current("Lâm Đồng", "", "Xã Không Có") == MappedPlace(LAM_DONG, None)
    assert map_to_current("Đắk Nông", "Đắk R'Lấp", "Xã Không Có") == MappedPlace(LAM_DONG, None)


def test_names_told_apart_only_by_diacritics_need_them():
    # given Quảng Ngãi's old Thị trấn Ba Tơ and Xã Ba Tô, in the same district
    # then written with diacritics each maps to its own commune
    assert map_to_current("Quảng Ngãi", "Ba Tơ", "Ba Tơ").commune == Commune(
        code="21484", name="Xã Ba Tơ", province_code="51"
    )
    assert map_to_current("Quảng Ngãi", "Ba Tơ", "Ba Tô").commune == Commune(
        code="21523", name="Xã Ba Tô", province_code="51"
    )
    # and without them the commune is not determined
    assert map_to_current("Quang Ngai", "Ba To", "Ba To") == MappedPlace(
        Province(code="51", name="Tỉnh Quảng Ngãi"), None
    )


def test_mapping_20000_rows_of_200_distinct_places_uses_the_cache():
    # given 200 distinct places: the 11 old Đắk R'Lấp communes in three spellings,
    # 150 of today's Hà Nội and Lâm Đồng communes, and 17 unknown provinces
    old_names = [
        "Thị trấn Kiến Đức", "Xã Kiến Thành", "Xã Nghĩa Thắng", "Xã Đạo Nghĩa", "Xã Nhân Cơ",
        "Xã Nhân Đạo", "Xã Đắk Wer", "Xã Quảng Tín", "Xã Đắk Ru", "Xã Đắk Sin", "Xã Hưng Bình",
    ]
    old = [("Tỉnh Đắk Nông", "Huyện Đắk R'Lấp", name) for name in old_names]
    old += [("Đắk Nông", "", name) for name in old_names]
    old += [("dak nong", "dak r'lap", name.lower()) for name in old_names]
    new = [(HA_NOI.name, "", c.name) for c in communes("01")[:75]]
    new += [("lam dong", "", c.name) for c in communes("68")[:75]]
    unknown = [(f"Tỉnh Không Có {n}", "", "Xã A") for n in range(17)]
    distinct = old + new + unknown
    rows = [distinct[i % len(distinct)] for i in range(20_000)]
    map_to_current.cache_clear()

    # when every row is mapped
    mapped = [map_to_current(*row) for row in rows]

    # then old rows land in Lâm Đồng, new rows on themselves, unknown ones nowhere
    assert len(distinct) == len(set(distinct)) == 200
    by_row = dict(zip(rows, mapped))
    assert all(by_row[row].province == LAM_DONG and by_row[row].commune for row in old)
    assert all(by_row[row].commune.name == row[2] for row in new)
    assert all(by_row[row] == MappedPlace(None, None) for row in unknown)
    assert map_to_current.cache_info().misses == 200
    assert map_to_current.cache_info().hits == 19_800
