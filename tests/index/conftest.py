"""A small real index built once per session from real article texts (tests/data/index)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.article import Article
from index.store import SearchIndex
from index.sync import sync_index

DATA = Path(__file__).resolve().parents[1] / "data" / "index" / "articles.json"


def load_articles() -> list[Article]:
    return [Article.from_dict(d) for d in json.loads(DATA.read_text(encoding="utf-8"))]


@pytest.fixture(scope="session")
def articles() -> list[Article]:
    return load_articles()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, articles: list[Article]) -> Path:
    data = tmp_path_factory.mktemp("data")
    with Archive.open(data) as archive:
        archive.upsert_many(articles)
        sync_index(archive, data / "index")
    return data


@pytest.fixture(scope="session")
def idx(built: Path) -> Iterator[SearchIndex]:
    index = SearchIndex.open(built / "index")
    yield index
    index.close()


def enriched_index(data: Path, articles: list[Article]) -> SearchIndex:
    """A real index in `data` of the articles after the real NLP stage (one process)."""
    from nlp.enrich import enrich_many

    with Archive.open(data) as archive:
        archive.upsert_many(enrich_many(articles, workers=1))
        sync_index(archive, data / "index")
    return SearchIndex.open(data / "index")
