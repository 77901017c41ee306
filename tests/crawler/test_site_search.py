"""`ct05 crawl --search QUERY`: a site's own search page as a discovery path. A registry entry with no
sitemap, feed or listing finds, through the mirror's search, every article the search returns, across
all its result pages (and, as always, what those articles link to); without a query it finds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.canon import url_path
from crawler.crawl import crawl_in_subprocess
from crawler.sites import DEFAULT_PATH
from demo.search import _fold, _pages
from demo.server import SITE_DIR, MirrorServer

QUERY = "chỉ thị 05"


def _search_only_entry() -> str:
    """The mirror-yenbai entry of the bundled registry, renamed, with its sitemaps and listings removed."""
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    block = text[text.index("[sites.mirror-yenbai]"):text.index("[sites.mirror-tthue]")]
    lines = [line for line in block.splitlines() if not line.startswith(("sitemaps =", "listings ="))]
    return "\n".join(lines).replace("mirror-yenbai", "search-only").replace('mirror_of = "yenbai"\n', "") + "\n"


@pytest.mark.crawl
def test_site_search_discovers_the_matching_articles(mirror: MirrorServer, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(_search_only_entry(), encoding="utf-8")
    monkeypatch.setenv("CT05_SITES", str(registry))
    words = _fold(QUERY).split()
    expected = {path for path, _title, text in _pages(SITE_DIR / "yenbai") if all(w in text for w in words)}
    assert len(expected) > 5  # more than one result page
    data = tmp_path / "data"
    stats = crawl_in_subprocess(data_dir=data, site_ids=["search-only"], progress=False,
                                base_urls={"search-only": mirror.urls["yenbai"]}, searches=(QUERY,))
    assert stats.status == "finished"
    site = stats.per_site["search-only"]
    assert site["searches"] == -(-len(expected) // 5)  # every result page once (five results a page)
    with Archive.open(data) as archive:
        stored = {url_path(a.url) for a in archive.iter_articles()}
    assert expected <= stored


@pytest.mark.crawl
def test_without_a_query_the_search_is_not_used(mirror: MirrorServer, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(_search_only_entry(), encoding="utf-8")
    monkeypatch.setenv("CT05_SITES", str(registry))
    stats = crawl_in_subprocess(data_dir=tmp_path / "data", site_ids=["search-only"], progress=False,
                                base_urls={"search-only": mirror.urls["yenbai"]})
    assert stats.status == "finished"
    assert stats.per_site["search-only"].get("new", 0) == 0


@pytest.mark.crawl
def test_cli_warns_when_no_chosen_site_has_a_search(mirror: MirrorServer, tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    cmd = [sys.executable, "-c", "from webui.cli import main; main()", "crawl", "--search", QUERY, "--site",
           "mirror-tthue", "--base-url", f"mirror-tthue={mirror.urls['tthue']}", "--data-dir", str(tmp_path)]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--search bị bỏ qua" in done.stderr
