"""The spider's callbacks on responses built from saved bytes, as Scrapy's project template tests them:
a sitemap, a feed, a listing page, a search page and article pages of the offline mirror (demo/site) go
in as `HtmlResponse`/`TextResponse`; the requests and stored articles that come out are checked. No
server, no reactor: each callback is called directly."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse

from crawler.archive import Archive
from crawler.article import Article
from crawler.canon import canonical_url
from crawler.sites import load_sites
from crawler.spider import NewsSpider
from crawler.stats import CrawlStats
from demo.server import SITE_DIR

BASE = "http://127.0.0.1:8000"
SITE = "mirror-tthue"
ARTICLE = "/chinh-tri-xa-hoi/xay-dung-dang/hoc-va-lam-theo-bac-bang-nhung-viec-lam-cu-the-a423557.html"


def saved(site: str, path: str) -> bytes:
    """A mirror file's bytes as the server sends them at BASE."""
    file = SITE_DIR / site / path.lstrip("/")
    return (file / "index.html" if file.is_dir() else file).read_bytes().replace(b"{{BASE}}", BASE.encode())


@pytest.fixture()
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path) as opened:
        yield opened


@pytest.fixture()
def make_spider(archive: Archive) -> Callable[..., NewsSpider]:
    def make(site_id: str = SITE, **kwargs: Any) -> NewsSpider:
        return NewsSpider(sites=[load_sites()[site_id]], origins={site_id: BASE + "/"}, archive=archive,
                          stats=CrawlStats(), **kwargs)
    return make


def response(cls: type[TextResponse], path: str, body: bytes, site: str = SITE, kind: str = "listing",
             status: int = 200, headers: dict[str, str] | None = None) -> TextResponse:
    request = Request(BASE + path, meta={"site": site, "kind": kind, "ct05_depth": 0})
    return cls(url=BASE + path, body=body, status=status, request=request, encoding="utf-8",
               headers=headers or {"Content-Type": "text/html; charset=utf-8"})


def articles_of(requests: list[scrapy.Request]) -> list[str]:
    return [r.url for r in requests if r.meta["kind"] == "article"]


def run_article(spider: NewsSpider, resp: TextResponse) -> list[Any]:
    async def collect() -> list[Any]:
        return [item async for item in spider.parse_article(resp)]
    return asyncio.run(collect())


def test_a_sitemap_yields_one_article_request_per_url(make_spider: Callable[..., NewsSpider]) -> None:
    spider = make_spider()
    body = saved("tthue", "sitemap.xml")
    out = list(spider.parse_sitemap(response(XmlResponse, "/sitemap.xml", body, kind="sitemap")))
    assert len(out) == body.count(b"<url>") == 13
    assert all(r.callback == spider.parse_article and r.errback == spider.on_error for r in out)
    assert all(r.meta["site"] == SITE and r.meta["download_slot"] == SITE for r in out)
    assert BASE + ARTICLE in articles_of(out)
    counts = spider.stats.site(SITE).counts
    assert counts["pages"] == 1 and counts["sitemaps"] == 1


def test_known_articles_are_skipped_and_refresh_asks_again(make_spider: Callable[..., NewsSpider],
                                                            archive: Archive) -> None:
    archive.upsert(Article(url=BASE + ARTICLE, source=SITE, title="Học và làm theo Bác", body="Nội dung"))
    body = saved("tthue", "sitemap.xml")
    spider = make_spider()
    out = articles_of(list(spider.parse_sitemap(response(XmlResponse, "/sitemap.xml", body, kind="sitemap"))))
    assert BASE + ARTICLE not in out and len(out) == 12
    assert spider.stats.site(SITE).counts["skipped"] == 1
    again = make_spider(refresh=True)
    assert BASE + ARTICLE in articles_of(list(again.parse_sitemap(
        response(XmlResponse, "/sitemap.xml", body, kind="sitemap"))))


def test_a_sitemap_index_asks_for_its_sitemaps_conditionally(make_spider: Callable[..., NewsSpider]) -> None:
    spider = make_spider()
    spider.validators = {f"{BASE}/sitemap-2019.xml": {"etag": '"v1"'}}
    body = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<sitemap><loc>/sitemap-2019.xml</loc></sitemap><sitemap><loc>/sitemap-2018.xml</loc>"
            b"<lastmod>2018-01-01</lastmod></sitemap></sitemapindex>")
    out = list(spider.parse_sitemap(response(XmlResponse, "/sitemap.xml", body, kind="sitemap")))
    assert [r.url for r in out] == [f"{BASE}/sitemap-2019.xml", f"{BASE}/sitemap-2018.xml"]
    assert all(r.callback == spider.parse_sitemap and r.meta["kind"] == "sitemap" for r in out)
    assert out[0].headers.get("If-None-Match") == b'"v1"' and 304 in out[0].meta["handle_httpstatus_list"]
    since = make_spider(since={SITE: "2019-01-01T00:00:00"})
    assert [r.url for r in since.parse_sitemap(response(XmlResponse, "/sitemap.xml", body, kind="sitemap"))] == \
        [f"{BASE}/sitemap-2019.xml"]  # the 2018 sitemap has not changed since the last crawl


def test_an_unchanged_document_yields_nothing(make_spider: Callable[..., NewsSpider]) -> None:
    spider = make_spider()
    out = list(spider.parse_sitemap(response(XmlResponse, "/sitemap.xml", b"", kind="sitemap", status=304)))
    assert out == [] and spider.stats.site(SITE).counts["not_modified"] == 1


def test_validators_are_kept_for_the_next_crawl(make_spider: Callable[..., NewsSpider]) -> None:
    spider = make_spider()
    resp = response(HtmlResponse, "/tin-moi/", saved("tthue", "tin-moi/"),
                    headers={"Content-Type": "text/html", "ETag": '"abc"'})
    list(spider.parse_listing(resp))
    assert spider.new_validators[canonical_url(f"{BASE}/tin-moi/")]["etag"] == '"abc"'


def test_a_feed_yields_its_article_links(make_spider: Callable[..., NewsSpider]) -> None:
    spider = make_spider()
    body = saved("tthue", "rss/tin-moi.rss")
    out = list(spider.parse_feed(response(XmlResponse, "/rss/tin-moi.rss", body, kind="feed")))
    assert len(articles_of(out)) == body.count(b"<item>") == 13
    assert spider.stats.site(SITE).counts["feeds"] == 1


def test_a_broken_feed_is_counted_not_raised(make_spider: Callable[..., NewsSpider]) -> None:
    spider = make_spider()
    assert list(spider.parse_feed(response(XmlResponse, "/rss/x.rss", b"\x00\x01 not xml", kind="feed"))) == []
    assert spider.stats.site(SITE).failures["bad_feed"] == 1


def test_a_listing_page_yields_articles_and_its_next_page(make_spider: Callable[..., NewsSpider]) -> None:
    spider = make_spider()
    out = list(spider.parse_listing(response(HtmlResponse, "/tin-moi/", saved("tthue", "tin-moi/"))))
    articles = articles_of(out)
    assert BASE + ARTICLE in articles and len(articles) == len(set(articles)) == 10
    listings = [r for r in out if r.meta["kind"] == "listing"]
    assert f"{BASE}/tin-moi/p2.html" in [r.url for r in listings]
    assert all(r.callback == spider.parse_listing and r.meta["ct05_depth"] == 1 for r in listings)
    # Links to other hosts, static files and pages that are neither articles nor listings are not followed.
    assert not [r for r in out if "gioi-thieu" in r.url or "static" in r.url or "rss" in r.url]


def test_search_results_yield_articles_and_further_result_pages(make_spider: Callable[..., NewsSpider]) -> None:
    spider = make_spider("mirror-yenbai")
    article = "/tin-hoat-dong/chinh-tri/lam-theo-bac-12345.html"
    body = (f'<html><body><a href="{article}">Làm theo Bác</a><a href="/tim-kiem.html?q=b%C3%A1c&page=2">2</a>'
            f'<a href="/tim-kiem.html?q=kh%C3%A1c">khác</a><a href="https://other.vn{article}">x</a>'
            "</body></html>").encode()
    out = list(spider.parse_search(response(HtmlResponse, "/tim-kiem.html?q=b%C3%A1c", body, site="mirror-yenbai",
                                            kind="search")))
    assert [(r.url, r.meta["kind"]) for r in out] == [(BASE + article, "article"),
                                                       (f"{BASE}/tim-kiem.html?q=b%C3%A1c&page=2", "search")]
    assert spider.stats.site("mirror-yenbai").counts["searches"] == 1


def test_an_article_page_is_extracted_and_stored(make_spider: Callable[..., NewsSpider], archive: Archive) -> None:
    spider = make_spider()
    out = run_article(spider, response(HtmlResponse, ARTICLE, saved("tthue", ARTICLE), kind="article"))
    assert out == []  # the site has sitemaps and feeds: article pages are not followed
    spider.closed("finished")
    stored = archive.get(Article(url=BASE + ARTICLE, source=SITE, title="", body="").id)
    assert stored is not None and stored.source == SITE and stored.title and stored.published
    assert stored.dateline == "TTH" and stored.fetched_at
    counts = spider.stats.site(SITE).counts
    assert counts["articles"] == 1 and counts["new"] == 1 and spider.new_ids == [stored.id]


def test_a_listing_fetched_as_an_article_is_not_one(make_spider: Callable[..., NewsSpider]) -> None:
    spider = make_spider()
    assert run_article(spider, response(HtmlResponse, "/tin-moi/", saved("tthue", "tin-moi/"), kind="article")) == []
    counts = spider.stats.site(SITE).counts
    assert counts["not_article"] == 1 and counts["articles"] == 0 and not spider.new_ids


def test_an_article_page_is_followed_where_no_sitemap_or_feed_lists_the_site(archive: Archive) -> None:
    site = load_sites()[SITE]
    bare = replace(site, discovery=replace(site.discovery, sitemaps=(), feeds=()))
    spider = NewsSpider(sites=[bare], origins={SITE: BASE + "/"}, archive=archive, stats=CrawlStats())
    assert spider.article_request(bare, BASE + ARTICLE, 0) is not None  # how the page was asked for
    out = run_article(spider, response(HtmlResponse, ARTICLE, saved("tthue", ARTICLE), kind="article"))
    assert out and all(isinstance(r, scrapy.Request) for r in out)
    assert {r.meta["kind"] for r in out} <= {"article", "listing"} and BASE + ARTICLE not in articles_of(out)


@pytest.mark.parametrize(("body", "ctype", "reason"), [
    (b"<html><body><p>" + b"x" * 5000, "text/html", "truncated"),
    (b"%PDF-1.4 ...", "application/pdf", "not_html"),
    (b"   ", "text/html", "empty"),
])
def test_broken_pages_are_counted_by_reason(make_spider: Callable[..., NewsSpider], body: bytes, ctype: str,
                                            reason: str) -> None:
    spider = make_spider()
    resp = response(TextResponse, "/a-1.html", body, kind="article", headers={"Content-Type": ctype})
    assert run_article(spider, resp) == []
    assert spider.stats.site(SITE).failures[reason] == 1


def test_a_section_page_read_by_the_generic_path_is_counted_as_one(archive: Archive) -> None:
    site = load_sites()[SITE]
    generic = replace(site, selectors=replace(site.selectors, title=None, date=None, body=None, author=None, drop=()))
    spider = NewsSpider(sites=[generic], origins={SITE: BASE + "/"}, archive=archive, stats=CrawlStats())
    page = (Path(__file__).parents[1] / "data" / "generic" / "section_cards.html").read_bytes()
    assert run_article(spider, response(HtmlResponse, "/tin-moi/", page, kind="article")) == []
    counts = spider.stats.site(SITE).counts
    assert counts["not_article"] == 1 and counts["section_pages"] == 1
