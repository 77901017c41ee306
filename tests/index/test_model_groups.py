"""Variants of one model across articles are one catalogue entry: the model facet merges spelling, case
and short/long forms (nlp.models.group_models), and a filter by any variant finds every article."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from crawler.archive import Archive
from crawler.article import Article, Enrichment, Entity
from index.store import SearchIndex
from index.sync import sync_index
from index.types import SearchQuery

LONG = "Phát huy truyền thống, cống hiến tài năng, xứng danh Bộ đội Cụ Hồ"
VARIANTS = ["Dạy tốt, học tốt", "dạy tốt, học tốt", "dạy tốt, học tốt", LONG, "xứng danh Bộ đội Cụ Hồ"]


def _with_model(article: Article, name: str) -> Article:
    enr = article.enrichment or Enrichment()
    return article.replace(enrichment=dataclasses.replace(enr, models=(Entity(name=name, kind="phong trào"),)))


def test_variants_are_one_catalogue_entry(tmp_path: Path, articles: list[Article]) -> None:
    chosen = [_with_model(a, name) for a, name in zip(articles, VARIANTS, strict=False)]
    with Archive.open(tmp_path) as archive:
        archive.upsert_many(chosen)
        sync_index(archive, tmp_path / "index")
    with SearchIndex.open(tmp_path / "index") as idx:
        result = idx.search(SearchQuery(facets=("model",), facet_limit=0, collapse=False, scope="all"))
        counts = {fv.value: fv.count for fv in result.facets["model"]}
        assert counts == {"dạy tốt, học tốt": 3, LONG: 2}  # the most used spelling; the long form
        for variant in set(VARIANTS):
            hits = idx.search(SearchQuery(filters=(("model", (variant,)),), collapse=False, scope="all"))
            expected = 3 if "học tốt" in variant else 2
            assert hits.total == expected, variant


def test_a_variant_page_redirects_to_the_catalogue_entry(tmp_path: Path, articles: list[Article]) -> None:
    from webui import create_app

    chosen = [_with_model(a, name) for a, name in zip(articles, VARIANTS, strict=False)]
    with Archive.open(tmp_path) as archive:
        archive.upsert_many(chosen)
        sync_index(archive, tmp_path / "index")
    client = create_app({"DATA_DIR": str(tmp_path), "TESTING": True}).test_client()
    res = client.get("/models/Dạy tốt, học tốt")
    assert res.status_code == 302
    page = client.get("/models/Dạy tốt, học tốt", follow_redirects=True)
    assert page.status_code == 200 and "dạy tốt, học tốt" in page.get_data(as_text=True)
    assert client.get("/models/dạy tốt, học tốt").status_code == 200
