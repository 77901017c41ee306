"""Bài viết: one archived article with its metadata, entities, republications and related stories."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, abort, render_template

from crawler.archive import enrichment_of
from nlp.relevance import TOPIC_THRESHOLD, relevance, topic_reasons
from webui.resources import get_archive, get_index

bp = Blueprint("articles", __name__)
log = logging.getLogger(__name__)
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs (blank-line separated); single newlines inside a paragraph are kept as spaces."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]


def topic_card(art: Any) -> dict[str, Any]:
    """The article's topic score, whether it is in the default scope, and the signals behind the score."""
    documents = art.enrichment.documents if art.enrichment else ()
    score = art.enrichment.relevance if art.enrichment else relevance(art.title, art.body, documents)
    return {"score": score, "threshold": TOPIC_THRESHOLD, "in_topic": score >= TOPIC_THRESHOLD,
            "reasons": topic_reasons(art.title, art.body, documents)}


def linked(article_id: str) -> tuple[list[Any], list[Any]]:
    """Republications and related stories; a failure there must not take the article page down."""
    try:
        idx = get_index()
        return list(idx.republications(article_id)), list(idx.more_like_this(article_id, 6))
    except Exception:  # the page is still useful without them; log for the maintainers
        log.exception("related stories failed for %s", article_id)
        return [], []


@bp.get("/article/<article_id>")
def article(article_id: str) -> str:
    """The clean text with paragraphs and everything the pipeline knows about it."""
    if not _ID.match(article_id):
        abort(404)
    art = get_archive().get(article_id)
    if art is None:
        abort(404)
    enr = enrichment_of(art)
    republications, related = linked(article_id)
    original = None
    if art.republication_of:
        original = get_archive().get(art.republication_of)
    safe_url = art.url if art.url.startswith(("http://", "https://")) else None
    return render_template("article.html", a=art, e=enr, paragraphs=paragraphs(art.body),
                           republications=republications, related=related, original=original,
                           safe_url=safe_url, title=art.title, topic=topic_card(art))
