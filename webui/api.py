"""JSON API: /api/search, /api/articles/<id>, /api/facets, /api/models, /api/provinces, /api/openapi.json."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request

from index.types import FACETS
from webui.params import ParamError, page_count, parse_search
from webui.resources import get_archive, get_index
from webui.resources import search as run_search

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).parent / "openapi.json"


def article_json(article_id: str) -> dict[str, Any]:
    """An archived article as JSON, with its enrichment."""
    article = get_archive().get(article_id)
    if article is None:
        abort(404)
    data = article.as_dict()
    data["extra"] = dict(article.extra)
    return data


@bp.get("/search")
def search() -> Response:
    """Same parameters as the search page; returns total, hits and facets."""
    query = parse_search(request.args, extra=("facet_limit",), facet_limit=_facet_limit())
    result = run_search(query)
    data = result.as_dict()
    data["page"], data["per_page"], data["scope"] = query.page, query.per_page, query.scope
    data["pages"] = page_count(result.total, query.per_page)  # past it: 200 with no hits, as the HTML pages
    return jsonify(data)


def _facet_limit() -> int:
    raw = request.args.get("facet_limit", "30").strip() or "30"
    # str.isdigit() accepts "²" and "٣", which int() refuses or reads otherwise: ASCII digits only.
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 10_000:
        raise ParamError("facet_limit phải là số nguyên từ 0 đến 10000 (0 = không giới hạn).")
    return int(raw)


@bp.get("/articles/<article_id>")
def article(article_id: str) -> Response:
    """One article: text, metadata, enrichment, republications and related stories."""
    if len(article_id) > 64:
        raise ParamError("Mã bài viết không hợp lệ.")
    data = article_json(article_id)
    idx = get_index()
    data["republications"] = [h.as_dict() for h in idx.republications(article_id)]
    data["related"] = [h.as_dict() for h in idx.more_like_this(article_id, 8)]
    return jsonify(data)


@bp.get("/facets")
def facets() -> Response:
    """Facet counts only (all values: facet_limit=0 by default), for the current filters."""
    query = parse_search(request.args, extra=("facet", "facet_limit"), per_page=1)
    wanted = tuple(request.args.getlist("facet")) or FACETS
    for name in wanted:
        if name not in (*FACETS, "month"):
            raise ParamError(f"Nhóm bộ lọc không tồn tại: “{name[:40]}”.")
    limit = _facet_limit() if "facet_limit" in request.args else 0
    result = run_search(dataclasses.replace(query, facets=wanted, facet_limit=limit, per_page=1))
    return jsonify({"total": result.total, "facets": result.as_dict()["facets"]})


@bp.get("/models")
def models() -> Response:
    """Every model with its article count, provinces, first and last seen: `total` models, `per_page` (50) a page."""
    from webui.models import CATALOGUE_PARAMS, PER_PAGE, catalogue_how, catalogue_page

    query = parse_search(request.args, per_page=PER_PAGE, extra=CATALOGUE_PARAMS)
    total, rows = catalogue_page(query, **catalogue_how())  # the catalogue page's name, order and view too
    return jsonify({"total": total, "page": query.page, "per_page": query.per_page,
                    "pages": page_count(total, query.per_page), "models": rows})


@bp.get("/provinces")
def provinces() -> Response:
    """Article counts per province and year (era=2025 for the 34 provinces after the merger)."""
    from webui.provinces import coverage_table

    query = parse_search(request.args, extra=("era",), per_page=1)
    table = coverage_table(query, era=request.args.get("era", ""))
    return jsonify(table)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API."""
    # Read into memory (a small file): a streamed file handle would outlive unfinished test responses.
    response = Response(OPENAPI.read_bytes(), mimetype="application/json")
    response.cache_control.max_age = 300
    return response


@bp.get("/")
def docs() -> str:
    """A human page listing the endpoints."""
    return render_template("api.html", title="API JSON")
