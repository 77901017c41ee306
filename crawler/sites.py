"""The site registry: what to crawl on each provincial news site and how to read its pages.

Loaded from `crawler/sites.toml` and validated on load; a bad entry raises `SiteConfigError`
naming the site and the key. Discovery paths are relative to the site's base URL so that a
mirror copy can be crawled at another address (`base_urls` at crawl time).
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.tomlfile import read_toml

DEFAULT_PATH = Path(__file__).with_name("sites.toml")


class SiteConfigError(ValueError):
    """A registry entry is malformed: the message names the site and the key."""


@dataclass(frozen=True)
class Discovery:
    """Where a site lists its articles."""

    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    listing_patterns: tuple[str, ...] = ()  # regexes (on path+query) of listing and pagination pages
    search: str | None = None  # URL template with {query}
    max_listing_pages: int = 200
    max_depth: int = 6


@dataclass(frozen=True)
class Selectors:
    """CSS selectors of the article parts, where the generic extractor needs help."""

    title: str | None = None
    date: str | None = None
    body: str | None = None
    author: str | None = None
    drop: tuple[str, ...] = ()


@dataclass(frozen=True)
class Politeness:
    """Request pacing for one site."""

    delay: float = 1.0
    concurrency: int = 2
    obey_robots: bool = True
    autothrottle: bool = True
    timeout: float = 30.0  # seconds per request
    retries: int = 2  # retries of a failed request, with back-off


@dataclass(frozen=True)
class Site:
    """One news site of the registry."""

    id: str
    name: str
    province: str | None
    domains: tuple[str, ...]
    base_url: str | None
    article_patterns: tuple[str, ...]
    discovery: Discovery = field(default_factory=Discovery)
    selectors: Selectors = field(default_factory=Selectors)
    politeness: Politeness = field(default_factory=Politeness)
    date_formats: tuple[str, ...] = ()  # hints for humans and tests, e.g. "dd/mm/yyyy - HH:MM"
    dateline: tuple[str, ...] = ()  # body prefixes such as "TTH -", "(HBĐT) -"
    charset: str | None = None
    checked: bool = False  # a saved page confirms the selectors and patterns
    mirror_of: str | None = None  # the real site this entry is an offline copy of

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


_SITE_KEYS = {"name", "province", "domains", "base_url", "article_patterns", "discovery", "selectors",
              "politeness", "date_formats", "dateline", "charset", "checked", "mirror_of"}
_REQUIRED = ("name", "article_patterns")


def _strings(site_id: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SiteConfigError(f"site {site_id}: {key} must be a string or a list of strings")
    return tuple(value)


def _section(site_id: str, name: str, raw: Any, cls: type, lists: set[str]) -> Any:
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise SiteConfigError(f"site {site_id}: {name} must be a table")
    known = set(cls.__dataclass_fields__)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise SiteConfigError(f"site {site_id}: unknown key {name}.{key}")
        if key in lists:
            value = _strings(site_id, f"{name}.{key}", value)
        else:
            default = cls.__dataclass_fields__[key].default
            expected = type(default) if default is not None else str
            if expected is float and isinstance(value, int):
                value = float(value)
            if not isinstance(value, expected) or isinstance(value, bool) is not (expected is bool):
                raise SiteConfigError(f"site {site_id}: {name}.{key} must be {expected.__name__}")
        values[key] = value
    return cls(**values)


def parse_site(site_id: str, raw: dict[str, Any]) -> Site:
    """Validate one registry entry."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", site_id):
        raise SiteConfigError(f"site {site_id}: id must be lower-case letters, digits and dashes")
    if not isinstance(raw, dict):
        raise SiteConfigError(f"site {site_id}: entry must be a table")
    for key in raw:
        if key not in _SITE_KEYS:
            raise SiteConfigError(f"site {site_id}: unknown key {key}")
    for key in _REQUIRED:
        if not raw.get(key):
            raise SiteConfigError(f"site {site_id}: missing required key {key}")
    if "domains" not in raw:
        raise SiteConfigError(f"site {site_id}: missing required key domains")
    for key in ("name", "province", "base_url", "charset", "mirror_of"):
        if key in raw and not isinstance(raw[key], str):
            raise SiteConfigError(f"site {site_id}: {key} must be a string")
    if "checked" in raw and not isinstance(raw["checked"], bool):
        raise SiteConfigError(f"site {site_id}: checked must be true or false")
    patterns = _strings(site_id, "article_patterns", raw["article_patterns"])
    discovery = _section(site_id, "discovery", raw.get("discovery"), Discovery,
                         {"sitemaps", "feeds", "listings", "listing_patterns"})
    if discovery.search is not None:
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(discovery.search) if f is not None}
        except ValueError as exc:
            raise SiteConfigError(f"site {site_id}: discovery.search: bad template: {exc}") from exc
        if fields != {"query"}:
            raise SiteConfigError(f"site {site_id}: discovery.search must contain {{query}} and no other field")
    for key, group in (("article_patterns", patterns), ("discovery.listing_patterns", discovery.listing_patterns)):
        for pattern in group:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SiteConfigError(f"site {site_id}: {key}: bad regex {pattern!r}: {exc}") from exc
    return Site(
        id=site_id, name=raw["name"], province=raw.get("province"),
        domains=_strings(site_id, "domains", raw.get("domains", [])), base_url=raw.get("base_url"),
        article_patterns=patterns, discovery=discovery,
        selectors=_section(site_id, "selectors", raw.get("selectors"), Selectors, {"drop"}),
        politeness=_section(site_id, "politeness", raw.get("politeness"), Politeness, set()),
        date_formats=_strings(site_id, "date_formats", raw.get("date_formats", [])),
        dateline=_strings(site_id, "dateline", raw.get("dateline", [])),
        charset=raw.get("charset"), checked=bool(raw.get("checked", False)), mirror_of=raw.get("mirror_of"),
    )


def load_sites(path: Path | str | None = None) -> dict[str, Site]:
    """Every site of the registry, by id: `path`, else $CT05_SITES, else the bundled `crawler/sites.toml`."""
    path = Path(path) if path else Path(os.environ.get("CT05_SITES") or DEFAULT_PATH)
    data = read_toml(path, SiteConfigError)
    sites = data.get("sites")
    if not isinstance(sites, dict) or not sites:
        raise SiteConfigError(f"{path}: no [sites.<id>] tables")
    return {site_id: parse_site(site_id, raw) for site_id, raw in sites.items()}


def site_for_url(url: str, sites: dict[str, Site]) -> Site | None:
    """The registry site whose domains include the URL's host (www. ignored)."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    for site in sites.values():
        if any(host == d or host.endswith("." + d) for d in site.domains):
            return site
    return None
