"""Tìm kiếm: the search page at / and /search, and the search-syntax help."""

from __future__ import annotations

import calendar
import dataclasses
from typing import Any

from flask import Blueprint, current_app, render_template, request

from index.facetdefs import FACET_DEFS
from index.types import FACETS, FacetValue, SearchQuery, SearchResult
from webui import chips
from webui.charts import fill_months, grouped_chart, month_chart
from webui.helpers import search_url
from webui.params import page_count, parse_search, query_args
from webui.resources import search as run_search

bp = Blueprint("search", __name__)

#: How many values of each facet the sidebar shows before "Xem thêm".
FACET_SHOWN = 8
#: At most this many values per facet in the sidebar (the full lists are on /api/facets and the catalogues).
FACET_MAX = 30


def month_link(query: SearchQuery):  # type: ignore[no-untyped-def]
    """A function month → the search URL narrowed to that month (the chart's bars are links)."""
    base = [(k, v) for k, v in query_args(query) if k not in ("date_from", "date_to")]

    def link(month: str) -> str:
        y, m = int(month[:4]), int(month[5:7])
        last = calendar.monthrange(y, m)[1]
        params: dict[str, list[str]] = {}
        for k, v in base:
            params.setdefault(k, []).append(v)
        return search_url(**params, date_from=f"{month}-01", date_to=f"{month}-{last:02d}")

    return link


def with_month_facet(query: SearchQuery) -> SearchQuery:
    """The same query, also counting articles per month, with unlimited facet values."""
    return dataclasses.replace(query, facets=(*FACETS, "month"), facet_limit=0)


def trim_facet(values: list[FacetValue], selected: set[str]) -> list[FacetValue]:
    """The first FACET_MAX values, plus any selected value beyond them (it must stay un-clickable)."""
    head = values[:FACET_MAX]
    return head + [v for v in values[FACET_MAX:] if v.value in selected]


def compare_selected(query: SearchQuery) -> dict[str, Any] | None:
    """Two or more values selected in one facet (two provinces): their counts per year kept apart, one row
    each, for the side-by-side table on the search page (exported by /coverage.csv?by=<facet>)."""
    from webui.provinces import coverage_table

    for name, values in query.filters:
        if name != "year" and len(values) >= 2:
            return coverage_table(dataclasses.replace(query, page=1, per_page=1), by=name)
    return None


@bp.get("/")
@bp.get("/search")
def search() -> str:
    """The search page: query box, facets, month chart, results, pagination."""
    query = with_month_facet(parse_search(request.args))
    result: SearchResult = run_search(query)
    months = {v.value: v.count for v in result.facets.get("month", [])}
    series = fill_months(months)
    chart = month_chart(series, link=month_link(query), title="Số bài phù hợp theo tháng") if series else ""
    last_page = min(page_count(result.total, query.per_page), int(current_app.config["MAX_PAGE"]))
    selected = {name: set(values) for name, values in query.filters}
    compare = compare_selected(query)
    if compare:
        years = list(compare["years"])
        series = [(r["province"], [r["years"][y] for y in years]) for r in compare["rows"]]
        compare["chart"] = grouped_chart(years, series, "Số bài theo năm của từng giá trị đã chọn")
    sidebar = {name: trim_facet(result.facets.get(name, []), selected.get(name, set())) for name in FACETS}
    return render_template(
        "search.html", query=query, result=result, sidebar=sidebar, chart=chart, last_page=last_page, selected=selected,
        facet_names=FACETS, facet_shown=FACET_SHOWN, title=query.text or "Tìm kiếm",
        feed_args=query_args(query), chips=chips.pending(query, result), active=chips.applied(query),
        compare=compare,
    )


@bp.get("/help")
def help_page() -> str:
    """The search syntax, in Vietnamese, with examples; the filter prefixes come from index.facetdefs."""
    return render_template("help.html", title="Cú pháp tìm kiếm", prefixed=[f for f in FACET_DEFS if f.prefixes])
