"""Exports of the whole current result set (CSV with BOM, JSON), streamed; a printable report view."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context

from index.types import Hit, SearchQuery
from webui.helpers import plain_snippet
from webui.params import ParamError, parse_search
from webui.resources import get_archive, get_index

bp = Blueprint("export", __name__)
BATCH = 200
COLUMNS = ("id", "url", "title", "source", "province", "province_2025", "published", "models", "themes",
           "republications", "snippet")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe (OWASP)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def iter_hits(query: SearchQuery, limit: int) -> Iterator[Hit]:
    """Every hit of the query, page after page, up to `limit` (facets are not computed).

    The first page is searched before the generator is returned: a query the index refuses is a 400
    page, not a 200 whose stream is cut."""
    idx = get_index()
    first = idx.search(dataclasses.replace(query, page=1, per_page=BATCH, facets=()))
    return _iter_pages(idx, query, limit, first)


def _iter_pages(idx: Any, query: SearchQuery, limit: int, first: Any) -> Iterator[Hit]:
    page, sent = 1, 0
    while sent < limit:
        result = first if page == 1 else idx.search(dataclasses.replace(query, page=page, per_page=BATCH, facets=()))
        if not result.hits:
            return
        for hit in result.hits:
            yield hit
            sent += 1
            if sent >= limit:
                return
        if page * BATCH >= result.total:
            return
        page += 1


def row(hit: Hit) -> list[str]:
    cells = [hit.id, hit.url, hit.title, hit.source, hit.province or "", hit.province_2025 or "",
             hit.published or "", "; ".join(hit.models), "; ".join(hit.themes), str(hit.republications),
             plain_snippet(hit.snippet)]
    return [safe_cell(c) for c in cells]


def filename(ext: str) -> str:
    return f"ct05-ket-qua-{datetime.now().strftime('%Y%m%d-%H%M')}.{ext}"


def export_query() -> SearchQuery:
    return parse_search(request.args, per_page=BATCH, max_per_page=BATCH)


@bp.get("/export.csv")
def csv_export() -> Response:
    """CSV, UTF-8 with BOM so Excel shows Vietnamese, of every matching article."""
    query = export_query()
    limit = int(current_app.config["EXPORT_LIMIT"])

    hits = iter_hits(query, limit)

    def generate() -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(COLUMNS)
        yield "\ufeff" + _drain(buf)
        for n, hit in enumerate(hits, 1):
            writer.writerow(row(hit))
            if n % 100 == 0:
                yield _drain(buf)
        yield _drain(buf)

    return Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename("csv")}"'})


def _drain(buf: io.StringIO) -> str:
    text = buf.getvalue()
    buf.seek(0)
    buf.truncate(0)
    return text


@bp.get("/export.json")
def json_export() -> Response:
    """JSON of every matching article: {"query": …, "hits": [...]}, streamed."""
    query = export_query()
    limit = int(current_app.config["EXPORT_LIMIT"])

    hits = iter_hits(query, limit)

    def generate() -> Iterator[str]:
        head = {"q": query.text, "filters": {k: list(v) for k, v in query.filters},
                "date_from": query.date_from, "date_to": query.date_to, "sort": query.sort, "scope": query.scope}
        yield '{"query": ' + json.dumps(head, ensure_ascii=False) + ', "hits": ['
        for n, hit in enumerate(hits):
            yield ("," if n else "") + "\n" + json.dumps(hit.as_dict(), ensure_ascii=False)
        yield "\n]}\n"

    return Response(stream_with_context(generate()), mimetype="application/json",
                    headers={"Content-Disposition": f'inline; filename="{filename("json")}"'})


@bp.get("/print")
def print_view() -> str:
    """A printable report: the selected articles (ids=…) or the current page of a search."""
    ids = request.args.getlist("ids")
    if ids:
        if len(ids) > 500 or not all(_ID.match(i) for i in ids):
            raise ParamError("Danh sách bài viết cần in không hợp lệ.")
        archive = get_archive()
        items = []
        for article_id in dict.fromkeys(ids):
            art = archive.get(article_id)
            if art is None:
                continue
            enr = art.enrichment
            lead = " ".join(art.body.split()[:60])
            items.append({"title": art.title, "source": art.source, "province": enr.province if enr else None,
                          "published": art.published, "snippet": lead + "…", "url": art.url, "id": art.id})
        heading = f"{len(items)} bài viết được chọn"
    else:
        query = parse_search(request.args, per_page=50, max_per_page=500)
        result = get_index().search(dataclasses.replace(query, facets=()))
        items = [{"title": h.title, "source": h.source, "province": h.province, "published": h.published,
                  "snippet": plain_snippet(h.snippet), "url": h.url, "id": h.id} for h in result.hits]
        heading = f"{len(items)} / {result.total} bài viết" + (f" cho “{query.text}”" if query.text else "")
    return render_template("print.html", items=items, heading=heading, now=datetime.now(),
                           title="Báo cáo in")
