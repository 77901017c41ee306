"""One HTML page to one `Article`: title, date, author, dateline and clean body.

Site rules (CSS selectors from the registry) come first where they are given; otherwise the generic
path: the article gate (`crawler.gate`: section pages of teasers are refused), the body container
(`crawler.body`), the byline's date and author (`crawler.byline`). Never raises on garbage: a page
that is not an article gives None.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from lxml import html

from crawler import body, byline, gate
from crawler import htmltext as ht
from crawler.article import Article
from crawler.canon import canonical_url
from crawler.sites import Site
from crawler.vntext import split_dateline

log = logging.getLogger(__name__)

MIN_BODY_CHARS = 250  # below this a page is a stub, a gallery or an error page, not an article
MIN_WORDS = 40  # words of letters in a body found without site rules
_WORDS = re.compile(r"[^\W\d_]{2,}")
MIN_BODY_CHARS_SITE = 60  # a site's own article-body element proves an article; briefs can be short
_AUTHOR_ATTR = re.compile(r"author|tac-gia|byline", re.IGNORECASE)


def extract_html(data: str | bytes, url: str, site: Site | None = None) -> Article | None:
    """The article on a page, or None for a non-article page (listing, stub, error, garbage)."""
    return extract_verdict(data, url, site)[0]


def extract_verdict(data: str | bytes, url: str, site: Site | None = None) -> tuple[Article | None, str]:
    """(article or None, verdict): "article", "listing" (a section page of teasers) or "not_article"."""
    try:
        return _extract(data, url, site)
    except Exception as exc:  # noqa: BLE001 - a malformed page must never stop a crawl
        # One line: a binary or broken page is an expected input, not a bug worth a traceback.
        log.warning("extraction failed for %s: %s: %s", url, type(exc).__name__, exc)
        return None, "not_article"


def _extract(data: str | bytes, url: str, site: Site | None) -> tuple[Article | None, str]:
    text = ht.decode_html(data, site.charset if site else None)
    root = ht.parse(text)
    if root is None:
        return None, "not_article"
    meta = _metadata(root)
    ht.drop_scripts(root)  # after JSON-LD is read: no date or text is ever taken from a script
    site_rules = site is not None and site.selectors.body is not None
    title_el = _select_one(root, site.selectors.title if site else None)
    names = byline.site_names(url, meta, site)
    author = byline.person(_author_from_selector(root, site), names, site_rule=True)
    head = title_el if title_el is not None else byline.headline(root)
    head_text = ht.normalize_text(head.text_content()) if head is not None else meta.get("og:title", "")
    date_value, date_source, date_tz = byline.find_date(root, url, meta, site, head_text)
    # Whole pages sit in a <form> on some CMSes (ASP.NET): the generic path keeps noise tags until the body.
    ht.drop_elements(root, site.selectors.drop if site else ("nav", "aside", "footer"), furniture=False,
                     noise=site_rules)
    declared = gate.declared_article(root, meta)
    teasers = gate.teasers(root) if not site_rules else gate.Teasers(0, frozenset())
    body_el = _select_one(root, site.selectors.body if site else None)
    if body_el is None and site_rules:
        return None, "not_article"  # a checked site without its article body: a listing or an error page
    if site_rules:
        author = author or byline.person(_author_in(body_el), names, site_rule=True)
        ht.drop_elements(body_el, ())
        paras = ht.clean_paragraphs(ht.paragraphs(body_el))
    else:
        body_el = body.find_body(root)
        if body_el is not None:
            lead = body.lead_before(root, body_el)
            author = author or byline.person(_author_in(body_el), names)
            body.clean_body(body_el)
            ht.drop_elements(body_el, ())
            paras = ht.clean_paragraphs(([lead] if lead else []) + ht.paragraphs(body_el))
        else:
            paras = body.trafilatura_paragraphs(root, url)
        if gate.is_listing(paras, teasers, declared):
            return None, "listing"
        author = author or byline.author_near(root, names)
    if author:
        paras = [p for p in paras if p != author]
    dateline, paras = _strip_dateline(paras, site)
    text_body = "\n\n".join(paras)
    if len(text_body) < (MIN_BODY_CHARS_SITE if site_rules else MIN_BODY_CHARS):
        return None, "not_article"
    if not site_rules and len(_WORDS.findall(text_body)) < MIN_WORDS:
        return None, "not_article"  # long but not prose: markup debris, a table of numbers
    title, title_source = _title(root, title_el, meta, site, paras)
    if not title:
        return None, "not_article"
    if title_source != "lead" and paras and paras[0] == title:  # the headline repeated inside the body
        paras = paras[1:]
        text_body = "\n\n".join(paras)
    extra = {k: v for k, v in (("og:image", meta.get("og:image")), ("section", meta.get("article:section")),
                               ("title_source", title_source), ("published_tz", date_tz)) if v}
    meta_author = byline.person(meta.get("ld:author") or meta.get("author"), names)
    return Article(
        url=canonical_url(url), source=site.id if site else (urlsplit(url).hostname or "unknown"),
        title=title, body=text_body, source_province=site.province if site else None,
        published=date_value, published_source=date_source,
        author=ht.normalize_text(author or meta_author or "") or None,
        dateline=dateline, extra=tuple(sorted(extra.items())),
    ), "article"


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
        if key.startswith(("dcterms:", "dc:")):
            key = key.replace(":", ".", 1)
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
        if not any(str(k).endswith(gate.ARTICLE_TYPES) for k in kinds):
            # A WebPage's own dates still date the page, after an article's.
            if isinstance(item.get("datePublished"), str):
                meta.setdefault("ld:page-datepublished", item["datePublished"])
            continue
        if isinstance(item.get("headline"), str):
            meta.setdefault("ld:headline", item["headline"])
        if isinstance(item.get("datePublished"), str):
            meta.setdefault("ld:datepublished", item["datePublished"])
        author = item.get("author")
        author = author[0] if isinstance(author, list) and author else author
        name = author.get("name") if isinstance(author, dict) else author
        if isinstance(name, str) and name.strip():
            meta.setdefault("ld:author", ht.normalize_text(name))
        meta.setdefault("ld:type", str(next(str(k) for k in kinds if str(k).endswith(gate.ARTICLE_TYPES))))
    return meta


def _author_from_selector(root: html.HtmlElement, site: Site | None) -> str | None:
    el = _select_one(root, site.selectors.author if site else None)
    if el is None:
        return None
    text = ht.normalize_text(el.text_content())
    el.drop_tree()
    return text or None


def _author_in(container: html.HtmlElement) -> str | None:
    """An author line marked up as such inside the body (removed from it)."""
    for el in container.iter():
        if not isinstance(el.tag, str) or el is container:
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
    tag, rest = split_dateline(paras[0], site.dateline if site else ())
    return (tag, _replace_first(paras, rest)) if tag else (None, paras)


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
