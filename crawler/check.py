"""`ct05 sites check`: does a registry entry still fit its site? Extract one page, or probe discovery."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError

from lxml import etree, html

from crawler.article import Article
from crawler.extract import extract_verdict
from crawler.settings import USER_AGENT
from crawler.sites import Site

TIMEOUT = 20


@dataclass
class CheckReport:
    """Human-readable findings; `ok` is False when something the crawl needs does not work."""

    site: str
    lines: list[str] = field(default_factory=list)
    ok: bool = True

    def add(self, line: str, ok: bool = True) -> None:
        self.lines.append(("  " if ok else "! ") + line)
        self.ok = self.ok and ok


def fetch(url: str) -> tuple[int, bytes]:
    """(status, body) of a GET with the crawler's User-Agent; status 0 when unreachable."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - http(s) only
            return int(response.status), response.read(8 * 1024 * 1024)
    except URLError as exc:
        code = getattr(exc, "code", 0)
        return int(code or 0), b""
    except (OSError, ValueError):
        return 0, b""


def check_page(site: Site, page: str) -> CheckReport:
    """Extract one saved page (file path) or live URL with the site's rules and report the fields."""
    report = CheckReport(site.id)
    if Path(page).is_file():
        data, url = Path(page).read_bytes(), (site.base_url or "http://localhost/") + Path(page).name
    else:
        status, data = fetch(page)
        url = page
        report.add(f"GET {page}: HTTP {status}, {len(data)} bytes", ok=status == 200)
    report.add(f"article URL pattern {'matches' if site.is_article_url(url) else 'does not match'} {url}",
               ok=site.is_article_url(url) or Path(page).is_file())
    rules = site.selectors.body is not None
    article, verdict = extract_verdict(data, url, site)
    generic, generic_verdict = extract_verdict(data, url) if rules else (article, verdict)
    report.add("site rules: " + ("body " + site.selectors.body if rules else
                                 "none (the generic path reads this site's pages)"))
    if article is None:
        report.add("no article extracted (selectors do not match, or not an article page: "
                   f"{_VERDICTS[verdict]})", ok=False)
    else:
        _fields(report, article, "")
    if rules:
        report.add("generic path (no site rules), for comparison:")
        if generic is None:
            report.add(f"    no article: {_VERDICTS[generic_verdict]}")
        else:
            _fields(report, generic, "    ")
    return report


_VERDICTS = {"listing": "a section or listing page of teasers", "not_article": "no article body found",
             "article": "an article"}


def _fields(report: CheckReport, article: Article, indent: str) -> None:
    report.add(f"{indent}title:     {article.title}")
    tz = dict(article.extra).get("published_tz")
    report.add(f"{indent}published: {article.published} ({article.published_source})" + (f" {tz}" if tz else ""))
    report.add(f"{indent}author:    {article.author}")
    report.add(f"{indent}dateline:  {article.dateline}")
    paras = article.body.split("\n\n")
    report.add(f"{indent}body:      {len(paras)} paragraphs, {len(article.body)} characters")
    for para in paras[:2] + (["…", paras[-1]] if len(paras) > 3 else []):
        report.add(f"{indent}    " + (para[:100] + "…" if len(para) > 100 else para))


def check_discovery(site: Site, base_url: str | None = None) -> CheckReport:
    """Fetch robots.txt, sitemaps, feeds and listings and count the article links each yields."""
    report = CheckReport(site.id)
    base = base_url or site.base_url
    if not base:
        report.add("no base_url: give --base-url", ok=False)
        return report
    status, _ = fetch(base.rstrip("/") + "/robots.txt")
    report.add(f"robots.txt: HTTP {status}", ok=status in (200, 404))
    urls = site.start_urls(base)
    for kind in ("sitemaps", "feeds", "listings"):
        for url in urls[kind]:
            status, data = fetch(url)
            links = _links(data, url, kind)
            articles = sum(1 for link in links if site.is_article_url(link))
            report.add(f"{kind[:-1]} {url}: HTTP {status}, {articles} article links of {len(links)}",
                       ok=status == 200 and articles > 0)
    return report


def _links(data: bytes, url: str, kind: str) -> list[str]:
    if not data:
        return []
    if kind in ("sitemaps", "feeds"):
        try:
            root = etree.fromstring(data, parser=etree.XMLParser(recover=True, no_network=True,
                                                                 resolve_entities=False))
        except etree.XMLSyntaxError:
            return []
        if root is None:
            return []
        return [(el.text or el.get("href") or "").strip() for el in root.iter("{*}loc", "{*}link")]
    try:
        doc = html.document_fromstring(data, base_url=url)
    except (etree.ParserError, ValueError):
        return []
    doc.make_links_absolute(url)
    return [a.get("href", "") for a in doc.iter("a")]
