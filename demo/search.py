"""The mirror's site search (`/tim-kiem.html?q=…&page=N`), answered from the site's own article pages.

Provincial portals offer a search box; the crawler can use it to reach older stories on a topic that the
recent listings no longer show (`ct05 crawl --search "chỉ thị 05"`). Results: five a page, in file
order, with a "next page" link, inside the site's usual menu.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, quote_plus

SEARCH_PATH = "/tim-kiem.html"
PER_PAGE = 5
_TAG = re.compile(r"<[^>]+>")
_ARTICLE = re.compile(r"-\d+\.html?$")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@lru_cache(maxsize=8)
def _pages(root: Path) -> tuple[tuple[str, str, str], ...]:
    """(URL path, title, folded text) of every article page under the site root."""
    out = []
    for path in sorted(root.rglob("*.htm*")):
        if not _ARTICLE.search(path.name):
            continue
        page = path.read_text(encoding="utf-8", errors="replace")
        title = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
        name = html.unescape(_TAG.sub("", title.group(1))).strip() if title else path.stem
        out.append(("/" + path.relative_to(root).as_posix(), name, _fold(html.unescape(_TAG.sub(" ", page)))))
    return tuple(out)


def search_page(root: Path, query_string: str) -> bytes:
    """The HTML result page for `q` (every word must occur, accents ignored) and `page`."""
    params = parse_qs(query_string)
    query = (params.get("q") or [""])[0].strip()
    try:
        page = max(1, int((params.get("page") or ["1"])[0]))
    except ValueError:
        page = 1
    words = _fold(query).split()
    found = [(p, t) for p, t, text in _pages(root) if words and all(w in text for w in words)]
    shown = found[(page - 1) * PER_PAGE: page * PER_PAGE]
    items = "\n".join(f'<li><a href="{{{{BASE}}}}{html.escape(p)}">{html.escape(t)}</a></li>' for p, t in shown)
    more = (f'<a class="next" href="{SEARCH_PATH}?q={quote_plus(query)}&amp;page={page + 1}">Trang sau</a>'
            if page * PER_PAGE < len(found) else "")
    body = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Tìm kiếm: {html.escape(query)}</title></head>
<body><nav><a href="/">Trang chủ</a> <a href="/tin-hoat-dong/">Tin hoạt động</a></nav>
<main><h1>Kết quả tìm kiếm cho “{html.escape(query)}”: {len(found)} bài</h1>
<ul class="results">
{items}
</ul>
{more}</main></body></html>
"""
    return body.encode("utf-8")
