"""Mô hình điển hình: the catalogue of best-practice models and one page per model."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from index.facets import UNKNOWN
from index.types import SearchQuery
from webui.charts import fill_months, month_chart, sparkline
from webui.helpers import search_url
from webui.params import NotFoundError, ParamError, check_page, parse_search
from webui.resources import get_index
from webui.resources import search as run_search

bp = Blueprint("models", __name__)
PER_PAGE = 50


def model_stats(base: SearchQuery, name: str) -> dict[str, Any]:
    """Count, provinces, first and last seen and monthly counts of one model (two index queries)."""
    filters = tuple(f for f in base.filters if f[0] != "model") + (("model", (name,)),)
    q = dataclasses.replace(base, filters=filters, sort="oldest", page=1, per_page=1,
                            facets=("province", "month"), facet_limit=0)
    first = run_search(q)
    last = run_search(dataclasses.replace(q, sort="newest", facets=()))
    months = {v.value: v.count for v in first.facets.get("month", [])}
    return {
        "name": name,
        "count": first.total,
        "provinces": [{"value": v.value, "count": v.count} for v in first.facets.get("province", [])],
        "first_seen": first.hits[0].published if first.hits else None,
        "last_seen": last.hits[0].published if last.hits else None,
        "months": months,
    }


def catalogue_rows(base: SearchQuery, page: int = 1, per_page: int = PER_PAGE) -> list[dict[str, Any]]:
    """The models of the current result set, most frequent first, with their stats (one page of them)."""
    counts = run_search(dataclasses.replace(base, page=1, per_page=1, facets=("model",), facet_limit=0))
    values = counts.facets.get("model", [])
    start = (page - 1) * per_page
    return [model_stats(base, v.value) for v in values[start:start + per_page]]


@bp.get("/models")
def catalogue() -> str:
    """Every model with its article count, provinces, first and last seen and a spark line."""
    base = parse_search(request.args, per_page=1)
    counts = run_search(dataclasses.replace(base, facets=("model",), facet_limit=0))
    total_models = len(counts.facets.get("model", []))
    last_page = max(1, math.ceil(total_models / PER_PAGE))
    if base.page > last_page:
        raise NotFoundError(f"Trang {base.page} không có: danh mục chỉ có {last_page} trang.")
    rows = catalogue_rows(base, base.page)
    years = sorted({m[:4] for r in rows for m in r["months"]})
    for row in rows:
        per_year = {y: sum(c for m, c in row["months"].items() if m.startswith(y)) for y in years}
        row["spark"] = sparkline([per_year[y] for y in years], f"Số bài theo năm {years[0]}–{years[-1]}"
                                 if years else "")
    return render_template("models.html", rows=rows, total_models=total_models, query=base, last_page=last_page,
                           years=years, title="Mô hình điển hình")


@bp.get("/models/<name:name>")
def model(name: str) -> str | Response:
    """One model: its stories by date and province — where else it was replicated."""
    if len(name) > 300:
        raise ParamError("Tên mô hình quá dài.")
    canonical = get_index().facet_value("model", name)
    if canonical is None or name == UNKNOWN:
        raise NotFoundError(f"Không có mô hình “{name[:80]}” trong kho lưu trữ.")
    if canonical is not None and canonical != name:  # a variant spelling: the catalogue entry's page
        return redirect(url_for("models.model", name=canonical, **request.args.to_dict(flat=False)))
    base = parse_search(request.args, per_page=100)
    filters = tuple(f for f in base.filters if f[0] != "model") + (("model", (name,)),)
    query = dataclasses.replace(base, filters=filters, sort="oldest" if base.sort == "relevance" else base.sort,
                                facets=("province", "province_2025", "theme", "source", "month"), facet_limit=0,
                                collapse=False)
    result = run_search(query)
    series = fill_months({v.value: v.count for v in result.facets.get("month", [])})
    chart = month_chart(series, title="Số bài về mô hình theo tháng") if series else ""
    firsts: dict[str, dict[str, Any]] = {}
    for hit in result.hits:
        key = hit.province or "Không rõ tỉnh"
        entry = firsts.setdefault(key, {"province": key, "first": hit.published, "count": 0, "hit": hit})
        entry["count"] += 1
    return render_template("model.html", name=name, result=result, chart=chart, query=query,
                           spread=sorted(firsts.values(), key=lambda e: e["first"] or "9999"),
                           search_link=search_url(model=name), title=name,
                           last_page=check_page(query.page, result.total, query.per_page))
