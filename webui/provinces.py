"""Tỉnh (one page per province) and Độ phủ (coverage: provinces × years, gaps shown)."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from crawler.dates import MAX_YEAR, MIN_YEAR
from index.facets import UNKNOWN
from index.types import FACETS, SearchQuery
from nlp.collation import vi_key, vi_sorted
from nlp.gazetteer import provinces as gazetteer
from nlp.gazetteer import to_2025
from webui.charts import fill_months, month_chart, sparkline
from webui.helpers import FACET_LABELS, search_url
from webui.params import NotFoundError, ParamError, page_count, parse_search, query_args
from webui.resources import get_index
from webui.resources import search as run_search
from webui.tables import table_response

bp = Blueprint("provinces", __name__)


def era_facet(era: str) -> str:
    """`province` (63, at publication time) or `province_2025` (34, after the 1 July 2025 merger)."""
    if era in ("", "2016", "63"):
        return "province"
    if era in ("2025", "34"):
        return "province_2025"
    raise ParamError("Tham số “era” chỉ nhận 2016 (63 tỉnh) hoặc 2025 (34 tỉnh).")


def all_names(facet: str) -> tuple[list[str], bool]:
    """Every province of the era, and whether the full official list was available."""
    try:
        from nlp.provinces import all_provinces, all_provinces_2025
    except ImportError:
        return [], False
    try:
        names = all_provinces_2025() if facet == "province_2025" else all_provinces()
    except Exception:  # the gazetteer is another team's code: degrade to the facet values
        return [], False
    return [str(getattr(n, "name", n)) for n in names], True


def year_columns(values: list[str]) -> list[str]:
    """Every year from the first to the last one with stories (years without any shown as zeros), then
    the `UNKNOWN` column of undated stories."""
    years = sorted(int(v) for v in values if v.isdigit() and MIN_YEAR <= int(v) <= MAX_YEAR)
    span = [str(y) for y in range(years[0], years[-1] + 1)] if years else []
    return [*span, *(v for v in values if v not in span and not v.isdigit()), *([UNKNOWN] * (UNKNOWN not in values))]


def compare_facet(by: str) -> str | None:
    """The `by` parameter: which facet's selected values become the rows (a table per year for them)."""
    if not by:
        return None
    if by not in FACETS or by == "year":
        raise ParamError("Tham số “by” phải là một bộ lọc: " + ", ".join(f for f in FACETS if f != "year") + ".")
    return by


def coverage_table(base: SearchQuery, era: str = "", by: str | None = None) -> dict[str, Any]:
    """Story counts per province and year that add up: every year from the first to the last (zeros
    shown), a "Không rõ" column for undated stories and a "Không rõ" row for stories with no province,
    row totals, column totals and the grand total. With provinces selected, one row per selected one."""
    facet = by or era_facet(era)
    overall = run_search(dataclasses.replace(base, page=1, per_page=1, facets=(facet, "year"), facet_limit=0))
    year_counts = {v.value: v.count for v in overall.facets.get("year", [])}
    years = year_columns(list(year_counts))
    totals = {v.value: v.count for v in overall.facets.get(facet, [])}
    cells: dict[str, dict[str, int]] = {}
    for year in (y for y in years if year_counts.get(y)):
        filters = tuple(f for f in base.filters if f[0] != "year") + (("year", (year,)),)
        res = run_search(dataclasses.replace(base, filters=filters, page=1, per_page=1, facets=(facet,),
                                             facet_limit=0))
        for v in res.facets.get(facet, []):
            cells.setdefault(v.value, {})[year] = v.count
    names, official = all_names(facet) if facet in ("province", "province_2025") else ([], True)
    selected = base.selected(facet)
    if selected:
        ordered = list(selected)
    else:
        known = set(names)
        ordered = [*vi_sorted({*names, *(n for n in totals if n not in known and n != UNKNOWN)}), UNKNOWN]
    rows = []
    for name in ordered:
        per_year = {y: cells.get(name, {}).get(y, 0) for y in years}
        rows.append({"province": name, "total": totals.get(name, 0), "years": per_year,
                     "missing_years": [y for y in years if not per_year[y] and y != UNKNOWN]})
    return {
        "era": "2025" if facet == "province_2025" else "2016",
        "facet": facet,
        "official_list": official,
        "years": years,
        "year_totals": {y: year_counts.get(y, 0) for y in years},
        "total": overall.total,
        "rows": rows,
        "selected": list(selected),
        "provinces_without_articles": [r["province"] for r in rows if not r["total"] and r["province"] != UNKNOWN],
    }


def ranked(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The provinces, most articles first (ties in Vietnamese order), "Không rõ" last: it is no province, and
    at the top of the list it hid the province with the most stories."""
    return sorted(table["rows"], key=lambda r: (r["province"] == UNKNOWN, -r["total"], vi_key(r["province"])))


@bp.get("/provinces.<fmt>")
def provinces_export(fmt: str) -> Response:
    """The province list (article counts, most first) as CSV or XLSX."""
    query = parse_search(request.args, extra=("era", "sep"), per_page=1)
    table = coverage_table(query, request.args.get("era", ""))
    rows: list[list[object]] = [[r["province"], r["total"]] for r in ranked(table)]
    return table_response(fmt, ["Tỉnh, thành", "Số bài"], [*rows, ["Tổng", table["total"]]], "tinh-thanh",
                          "Tỉnh, thành")


@bp.get("/provinces")
def index() -> str:
    """All provinces with their article counts, largest first."""
    query = parse_search(request.args, extra=("era",), per_page=1)
    table = coverage_table(query, request.args.get("era", ""))
    rows = ranked(table)
    peak = max((r["total"] for r in rows), default=0) or 1
    return render_template("provinces.html", table=table, rows=rows, peak=peak, query=query,
                           title="Tỉnh, thành")


@bp.get("/coverage")
def coverage() -> str:
    """The provinces × years table: where and when Chỉ thị 05 was (not) reported."""
    query = parse_search(request.args, extra=("era",), per_page=1)
    table = coverage_table(query, request.args.get("era", ""))
    peak = max((c for r in table["rows"] for c in r["years"].values()), default=0) or 1
    for row in table["rows"]:
        row["spark"] = sparkline(list(row["years"].values()), f"{row['province']}: số bài theo năm")
        row["levels"] = {y: (0 if not c else 1 + min(4, int(4 * c / peak))) for y, c in row["years"].items()}
    return render_template("coverage.html", table=table, query=query, title="Độ phủ theo tỉnh và năm")


def coverage_rows(table: dict[str, Any]) -> tuple[list[str], list[list[object]]]:
    """The coverage table as it is shown: headers, one row per province, then the totals row."""
    headers = [FACET_LABELS.get(table["facet"], "Tỉnh, thành"), *table["years"], "Tổng"]
    rows: list[list[object]] = [[r["province"], *(r["years"][y] for y in table["years"]), r["total"]]
                                for r in table["rows"]]
    rows.append(["Tổng", *(table["year_totals"][y] for y in table["years"]), table["total"]])
    return headers, rows


@bp.get("/coverage.<fmt>")
def coverage_export(fmt: str) -> Response:
    """The coverage table (provinces × years, totals) as CSV or XLSX."""
    query = parse_search(request.args, extra=("era", "sep", "by"), per_page=1)
    table = coverage_table(query, request.args.get("era", ""), compare_facet(request.args.get("by", "")))
    headers, rows = coverage_rows(table)
    return table_response(fmt, headers, rows, "do-phu", "Độ phủ")


def merger(name: str, facet: str) -> dict[str, Any] | None:
    """The 1 July 2025 merger seen from one province page: the province it joined (63-province page) or the
    provinces it was made of (34-province page); None where the province is unchanged."""
    if facet == "province":
        joined = to_2025(name)
        return {"joined": joined} if joined and joined != name else None
    parts = vi_sorted(p.name for p in gazetteer() if p.name_2025 == name)
    return {"parts": parts} if parts and parts != [name] else None


@bp.get("/provinces/<name:name>")
def province(name: str) -> str | Response:
    """One province: articles per month, top models, themes and sources, latest articles."""
    if len(name) > 100:
        raise ParamError("Tên tỉnh quá dài.")
    facet = era_facet(request.args.get("era", ""))
    canonical = get_index().facet_value(facet, name)
    if canonical is None and name not in all_names(facet)[0]:
        merged = to_2025(name) if facet == "province_2025" else None
        if merged and merged != name:  # a pre-2025 name asked for among the 34: say where it went
            raise NotFoundError(f"“{name[:80]}” là tỉnh trước khi sáp nhập (1/7/2025), nay thuộc {merged}: "
                                f"xem trang {merged} hoặc chọn 63 tỉnh.")
        raise NotFoundError(f"Không có tỉnh, thành “{name[:80]}” trong kho lưu trữ.")
    if canonical is not None and canonical != name:  # "Thanh Hoá", "thanh hóa": the page of "Thanh Hóa"
        return redirect(url_for("provinces.province", name=canonical, **request.args.to_dict(flat=False)))
    base = parse_search(request.args, extra=("era",), per_page=20)
    filters = tuple(f for f in base.filters if f[0] != facet) + ((facet, (name,)),)
    query = dataclasses.replace(base, filters=filters, facets=("model", "theme", "source", "document", "month"),
                                facet_limit=0)
    result = run_search(query)
    series = fill_months({v.value: v.count for v in result.facets.get("month", [])})
    chart = month_chart(series, title=f"{name}: số bài theo tháng") if series else ""
    models = [v for v in result.facets.get("model", []) if v.value != UNKNOWN]  # "no model" is no model
    return render_template("province.html", name=name, facet=facet, result=result, chart=chart, query=query,
                           merger=merger(name, facet), models=models,
                           search_link=search_url(**{facet: name}),
                           title="Chưa rõ tỉnh, thành" if name == UNKNOWN else name, export_args=query_args(query),
                           last_page=page_count(result.total, query.per_page))
