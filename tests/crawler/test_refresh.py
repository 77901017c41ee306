"""Later crawls: a changed article updates its record (earlier hash kept); sitemap lastmod filters."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from crawler.archive import Archive
from crawler.crawl import crawl_in_subprocess
from crawler.mirror.server import SITE_DIR, MirrorServer


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
