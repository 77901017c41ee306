"""Vietnamese dictionary order of names (nlp.collation)."""

from __future__ import annotations

from nlp.collation import vi_key, vi_sorted


def test_dictionary_order_of_provinces() -> None:
    names = ["Đà Nẵng", "Bình Dương", "Bạc Liêu", "Điện Biên", "Đắk Lắk", "Đồng Nai", "Cà Mau", "An Giang",
             "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Ninh", "Bến Tre", "Yên Bái", "Hà Nội", "Hải Phòng",
             "Hà Giang", "Hà Tĩnh", "Hậu Giang", "Hòa Bình"]
    ordered = vi_sorted(names)
    assert ordered.index("Bạc Liêu") < ordered.index("Bình Dương")
    assert ordered.index("Bà Rịa - Vũng Tàu") < ordered.index("Bạc Liêu") < ordered.index("Bắc Giang")
    assert ordered.index("Bắc Ninh") < ordered.index("Bến Tre") < ordered.index("Bình Dương")
    assert ordered[:2] == ["An Giang", "Bà Rịa - Vũng Tàu"]
    assert ordered[-1] == "Yên Bái"


def test_d_stroke_after_every_d() -> None:
    names = ["Đà Nẵng", "Dak Nong", "Duy Xuyên", "Dương Đông", "Đắk Nông", "Cà Mau", "Gia Lai"]
    ordered = vi_sorted(names)
    d_last = max(i for i, n in enumerate(ordered) if n.startswith("D"))
    assert all(ordered.index(n) > d_last for n in names if n.startswith("Đ"))
    assert ordered[-1] == "Gia Lai" and ordered[0] == "Cà Mau"


def test_tones_are_secondary_and_case_last() -> None:
    assert vi_sorted(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert vi_sorted(["Hà Tĩnh", "Hải Dương", "Hà Nội"]) == ["Hà Nội", "Hà Tĩnh", "Hải Dương"]
    assert vi_key("an") < vi_key("An") < vi_key("ăn") < vi_key("ân")
    # Composed and decomposed spellings sort alike.
    assert vi_key("Đồng Tháp") == vi_key("Đồng Tháp")
