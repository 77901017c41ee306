"""Template helpers: Vietnamese labels, dates and numbers, safe snippets, URLs that toggle a facet."""

from __future__ import annotations

import functools
import html
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from flask import Flask, g, request, url_for
from markupsafe import Markup, escape

from index.facetdefs import labels as facet_labels
from nlp.normalize import tidy_punctuation

FACET_LABELS = facet_labels()  # declared with each facet in index.facetdefs
SORT_LABELS = {"relevance": "Liên quan nhất", "newest": "Mới nhất", "oldest": "Cũ nhất"}
DATE_SOURCE_LABELS = {
    "metadata": "thẻ metadata của trang",
    "byline": "dòng ngày giờ trong bài",
    "url": "địa chỉ URL của bài",
    "import": "dữ liệu nhập vào",
    "none": "không xác định được",
}
_MARK = re.compile(r"(</?mark>)", re.IGNORECASE)


def safe_snippet(snippet: str | None) -> Markup:
    """Re-escape a snippet, keeping only <mark> tags: the index says it escapes, we do not rely on it."""
    parts = _MARK.split(snippet or "")
    out = []
    for part in parts:
        low = part.lower()
        if low in ("<mark>", "</mark>"):
            out.append(low)
        else:
            out.append(str(escape(html.unescape(part))))
    text = "".join(out)
    # Balance marks so a truncated snippet cannot leave the rest of the page highlighted.
    text += "</mark>" * max(0, text.count("<mark>") - text.count("</mark>"))
    return Markup(text)


@functools.cache
def _site_names() -> dict[str, str]:
    try:
        from crawler.sites import load_sites

        return {site_id: site.name for site_id, site in load_sites().items()}
    except Exception:  # noqa: BLE001 - a broken registry must not break a page: ids are shown instead
        return {}


def source_name(source: str | None) -> str:
    """The registry's name of a source ("Báo Yên Bái điện tử"), or the id when the registry lacks it."""
    if not source:
        return ""
    return _site_names().get(source, source)


def plain_snippet(snippet: str | None) -> str:
    """The snippet as plain text (CSV, feeds)."""
    return html.unescape(_MARK.sub("", snippet or ""))


def repeats(snippet: str | None, summary: str | None) -> bool:
    """Whether the snippet only repeats the summary (both cut from the lead): a hit then shows the
    snippet alone, with its highlights, not the same sentence twice."""
    words = plain_snippet(snippet).replace("…", " ").split()[1:9]  # the first word may be cut
    return len(words) >= 4 and " ".join(words) in " ".join((summary or "").split())


def vn_date(value: str | None, with_time: bool = False) -> str:
    """ISO date(time) → dd/mm/yyyy (Vietnamese order)."""
    if not value or len(value) < 10:
        return "không rõ ngày"
    text = f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    if with_time and len(value) >= 16 and value[11:16] != "00:00":
        text += f" {value[11:16]}"
    return text


#: Vietnam time: UTC+7 all year (no daylight saving).
VN_TZ = timezone(timedelta(hours=7), "ICT")


def vn_time(value: str | datetime | None) -> str:
    """A UTC time, ISO text or datetime (the archive's run and fetch times, the scheduler's due times) →
    "dd/mm/yyyy HH:MM" in Vietnam time; naive times are UTC."""
    if not value:
        return ""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def vn_month(value: str) -> str:
    """YYYY-MM → mm/yyyy."""
    return f"{value[5:7]}/{value[:4]}" if len(value) >= 7 else value


def vn_number(value: int | float | None) -> str:
    """Vietnamese thousands separator: 12.345."""
    if value is None:
        return "–"
    return f"{int(value):,}".replace(",", ".")


def vn_decimal(value: float | None, digits: int = 1) -> str:
    """A share or a score as Vietnamese writes it: decimal comma, thousands dot (26,7; 1.234,5)."""
    if value is None or value == "":
        return "–"
    return f"{float(value):,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def current_args() -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.args.items(multi=True)]


def url_with(endpoint: str | None = None, drop: tuple[str, ...] = ("page",), **changes: Any) -> str:
    """The current URL with some parameters replaced (None removes them); `page` is reset by default."""
    args = [(k, v) for k, v in current_args() if k not in changes and k not in drop]
    for key, value in changes.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        args.extend((key, str(v)) for v in values)
    base = url_for(endpoint or request.endpoint or "search.search", **(request.view_args or {}))
    return base + ("?" + urlencode(args) if args else "")


def toggle_url(facet: str, value: str, endpoint: str | None = None) -> str:
    """The current URL with one facet value added or removed (multi-select, page reset)."""
    # A search page renders a hundred of these: build the base URL and the kept arguments once.
    cache_key = ("toggle", endpoint)
    cached = g.setdefault("url_parts", {}).get(cache_key)
    if cached is None:
        args0 = [(k, v) for k, v in current_args() if k != "page"]
        base0 = url_for(endpoint or request.endpoint or "search.search", **(request.view_args or {}))
        cached = g.url_parts[cache_key] = (base0, args0, urlencode(args0))
    base, args, encoded = cached
    if (facet, value) in args:
        rest = [a for a in args if a != (facet, value)]
        return base + ("?" + urlencode(rest) if rest else "")
    extra = urlencode([(facet, value)])
    return base + "?" + (encoded + "&" + extra if encoded else extra)


def current_scope() -> str | None:
    """"all" when the current page shows every article (scope=all), None for the default topic scope."""
    return "all" if request.args.get("scope", "").strip() == "all" else None


def scoped_url(endpoint: str, **values: Any) -> str:
    """`url_for` that keeps the current page's scope (scope=all stays on every link; topic is the default)."""
    values.setdefault("scope", current_scope())
    return url_for(endpoint, **values)


def search_url(**params: Any) -> str:
    """A search-page URL for the given parameters (lists give repeated parameters); keeps the current scope
    unless `scope` is given ("topic" or None for the default)."""
    params.setdefault("scope", current_scope())
    if params["scope"] == "topic":
        params["scope"] = None
    args: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None or value == "":
            continue
        values = value if isinstance(value, list | tuple) else [value]
        args.extend((key, str(v)) for v in values)
    return url_for("search.search") + ("?" + urlencode(args) if args else "")


def pages(current: int, last: int, width: int = 2) -> list[int | None]:
    """Page numbers to show: first, last, a window around the current page; None is a gap."""
    shown = sorted({1, last, *range(max(1, current - width), min(last, current + width) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and isinstance(out[-1], int) and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(snippet=safe_snippet, source_name=source_name, vn_date=vn_date, vn_month=vn_month,
                                 vn_time=vn_time, num=vn_number, tidy=tidy_punctuation,
                                 dec=vn_decimal)
    app.jinja_env.globals.update(
        FACET_LABELS=FACET_LABELS, SORT_LABELS=SORT_LABELS, DATE_SOURCE_LABELS=DATE_SOURCE_LABELS,
        url_with=url_with, toggle_url=toggle_url, search_url=search_url, pages=pages, scoped_url=scoped_url,
        current_scope=current_scope, repeats=repeats,
    )
