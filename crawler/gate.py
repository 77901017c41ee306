"""The article gate: is this page one story, or a section/listing page of teasers?

Positive evidence first (schema.org Article types, `og:type=article`, an `<article>` with a headline
and a dated byline, body text); then the negative signal that matters: a page whose text is mostly
teasers — cards of a headline link and a short summary, in `li`s or `div`s — is a listing, whatever
it declares. A sidebar or a related box of links does not veto a page whose body holds the story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html

from crawler import htmltext as ht

ARTICLE_TYPES = ("Article", "NewsArticle", "BlogPosting", "Report", "ReportageNewsArticle", "AnalysisNewsArticle",
                 "OpinionNewsArticle", "LiveBlogPosting", "TechArticle", "ScholarlyArticle")
HEADLINE_MIN, HEADLINE_MAX = 20, 220  # characters of a teaser's headline link
CARD_MAX = 700  # characters of a whole teaser card (headline, summary, date)
MIN_TEASERS = 6


@dataclass(frozen=True)
class Teasers:
    """The teaser cards of a page: how many, and their texts (headlines and summaries)."""

    count: int
    texts: frozenset[str]


def declared_article(root: html.HtmlElement, meta: dict[str, str]) -> bool:
    """The page says it is an article (schema.org type, og:type, articleBody, or an article with a byline)."""
    if meta.get("og:type", "").lower() == "article" or meta.get("ld:type", "").endswith(ARTICLE_TYPES):
        return True
    if ht.select(root, "[itemprop=articleBody]"):
        return True
    for article in root.iter("article"):
        if article.find(".//h1") is not None and article.find(".//time") is not None:
            return True
    return False


def teasers(root: html.HtmlElement) -> Teasers:
    """Cards of one headline link plus a short text, found by climbing from each headline-sized link
    to the largest ancestor (at most four levels) that holds no other headline link."""
    heads: list[tuple[html.HtmlElement, str]] = []
    for a in root.iter("a"):
        text = ht.normalize_text(a.text_content())
        if HEADLINE_MIN <= len(text) <= HEADLINE_MAX and len(text.split()) >= 4 and _standalone(a):
            heads.append((a, text))
    if len(heads) < MIN_TEASERS:
        return Teasers(0, frozenset())
    head_set = {a for a, _ in heads}
    texts: set[str] = set()
    count = 0
    for a, text in heads:
        card, card_text = a, text
        for _ in range(4):
            parent = card.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            if any(x is not a and x in head_set for x in parent.iter("a")):
                break
            parent_text = ht.normalize_text(parent.text_content())
            if len(parent_text) > CARD_MAX:
                break  # the link sits in running text (a story's body), not in a card
            card, card_text = parent, parent_text
        if len(card_text) > CARD_MAX:
            continue
        count += 1
        texts.add(text)
        if card is not a:
            texts.update(p for p in ht.paragraphs(card) if len(p) >= 20)
            texts.add(card_text)
    return Teasers(count, frozenset(texts))


_INLINE = {"strong", "b", "em", "i", "span", "font", "u"}
_LETTERS = re.compile(r"[^\W\d_]")


def _standalone(a: html.HtmlElement) -> bool:
    """A headline link stands alone (in a heading, a card, a list item with a date after it); a link
    inside a sentence of running text has words right before or after it."""
    node = a
    while node.getparent() is not None and node.getparent().tag in _INLINE:
        node = node.getparent()
    prev = node.getprevious()
    before = (prev.tail if prev is not None else node.getparent().text if node.getparent() is not None else "") or ""
    around = before + (node.tail or "")
    return len(_LETTERS.findall(around)) <= 15


def teaser_share(paras: list[str], found: Teasers) -> tuple[float, int]:
    """(share of the body's characters that are teaser text, number of teaser paragraphs)."""
    if not found.count or not paras:
        return 0.0, 0
    total = sum(len(p) for p in paras)
    hits = [p for p in paras if p in found.texts]
    return sum(len(p) for p in hits) / max(1, total), len(hits)


def is_listing(paras: list[str], found: Teasers, declared: bool) -> bool:
    """True when the text found is mostly teasers: a section or listing page."""
    share, hits = teaser_share(paras, found)
    if hits >= 4 and share >= (0.5 if declared else 0.35):
        return True
    # Declared or not: a page with many teaser cards whose "body" is short, loose text is a front page.
    prose = sum(len(p) for p in paras if p not in found.texts)
    return found.count >= 3 * MIN_TEASERS and prose < 400
