"""A real archive and index built once per session from tests/data/webui_articles.jsonl.

The fixture articles are real news texts with hand-written enrichment, so UI tests do not depend on NLP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crawler.archive import Archive
from crawler.article import Article

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "webui_articles.jsonl"
ADMIN_PASSWORD = "mat-khau-thu"


def load_articles() -> list[Article]:
    with FIXTURE.open(encoding="utf-8") as fh:
        return [Article.from_dict(json.loads(line)) for line in fh if line.strip()]


@pytest.fixture(scope="session")
def articles() -> list[Article]:
    return load_articles()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory, articles: list[Article]) -> Path:
    from index.sync import sync_index

    data = tmp_path_factory.mktemp("webui-data")
    with Archive.open(data) as archive:
        archive.upsert_many(articles)
        archive.finish_run(archive.start_run("crawl"), "ok", {
            "totals": {"new": len(articles)},
            "sites": {"baomoi": {"pages": 20, "new": 18, "failed": 0, "failed_by_reason": {}},
                      "yenbai-gov": {"pages": 3, "new": 1, "failed": 2, "failed_by_reason": {"http_404": 2}}},
        })
        sync_index(archive, data / "index")
    return data


@pytest.fixture(scope="session")
def app(data_dir: Path) -> Iterator[Flask]:
    from webui import create_app
    from webui.resources import close_index

    application = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "ADMIN_PASSWORD": ADMIN_PASSWORD,
                               "SECRET_KEY": "test"})
    yield application
    close_index(application)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def by_title(articles: list[Article], start: str) -> Article:
    return next(a for a in articles if a.title.startswith(start))
