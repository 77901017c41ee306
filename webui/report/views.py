"""Báo cáo pages: the draft (/report), its printable view (/report/print), Word (/report.docx) and JSON.

All four take the search page's parameters (q, facets, dates, scope) plus `era` (2016: 63 provinces,
2025: 34), and render one `build_report` result.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from markupsafe import Markup

from index.types import SearchQuery
from webui.charts import month_chart
from webui.params import parse_search, query_args
from webui.provinces import era_facet as check_era
from webui.report.data import build_report
from webui.report.text import SECTIONS, Text
from webui.report.word import report_docx
from webui.resources import TTLCache, get_archive, get_index, index_token

bp = Blueprint("report", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_query() -> tuple[SearchQuery, str]:
    """The request's query and era, validated (a bad value is a 400 with one line)."""
    query = parse_search(request.args, extra=("era",), per_page=1)
    era = request.args.get("era", "").strip()
    check_era(era)
    return query, era


def current_report() -> tuple[dict[str, Any], SearchQuery, str]:
    """The report of the request's query, built once for the page, its print view, Word and JSON (a second
    or two over a whole archive: opening the page then downloading the document must not pay it twice)."""
    query, era = report_query()
    cache: TTLCache = current_app.extensions.setdefault("ct05.report_cache", TTLCache())
    ttl = float(current_app.config["SEARCH_CACHE_SECONDS"])
    key = (query, era, index_token())
    report = cache.get(key, ttl) if ttl > 0 else None
    if report is None:
        report = build_report(get_index(), get_archive(), query, era=era)
        if ttl > 0:
            cache.put(key, report, 16)
    return report, query, era


def render_context(report: dict[str, Any], query: SearchQuery, era: str) -> dict[str, Any]:
    """What both report templates need: the report, its wording and the month chart as inline SVG."""
    months = report["months"]
    chart = month_chart([(m, c) for m, c in months["series"]], title="Số tin bài theo tháng") \
        if months["series"] else Markup("")
    args = query_args(query) + ([("era", era)] if era else [])
    return {"report": report, "t": Text(report), "sections": SECTIONS, "chart": chart, "query": query,
            "era": era, "args": args, "search_args": query_args(query), "title": "Báo cáo"}


def filename(ext: str) -> str:
    return f"bao-cao-ct05-{datetime.now():%Y%m%d-%H%M}.{ext}"


@bp.get("/report")
def page() -> str:
    """The draft on screen, with the period form and the downloads."""
    report, query, era = current_report()
    return render_template("report.html", **render_context(report, query, era))


@bp.get("/report/print")
def printable() -> str:
    """The same draft as a page that prints (or saves as PDF) like the Word document."""
    report, query, era = current_report()
    return render_template("report_print.html", **render_context(report, query, era))


@bp.get("/report.docx")
def docx() -> Response:
    """The draft as a Word document to finish and file."""
    report, _query, _era = current_report()
    response = Response(report_docx(report), mimetype=DOCX)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename("docx")}"'
    return response


@bp.get("/report.json")
def as_json() -> Response:
    """The report's data (the figures the page and the document show)."""
    report, _query, _era = current_report()
    return jsonify(report)

