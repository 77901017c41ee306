"""Mô hình điển hình: the catalogue of best-practice models and one page per model."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from index.analysis import fold
from index.facets import UNKNOWN
from index.types import SearchQuery
from nlp.collation import vi_key
from webui.charts import fill_months, month_chart, sparkline
from webui.helpers import search_url
from webui.params import MAX_VALUES, NotFoundError, ParamError, page_count, parse_search, query_args
from webui.resources import get_index
from webui.resources import search as run_search
from webui.tables import table_response

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


#: Catalogue orders (`order=`): most articles, name (Vietnamese order), most provinces carried out in.
ORDERS = {"": "Nhiều bài nhất", "name": "Tên (A–Z)", "provinces": "Nhiều tỉnh thực hiện nhất"}
CATALOGUE_PARAMS = ("name", "order", "view")


def catalogue_entries(base: SearchQuery, name_filter: str = "", order: str = "",
                      replicated: bool = False) -> list[dict[str, Any]]:
    """Every model of the result set (no stats yet): name, article count and the provinces it was carried
    out in; filtered by name, "replicated" (carried out in ≥ 2 provinces), sorted."""
    counts = run_search(dataclasses.replace(base, page=1, per_page=1, facets=("model",), facet_limit=0))
    done = get_index().spread(base, "model_done", "province")
    want = fold(name_filter).strip()
    entries = [{"name": v.value, "count": v.count, "done_in": done.get(v.value, [])}
               for v in counts.facets.get("model", []) if v.value != UNKNOWN and want in fold(v.value)]
    if replicated:
        entries = [e for e in entries if len(e["done_in"]) >= 2]
    if order == "name":
        entries.sort(key=lambda e: vi_key(e["name"]))
    elif order == "provinces":
        entries.sort(key=lambda e: (-len(e["done_in"]), -e["count"], vi_key(e["name"])))
    return entries


def catalogue_page(base: SearchQuery, **how: Any) -> tuple[int, list[dict[str, Any]]]:
    """How many models the catalogue holds, and the page `base.page` of `base.per_page` with each one's stats."""
    entries = catalogue_entries(base, **how)
    chosen = entries[(base.page - 1) * base.per_page:base.page * base.per_page]
    return len(entries), [{**model_stats(base, e["name"]), "done_in": e["done_in"]} for e in chosen]


def catalogue_how() -> dict[str, Any]:
    """The catalogue's own parameters: `name` (a filter on model names), `order`, `view=replicated`."""
    order = request.args.get("order", "").strip()
    view = request.args.get("view", "").strip()
    if order not in ORDERS or view not in ("", "replicated"):
        raise ParamError("Tham số “order” nhận name hoặc provinces; “view” nhận replicated.")
    name_filter = request.args.get("name", "").strip()
    if len(name_filter) > 200:
        raise ParamError("Từ lọc tên mô hình quá dài.")
    return {"name_filter": name_filter, "order": order, "replicated": view == "replicated"}


@bp.get("/models")
def catalogue() -> str:
    """Every model with its article count, provinces, first and last seen and a spark line; a name filter,
    a sort and the "replicated" view (carried out in at least two provinces)."""
    base = parse_search(request.args, per_page=1, extra=CATALOGUE_PARAMS)
    how = catalogue_how()
    entries = catalogue_entries(base, **how)
    total_models = len(entries)
    last_page = page_count(total_models, PER_PAGE)
    page_entries = entries[(base.page - 1) * PER_PAGE:base.page * PER_PAGE]
    rows = [{**model_stats(base, e["name"]), "done_in": e["done_in"]} for e in page_entries]
    years = sorted({m[:4] for r in rows for m in r["months"]})
    for row in rows:
        per_year = {y: sum(c for m, c in row["months"].items() if m.startswith(y)) for y in years}
        row["spark"] = sparkline([per_year[y] for y in years], f"Số bài theo năm {years[0]}–{years[-1]}"
                                 if years else "")
    stories = [("model_done", e["name"]) for e in entries[:MAX_VALUES]] if how["replicated"] else []
    return render_template("models.html", rows=rows, total_models=total_models, query=base, last_page=last_page,
                           years=years, how=how, orders=ORDERS, stories=stories, title="Mô hình điển hình",
                           dated=any(r["first_seen"] for r in rows))


@bp.get("/models.<fmt>")
def catalogue_export(fmt: str) -> Response:
    """The catalogue as it is filtered and sorted (every page), as CSV or XLSX."""
    base = parse_search(request.args, per_page=1, extra=(*CATALOGUE_PARAMS, "sep"))
    headers = ["Mô hình", "Số bài", "Số tỉnh thực hiện", "Thực hiện tại"]
    rows = [[e["name"], e["count"], len(e["done_in"]), "; ".join(e["done_in"])]
            for e in catalogue_entries(base, **catalogue_how())]
    return table_response(fmt, headers, rows, "mo-hinh", "Mô hình")


@bp.get("/models/<name:name>")
def model(name: str) -> str | Response:
    """One model: its stories by date and province — where else it was replicated."""
    if len(name) > 300:
        raise ParamError("Tên mô hình quá dài.")
    canonical = get_index().facet_value("model", name)
    if canonical is None or canonical == UNKNOWN:
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
    done = run_search(dataclasses.replace(query, filters=tuple(f for f in query.filters if f[0] != "model")
                                          + (("model_done", (name,)),), per_page=1, facets=("province",)))
    done_in = {v.value: v.count for v in done.facets.get("province", []) if v.value != UNKNOWN}
    mentioned_in = {v.value: v.count for v in result.facets.get("province", [])
                    if v.value != UNKNOWN and v.count > done_in.get(v.value, 0)}
    firsts: dict[str, dict[str, Any]] = {}
    for hit in result.hits:
        key = hit.province or "Không rõ tỉnh"
        entry = firsts.setdefault(key, {"province": key, "first": hit.published, "count": 0, "hit": hit})
        entry["count"] += 1
    # Every province of every page, "Không rõ" left out (the timeline below holds this page's hits only).
    provinces = sum(1 for v in result.facets.get("province", []) if v.value != UNKNOWN and v.count)
    return render_template("model.html", name=name, result=result, chart=chart, query=query, provinces=provinces,
                           spread=sorted(firsts.values(),  # by first story; stories of no province last
                                         key=lambda e: (e["province"] == "Không rõ tỉnh", e["first"] or "9999")),
                           search_link=search_url(model=name), title=name, done_in=done_in,
                           export_args=query_args(query),
                           mentioned_in={p: c - done_in.get(p, 0) for p, c in mentioned_in.items()},
                           last_page=page_count(result.total, query.per_page))
