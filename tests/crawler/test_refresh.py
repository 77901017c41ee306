"""Later crawls: a changed article updates its record (earlier hash kept); sitemap lastmod filters."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from crawler.archive import Archive
from crawler.crawl import crawl_in_subprocess
from demo.server import SITE_DIR, MirrorHandler, MirrorServer


@pytest.mark.crawl
def test_refresh_updates_changed_article_only(manifest: dict[str, Any], tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITE_DIR / "yenbai", root / "yenbai")
    data = tmp_path / "data"
    entry = next(a for a in manifest["articles"] if a["site"] == "yenbai" and a["published"])
    page = root / "yenbai" / entry["path"].lstrip("/")
    with MirrorServer(root=root) as mirror:
        args = {"site_ids": ["mirror-yenbai"], "base_urls": {"mirror-yenbai": mirror.urls["yenbai"]}}
        first = crawl_in_subprocess(data_dir=data, progress=False, **args)
        assert first.totals["new"] == sum(1 for a in manifest["articles"] if a["site"] == "yenbai")
        with Archive.open(data) as archive:
            old = next(a for a in archive.iter_articles() if a.url.endswith(entry["path"]))

        # The editor fixes a typo; the sitemap says the page changed.
        html = page.read_text(encoding="utf-8")
        page.write_text(html.replace("</div>\n</article>", "<p>Đính chính: bài đã được cập nhật.</p></div>\n"
                                     "</article>", 1), encoding="utf-8")
        sitemap = root / "yenbai" / "sitemap.xml"
        text = sitemap.read_text(encoding="utf-8")
        loc = rf"(<loc>{{{{BASE}}}}{re.escape(entry['path'])}</loc><lastmod>)[^<]+"
        text = re.sub(loc, r"\g<1>2099-01-01T00:00:00+07:00", text)
        sitemap.write_text(text, encoding="utf-8")

        plain = crawl_in_subprocess(data_dir=data, progress=False, **args)
        assert plain.totals["updated"] == 0, "without --refresh known articles are not fetched"
        refreshed = crawl_in_subprocess(data_dir=data, refresh=True, progress=False, **args)
    assert refreshed.totals["updated"] == 1, refreshed.summary()
    assert refreshed.totals["new"] == 0
    with Archive.open(data) as archive:
        new = archive.get(old.id)
    assert new is not None
    assert new.body.endswith("Đính chính: bài đã được cập nhật.")
    assert new.previous_hashes == (old.content_hash,)
    assert new.content_hash != old.content_hash


class Recording(MirrorHandler):
    served: list[str] = []

    def respond(self, head: bool) -> None:
        super().respond(head)
        self.served.append(self.path)


@pytest.mark.crawl
def test_later_crawl_skips_old_child_sitemaps_and_gets_304s(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITE_DIR / "yenbai", root / "yenbai")
    site = root / "yenbai"
    urls = re.findall(r"<url>.*?</url>", (site / "sitemap.xml").read_text(encoding="utf-8"), re.S)
    half = len(urls) // 2
    for name, part in (("old.xml", urls[:half]), ("new.xml", urls[half:])):
        (site / name).write_text('<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                 + "\n".join(part) + "</urlset>\n", encoding="utf-8")

    def index(note: str) -> None:
        (site / "sitemap.xml").write_text(
            '<?xml version="1.0"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            "<sitemap><loc>{{BASE}}/old.xml</loc><lastmod>2001-01-01T00:00:00+07:00</lastmod></sitemap>\n"
            "<sitemap><loc>{{BASE}}/new.xml</loc><lastmod>2099-01-01T00:00:00+07:00</lastmod></sitemap>\n"
            f"</sitemapindex><!-- {note} -->\n", encoding="utf-8")

    index("first")
    data = tmp_path / "data"
    with MirrorServer(root=root, handler=Recording) as mirror:
        args = {"site_ids": ["mirror-yenbai"], "base_urls": {"mirror-yenbai": mirror.urls["yenbai"]}}
        first = crawl_in_subprocess(data_dir=data, progress=False, **args)
        assert first.totals["sitemaps"] == 3 and first.totals["failed"] == 0, first.summary()
        index("second")  # the index changes (a new ETag); its old child does not
        Recording.served.clear()
        second = crawl_in_subprocess(data_dir=data, progress=False, **args)
    assert "/old.xml" not in Recording.served, "a child sitemap older than the last crawl is not fetched"
    assert "/new.xml" in Recording.served
    assert second.totals["sitemaps"] == 1  # the changed index; new.xml and the listing answer 304
    assert second.totals["not_modified"] == 2, second.totals
    assert second.totals["new"] == 0 and second.totals["pages"] == 3


@pytest.mark.crawl
def test_site_with_failures_keeps_no_validators(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from crawler.crawl import save_validators
    from crawler.stats import CrawlStats

    stats = CrawlStats()
    stats.site("a").bump("pages")
    stats.site("b").fail("http_500")
    tag = {"etag": '"x"', "last_modified": ""}
    spider = SimpleNamespace(new_validators={"http://a/sitemap.xml": tag, "http://b/sitemap.xml": tag},
                             documents={"http://a/sitemap.xml": "a", "http://b/sitemap.xml": "b",
                                        "http://b/rss.xml": "b"})
    with Archive.open(tmp_path) as archive:
        save_validators(archive, {"http://b/rss.xml": tag, "http://c/x": tag}, spider, stats)
        saved = json.loads(archive.get_meta("crawl.validators") or "{}")
    assert set(saved) == {"http://a/sitemap.xml", "http://c/x"}
