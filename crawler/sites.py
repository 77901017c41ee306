"""The site registry: what to crawl on each provincial news site and how to read its pages.

Loaded from `crawler/sites.toml` and validated on load against `SCHEMA` (the config form of
`crawler.config`); a bad entry raises `SiteConfigError` naming the file, the site and the key.
Discovery paths are relative to the site's base URL so that a mirror copy can be crawled at another
address (`base_urls` at crawl time).
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.config import Key, read_toml, validate

DEFAULT_PATH = Path(__file__).with_name("sites.toml")


class SiteConfigError(ValueError):
    """A registry entry is malformed: the message names the file, the site and the key."""


#: [sites.<id>] → Key(kind, default, meaning): the one config form (crawler.config); docs/add-a-site.md
#: lists every key (tests/test_config_docs.py checks both ways).
SITE: dict[str, Key] = {
    "name": Key("str", None, "the site's name as readers know it (shown for its sources)", required=True),
    "province": Key("str", None, "the province the paper belongs to (the post-2025 one for a current paper)"),
    "domains": Key("str_or_list", None, "host names of the site (subdomains and www. match too)", required=True),
    "base_url": Key("url", None, "the address discovery paths are resolved against"),
    "article_patterns": Key("regexes", None, "regexes on path+query of an article URL", required=True),
    "discovery": Key("table", {}, "where the site lists its articles (the `discovery.*` keys)"),
    "selectors": Key("table", {}, "CSS selectors of the article parts (the `selectors.*` keys)"),
    "politeness": Key("table", {}, "request pacing (the `politeness.*` keys)"),
    "date_formats": Key("str_or_list", [], "date shapes the site uses, for humans and tests"),
    "dateline": Key("str_or_list", [], 'body prefixes such as "TTH -", "(HBĐT) -"'),
    "charset": Key("str", None, "the pages' encoding when they do not declare it"),
    "checked": Key("bool", False, "a saved page confirms the selectors and patterns"),
    "mirror_of": Key("str", None, "the real site this entry is an offline copy of"),
}
DISCOVERY: dict[str, Key] = {
    "sitemaps": Key("str_or_list", [], "sitemap paths, relative to base_url"),
    "feeds": Key("str_or_list", [], "RSS/Atom feed paths, relative to base_url"),
    "listings": Key("str_or_list", [], 'listing (section) page paths, relative to base_url ("" is the home page)'),
    "listing_patterns": Key("regexes", [], "regexes on path+query of listing and pagination pages"),
    "search": Key("str", None, "the site search's URL template, with {query}"),
    "max_listing_pages": Key("int", 200, "listing pages followed per crawl at most"),
    "max_depth": Key("int", 6, "links followed from a start page at most"),
}
SELECTORS: dict[str, Key] = {
    "title": Key("str", None, "CSS selector of the headline"),
    "date": Key("str", None, "CSS selector of the byline date"),
    "body": Key("str", None, "CSS selector of the article body (pages without it are refused)"),
    "author": Key("str", None, "CSS selector of the author"),
    "drop": Key("str_or_list", [], "CSS selectors removed from the body"),
}
POLITENESS: dict[str, Key] = {
    "delay": Key("float", 1.0, "seconds between two requests to the site"),
    "concurrency": Key("int", 2, "requests to the site at once", 1),
    "obey_robots": Key("bool", True, "obey robots.txt"),
    "autothrottle": Key("bool", True, "let Scrapy's AutoThrottle adapt the delay"),
    "timeout": Key("float", 30.0, "seconds per request"),
    "retries": Key("int", 2, "retries of a failed request, with back-off"),
}
#: Every table of an entry and its schema (`sites.*` is the entry itself), for the docs test.
SCHEMA: dict[str, dict[str, Key]] = {"sites.*": SITE, "sites.*.discovery": DISCOVERY,
                                     "sites.*.selectors": SELECTORS, "sites.*.politeness": POLITENESS}


def _frozen(values: dict[str, Any]) -> dict[str, Any]:
    """Lists as tuples: the registry's dataclasses are frozen and hashable."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}


@dataclass(frozen=True)
class Discovery:
    """Where a site lists its articles (keys and defaults: `DISCOVERY`)."""

    sitemaps: tuple[str, ...]
    feeds: tuple[str, ...]
    listings: tuple[str, ...]
    listing_patterns: tuple[str, ...]  # regexes (on path+query) of listing and pagination pages
    search: str | None  # URL template with {query}
    max_listing_pages: int
    max_depth: int


@dataclass(frozen=True)
class Selectors:
    """CSS selectors of the article parts, where the generic extractor needs help (`SELECTORS`)."""

    title: str | None
    date: str | None
    body: str | None
    author: str | None
    drop: tuple[str, ...]


@dataclass(frozen=True)
class Politeness:
    """Request pacing for one site (`POLITENESS`)."""

    delay: float
    concurrency: int
    obey_robots: bool
    autothrottle: bool
    timeout: float  # seconds per request
    retries: int  # retries of a failed request, with back-off


@dataclass(frozen=True)
class Site:
    """One news site of the registry (`SITE`)."""

    id: str
    name: str
    province: str | None
    domains: tuple[str, ...]
    base_url: str | None
    article_patterns: tuple[str, ...]
    discovery: Discovery
    selectors: Selectors
    politeness: Politeness
    date_formats: tuple[str, ...]  # hints for humans and tests, e.g. "dd/mm/yyyy - HH:MM"
    dateline: tuple[str, ...]  # body prefixes such as "TTH -", "(HBĐT) -"
    charset: str | None
    checked: bool  # a saved page confirms the selectors and patterns
    mirror_of: str | None  # the real site this entry is an offline copy of

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", tuple(re.compile(p) for p in self.article_patterns))
        object.__setattr__(self, "_listing", tuple(re.compile(p) for p in self.discovery.listing_patterns))

    def is_article_url(self, url: str) -> bool:
        """True when the URL's path (and query) matches one of the article patterns."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return any(p.search(path) for p in self._compiled)  # type: ignore[attr-defined]

    def is_listing_url(self, url: str) -> bool:
        """True for listing and pagination pages the crawler should follow."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return any(p.search(path) for p in self._listing)  # type: ignore[attr-defined]

    def start_urls(self, base_url: str | None = None) -> dict[str, list[str]]:
        """Absolute sitemap, feed and listing URLs, resolved against `base_url` or the site's own."""
        base = base_url or self.base_url
        if not base:
            raise SiteConfigError(f"site {self.id}: no base_url; give one at crawl time")
        base = base if base.endswith("/") else base + "/"
        return {
            "sitemaps": [urljoin(base, p.lstrip("/")) for p in self.discovery.sitemaps],
            "feeds": [urljoin(base, p.lstrip("/")) for p in self.discovery.feeds],
            "listings": [urljoin(base, p.lstrip("/")) for p in self.discovery.listings],
        }


def parse_site(site_id: str, raw: dict[str, Any], where: str = "sites.toml") -> Site:
    """Validate one registry entry against `SITE` and its sub-tables; errors name `where` and the key."""
    name = f"sites.{site_id}"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", site_id):
        raise SiteConfigError(f"{where}: {name}: id must be lower-case letters, digits and dashes")
    values = validate(raw, SITE, where=where, name=name, error=SiteConfigError)
    for key in ("name", "article_patterns"):
        if not values[key]:
            raise SiteConfigError(f"{where}: {name}.{key}: must not be empty")
    parts = {key: _frozen(validate(values[key], schema, where=where, name=f"{name}.{key}", error=SiteConfigError))
             for key, schema in (("discovery", DISCOVERY), ("selectors", SELECTORS), ("politeness", POLITENESS))}
    search = parts["discovery"]["search"]
    if search is not None:
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(search) if f is not None}
        except ValueError as exc:
            raise SiteConfigError(f"{where}: {name}.discovery.search: bad template: {exc}") from exc
        if fields != {"query"}:
            raise SiteConfigError(f"{where}: {name}.discovery.search: must contain {{query}} and no other field")
    return Site(id=site_id, **_frozen({k: v for k, v in values.items() if k not in parts}),
                discovery=Discovery(**parts["discovery"]), selectors=Selectors(**parts["selectors"]),
                politeness=Politeness(**parts["politeness"]))


def load_sites(path: Path | str | None = None) -> dict[str, Site]:
    """Every site of the registry, by id: `path`, else $CT05_SITES, else the bundled `crawler/sites.toml`."""
    path = Path(path) if path else Path(os.environ.get("CT05_SITES") or DEFAULT_PATH)
    data = read_toml(path, SiteConfigError)
    sites = data.get("sites")
    if not isinstance(sites, dict) or not sites:
        raise SiteConfigError(f"{path}: no [sites.<id>] tables")
    return {site_id: parse_site(site_id, raw, path.name) for site_id, raw in sites.items()}


def site_for_url(url: str, sites: dict[str, Site]) -> Site | None:
    """The registry site whose domains include the URL's host (www. ignored)."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    for site in sites.values():
        if any(host == d or host.endswith("." + d) for d in site.domains):
            return site
    return None
