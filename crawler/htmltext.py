"""From HTML bytes to clean paragraph text: decoding, DOM parsing, furniture removal.

The helpers here know nothing about articles; `crawler.extract` assembles an `Article` from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from lxml import etree, html
from lxml.cssselect import CSSSelector

from crawler.article import clean_text, fold_spaces, strip_unsafe
from crawler.vntext import FURNITURE_TEXT

# Block-level tags whose text makes one paragraph each.
BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "figcaption", "li", "blockquote", "pre", "td", "dd", "dt"}
CONTAINER_TAGS = {"div", "section", "article", "main", "figure", "ul", "ol", "table", "tbody", "tr", "dl",
                  "header", "span", "font", "center"}
# Elements that are never article text.
NOISE_TAGS = ("script", "style", "noscript", "template", "iframe", "form", "button", "input", "select",
              "textarea", "svg", "canvas", "nav", "aside", "footer", "object", "embed")
# class/id words of page furniture: menus, share bars, related lists, widgets, ads, statistics.
FURNITURE_ATTR = re.compile(
    r"(^|[\s_-])(menu|nav|navbar|breadcrumbs?|share|sharing|social|related|relate|other-news|tin-khac|"
    r"tinlienquan|lien-quan|sidebar|widget|weather|thoitiet|ads?|advert\w*|banner|quang-cao|qc|"
    r"stats?|statistics?|counter|visitors?|thong-ke|fontsize|font-size|text-size|toolbar|print|"
    r"tags?|comments?|binh-luan|login|dang-nhap|pager|pagination|footer|header-top|gtranslate|top-link)"
    r"($|[\s_-])", re.IGNORECASE)
_CHARSET_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.IGNORECASE)


def normalize_text(text: str) -> str:
    """NFC, one space between words, no zero-width or control characters, stripped."""
    return fold_spaces(clean_text(text))


def decode_html(data: str | bytes, declared: str | None = None) -> str:
    """HTML bytes to text. UTF-8 wins whenever the bytes are valid UTF-8 (a page declared
    windows-1258 that is really UTF-8 is common); otherwise the declared or <meta> charset,
    falling back to windows-1258, the legacy Vietnamese code page."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    meta = _CHARSET_META.search(data[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    candidates += ["cp1258", "cp1252"]
    for name in candidates:
        if name.lower().replace("-", "") in {"utf8", "utf"}:
            continue
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def parse(text: str) -> html.HtmlElement | None:
    """An lxml tree, or None for an empty or unparseable document."""
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    # Before any node text is set: lxml refuses to set text holding a control character (\x0b, \x1f…).
    text = strip_unsafe(text)
    if not text.strip():
        return None
    # Source newlines are just whitespace; <br> is the only line break a reader sees. Replaced in the
    # source, once, rather than node by node after parsing (a third of the parse time, profiled).
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return root


@lru_cache(maxsize=512)
def css(selector: str) -> CSSSelector | None:
    """A compiled CSS selector (cached: the registry's few selectors run on every page), None if invalid."""
    try:
        return CSSSelector(selector, translator="html")
    except Exception:  # noqa: BLE001 - a bad selector in the registry must not stop a crawl
        return None


def select(root: html.HtmlElement, selector: str) -> list[html.HtmlElement]:
    """Elements matching a CSS selector ([] for an invalid one)."""
    compiled = css(selector)
    return list(compiled(root)) if compiled is not None else []


def is_furniture(el: html.HtmlElement) -> bool:
    """True when an element's class or id names page furniture."""
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(attrs.strip()) and bool(FURNITURE_ATTR.search(attrs))


def drop_elements(root: html.HtmlElement, selectors: Iterable[str] = (), furniture: bool = True,
                  noise: bool = True) -> None:
    """Remove noise tags (optionally), the given CSS selectors and (optionally) elements named like furniture."""
    # One walk for all the noise tags. The order elements are dropped in does not change the tree: a
    # dropped element's tail joins the text before it whatever was dropped first.
    doomed: list[html.HtmlElement] = list(root.iter(*NOISE_TAGS)) if noise else []
    for selector in selectors:
        doomed += select(root, selector)
    if furniture:
        doomed += [el for el in root.iter() if isinstance(el.tag, str) and el is not root and is_furniture(el)]
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()


def drop_scripts(root: html.HtmlElement) -> None:
    """Remove scripts, styles and templates (JSON-LD stays: date readers look at it, it shows no text)."""
    for el in list(root.iter("script", "style", "noscript", "template")):
        if el.tag == "script" and (el.get("type") or "").lower() == "application/ld+json":
            continue
        if el.getparent() is not None:
            el.drop_tree()


def element_text(el: html.HtmlElement) -> str:
    """Visible text of an element, one line per <br> (see `parse`), whitespace-normalised per line."""
    lines = [normalize_text(line) for line in el.text_content().split("\n")]
    return "\n".join(line for line in lines if line)


def paragraphs(el: html.HtmlElement) -> list[str]:
    """The paragraphs of a content element: each block element, and loose text between blocks."""
    out: list[str] = []
    loose: list[str] = []

    def flush() -> None:
        text = "".join(loose)
        loose.clear()
        out.extend(line for line in (normalize_text(x) for x in text.split("\n")) if line)

    def walk(node: html.HtmlElement) -> None:
        if node.text and node.text.strip():
            loose.append(node.text)
        for child in node:
            if not isinstance(child.tag, str):
                pass
            elif child.tag in BLOCK_TAGS:
                flush()
                out.extend(line for line in element_text(child).split("\n") if line)
            elif child.tag in CONTAINER_TAGS or child.tag == "div":
                flush()
                walk(child)
                flush()
            elif child.tag == "br":
                flush()
            elif child.tag == "img":
                pass
            else:
                loose.append(child.text_content())
            if child.tail and child.tail.strip():
                loose.append(child.tail)

    walk(el)
    flush()
    return out


def clean_paragraphs(paras: Iterable[str]) -> list[str]:
    """Drop furniture paragraphs and exact repeats, keeping the order."""
    seen: set[str] = set()
    out: list[str] = []
    for para in paras:
        text = normalize_text(para)
        if not text or (len(text) < 80 and FURNITURE_TEXT.match(text)):
            continue
        if text in seen:
            continue
        seen.add(text)
        out.append(text)
    return out


def link_density(el: html.HtmlElement) -> float:
    """Share of an element's text that sits inside links (listing pages are mostly links)."""
    total = len("".join(el.text_content().split()))
    if not total:
        return 1.0
    linked = sum(len("".join(a.text_content().split())) for a in el.iter("a"))
    return linked / total


def iter_json_ld(root: html.HtmlElement) -> Iterator[dict]:
    """Every JSON-LD object of the page, @graph members flattened."""
    import json

    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
