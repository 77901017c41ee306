"""Exports of the whole current result set or of the ticked articles (CSV with BOM, XLSX, JSON), streamed;
a printable report view."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context

from crawler.article import Article
from index.types import Hit, SearchQuery
from nlp.models import IMPLEMENTED
from webui.helpers import plain_snippet, search_url, source_name, vn_number
from webui.params import ParamError, parse_search, query_args
from webui.resources import get_archive, get_index, open_archive_readonly
from webui.tables import csv_response, filename, safe_cell, xlsx_response

__all__ = ["COLUMNS", "bp", "safe_cell"]

bp = Blueprint("export", __name__)
BATCH = 200
#: The columns of an article export, in Vietnamese (the JSON export keeps its English keys).
COLUMNS = ("Mã bài", "Tiêu đề", "Địa chỉ", "Nguồn", "Ngày đăng", "Tác giả", "Tỉnh, thành (trước 7/2025)",
           "Tỉnh, thành (từ 7/2025)", "Mô hình thực hiện", "Mô hình nhắc đến", "Người", "Tổ chức", "Văn bản",
           "Chủ đề", "Độ liên quan", "Số bản đăng lại", "Tóm tắt", "Đoạn trích", "Nội dung")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: Parameters an export accepts besides the search ones: the selection, the CSV separator.
EXPORT_PARAMS = ("ids", "sep")
MAX_IDS = 500


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


def _names(entities: Any) -> str:
    return "; ".join(e.name for e in entities)


def article_row(art: Article | None, hit: Hit | None = None) -> list[object]:
    """Every field of one article (from the archive; the hit's values when the archive lacks it)."""
    enr = art.enrichment if art is not None else None
    models = enr.models if enr else ()
    done = [m.name for m in models if m.kind == IMPLEMENTED]
    mentioned = [m.name for m in models if m.kind != IMPLEMENTED]
    if hit is not None and not models:
        mentioned = list(hit.models)
    return [
        hit.id if hit else art.id if art else "",
        hit.title if hit else art.title if art else "",
        hit.url if hit else art.url if art else "",
        source_name(hit.source if hit else art.source if art else ""),
        (hit.published if hit else art.published if art else None) or "",
        (art.author if art else None) or "",
        (hit.province if hit else (enr.province if enr else art.source_province if art else None)) or "",
        (hit.province_2025 if hit else (enr.province_2025 if enr else None)) or "",
        "; ".join(done), "; ".join(mentioned),
        _names(enr.persons) if enr else "", _names(enr.organizations) if enr else "",
        _names(enr.documents) if enr else "",
        "; ".join(enr.themes if enr else hit.themes if hit else ()),
        round(float(enr.relevance), 3) if enr else "",
        hit.republications if hit else 0,
        (enr.summary if enr else "") or (hit.summary if hit else ""),
        plain_snippet(hit.snippet) if hit else "",
        art.body if art else "",
    ]


def export_query() -> SearchQuery:
    return parse_search(request.args, per_page=BATCH, max_per_page=BATCH, extra=EXPORT_PARAMS)


def selected_ids() -> list[str]:
    """The ticked articles (`ids=…`), in order, each once; a bad list is a 400."""
    ids = request.args.getlist("ids")
    if len(ids) > MAX_IDS or not all(_ID.match(i) for i in ids):
        raise ParamError("Danh sách bài viết được chọn không hợp lệ.")
    return list(dict.fromkeys(ids))


def export_rows() -> Iterator[list[object]]:
    """The rows of an export: the ticked articles when `ids` is given, else every hit of the search.
    Parameters are checked now (a 400, not a cut stream); the archive is read while streaming."""
    ids = selected_ids()
    if ids:
        return (article_row(a) for a in _articles(ids) if a is not None)
    hits = iter_hits(export_query(), int(current_app.config["EXPORT_LIMIT"]))
    return _hit_rows(hits)


def _articles(ids: list[str]) -> Iterator[Article | None]:
    # The stream's own connection: the request's one is closed at teardown, before the body is sent.
    with open_archive_readonly() as archive:
        for article_id in ids:
            yield archive.get(article_id)


def _hit_rows(hits: Iterator[Hit]) -> Iterator[list[object]]:
    with open_archive_readonly() as archive:
        for hit in hits:
            yield article_row(archive.get(hit.id), hit)


@bp.get("/export.csv")
def csv_export() -> Response:
    """CSV (UTF-8 with BOM, ";" unless `sep` says otherwise) of every matching or ticked article."""
    return csv_response(COLUMNS, export_rows(), "ket-qua")


@bp.get("/export.xlsx")
def xlsx_export() -> Response:
    """XLSX of every matching or ticked article, every field."""
    return xlsx_response(COLUMNS, export_rows(), "ket-qua", "Kết quả")


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
                    headers={"Content-Disposition": f'inline; filename="{filename("ket-qua", "json")}"'})


@bp.get("/print")
def print_view() -> str:
    """A printable report: the selected articles (ids=…) or the current page of a search."""
    ids = selected_ids()
    back = search_url()
    if ids:
        archive = get_archive()
        items = []
        for article_id in ids:
            art = archive.get(article_id)
            if art is None:
                continue
            enr = art.enrichment
            lead = (enr.summary if enr else "") or " ".join(art.body.split()[:60]) + "…"
            items.append({"title": art.title, "source": art.source, "province": enr.province if enr else None,
                          "published": art.published, "snippet": lead, "url": art.url, "id": art.id})
        heading = f"{len(items)} bài viết được chọn"
    else:
        query = parse_search(request.args, per_page=50, max_per_page=500)
        result = get_index().search(dataclasses.replace(query, facets=()))
        items = [{"title": h.title, "source": h.source, "province": h.province, "published": h.published,
                  "snippet": h.summary or plain_snippet(h.snippet), "url": h.url, "id": h.id} for h in result.hits]
        # "50 / 132 bài viết" read as a fraction: say which of the result's stories are printed.
        first = (query.page - 1) * query.per_page + 1
        part = (f"bài {vn_number(first)}–{vn_number(first + len(items) - 1)} trong " if 0 < len(items) < result.total
                else "")
        heading = f"{part}{vn_number(result.total)} bài viết" + (f" cho “{query.text}”" if query.text else "")
        shown = int(current_app.config["PER_PAGE"])  # the search page's own page size needs no parameter
        back = search_url(**_grouped(query_args(query)), page=query.page if query.page > 1 else None,
                          per_page=query.per_page if query.per_page != shown else None)
    return render_template("print.html", items=items, heading=heading, now=datetime.now(), back=back,
                           title="Báo cáo in")


def _grouped(args: list[tuple[str, str]]) -> dict[str, list[str]]:
    """URL parameters as search_url takes them: each key once, with its values."""
    out: dict[str, list[str]] = {}
    for key, value in args:
        out.setdefault(key, []).append(value)
    return out
