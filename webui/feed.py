"""Atom feed of any search (/feed?q=…&province=…): a subscription to "new stories matching this"."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for

from crawler.article import strip_unsafe
from index.types import SearchQuery
from webui.helpers import FACET_LABELS, plain_snippet
from webui.params import parse_search, query_args
from webui.resources import search as run_search

bp = Blueprint("feed", __name__)


def atom_date(value: str | None) -> str:
    """ISO local time (Asia/Ho_Chi_Minh) → RFC 3339 with its +07:00 offset."""
    if not value:
        return "1970-01-01T00:00:00Z"
    text = value[:19] if len(value) >= 19 else value[:10] + "T00:00:00"
    return text + ("" if value.endswith("Z") or "+" in value[10:] else "+07:00")


def external_url(endpoint: str, **values: str) -> str:
    """An absolute link: from the configured `base_url` when there is one, else from the request's host."""
    base = current_app.config.get("BASE_URL")
    if base:
        return str(base).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def feed_title(query: SearchQuery) -> str:
    parts = [query.text] if query.text else []
    parts += [f"{FACET_LABELS.get(k, k)}: {', '.join(v)}" for k, v in query.filters]
    if query.scope == "all":
        parts.append("tất cả bài (kể cả tin không về Chỉ thị 05)")
    return "CT05 – tin mới" + (f": {' · '.join(parts)}" if parts else "")


@bp.get("/feed/subscribe")
def subscribe() -> str:
    """The feed for people: what it holds, the address to paste into a feed reader, the newest entries."""
    query = parse_search(request.args)
    query = dataclasses.replace(query, sort="newest", page=1, per_page=int(current_app.config["FEED_SIZE"]),
                                facets=())
    result = run_search(query)
    args = query_args(query)
    feed_link = external_url("feed.feed") + ("?" + urlencode(args) if args else "")
    return render_template("feed.html", query=query, result=result, feed_link=feed_link, args=args,
                           feed_title=feed_title(query), title="Theo dõi tin mới")


@bp.get("/feed")
def feed() -> Response:
    """The newest matching articles, newest first, as Atom 1.0."""
    query = parse_search(request.args)
    query = dataclasses.replace(query, sort="newest", page=1, per_page=int(current_app.config["FEED_SIZE"]),
                                facets=())
    result = run_search(query)
    args = query_args(query)
    title = feed_title(query)
    search_link = external_url("search.search") + ("?" + urlencode(args) if args else "")
    self_link = external_url("feed.feed") + ("?" + urlencode(args) if args else "")
    feed_id = "urn:ct05:feed:" + hashlib.sha1(urlencode(sorted(args)).encode()).hexdigest()[:16]
    updated = max((atom_date(h.published) for h in result.hits), default=datetime.now(UTC).isoformat())
    body = render_template("feed.xml", title=title, hits=result.hits, search_link=search_link,
                           self_link=self_link, feed_id=feed_id, updated=updated, atom_date=atom_date,
                           plain=plain_snippet, external_url=external_url)
    # Entry points clean text (crawler.article.clean_text); this keeps older stored text from making the
    # whole feed invalid XML for every subscriber.
    return Response(strip_unsafe(body), mimetype="application/atom+xml")
