"""The article body on a page without site rules: the body container, the lead above it, no furniture.

The first element matching a known body class that holds real text (not empty, not all links) is the
body; otherwise the block that holds the most paragraph text; trafilatura only when neither holds
enough. The lead (sapo) that many CMSes put above the body container is kept; photo captions and
credits, related-story boxes and "Xem thêm"-style labels with their links are dropped.
"""

from __future__ import annotations

import re

from lxml import html

from crawler import htmltext as ht
from crawler.vntext import RELATED_LABEL

# Class names of body containers on common CMSes (VCCorp, VnExpress, WordPress, Joomla, news themes).
BODY_GUESSES = (
    "[itemprop=articleBody]", ".article-body", ".article__body", ".article-content", ".article__content",
    ".detail-content", ".detail__content", ".content-detail", ".detail-content-body", ".news-content",
    ".fck_detail", ".singular-content", ".cms-body", "#main-detail-body", ".knc-content", ".post-content",
    ".entry-content", ".post-body", ".story-body", ".story__content", "#content-detail", ".td-post-content",
    ".body-content", ".article-text", ".c-entry-content", ".articleBody", ".ArticleBody", "#articleBody",
    ".main-content-detail",
)
# Leads written outside the body container.
LEAD_GUESSES = (".sapo", ".detail-sapo", ".article__sapo", ".article-sapo", ".detail__summary", ".summary",
                ".lead", ".article-lead", ".chapeau", ".description", ".detail-lead", "h2.sapo", ".news-sapo",
                "[itemprop=description]")
# Captions, credits and related boxes inside a body (by class, id, tag or VCCorp's `type` attribute).
GENERIC_DROP = (
    "figcaption", "[class*=caption]", "[class*=Caption]", "[class*=credit]", "[class*=Credit]",
    "[type*=Related]", "[type*=related]", "[class*=related]", "[class*=Related]", "[id*=related]",
    "[class*=relate]", "[class*=tinlienquan]", "[class*=box-news]", "[class*=newsletter]",
    "[class*=read-more]", "[class*=readmore]", "[class*=see-also]", "[class*=also-read]",
)
MIN_TEXT = 200  # characters of non-link text a body container needs


def text_len(el: html.HtmlElement) -> tuple[int, int]:
    """(characters of text, characters inside links), whitespace removed."""
    total = len("".join(el.text_content().split()))
    linked = sum(len("".join(a.text_content().split())) for a in el.iter("a"))
    return total, linked


def find_body(root: html.HtmlElement) -> html.HtmlElement | None:
    """The body container: the first known body class with real text, else the densest text block."""
    for selector in BODY_GUESSES:
        for el in ht.select(root, selector):
            total, linked = text_len(el)
            if total - linked >= MIN_TEXT and linked <= 0.5 * total:
                return el
    return densest_block(root)


def densest_block(root: html.HtmlElement) -> html.HtmlElement | None:
    """The element whose paragraphs hold the most non-link text (parents score fully, grandparents half)."""
    scores: dict[html.HtmlElement, float] = {}
    below: dict[html.HtmlElement, int] = {}  # paragraph text held anywhere under each element
    total_text = 0
    for p in root.iter("p", "pre", "blockquote", "h2", "h3"):
        if _in_noise(p):
            continue
        total, linked = text_len(p)
        own = total - linked
        if own < 25 or linked > 0.5 * total:
            continue
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + own
        grand = parent.getparent()
        if grand is not None and grand.tag not in ("body", "html"):
            scores[grand] = scores.get(grand, 0.0) + own / 2
        total_text += own
        for anc in p.iterancestors():
            below[anc] = below.get(anc, 0) + own
    for el, own in _loose_text_blocks(root):
        # Paragraphs written as text and <br>s straight in a block (no <p>): the block is the container.
        scores[el] = scores.get(el, 0.0) + own
        total_text += own
        for anc in (el, *el.iterancestors()):
            below[anc] = below.get(anc, 0) + own
    if not scores:
        return None
    best = max(scores, key=lambda el: scores[el])
    if scores[best] < MIN_TEXT:
        return None
    # A story split over several sibling blocks: climb to the block that holds most of the text.
    node = best
    for _ in range(3):
        parent = node.getparent()
        if below.get(node, 0) >= 0.6 * total_text or parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return node if below.get(node, 0) >= 0.6 * total_text else best


_INLINE_TAGS = {"a", "b", "strong", "em", "i", "u", "span", "font", "br", "img", "sup", "sub", "small", "mark", "abbr"}


def _loose_text_blocks(root: html.HtmlElement) -> list[tuple[html.HtmlElement, int]]:
    """Blocks holding at least `MIN_TEXT` characters of non-link text directly (in text nodes and inline
    children, not in child blocks), with that amount: stories written with <br>s instead of <p>s."""
    out = []
    for el in root.iter("div", "section", "article", "td"):
        parts, linked = [el.text or ""], 0
        for child in el:
            if isinstance(child.tag, str) and child.tag in _INLINE_TAGS:
                inner = child.text_content()
                parts.append(inner)
                if child.tag == "a":
                    linked += len("".join(inner.split()))
                else:
                    linked += sum(len("".join(a.text_content().split())) for a in child.iter("a"))
            parts.append(child.tail or "")
        total = len("".join("".join(parts).split()))
        if total - linked >= MIN_TEXT and linked <= 0.5 * total and not _in_noise(el):
            out.append((el, total - linked))
    return out


_NOISE_ATTR = re.compile(r"consent|cookie|gdpr|newsletter|subscri|paywall|promo|comment", re.IGNORECASE)


def _in_noise(el: html.HtmlElement) -> bool:
    node = el.getparent()
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in ("aside", "footer", "nav") or (node.tag == "header" and node.find(".//h1") is None):
            return True
        if _NOISE_ATTR.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        node = node.getparent()
    return False


def lead_before(root: html.HtmlElement, body: html.HtmlElement) -> str | None:
    """The lead (sapo) written above the body container, outside it, when the page has one."""
    inside = set(body.iter())
    for selector in LEAD_GUESSES:
        for el in ht.select(root, selector):
            if el in inside or any(a in inside for a in el.iterancestors()) or body in set(el.iter()):
                continue
            text = ht.normalize_text(el.text_content())
            if 40 <= len(text) <= 1200 and _link_share(el) < 0.5:
                return text
    return None


def _link_share(el: html.HtmlElement) -> float:
    total, linked = text_len(el)
    return linked / total if total else 1.0


def clean_body(body: html.HtmlElement) -> None:
    """Drop captions, credits, related boxes, labelled link lists and blocks that are all links."""
    ht.drop_elements(body, GENERIC_DROP)
    doomed: list[html.HtmlElement] = []
    for el in body.iter("p", "div", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "strong", "b", "table"):
        if el is body:
            continue
        text = ht.normalize_text(el.text_content())
        if not text:
            continue
        if len(text) < 200 and RELATED_LABEL.match(text):
            doomed.append(el)
            nxt = el.getnext()
            if nxt is not None and _link_share(nxt) > 0.5:
                doomed.append(nxt)
        elif el.tag in ("ul", "ol", "div", "table") and len(text) < 600 and _link_share(el) > 0.7:
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def trafilatura_paragraphs(root: html.HtmlElement, url: str) -> list[str]:
    """Main text by trafilatura's default extraction, one paragraph per line, furniture removed."""
    import trafilatura

    out = trafilatura.extract(root, url=url, include_comments=False, include_tables=False, with_metadata=False)
    if not out:
        return []
    return ht.clean_paragraphs(out.split("\n"))
