"""Request parameters → `SearchQuery`, validated; a bad parameter raises `ParamError` (shown as a 400)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from flask import current_app
from werkzeug.datastructures import MultiDict

from index.facetdefs import url_filters
from index.facets import UNKNOWN
from index.types import FACETS, SCOPES, SORTS, SearchQuery

#: Parameters every search-like page accepts (the search page, the API, exports, feeds, phrases).
#: Filters a URL may set: the sidebar's facets and the models an article says were carried out.
FILTERS = url_filters()  # index.facetdefs
SEARCH_PARAMS = frozenset({"q", "page", "per_page", "sort", "date_from", "date_to", "collapse", "scope", *FILTERS})
#: The default scope: only articles about Chỉ thị 05 (`scope=all` shows every archived article).
DEFAULT_SCOPE = "topic"
SORT_ALIASES = {"date": "newest", "moi-nhat": "newest", "cu-nhat": "oldest", "lien-quan": "relevance"}
MAX_VALUES = 50
#: Selected values across all facets: each one is a chip and a link holding all the others, so the page
#: grows with the square of their number (300 made a 10 MB page).
MAX_SELECTED = 40
MAX_VALUE_LENGTH = 300
_YEAR = re.compile(r"^\d{4}$")


class ParamError(ValueError):
    """A request parameter that cannot be used; the message is in Vietnamese, for the user."""


class NotFoundError(ParamError):
    """A facet value, model, province or page the archive does not have: a 404 with this message."""


def _int(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(f"Tham số “{name}” phải là số nguyên.") from None
    if not low <= value <= high:
        raise ParamError(f"Tham số “{name}” phải nằm trong khoảng {low}–{high}.")
    return value


def _date(args: MultiDict[str, str], name: str) -> str | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise ParamError(f"Ngày “{name}” không hợp lệ (dạng YYYY-MM-DD, ví dụ 2021-05-18).") from None


def check_known(args: MultiDict[str, str], allowed: Iterable[str]) -> None:
    """Reject parameters the page does not know (a misspelt facet must not be silently ignored)."""
    known = set(allowed)
    for name in args:
        if name not in known:
            raise ParamError(f"Tham số không được hỗ trợ: “{name[:40]}”.")


def parse_search(args: MultiDict[str, str], *, extra: Iterable[str] = (), per_page: int | None = None,
                 max_per_page: int | None = None, facets: tuple[str, ...] = FACETS,
                 facet_limit: int = 30) -> SearchQuery:
    """Build the query a search-like page asked for, or raise `ParamError`."""
    cfg = current_app.config
    check_known(args, SEARCH_PARAMS | set(extra))
    text = args.get("q", "")
    if len(text) > int(cfg["MAX_QUERY_LENGTH"]):
        raise ParamError(f"Câu truy vấn quá dài (tối đa {cfg['MAX_QUERY_LENGTH']} ký tự).")
    text = " ".join(text.split())
    sort = args.get("sort", "").strip() or ("relevance" if text else "newest")
    sort = SORT_ALIASES.get(sort, sort)
    if sort not in SORTS:
        raise ParamError("Cách sắp xếp không hợp lệ (relevance, newest hoặc oldest).")
    size = _int(args, "per_page", per_page or int(cfg["PER_PAGE"]), 1, max_per_page or int(cfg["MAX_PER_PAGE"]))
    page = _int(args, "page", 1, 1, int(cfg["MAX_PAGE"]))
    date_from, date_to = _date(args, "date_from"), _date(args, "date_to")
    if date_from and date_to and date_from > date_to:
        raise ParamError("“Từ ngày” phải trước “đến ngày”.")
    filters: list[tuple[str, tuple[str, ...]]] = []
    for facet in FILTERS:
        values = tuple(dict.fromkeys(v.strip() for v in args.getlist(facet) if v.strip()))
        if not values:
            continue
        if len(values) > MAX_VALUES or any(len(v) > MAX_VALUE_LENGTH for v in values):
            raise ParamError(f"Quá nhiều hoặc quá dài giá trị cho bộ lọc “{facet}”.")
        if facet == "year" and not all(_YEAR.match(v) or v == UNKNOWN for v in values):
            raise ParamError("Năm phải có dạng 4 chữ số, ví dụ 2021.")
        filters.append((facet, values))
    if sum(len(values) for _, values in filters) > MAX_SELECTED:
        raise ParamError(f"Chọn tối đa {MAX_SELECTED} giá trị bộ lọc trong một lần tìm.")
    collapse = args.get("collapse", "1").strip() not in ("0", "false", "no")
    filters = check_values(filters)
    return SearchQuery(text=text, filters=tuple(filters), date_from=date_from, date_to=date_to, sort=sort,
                       page=page, per_page=size, facets=facets, facet_limit=facet_limit, collapse=collapse,
                       scope=parse_scope(args))


def check_values(filters: Iterable[tuple[str, tuple[str, ...]]]) -> list[tuple[str, tuple[str, ...]]]:
    """The filters with each value as the archive writes it ("Thanh Hoá" → "Thanh Hóa", a model's variant →
    its catalogue name); a value no article of the archive has (a misspelt province, an unknown model) is a
    404, not an empty page that looks like "no stories"."""
    from webui.helpers import FACET_LABELS
    from webui.resources import get_index

    idx = get_index()
    out = []
    for facet, values in filters:
        canonical = []
        for value in values:
            name = idx.facet_value(facet, value)
            if name is None:
                label = FACET_LABELS.get(facet, facet)
                raise NotFoundError(f"Không có “{value[:80]}” trong bộ lọc “{label}” của kho lưu trữ.")
            canonical.append(name)
        out.append((facet, tuple(dict.fromkeys(canonical))))
    return out


def page_count(total: int, per_page: int) -> int:
    """The last page of `total` results (1 when there are none). A page past it is not an error: as in
    Elasticsearch (`from` past the hits) or Datasette, it is an empty page of a valid result, 200 with the
    total, on the HTML pages (which say "Trang 9 không có" and link to the last page) and in the API alike."""
    return max(1, -(-total // max(1, per_page)))


def parse_scope(args: MultiDict[str, str]) -> str:
    """`scope=topic` (default: only articles about Chỉ thị 05) or `scope=all` (every article)."""
    scope = args.get("scope", "").strip() or DEFAULT_SCOPE
    if scope not in SCOPES:
        raise ParamError("Phạm vi không hợp lệ: scope=topic (chỉ bài về Chỉ thị 05) hoặc scope=all (tất cả bài).")
    return scope


def query_args(query: SearchQuery) -> list[tuple[str, str]]:
    """The URL parameters that reproduce a query (page and per_page left out)."""
    out: list[tuple[str, str]] = []
    if query.text:
        out.append(("q", query.text))
    for facet, values in query.filters:
        out.extend((facet, v) for v in values)
    if query.date_from:
        out.append(("date_from", query.date_from))
    if query.date_to:
        out.append(("date_to", query.date_to))
    if query.sort != ("relevance" if query.text else "newest"):
        out.append(("sort", query.sort))
    if not query.collapse:
        out.append(("collapse", "0"))
    if query.scope != DEFAULT_SCOPE:
        out.append(("scope", query.scope))
    return out
