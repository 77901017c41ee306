import pytest

from nlp.provinces import all_provinces, all_provinces_2025, detect_provinces, province_in_ascii, to_2025


def names(text: str, **kw: str) -> list[str]:
    return [e.name for e in detect_provinces(text, **kw)[2]]


def test_facets_sizes() -> None:
    assert len(all_provinces()) == 63 and len(all_provinces_2025()) == 34
    assert "Thừa Thiên Huế" in all_provinces() and "Huế" in all_provinces_2025()


@pytest.mark.parametrize(("old", "new"), [("Yên Bái", "Lào Cai"), ("Thừa Thiên Huế", "Huế"), ("Hòa Bình", "Phú Thọ"),
                                          ("Bắc Ninh", "Bắc Ninh"), ("tỉnh Hoà Bình", "Phú Thọ"),
                                          ("TP.HCM", "Hồ Chí Minh"), ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh")])
def test_to_2025(old: str, new: str) -> None:
    assert to_2025(old) == new


@pytest.mark.parametrize("text", [
    "Buổi hòa nhạc tại Nhà hát Hòa Bình thu hút khán giả.",
    "Phó Thủ tướng Trương Hòa Bình dự hội nghị.",
    "Người dân xã Hoà Bình Phước phấn khởi.",
    "Người dân phường Vĩnh Phúc đón Tết.",
    "Việt Nam luôn mong muốn hòa bình.",
    "Học tập tư tưởng Hồ Chí Minh.",
])
def test_traps(text: str) -> None:
    main, _, found = detect_provinces(text)
    assert main is None and found == []


@pytest.mark.parametrize(("text", "want"), [
    ("Lãnh đạo TP.HCM và TP HCM, TPHCM", "Hồ Chí Minh"),
    ("Đoàn công tác tỉnh Thừa Thiên - Huế", "Thừa Thiên Huế"),
    ("Tỉnh ủy TT-Huế họp", "Thừa Thiên Huế"),
    ("Nông dân tỉnh Đăk Lăk", "Đắk Lắk"),
    ("UBND tỉnh BR-VT", "Bà Rịa - Vũng Tàu"),
    ("Công an tỉnh Hoà Bình", "Hòa Bình"),
    ("Huyện ủy Mai Châu và huyện Lạc Sơn", "Hòa Bình"),
])
def test_spellings(text: str, want: str) -> None:
    assert detect_provinces(text)[0] == want


def test_priors() -> None:
    assert detect_provinces("Đảng bộ Văn phòng UBND tỉnh họp.", dateline="TTH")[:2] == ("Thừa Thiên Huế", "Huế")
    assert detect_provinces("Đảng bộ tỉnh họp.", source_province="Bắc Ninh")[0] == "Bắc Ninh"
    assert province_in_ascii("Bao dien tu Bac Ninh") == "Bắc Ninh"


def test_counts() -> None:
    main, _, found = detect_provinces("tỉnh Nghệ An ... Báo Nghệ An ... Hà Nội")
    assert main == "Nghệ An" and found[0].count == 2 and names("tỉnh Nghệ An và Hà Nội") == ["Nghệ An", "Hà Nội"]
