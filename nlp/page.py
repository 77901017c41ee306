"""Title, date, dateline and body of a page given as its visible text (page furniture and all)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.normalize import normalize

__all__ = ["Page", "split_page"]

_DATE = re.compile(
    r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})(?:\D{0,4}?(\d{1,2})[:hg](\d{2})(?::(\d{2}))?)?"
)
# Lines that end the article: related news, sharing, counters, weather, ads.
_STOP = re.compile(
    r"^(?:Các tin khác|Tin khác|Tin liên quan|Bài viết liên quan|Tin cùng chuyên mục|Xem thêm|Chia sẻ bài viết|"
    r"Chia sẻ|Top|image advertisement|Thống kê truy cập|Đang online|Bình luận|Ý kiến bạn đọc|In bài|"
    r"Gửi bình luận|Tags?:|Từ khóa|Thấp nhất|Độ ẩm|\d{1,2}\s*o?°?C)\b",
    re.IGNORECASE,
)
_FURNITURE = re.compile(r"^(?:image banner|Lượt xem|Xem cỡ chữ|Trang chủ|Đăng nhập|Google)\b|>>", re.IGNORECASE)
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
_DATELINE = re.compile(r"^\(?([A-ZĐ][A-ZĐa-z.]{1,7})\)?\s*-\s+(?=\S)")


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


def _date(line: str) -> str | None:
    m = _DATE.search(line)
    if not m:
        return None
    d, mo, y, h, mi, s = m.groups()
    try:
        if not (1 <= int(d) <= 31 and 1 <= int(mo) <= 12):
            return None
    except ValueError:
        return None
    time = f"{int(h):02d}:{mi}:{s or '00'}" if h else "00:00:00"
    return f"{y}-{int(mo):02d}-{int(d):02d}T{time}"


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
    start = next((i for i, ln in enumerate(lines) if _is_paragraph(ln) and not _FURNITURE.search(ln)), None)
    if start is None:
        return Page(None, None, "", None, "\n".join(lines), "\n".join(lines))
    head = lines[:start]
    published = None
    title = None
    for ln in head:
        d = _date(ln)
        if d and len(ln) < 60 and published is None:
            published = d
    for ln in reversed(head):
        if _date(ln) and len(ln) < 60 or _FURNITURE.search(ln) or len(ln) < 8:
            continue
        # A byline ("Minh Vũ", "Bài, ảnh: Thái Bình"), a caption or a "follow us" line sits next to the title.
        if _NOT_TITLE.search(ln) or (_is_byline(ln) and ln is not head[0]):
            continue
        title = ln
        break
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if _STOP.match(lines[i]) or _is_byline(lines[i]):
            end = i
            break
    body_lines = lines[start:end]
    # A caption or subheading may repeat the title: drop exact repeats of it.
    body_lines = [ln for ln in body_lines if ln != title]
    dateline = None
    if body_lines:
        m = _DATELINE.match(body_lines[0])
        if m:
            dateline = m.group(1)
            body_lines[0] = body_lines[0][m.end():]
    header = "\n".join(head)
    furniture = "\n".join([*(h for h in head if h != title), *lines[end:]])
    return Page(title, published, "\n\n".join(body_lines), dateline, header, furniture)
