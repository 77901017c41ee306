"""One HTML page to one `Article`: title, date, author, dateline and clean body.

Site rules (CSS selectors from the registry) come first where they are given; otherwise the page's
machine-readable metadata (JSON-LD, OpenGraph, article:published_time) and trafilatura's main-text
extraction, cleaned of furniture the generic extractor lets through. Never raises on garbage:
a page that is not an article gives None.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from lxml import html

from crawler import htmltext as ht
from crawler.article import Article
from crawler.canon import canonical_url
from crawler.dates import date_from_url, parse_any, parse_iso, parse_vn_date
from crawler.sites import Site

log = logging.getLogger(__name__)

MIN_BODY_CHARS = 250  # below this a page is a stub, a gallery or an error page, not an article
MIN_BODY_CHARS_SITE = 60  # a site's own article-body element proves an article; briefs can be short
_ORG_WORDS = re.compile(r"\b(UBND|Văn phòng|Ban |Sở |Báo |Cổng |Tỉnh ủy|Trung tâm|Đài |Tòa soạn|Phòng )",
                        re.IGNORECASE)
MAX_LINK_DENSITY = 0.5
# Machine-readable publication dates, most trusted first.
_META_DATES = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
               "date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date")
_BODY_GUESSES = ("[itemprop=articleBody]", ".article-body", ".article-content", ".detail-content",
                 ".content-detail", ".news-content", ".post-content", ".entry-content", "#content-detail")
_DATE_ATTR = re.compile(r"date|time|publish|ngay|byline|meta|post-info", re.IGNORECASE)
_AUTHOR_ATTR = re.compile(r"author|tac-gia|byline", re.IGNORECASE)
_DATELINE = re.compile(r"^\((?P<tag>[A-ZĐ][A-ZĐ0-9.]{1,11})\)\s*[-–—:]\s*|^(?P<bare>[A-ZĐ]{2,5}) [-–—] (?=\S)")
_GENERIC_DATELINES = ("TTXVN", "VOV", "VNA")


def extract_html(data: str | bytes, url: str, site: Site | None = None) -> Article | None:
    """The article on a page, or None for a non-article page (listing, stub, error, garbage)."""
    try:
        return _extract(data, url, site)
    except Exception as exc:  # noqa: BLE001 - a malformed page must never stop a crawl
        # One line: a binary or broken page is an expected input, not a bug worth a traceback.
        log.warning("extraction failed for %s: %s: %s", url, type(exc).__name__, exc)
        return None


def _extract(data: str | bytes, url: str, site: Site | None) -> Article | None:
    text = ht.decode_html(data, site.charset if site else None)
    root = ht.parse(text)
    if root is None:
        return None
    meta = _metadata(root)
    site_rules = site is not None and site.selectors.body is not None
    title_el = _select_one(root, site.selectors.title if site else None)
    author = _author_from_selector(root, site)
    date_value, date_source = _date(root, url, meta, site)
    ht.drop_elements(root, site.selectors.drop if site else (), furniture=False)
    body_el = _select_one(root, site.selectors.body if site else None)
    if body_el is None and site_rules:
        return None  # a checked site without its article body: a listing or an error page
    if body_el is None:
        body_el = next((el for sel in _BODY_GUESSES if (el := _select_one(root, sel)) is not None), None)
    if body_el is not None:
        if ht.link_density(body_el) > MAX_LINK_DENSITY:
            return None
        author = author or _author_in(body_el)
        ht.drop_elements(body_el, ())
        paras = ht.clean_paragraphs(ht.paragraphs(body_el))
    else:
        if not _looks_like_article(root, meta, date_source):
            return None
        paras = _trafilatura_paragraphs(text, url)
    if author:
        paras = [p for p in paras if p != author]
    dateline, paras = _strip_dateline(paras, site)
    body = "\n\n".join(paras)
    if len(body) < (MIN_BODY_CHARS_SITE if site_rules else MIN_BODY_CHARS):
        return None
    title, title_source = _title(root, title_el, meta, site, paras)
    if not title:
        return None
    if title_source != "lead" and paras and paras[0] == title:  # the headline repeated inside the body
        paras = paras[1:]
        body = "\n\n".join(paras)
    extra = {k: v for k, v in (("og:image", meta.get("og:image")), ("section", meta.get("article:section")),
                               ("title_source", title_source)) if v}
    return Article(
        url=canonical_url(url), source=site.id if site else (urlsplit(url).hostname or "unknown"),
        title=title, body=body, source_province=site.province if site else None,
        published=date_value, published_source=date_source,
        author=ht.normalize_text(author or meta.get("author") or "") or None,
        dateline=dateline, extra=tuple(sorted(extra.items())),
    )


def _looks_like_article(root: html.HtmlElement, meta: dict[str, str], date_source: str) -> bool:
    """Without site rules: some sign that the page is one story, not a listing or a home page."""
    items = 0
    for li in root.iter("li"):
        if li.find(".//a") is not None and len(ht.normalize_text(li.text_content())) > 80:
            items += 1
    if items >= 8:
        return False  # a list of teasers: a listing page
    return (meta.get("og:type") == "article" or "ld:type" in meta or root.find(".//article") is not None
            or date_source in ("metadata", "byline"))


def _select_one(root: html.HtmlElement, selector: str | None) -> html.HtmlElement | None:
    if not selector:
        return None
    found = ht.select(root, selector)
    return found[0] if found else None


def _metadata(root: html.HtmlElement) -> dict[str, str]:
    """<meta> properties/names (lower-cased keys), itemprops and JSON-LD article fields."""
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if key and value and key not in meta:
            meta[key] = value
    for el in ht.select(root, "[itemprop=datePublished]"):
        value = el.get("content") or el.get("datetime") or ""
        if value:
            meta.setdefault("datepublished", value)
    for item in ht.iter_json_ld(root):
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(str(k).endswith(("Article", "NewsArticle", "BlogPosting", "Report")) for k in kinds):
            continue
        if isinstance(item.get("headline"), str):
            meta.setdefault("ld:headline", item["headline"])
        if isinstance(item.get("datePublished"), str):
            meta.setdefault("ld:datepublished", item["datePublished"])
        author = item.get("author")
        author = author[0] if isinstance(author, list) and author else author
        name = author.get("name") if isinstance(author, dict) else author
        # Many CMSs put the publishing office in the author field; only a person is an author.
        if isinstance(name, str) and name.strip() and not _ORG_WORDS.search(name):
            meta.setdefault("ld:author", ht.normalize_text(name))
        meta.setdefault("ld:type", str(kinds[0]))
    if "ld:author" in meta:
        meta.setdefault("author", meta["ld:author"])
    return meta


def _date(root: html.HtmlElement, url: str, meta: dict[str, str], site: Site | None) -> tuple[str | None, str]:
    """(published, source): metadata, then the byline near the headline, then the URL."""
    for key in ("ld:datepublished", *_META_DATES):
        if key in meta and (value := parse_iso(meta[key]) or parse_vn_date(meta[key])):
            return value, "metadata"
    if site and site.selectors.date:
        el = _select_one(root, site.selectors.date)
        if el is not None and (value := parse_vn_date(ht.element_text(el))):
            return value, "byline"
    else:
        for el in root.iter("time", "span", "div", "p"):
            attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
            if el.tag != "time" and not _DATE_ATTR.search(attrs):
                continue
            if _in_furniture(el):
                continue
            value = (parse_any(el.get("datetime")) if el.get("datetime") else None) or \
                parse_vn_date(ht.element_text(el)[:200])
            if value:
                return value, "byline"
    value = date_from_url(url)
    return (value, "url") if value else (None, "none")


def _in_furniture(el: html.HtmlElement) -> bool:
    """True when the element sits in a related-news list, sidebar, footer, menu or listing."""
    node: html.HtmlElement | None = el
    while node is not None:
        if isinstance(node.tag, str) and (node.tag in {"aside", "footer", "nav", "li", "ul", "ol"}
                                          or ht.is_furniture(node)):
            return True
        node = node.getparent()
    return False


def _author_from_selector(root: html.HtmlElement, site: Site | None) -> str | None:
    el = _select_one(root, site.selectors.author if site else None)
    if el is None:
        return None
    text = ht.normalize_text(el.text_content())
    el.drop_tree()
    return text or None


def _author_in(body: html.HtmlElement) -> str | None:
    """An author line marked up as such inside the body (removed from it)."""
    for el in body.iter():
        if not isinstance(el.tag, str) or el is body:
            continue
        attrs = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
        if _AUTHOR_ATTR.search(attrs):
            text = ht.normalize_text(el.text_content())
            if 0 < len(text) <= 80:
                el.drop_tree()
                return text
    return None


def _strip_dateline(paras: list[str], site: Site | None) -> tuple[str | None, list[str]]:
    """Remove a dateline prefix ("TTH - ", "(HBĐT) - ") from the first paragraph."""
    if not paras:
        return None, paras
    first = paras[0]
    prefixes = list(site.dateline if site else ()) + [f"{d} -" for d in _GENERIC_DATELINES]
    for prefix in prefixes:
        pattern = re.escape(prefix.rstrip(" -–")).replace(r"\ ", r"\s*") + r"\s*[-–—]\s*"
        match = re.match(pattern, first)
        if match:
            tag = prefix.rstrip(" -–").strip("() ")
            return tag, _replace_first(paras, first[match.end():])
    match = _DATELINE.match(first)
    if match:
        return match["tag"] or match["bare"], _replace_first(paras, first[match.end():])
    return None, paras


def _replace_first(paras: list[str], first: str) -> list[str]:
    first = first.strip()
    return ([first] if first else []) + paras[1:]


def _title(root: html.HtmlElement, title_el: html.HtmlElement | None, meta: dict[str, str],
           site: Site | None, paras: list[str]) -> tuple[str, str | None]:
    """(title, how it was found when not from the page's headline)."""
    if title_el is not None and (text := ht.normalize_text(title_el.text_content())):
        return text, None
    if site is None or site.selectors.title is None:
        h1 = root.find(".//h1")
        if h1 is not None and (text := ht.normalize_text(h1.text_content())):
            return text, None
    for key in ("ld:headline", "og:title", "twitter:title"):
        if meta.get(key):
            return ht.normalize_text(meta[key]), "metadata"
    page_title = root.find(".//title")
    site_names = {site.name.removesuffix(" (mirror)")} if site else set()
    if page_title is not None:
        text = ht.normalize_text(page_title.text_content())
        for sep in (" - ", " | ", " – "):
            head, _, tail = text.rpartition(sep)
            if head and (tail in site_names or len(tail) < 40):
                text = head
                break
        # A <title> without a separator and no headline on the page is the site's name.
        has_sep = any(sep in ht.normalize_text(page_title.text_content()) for sep in (" - ", " | ", " – "))
        if text and text not in site_names and has_sep:
            return text, "html-title"
    # No headline anywhere (some CMS pages show none): the lead's first sentence stands in.
    lead = paras[0] if paras else ""
    sentence = re.split(r"(?<=[.!?…])\s", lead, maxsplit=1)[0]
    if len(sentence) > 160:
        sentence = sentence[:160].rsplit(" ", 1)[0] + "…"
    return sentence, "lead"


def _trafilatura_paragraphs(text: str, url: str) -> list[str]:
    """Main text by trafilatura, one paragraph per line, furniture removed."""
    import trafilatura

    out = trafilatura.extract(text, url=url, include_comments=False, include_tables=False,
                              favor_precision=True, deduplicate=True, with_metadata=False)
    if not out:
        return []
    return ht.clean_paragraphs(out.split("\n"))
