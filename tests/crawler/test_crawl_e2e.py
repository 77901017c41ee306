"""End to end: crawl the offline mirror over HTTP into a fresh archive, in a child process."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.archive import Archive
from crawler.canon import url_path
from crawler.crawl import crawl_in_subprocess
from crawler.sites import load_sites
from demo.server import MirrorServer


def expected_date(entry: dict[str, Any]) -> str | None:
    """The manifest date as the page shows it: a byline-only page shows minutes, not seconds."""
    published = entry["published"]
    if published and entry.get("date_in") == "byline":
        return published[:16] + ":00"
    return published


@pytest.mark.crawl
def test_crawl_mirror_stores_every_article_once(mirror: MirrorServer, crawl_args: dict[str, Any],
                                                manifest: dict[str, Any], tmp_path: Any) -> None:
    stats = crawl_in_subprocess(data_dir=tmp_path, progress=False, **crawl_args)
    expected = {(f"mirror-{a['site']}", a["path"]): a for a in manifest["articles"]}
    assert stats.status == "finished"
    assert stats.totals["new"] == len(expected), stats.summary()
    assert stats.totals["failed"] == 0, stats.summary()

    with Archive.open(tmp_path) as archive:
        stored = {(a.source, url_path(a.url)): a for a in archive.iter_articles()}
        runs = archive.runs(kind="crawl")
    assert set(stored) == set(expected), "non-articles stored or articles missing"
    for key, entry in expected.items():
        article = stored[key]
        if entry["title"] is not None:
            assert article.title == entry["title"], key
        else:  # the page shows no headline: the lead stands in, and says so
            assert dict(article.extra).get("title_source") == "lead", key
        assert article.published == expected_date(entry), key
        assert article.published_source == ("none" if entry["published"] is None else
                                            "byline" if entry["date_in"] == "byline" else "metadata"), key
        if entry.get("author"):
            assert article.author == entry["author"], key
        assert article.body.strip() and "\n\n\n" not in article.body
        assert article.fetched_at
    check_republications(stats.republications, stored, manifest)
    assert runs[0]["status"] == "finished"
    assert runs[0]["stats"]["totals"]["new"] == len(expected)
    assert set(runs[0]["stats"]["sites"]) == {f"mirror-{s}" for s in mirror.urls}

    again = crawl_in_subprocess(data_dir=tmp_path, progress=False, **crawl_args)
    assert again.totals["new"] == 0 and again.totals["updated"] == 0, again.summary()
    # Nothing changed: every sitemap, feed and listing answers 304 Not Modified, so no URL is even
    # rediscovered, and no article is fetched.
    starts = [d for s in mirror.urls for d in load_sites()[f"mirror-{s}"].start_urls(mirror.urls[s]).values()]
    documents = sum(len(d) for d in starts)
    assert again.totals["not_modified"] == documents, again.totals
    assert again.totals["pages"] == documents
    assert again.totals["sitemaps"] == again.totals["feeds"] == again.totals["listings"] == 0
    assert again.totals["skipped"] == 0
    with Archive.open(tmp_path) as archive:
        assert archive.count() == len(expected)



def check_republications(marked_count: int, stored: dict[tuple[str, str], Any], manifest: dict[str, Any]) -> None:
    """Every republished copy points at the earliest copy's id, and nothing else is marked."""
    copies = [a for a in manifest["articles"] if a["republication_of"]]
    assert copies and marked_count == len(copies)
    for entry in copies:
        copy = stored[(f"mirror-{entry['site']}", entry["path"])]
        original = stored[(f"mirror-{entry['republication_of']['site']}", entry["republication_of"]["path"])]
        assert copy.republication_of == original.id
        assert original.republication_of is None
    assert len({a.id for a in stored.values() if a.republication_of}) == len(copies)
