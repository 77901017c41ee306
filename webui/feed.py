"""Atom feed of any search (/feed?q=…&province=…): a subscription to "new stories matching this"."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for

from crawler.article import strip_unsafe
from index.types import Hit, SearchQuery
from webui.helpers import FACET_LABELS, plain_snippet
from webui.params import parse_search, query_args
from webui.resources import get_archive
from webui.resources import search as run_search

bp = Blueprint("feed", __name__)


VN = timezone(timedelta(hours=7))


def atom_date(value: str | None) -> str | None:
    """An ISO date or time (a naive one is Vietnam local time) → RFC 3339 in Vietnam time; None when unknown."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value if len(value) > 10 else value[:10] + "T00:00:00")
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN)
    return parsed.astimezone(VN).replace(microsecond=0).isoformat()


def entry_times(hits: list[Hit]) -> tuple[list[tuple[Hit, str | None, str]], str]:
    """(hit, published, updated) per entry and the feed's updated time. An undated story (every story of the real
    1,233-article corpus) is not dated 1970: it has no <published>; its <updated> is when the archive stored it."""
    archive = get_archive()
    rows = []
    for hit in hits:
        published = atom_date(hit.published)
        stored = archive.get(hit.id) if published is None else None
        rows.append((hit, published, published or atom_date(stored.fetched_at if stored else None)))
    known = [updated for _h, _p, updated in rows if updated]
    feed_updated = max(known) if known else datetime.now(VN).replace(microsecond=0).isoformat()  # one offset
    return [(h, p, u or feed_updated) for h, p, u in rows], feed_updated


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
    entries, updated = entry_times(result.hits)
    body = render_template("feed.xml", title=title, entries=entries, search_link=search_link,
                           self_link=self_link, feed_id=feed_id, updated=updated,
                           plain=plain_snippet, external_url=external_url)
    # Entry points clean text (crawler.article.clean_text); this keeps older stored text from making the
    # whole feed invalid XML for every subscriber.
    return Response(strip_unsafe(body), mimetype="application/atom+xml")
