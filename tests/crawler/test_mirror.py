"""The bundled offline mirror: served over loopback HTTP, consistent with its manifest."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from html import unescape

import pytest

from demo import MANIFEST, MirrorServer

ARTICLES: list[dict] = json.loads(MANIFEST.read_text(encoding="utf-8"))["articles"]
SITES = ["bacninh", "hoabinh", "nghean", "tthue", "yenbai"]


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorServer]:
    """One running mirror for the whole module."""
    with MirrorServer() as m:
        yield m


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """GET url; (status, headers, text), HTTP errors included."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        with e:
            return e.code, dict(e.headers), e.read().decode("utf-8", "replace")


def test_sites_and_manifest_shape(mirror: MirrorServer) -> None:
    assert sorted(mirror.urls) == SITES
    assert len(ARTICLES) >= 60
    assert sum(a["topical"] for a in ARTICLES) >= 30
    assert sum(not a["topical"] for a in ARTICLES) >= 20
    assert {a["seed"] for a in ARTICLES if a["seed"]} == {
        "000_95646b59757049e8.txt", "001_9383db14de2cda84.txt", "002_ba0ab269d834ec73.txt",
        "003_0e35b4ad4c568c82.txt", "004_a373861fe9b57045.txt"}
    assert sum(1 for a in ARTICLES if a["republication_of"]) == 1


@pytest.mark.parametrize("site", SITES)
def test_robots_and_sitemap(mirror: MirrorServer, site: str) -> None:
    base = mirror.urls[site].rstrip("/")
    status, headers, robots = fetch(mirror.url(site, "/robots.txt"))
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in robots and f"Sitemap: {base}/sitemap.xml" in robots
    status, headers, sitemap = fetch(mirror.url(site, "/sitemap.xml"))
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    assert "{{BASE}}" not in sitemap
    locs = set(re.findall(r"<loc>(.*?)</loc>", sitemap))
    assert locs == {base + a["path"] for a in ARTICLES if a["site"] == site}


@pytest.mark.parametrize("art", ARTICLES, ids=lambda a: f"{a['site']}{a['path'][:40]}")
def test_article_served(mirror: MirrorServer, art: dict) -> None:
    status, headers, html = fetch(mirror.url(art["site"], art["path"]))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<meta charset="utf-8">' in html and "{{BASE}}" not in html
    if art["title"]:
        assert "<h1" in html and art["title"] in unescape(html)
    else:
        assert "<h1" not in html
    if art["date_in"] == "metadata":
        assert art["published"][:16] in html


def test_seed_traps(mirror: MirrorServer) -> None:
    by_seed = {a["seed"][:3]: a for a in ARTICLES if a["seed"]}
    for key in ("003", "004"):
        a = by_seed[key]
        assert a["published"] is None and a["date_in"] == "none"
        html = fetch(mirror.url(a["site"], a["path"]))[2]
        header = html.split('<div class="article-body">')[0]
        assert not re.search(r"\d{1,2}/\d{1,2}/20\d\d", header)
        assert "article:published_time" not in html and "datePublished" not in html
    html = unescape(fetch(mirror.url("hoabinh", by_seed["003"]["path"]))[2])
    body, rest = html.split('<section class="related">')
    for furniture in ("Các tin khác", "Đảng bộ xã Tú Lý khẳng định vai trò lãnh đạo", "Xem các tin đã đưa ngày",
                      "Nguyễn Tiến Sinh", "Bùi Tiến Lực"):
        assert furniture in rest and furniture not in body.split('<div class="article-body">')[1]


def test_tracking_variants(mirror: MirrorServer) -> None:
    tracked = [a for a in ARTICLES if a.get("variants")]
    assert len(tracked) == 1
    site = tracked[0]["site"]
    pages = fetch(mirror.urls[site])[2] + fetch(mirror.url(site, "/chuyen-muc/tin-tuc-su-kien/"))[2]
    for variant in tracked[0]["variants"]:
        assert f'href="{variant}"' in unescape(pages)
        assert fetch(mirror.url(tracked[0]["site"], variant))[0] == 200


@pytest.mark.parametrize("site", ["tthue", "bacninh"])
def test_rss(mirror: MirrorServer, site: str) -> None:
    status, headers, rss = fetch(mirror.url(site, "/rss/" + {"tthue": "tin-moi", "bacninh": "tin-tuc"}[site] + ".rss"))
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    assert "<item>" in rss and mirror.urls[site].rstrip("/") in rss


def test_conditional_get_and_404(mirror: MirrorServer) -> None:
    art = ARTICLES[0]
    url = mirror.url(art["site"], art["path"])
    status, headers, _ = fetch(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200
    assert fetch(mirror.url(art["site"], "/khong-co-trang-nay.html"))[0] == 404
    assert fetch(mirror.url(art["site"], "/../../manifest.json"))[0] == 404


def test_listing_pagination(mirror: MirrorServer) -> None:
    html = fetch(mirror.urls["nghean"] + "chuyen-muc/tin-tuc-su-kien/")[2]
    assert 'rel="next"' in html and html.count("<li><a href=\"/tin-tuc/") == 10
    assert fetch(mirror.urls["nghean"] + "chuyen-muc/tin-tuc-su-kien/trang-2.html")[0] == 200
