"""Search behaviour on a real index: documents, diacritics, facets, snippets, garbage."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.article import Article
from index.store import SearchIndex
from index.sync import sync_index
from index.types import QueryError, SearchQuery


def _ids(idx: SearchIndex, text: str, n: int = 10, **kw: object) -> list[str]:
    return [h.id for h in idx.search(SearchQuery(text=text, per_page=n, **kw)).hits]  # type: ignore[arg-type]


def _ct05(articles: list[Article]) -> set[str]:
    pat = re.compile(r"Chỉ thị (số )?05(?!/CT-TTg)|05-CT/TW")
    return {a.id for a in articles if pat.search(a.title + " " + a.body) and not a.republication_of}


def test_document_forms_find_the_ct05_stories(idx: SearchIndex, articles: list[Article]) -> None:
    expected = _ct05(articles)
    assert len(expected) >= 6
    results = {q: set(_ids(idx, q, n=50)) for q in
               ("chi thi 05", "Chỉ thị số 05-CT/TW", "CT05", "CT 05", "Chỉ thị 05", "chỉ thị số 05")}
    for q, found in results.items():
        assert expected <= found, q
    first = results["chi thi 05"]
    assert all(found == first for found in results.values())


def test_other_issuer_ranks_low(idx: SearchIndex, articles: list[Article]) -> None:
    ttg = [a.id for a in articles if "05/CT-TTg" in a.body and not _ct05([a])]
    if not ttg:
        pytest.skip("no 05/CT-TTg-only article in the fixture")
    ranked = _ids(idx, "Chỉ thị 05", n=50)
    ct05 = _ct05(articles)
    assert all(ranked.index(t) > max(ranked.index(c) for c in ct05 if c in ranked) for t in ttg if t in ranked)


def test_tone_placement_and_no_diacritics_same_top10(idx: SearchIndex) -> None:
    a, b, c = (_ids(idx, q) for q in ("Đảng uỷ", "Đảng ủy", "dang uy"))
    assert a and a == b == c


def test_exact_diacritics_rank_first(idx: SearchIndex) -> None:
    hits = idx.search(SearchQuery(text="đảng", per_page=5)).hits
    assert hits and all("<mark>" in h.snippet for h in hits)


def test_facet_counts_equal_hits_when_selected(idx: SearchIndex) -> None:
    base = idx.search(SearchQuery(text="làm theo", facet_limit=0))
    assert base.total > 0
    for name, values in base.facets.items():
        for fv in values:
            sel = idx.search(SearchQuery(text="làm theo", filters=((name, (fv.value,)),), facet_limit=0))
            assert sel.total == fv.count, (name, fv.value)


def test_disjunctive_facets(idx: SearchIndex) -> None:
    base = idx.search(SearchQuery(text="", facet_limit=0))
    provinces = [fv.value for fv in base.facets["province"]][:2]
    one = idx.search(SearchQuery(filters=(("province", provinces[:1]),), facet_limit=0))
    both = idx.search(SearchQuery(filters=(("province", tuple(provinces)),), facet_limit=0))
    assert both.total > one.total
    # The selected facet keeps counting its other values.
    assert {fv.value for fv in one.facets["province"]} == {fv.value for fv in base.facets["province"]}


def test_unknown_facet_is_a_query_error(idx: SearchIndex) -> None:
    with pytest.raises(QueryError, match="Không có"):
        idx.search(SearchQuery(filters=(("color", ("red",)),)))


@pytest.mark.parametrize("text", ['"dang uy', "*", "x" * 10_000, "và của là", ") OR (", "tinh:", "ngay:abc",
                                  "AND NOT", "title:", '""', "đảng " * 3000], ids=lambda t: t[:12])
def test_garbage_never_raises(idx: SearchIndex, text: str) -> None:
    result = idx.search(SearchQuery(text=text))
    assert result.total >= 0


def test_snippets_escape_article_markup(idx: SearchIndex) -> None:
    for hit in idx.search(SearchQuery(text="đảng", per_page=50)).hits:
        stripped = hit.snippet.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in stripped and ">" not in stripped


def test_republications_collapse(idx: SearchIndex, articles: list[Article]) -> None:
    copies = [a for a in articles if a.republication_of]
    original = copies[0].republication_of
    title = copies[0].title
    hits = idx.search(SearchQuery(text=f'"{title[:40]}"')).hits
    assert [h.republications for h in hits if h.id == original] == [2]
    assert {h.id for h in idx.republications(original)} == {c.id for c in copies}
    collapsed = idx.search(SearchQuery(text=f'"{title[:40]}"'))
    flat = idx.search(SearchQuery(text=f'"{title[:40]}"', collapse=False))
    assert flat.total == collapsed.total + 2 == len(flat.hits)


def test_field_prefixes_and_dates(idx: SearchIndex) -> None:
    res = idx.search(SearchQuery(text="tinh:yen_bai", facet_limit=0))
    assert res.total > 0 and all(h.province == "Yên Bái" for h in res.hits)
    dated = idx.search(SearchQuery(text="ngay:2023..2024", sort="oldest", per_page=100))
    assert dated.hits and all("2023" <= (h.published or "")[:4] <= "2024" for h in dated.hits)
    newest = idx.search(SearchQuery(text="", sort="newest", per_page=100)).hits
    dates = [h.published or "" for h in newest]
    assert dates == sorted(dates, reverse=True)



@pytest.mark.parametrize(("text", "label"), [("tinh:XYZ", "Tỉnh, thành (trước 7/2025)"), ("nam:abc", "Năm"),
                                             ('-mo_hinh:"không có mô hình này"', "Mô hình điển hình")])
def test_a_prefix_naming_no_value_says_so(idx: SearchIndex, text: str, label: str) -> None:
    res = idx.search(SearchQuery(text=text, facet_limit=0))
    typed = text.split(":", 1)[1].strip('"')
    assert res.message and f"Không có “{typed}” trong bộ lọc “{label}”" in res.message


def test_a_prefix_naming_a_value_adds_no_note(idx: SearchIndex) -> None:
    assert idx.search(SearchQuery(text="tinh:yen_bai", facet_limit=0)).message is None

def test_more_like_this(idx: SearchIndex, articles: list[Article]) -> None:
    related = idx.more_like_this(articles[1].id, n=5)
    assert related and all(h.id != articles[1].id for h in related)


def test_diacritics_restored_without_the_words_field(tmp_path: Path, articles: list[Article]) -> None:
    with Archive.open(tmp_path) as archive:
        archive.upsert_many([a.replace(enrichment=None) for a in articles])
        sync_index(archive, tmp_path / "index")
    with SearchIndex.open(tmp_path / "index") as plain:
        assert plain.search(SearchQuery(text="dang uy")).suggestion == "Đảng ủy"  # as the archive writes it
        assert [h.id for h in plain.search(SearchQuery(text="dang uy")).hits] == \
            [h.id for h in plain.search(SearchQuery(text="Đảng uỷ")).hits]
        assert plain.search(SearchQuery(text="Đảng ủy")).suggestion is None


def test_phrases_need_adjacent_words(idx: SearchIndex) -> None:
    phrase = idx.search(SearchQuery(text='"chí minh"')).total
    reversed_ = idx.search(SearchQuery(text='"minh chí"')).total
    loose = idx.search(SearchQuery(text="chí minh")).total
    assert phrase > 0 and reversed_ < phrase <= loose
    assert idx.search(SearchQuery(text='"chi minh"')).total == phrase  # folded phrases too


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("collapse", [True, False])
def test_pages_from_the_partial_order_equal_the_full_order(idx: SearchIndex, sort: str, collapse: bool,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the candidates that can reach the page are sorted (a million matches took seconds to sort):
    every page is the one the full order gives, copies collapsed or not."""
    from index import store

    full_order = SearchIndex._order
    calls: list[int] = []

    def spy(self: SearchIndex, view: object, candidates: object, score: object, sort: str, want: int = 0) -> object:
        calls.append(want)
        return full_order(self, view, candidates, score, sort, want)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "ORDER_ROOM", 0)  # the small index: the partial order must still be used
    monkeypatch.setattr(SearchIndex, "_order", spy)
    for text in ("", "Bác", "chỉ thị 05"):
        for page, per_page in ((1, 1), (2, 2), (3, 5), (1, 200)):
            q = SearchQuery(text=text, sort=sort, collapse=collapse, page=page, per_page=per_page, scope="all")
            partial = [h.id for h in idx.search(q).hits]
            with monkeypatch.context() as m:
                m.setattr(store, "ORDER_ROOM", 10**9)  # every candidate sorted
                assert [h.id for h in idx.search(q).hits] == partial, (text, page, per_page)
    assert any(0 < w < 10 for w in calls)


@pytest.mark.parametrize("typed", ["Thanh Hoá", unicodedata.normalize("NFD", "Thanh Hóa"), "thanh  hóa", "HÒA BÌNH"])
def test_a_filter_value_written_differently_finds_the_same_stories(idx: SearchIndex, typed: str) -> None:
    # Old tone placement, decomposed Unicode (pasted from a Mac), case and spacing: the archive's value.
    name = "Hòa Bình" if "B" in typed else "Thanh Hóa"
    assert idx.facet_value("province", typed) == name
    exact = idx.search(SearchQuery(filters=(("province", (name,)),), facet_limit=0, scope="all"))
    loose = idx.search(SearchQuery(filters=(("province", (typed,)),), facet_limit=0, scope="all"))
    assert loose.total == exact.total > 0
    assert idx.facet_value("province", "Thanh Hoa") is None  # diacritics dropped is another name, not a spelling


def test_a_date_range_says_how_many_undated_stories_it_leaves_out(tmp_path: Path) -> None:
    text = "Cán bộ, đảng viên học tập và làm theo tấm gương đạo đức Hồ Chí Minh ở cơ sở."
    rows = [Article(url=f"https://baonghean.vn/d-{n}.html", source="baonghean", title=f"Làm theo Bác {n}",
                    body=text, published=published) for n, published in enumerate(["2020-05-01T08:00:00", None, None])]
    with Archive.open(tmp_path) as archive:
        archive.upsert_many(rows)
        sync_index(archive, tmp_path / "index")
    with SearchIndex.open(tmp_path / "index") as index:
        res = index.search(SearchQuery(text="làm theo Bác", date_from="2020-01-01", date_to="2020-12-31", scope="all"))
        assert res.total == 1
        assert res.message is not None and "2 bài không rõ ngày đăng" in res.message
        assert index.search(SearchQuery(text="làm theo Bác", scope="all")).message is None
