import unicodedata

import pytest

from nlp.normalize import fold, normalize, normalize_query

PAIRS = [
    ("hoà", "hòa"), ("Hoà Bình", "Hòa Bình"), ("HOÀ", "HÒA"), ("uỷ ban", "ủy ban"), ("Uỷ ban", "Ủy ban"),
    ("UỶ BAN", "ỦY BAN"), ("thuỷ lợi", "thủy lợi"), ("Thanh Hoá", "Thanh Hóa"), ("tận tuỵ", "tận tụy"),
    ("khoẻ", "khỏe"), ("oè", "òe"), ("Khánh Hoà", "Khánh Hòa"), ("toạ đàm", "tọa đàm"), ("Thuý", "Thúy"),
]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_tone_placement_unified(old: str, new: str) -> None:
    assert normalize(old) == normalize(new) == new


@pytest.mark.parametrize("word", ["hoàn thành", "quyết định", "khuỷu tay", "quý", "Quỳnh", "hoài", "thuyền",
                                  "Hoàng", "khoét", "quả"])
def test_tone_placement_leaves_other_clusters(word: str) -> None:
    assert normalize(word) == word


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_nfd_input_same_as_nfc(old: str, new: str) -> None:
    assert normalize(unicodedata.normalize("NFD", old)) == new


def test_quotes_spaces_folded() -> None:
    assert normalize("mô hình  “Dân\u00a0vận khéo”\t«x»") == 'mô hình "Dân vận khéo" "x"'
    assert normalize("a\n\n\n\nb \n c") == "a\n\nb\nc"
    assert normalize_query(" a\n b ") == "a b"


def test_fold() -> None:
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("Thừa Thiên – Huế") == "thua thien - hue"
    assert fold(unicodedata.normalize("NFD", "Hoà Bình")) == fold("Hòa Bình") == "hoa binh"
    assert fold("") == ""
