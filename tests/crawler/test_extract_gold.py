"""Extraction quality gate: the mirror pages made from the five seed pages against the gold records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crawler.extract import extract_html
from crawler.sites import load_sites


def seed_entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in manifest["articles"] if a.get("seed")]


def test_every_seed_is_on_the_mirror(manifest: dict[str, Any], gold: dict[str, dict[str, Any]]) -> None:
    assert {a["seed"] for a in seed_entries(manifest)} == set(gold)


@pytest.mark.parametrize("index", range(5))
def test_seed_page_matches_gold(index: int, manifest: dict[str, Any], gold: dict[str, dict[str, Any]],
                                mirror_page: Callable[..., bytes]) -> None:
    entry = sorted(seed_entries(manifest), key=lambda a: a["seed"])[index]
    record = gold[entry["seed"]]
    site = load_sites()[f"mirror-{entry['site']}"]
    url = "http://127.0.0.1:8000" + entry["path"]
    article = extract_html(mirror_page(entry["site"], entry["path"]), url, site)
    assert article is not None
    if record["title"] is None:
        assert dict(article.extra)["title_source"] == "lead"
    else:
        assert article.title == record["title"]
    assert article.published == record["published"]
    for furniture in record["not_in_body"]:
        assert furniture not in article.body, furniture
        assert furniture != article.title
    assert article.source_province == record["province"]
    # The body keeps its paragraphs and starts with the article, not with a dateline.
    assert "\n\n" in article.body
    assert not article.body.startswith(("TTH -", "(HBĐT)"))


def test_datelines_are_recognised(manifest: dict[str, Any], mirror_page: Callable[..., bytes]) -> None:
    sites = load_sites()
    found = {}
    for entry in seed_entries(manifest):
        article = extract_html(mirror_page(entry["site"], entry["path"]), "http://127.0.0.1:8000" + entry["path"],
                               sites[f"mirror-{entry['site']}"])
        assert article is not None
        found[entry["site"]] = article.dateline
    assert found["tthue"] == "TTH"
    assert found["hoabinh"] == "HBĐT"
    assert found["yenbai"] is None
