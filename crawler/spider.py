"""The Scrapy spider: discovers article URLs from sitemaps, feeds and listing pages, fetches articles
it does not know yet and stores the extracted `Article`s in the archive (`crawler.pipeline.ArchiveWriter`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, quote_plus, urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.archive import Archive, utcnow
from crawler.canon import canonical_url
from crawler.dates import parse_iso, parse_vn_date
from crawler.errors import failure_reason
from crawler.pipeline import ArchiveWriter
from crawler.sites import Site
from crawler.stats import CrawlStats
from crawler.workers import Batches, Extracted, ExtractPool, extract_page

log = logging.getLogger(__name__)
MAX_SITEMAPS = 50  # per site, sitemap index entries included
MAX_PENDING = 64  # pages in the extraction workers at once; past it a callback waits for its own page


class NewsSpider(scrapy.Spider):
    """Crawls the given sites; one instance per `crawl_sites` call."""

    name = "ct05"

    def __init__(self, *, sites: list[Site], origins: dict[str, str], archive: Archive, stats: CrawlStats,
                 run_id: int | None = None, refresh: bool = False, since: dict[str, str] | None = None,
                 validators: dict[str, dict[str, str]] | None = None, polite: bool = True,
                 extractor: ExtractPool | None = None, searches: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.searches = tuple(q for q in searches if q.strip())  # queries for the sites' own search pages
        self.search_pages: dict[str, int] = {}
        self.sites = {s.id: s for s in sites}
        self.origins = origins  # site id -> base URL actually crawled
        self.archive = archive
        self.stats = stats
        self.run_id = run_id
        self.refresh = refresh
        self.since = since or {}  # site id -> start of its last finished crawl (naive local ISO)
        self.validators = validators or {}  # listing URL -> {"etag": ..., "last_modified": ...}
        self.new_validators: dict[str, dict[str, str]] = {}
        self.documents: dict[str, str] = {}  # canonical URL of each sitemap, feed, listing asked -> site id
        self.polite = polite
        self.extractor = extractor
        self.known = {s.id: archive.known_urls(s.id) for s in sites}
        self.scheduled: set[str] = set()  # canonical article URLs requested in this run
        self.seen_raw: set[str] = set()  # every discovered URL as written, before canonicalisation
        self.listing_pages: dict[str, int] = {}
        self.sitemap_count: dict[str, int] = {}
        self.new_ids: list[str] = []
        self.signatures: dict[str, tuple[str, bytes]] = {}  # new article id -> (content hash, MinHash bytes)
        self.writer = ArchiveWriter(self)
        self.batches = Batches(extractor, self._store, MAX_PENDING)  # pages out to the extraction workers

    #: The methods requests name as callback or errback.
    CALLBACKS = ("parse_sitemap", "parse_feed", "parse_listing", "parse_search", "parse_article", "on_error")

    def __dir__(self) -> list[str]:
        # Scrapy stores each queued request in the JOBDIR with its callback's name, found by
        # `inspect.getmembers(spider)`, which reads every attribute dir() lists: twice per request,
        # ~0.1 ms each (profiled). Listing only the callbacks keeps that lookup cheap.
        return list(self.CALLBACKS)

    # -- requests --------------------------------------------------------------------------------

    def _meta(self, site: Site, kind: str, depth: int = 0) -> dict[str, Any]:
        p = site.politeness
        meta: dict[str, Any] = {"site": site.id, "kind": kind, "ct05_depth": depth,
                                "download_slot": site.id, "download_timeout": p.timeout,
                                "max_retry_times": p.retries}
        if not p.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if not p.autothrottle or not self.polite:
            meta["autothrottle_dont_adjust_delay"] = True
        return meta

    def _same_origin(self, site: Site, url: str) -> bool:
        host = urlsplit(url).netloc.lower().removeprefix("www.")
        origin = urlsplit(self.origins[site.id]).netloc.lower().removeprefix("www.")
        return host == origin or any(host == d or host.endswith("." + d) for d in site.domains)

    async def start(self) -> AsyncIterator[Any]:
        for site in self.sites.values():
            urls = site.start_urls(self.origins[site.id])
            for url in urls["sitemaps"]:
                yield self.conditional(site, url, "sitemap", self.parse_sitemap, 30, dont_filter=True)
            for url in urls["feeds"]:
                yield self.conditional(site, url, "feed", self.parse_feed, 20, dont_filter=True)
            for url in urls["listings"]:
                request = self.listing_request(site, url, 0)
                if request is not None:
                    yield request.replace(dont_filter=True)
            if site.discovery.search:
                for query in self.searches:
                    url = urljoin(self.origins[site.id], site.discovery.search.format(query=quote_plus(query)))
                    search = self.search_request(site, url, 0)
                    if search is not None:
                        yield search

    def conditional(self, site: Site, url: str, kind: str, callback: Any, priority: int, depth: int = 0,
                    dont_filter: bool = False) -> scrapy.Request:
        """A request for a sitemap, feed or listing page, conditional (If-None-Match / If-Modified-Since)
        on what the last finished crawl saw of it; unconditional with --refresh."""
        key = canonical_url(url)
        self.documents[key] = site.id
        headers: dict[str, str] = {}
        cached = {} if self.refresh else self.validators.get(key, {})
        if cached.get("etag"):
            headers["If-None-Match"] = cached["etag"]
        if cached.get("last_modified"):
            headers["If-Modified-Since"] = cached["last_modified"]
        meta = self._meta(site, kind, depth)
        meta["handle_httpstatus_list"] = [304]
        return scrapy.Request(url, callback=callback, errback=self.on_error, headers=headers, meta=meta,
                              priority=priority, dont_filter=dont_filter)

    def _unchanged(self, response: Response, site: Site) -> bool:
        """True for a 304; otherwise remember the document's validators for the next crawl."""
        if response.status == 304:
            self.stats.site(site.id).bump("not_modified")
            return True
        headers = response.headers
        validators = {k: headers.get(h, b"").decode("latin-1")
                      for k, h in (("etag", "ETag"), ("last_modified", "Last-Modified"))}
        if validators["etag"] or validators["last_modified"]:
            self.new_validators[canonical_url(response.url)] = validators
        return False

    def listing_request(self, site: Site, url: str, depth: int) -> scrapy.Request | None:
        """A (conditional) request for a listing page, or None past the page and depth bounds."""
        count = self.listing_pages.get(site.id, 0)
        if count >= site.discovery.max_listing_pages or depth > site.discovery.max_depth:
            return None
        self.listing_pages[site.id] = count + 1
        return self.conditional(site, url, "listing", self.parse_listing, 10, depth)

    def search_request(self, site: Site, url: str, depth: int) -> scrapy.Request | None:
        """A request for a page of the site's own search results, within the listing page bound."""
        count = self.search_pages.get(site.id, 0)
        if count >= site.discovery.max_listing_pages:
            return None
        self.search_pages[site.id] = count + 1
        return scrapy.Request(url, callback=self.parse_search, errback=self.on_error, priority=25,
                              meta=self._meta(site, "search", depth))

    def article_request(self, site: Site, url: str, depth: int, lastmod: str | None = None) -> scrapy.Request | None:
        """A request for an article URL, or None when it is known (and not to refresh) or already asked."""
        key = canonical_url(url)
        if key in self.scheduled:
            return None
        if key in self.known[site.id]:
            since = self.since.get(site.id)
            unchanged = lastmod is not None and since is not None and lastmod <= since
            if not self.refresh or unchanged:
                self.scheduled.add(key)
                self.stats.site(site.id).bump("skipped")
                return None
        self.scheduled.add(key)
        # dont_filter: a crawl resumed after a crash must be able to fetch an article again whose
        # request was in flight (and so marked seen) when the process died.
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, dont_filter=True,
                              meta=self._meta(site, "article", depth))

    def links_to(self, site: Site, url: str, depth: int, lastmod: str | None = None) -> Iterator[scrapy.Request]:
        """Requests for one discovered URL: an article, a listing page, or nothing."""
        if not url or url in self.seen_raw:
            return
        # Menus and related lists repeat the same links on every page: skip exact repeats cheaply.
        self.seen_raw.add(url)
        if not self._same_origin(site, url):
            return
        if site.is_article_url(url):
            request = self.article_request(site, url, depth, lastmod)
        elif site.is_listing_url(url):
            request = self.listing_request(site, url, depth)
        else:
            return
        if request is not None:
            yield request

    # -- callbacks -------------------------------------------------------------------------------

    def _site(self, response: Response) -> Site:
        return self.sites[response.meta["site"]]

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        stats = self.stats.site(site.id)
        stats.bump("pages")
        if self._unchanged(response, site):
            return
        stats.bump("sitemaps")
        try:
            root = etree.fromstring(response.body, parser=etree.XMLParser(recover=True, resolve_entities=False,
                                                                          no_network=True))
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            stats.fail("bad_sitemap")
            return
        for node in root:
            tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
            loc = lastmod = None
            for child in node:
                name = etree.QName(child).localname if isinstance(child.tag, str) else ""
                if name == "loc":
                    loc = (child.text or "").strip()
                elif name == "lastmod":
                    lastmod = parse_iso(child.text or "")
            if not loc:
                continue
            loc = urljoin(response.url, loc)
            if tag == "sitemap":
                self.sitemap_count[site.id] = self.sitemap_count.get(site.id, 0) + 1
                since = self.since.get(site.id)
                if self.sitemap_count[site.id] <= MAX_SITEMAPS and not (lastmod and since and lastmod <= since):
                    yield self.conditional(site, loc, "sitemap", self.parse_sitemap, 30)
            elif tag == "url":
                yield from self.links_to(site, loc, 1, lastmod)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        stats = self.stats.site(site.id)
        stats.bump("pages")
        if self._unchanged(response, site):
            return
        stats.bump("feeds")
        try:
            root = etree.fromstring(response.body, parser=etree.XMLParser(recover=True, resolve_entities=False,
                                                                          no_network=True))
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            stats.fail("bad_feed")
            return
        for item in root.iter("{*}item", "{*}entry"):
            link = None
            date = None
            for child in item:
                name = etree.QName(child).localname if isinstance(child.tag, str) else ""
                if name == "link":
                    link = (child.text or child.get("href") or "").strip()
                elif name in {"pubDate", "updated", "published"}:
                    date = parse_iso(child.text or "") or _rfc822(child.text or "")
            if link:
                yield from self.links_to(site, urljoin(response.url, link), 1, date)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        stats = self.stats.site(site.id)
        stats.bump("pages")
        if self._unchanged(response, site):
            return
        stats.bump("listings")
        yield from self._follow(site, response)

    def parse_search(self, response: Response) -> Iterator[scrapy.Request]:
        """A search result page: its articles, and its further result pages (same path and query); menus
        and other listings are left to the regular discovery."""
        site = self._site(response)
        stats = self.stats.site(site.id)
        stats.bump("pages")
        stats.bump("searches")
        if not hasattr(response, "xpath"):
            return
        here = urlsplit(response.url)
        asked = {k: v for k, v in parse_qs(here.query).items() if k not in ("page", "p", "trang")}
        depth = int(response.meta.get("ct05_depth", 0)) + 1
        for href in response.xpath("//a/@href").getall():
            url = urljoin(response.url, href.strip()).split("#", 1)[0]
            if not url.startswith(("http://", "https://")) or not self._same_origin(site, url):
                continue
            if site.is_article_url(url):
                request = self.article_request(site, url, depth)
            else:
                there = urlsplit(url)
                same = there.path == here.path and {k: v for k, v in parse_qs(there.query).items()
                                                    if k not in ("page", "p", "trang")} == asked
                request = self.search_request(site, url, depth) if same and url != response.url else None
            if request is not None:
                yield request

    def _follow(self, site: Site, response: Response) -> Iterator[scrapy.Request]:
        depth = int(response.meta.get("ct05_depth", 0)) + 1
        if not hasattr(response, "xpath"):
            return
        for href in response.xpath("//a/@href").getall():
            url = urljoin(response.url, href.strip()).split("#", 1)[0]
            if url.startswith(("http://", "https://")):
                yield from self.links_to(site, url, depth)

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        site = self._site(response)
        stats = self.stats.site(site.id)
        stats.bump("pages")
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if ctype and "html" not in ctype and "xml" not in ctype:
            stats.fail("not_html")
            return
        body = response.body
        if not body.strip():
            stats.bump("not_article")
            stats.fail("empty")
            log.info("empty page %s", response.url)
            return
        if b"</html" not in body[-4096:].lower() and b"</body" not in body[-4096:].lower():
            stats.fail("truncated")
            log.info("truncated page %s (%d bytes)", response.url, len(body))
            return
        # The worker extracts while this callback returns: a callback suspended on the worker's future cost
        # the reactor thread more (coroutine adapters, wake-ups) than the page's transfer.
        if not self.batches.offer((body, response.url, site)):
            result = await self.extractor.extract(body, response.url, site) if self.extractor else \
                extract_page(body, response.url, site)
            self._store(response.url, site, result)
        # Article pages are followed only where sitemaps and feeds do not list every article.
        if not (site.discovery.sitemaps or site.discovery.feeds) and hasattr(response, "xpath"):
            for request in self._follow(site, response):
                yield request

    def _store(self, url: str, site: Site, result: Extracted) -> None:
        article, minhash, verdict = result
        stats = self.stats.site(site.id)
        if article is None:
            stats.bump("not_article")
            if verdict == "listing":
                stats.bump("section_pages")
            log.info("not an article (%s): %s", verdict, url)
            return
        stats.bump("articles")
        self.writer.add(article.replace(fetched_at=utcnow()), minhash)

    def closed(self, reason: str) -> None:
        """Store what the workers are still extracting (and the pages not sent yet), then the last batch."""
        self.batches.drain()
        self.writer.flush()

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        site_id = request.meta.get("site", "?")
        reason = failure_reason(failure)
        self.stats.site(site_id).fail(reason)
        log.warning("%s: %s failed: %s", site_id, request.url, reason)


def _rfc822(text: str) -> str | None:
    from email.utils import parsedate_to_datetime

    try:
        value = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return parse_vn_date(text)
    from crawler.dates import iso_local

    return iso_local(value)
