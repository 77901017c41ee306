"""Snippets: the window with the most query words, accent-insensitive, preferring the forms typed."""

from __future__ import annotations

import re

from index.snippets import query_terms, snippet

BODY = ("Cuộc thi năm nay có ba bảng thi, đồng chí Bí thư phát biểu. " + "Nội dung khác. " * 30 +
        "Hội nghị sơ kết 3 năm thực hiện Chỉ thị 05 của Bộ Chính trị.")


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_typed_diacritics_prefer_the_exact_forms() -> None:
    terms, exact = query_terms(["chỉ", "thị", "05"])
    assert marked(snippet(BODY, terms, exact=exact)) == ["Chỉ", "thị", "05"]


def test_no_diacritics_match_every_form() -> None:
    terms, exact = query_terms(["chi", "thi", "05"])
    assert exact == {}
    out = snippet(BODY, terms, exact=exact)
    assert marked(out) == ["Chỉ", "thị", "05"]  # the window with all three words wins
    assert set(marked(snippet(BODY[:70], terms, exact=exact))) == {"thi", "chí"}


def test_exact_forms_fall_back_to_folded_matches() -> None:
    terms, exact = query_terms(["thì"])  # typed with diacritics the text does not have
    assert marked(snippet(BODY[:70], terms, exact=exact)) == ["thi", "thi"]
