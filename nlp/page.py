"""Title, date, dateline and body of a page given as its visible text (page furniture and all).

Dates, datelines and furniture lines are read by `crawler.vntext`, the reader the crawler's extraction uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.vntext import ends_article, is_furniture_line, line_date, split_dateline
from nlp.normalize import normalize

__all__ = ["Page", "split_page"]

_CAP_WORD = r"[A-ZĐ\u00C0-\u00DE\u1EA0-\u1EF8][\w.]*"
# "Minh Vũ", "Bài, ảnh: Thái Bình", "Vân Giang", "T.L (TTXVN)": the author line closes the article.
_BYLINE = re.compile(
    rf"^(?:(?:Bài(?:,| và)? ảnh|Bài|Tin|Tin, ảnh|Ảnh|Theo|Nhóm PV)\s*:?\s*)?{_CAP_WORD}(?: {_CAP_WORD}){{0,4}}"
    r"(?:\s*\([^)]{1,30}\))?$"
)
# Head lines that are not the title: photo captions and credits, "follow us" and app/newsletter prompts.
_NOT_TITLE = re.compile(
    r"(?:^|[\s(])Ảnh\s*:|^Ảnh minh họa|^\(?Nguồn\s*:|Theo dõi (?:chúng tôi|trên|Báo|báo)|Follow|Fanpage|Zalo|"
    r"Tải ứng dụng|Đăng ký nhận tin|Đọc thêm|Nghe đọc bài|Chia sẻ",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Page:
    title: str | None
    published: str | None  # ISO 8601 local time
    body: str
    dateline: str | None
    header: str  # furniture before the article (site banner, breadcrumbs)
    furniture: str  # everything left out of title and body


def _is_paragraph(line: str) -> bool:
    """Does this line read like running text rather than a heading or furniture?"""
    if len(line) >= 200:
        return True
    return len(line) >= 80 and line.rstrip().endswith((".", "!", "?", "…", '"', ":", ")"))


def _is_byline(line: str) -> bool:
    return len(line) <= 45 and bool(_BYLINE.match(line)) and not line.endswith((".", ":"))


def split_page(text: str) -> Page:
    """Split a page's visible text into title, publication date, dateline and article body.

    >>> body = "Đảng bộ tỉnh thực hiện tốt việc học tập và làm theo Bác. " * 3
    >>> head = "Tin >> Chính trị\\n\\nLàm theo Bác\\n\\n20/06/2023 02:30\\nTTH - "
    >>> p = split_page(head + body + "\\n\\nMinh Vũ\\nTop")
    >>> p.title, p.published, p.dateline, p.body.endswith("theo Bác.")
    ('Làm theo Bác', '2023-06-20T02:30:00', 'TTH', True)
    """
    lines = [ln.strip() for ln in normalize(text).split("\n")]
    lines = [ln for ln in lines if ln]
    start = next((i for i, ln in enumerate(lines) if _is_paragraph(ln) and not is_furniture_line(ln)), None)
    if start is None:
        return Page(None, None, "", None, "\n".join(lines), "\n".join(lines))
    head = lines[:start]
    published = None
    title = None
    for ln in head:
        d = line_date(ln)
        if d and len(ln) < 60 and published is None:
            published = d
    for ln in reversed(head):
        if line_date(ln) and len(ln) < 60 or is_furniture_line(ln) or len(ln) < 8:
            continue
        # A byline ("Minh Vũ", "Bài, ảnh: Thái Bình"), a caption or a "follow us" line sits next to the title.
        if _NOT_TITLE.search(ln) or (_is_byline(ln) and ln is not head[0]):
            continue
        title = ln
        break
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if ends_article(lines[i]) or _is_byline(lines[i]):
            end = i
            break
    body_lines = lines[start:end]
    # A caption or subheading may repeat the title: drop exact repeats of it.
    body_lines = [ln for ln in body_lines if ln != title]
    dateline = None
    if body_lines:
        dateline, body_lines[0] = split_dateline(body_lines[0])
    header = "\n".join(head)
    furniture = "\n".join([*(h for h in head if h != title), *lines[end:]])
    return Page(title, published, "\n\n".join(body_lines), dateline, header, furniture)
