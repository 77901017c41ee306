"""Queries understood: provinces, years and known models typed in plain words become filter chips."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.article import Article, Enrichment, Entity
from index.store import SearchIndex
from index.sync import sync_index
from index.types import Chip, SearchQuery
from nlp.gazetteer import to_2025


def _with_model(article: Article, name: str) -> Article:
    enr = article.enrichment or Enrichment()
    return article.replace(enrichment=dataclasses.replace(enr, models=(Entity(name=name, kind="phong trào"),)))


def chips(idx: SearchIndex, text: str, filters: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> list[Chip]:
    return idx.search(SearchQuery(text=text, filters=filters)).chips


def offered(idx: SearchIndex, text: str) -> set[tuple[str, str]]:
    return {(c.facet, c.value) for c in chips(idx, text)}


def test_a_province_in_plain_words_is_offered_with_the_text_without_it(idx: SearchIndex) -> None:
    text = "bát gạo nghĩa tình Nghệ An"
    [chip] = chips(idx, text)
    assert (chip.facet, chip.value, chip.text, chip.query) == ("province", "Nghệ An", "Nghệ An", "bát gạo nghĩa tình")
    assert text[chip.start:chip.end] == "Nghệ An"
    assert idx.search(SearchQuery(text=text)).as_dict()["chips"] == [chip.as_dict()]


@pytest.mark.parametrize(("text", "rest"), [("bat gao nghia tinh nghe an", "bat gao nghia tinh"),  # "tinh": tình
                                           ("bát gạo nghĩa tình nghe an", "bát gạo nghĩa tình"),
                                           ("NGHỆ AN", "")])
def test_unaccented_or_upper_case_names_are_recognised(idx: SearchIndex, text: str, rest: str) -> None:
    assert [(c.facet, c.value, c.query) for c in chips(idx, text)] == [("province", "Nghệ An", rest)]


def test_an_old_province_offers_itself_and_its_2025_province(idx: SearchIndex) -> None:
    assert offered(idx, "Yên Bái thi đua") == {("province", "Yên Bái"), ("province_2025", to_2025("Yên Bái"))}
    assert ("province_2025", "Lào Cai") in offered(idx, "tỉnh Yên Bái")
    # Old tone placement and a prefix: the same province.
    assert offered(idx, "tỉnh Hoà Bình") == {("province", "Hòa Bình"), ("province_2025", "Phú Thọ")}
    # A 2025 province that is one old province alone gets no second chip.
    assert offered(idx, "Nghệ An") == {("province", "Nghệ An")}


@pytest.mark.parametrize("text", ["Trương Hòa Bình", "truong hoa binh", "hòa bình", "hoa binh", "Nghệ Án", "-Nghệ An",
                                  "tinh:nghe_an", "phường Vĩnh Phúc", "Hồ Chí Minh", "19/5/2021", "1999", ""])
def test_no_chip_for_namesakes_syntax_and_values_the_index_lacks(idx: SearchIndex, text: str) -> None:
    assert chips(idx, text) == []


def test_a_name_typed_twice_is_one_chip(idx: SearchIndex) -> None:
    assert [(c.facet, c.value) for c in chips(idx, "Nghệ An tấm gương nghe an")] == [("province", "Nghệ An")]


def test_a_year_chip_takes_the_year_words_out(idx: SearchIndex) -> None:
    [chip] = chips(idx, "chỉ thị 05 năm 2021")
    assert (chip.facet, chip.value, chip.text, chip.query) == ("year", "2021", "năm 2021", "chỉ thị 05")
    assert offered(idx, "Việt Nam 2021") == {("year", "2021")}
    assert [c.query for c in chips(idx, "Việt Nam 2021")] == ["Việt Nam"]


def test_a_known_model_is_recognised_and_keeps_its_words(idx: SearchIndex) -> None:
    for text in ("mô hình dân vận khéo", "mo hinh dan van kheo"):
        [chip] = chips(idx, text)
        assert (chip.facet, chip.value, chip.query) == ("model", "Dân vận khéo", text)
    assert chips(idx, "dân vận giỏi") == []  # not a model the index knows


def test_several_chips_in_one_query(idx: SearchIndex) -> None:
    got = [(c.facet, c.value) for c in chips(idx, "thắp sáng đường quê Nghệ An 2023")]
    assert got == [("model", "Thắp sáng đường quê"), ("province", "Nghệ An"), ("year", "2023")]


def test_an_applied_filter_is_not_offered_again(idx: SearchIndex) -> None:
    assert chips(idx, "Yên Bái", (("province", ("Yên Bái",)),)) == []
    assert chips(idx, "Yên Bái", (("province_2025", ("Lào Cai",)),)) == []
    rest = {(c.facet, c.value) for c in chips(idx, "Yên Bái 2021", (("year", ("2021",)),))}
    assert rest == {("province", "Yên Bái"), ("province_2025", "Lào Cai")}


def test_applying_a_chip_filters_the_results(idx: SearchIndex) -> None:
    [chip] = chips(idx, "chỉ thị 05 Nghệ An")
    applied = idx.search(SearchQuery(text=chip.query, filters=((chip.facet, (chip.value,)),)))
    assert applied.total > 0 and all(h.province == "Nghệ An" for h in applied.hits)
    assert applied.chips == []


def test_a_model_variant_names_its_catalogue_entry(tmp_path: Path, articles: list[Article]) -> None:
    long = "Phát huy truyền thống, cống hiến tài năng, xứng danh Bộ đội Cụ Hồ"
    names = [long, "xứng danh Bộ đội Cụ Hồ", "làm theo"]  # the last: ordinary words a detector took for a model
    chosen = [_with_model(a, name) for a, name in zip(articles, names, strict=False)]
    with Archive.open(tmp_path) as archive:
        archive.upsert_many(chosen)
        sync_index(archive, tmp_path / "index")
    with SearchIndex.open(tmp_path / "index") as index:
        for text in ("thi đua xứng danh bộ đội cụ Hồ", "xung danh bo doi cu ho"):
            assert [(c.facet, c.value) for c in chips(index, text)] == [("model", long)]
        assert chips(index, "học tập và làm theo Bác") == []
