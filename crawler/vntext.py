"""Reading Vietnamese page text: the date on a byline line, the dateline that opens a body, and the lines
and labels of page furniture. One reader for the crawler's extraction (`crawler.extract`, `crawler.body`,
`crawler.htmltext`) and for `ct05 analyze` on visible text (`nlp.page`).

Dates themselves are parsed by `crawler.dates` (`line_date` is its byline reader); this module holds the
page-level rules around them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.dates import parse_vn_date

__all__ = ["ARTICLE_END", "FURNITURE_LINE", "FURNITURE_TEXT", "GENERIC_DATELINES", "RELATED_LABEL",
           "ends_article", "is_furniture_line", "line_date", "split_dateline"]

# -- dates -------------------------------------------------------------------------------------------

#: The first Vietnamese date (and its time) on a line: "20/06/2023 02:30", "10:05, 27/08/2012", "ngày 15
#: tháng 5 năm 2016". Naive Asia/Ho_Chi_Minh ISO, as `Article.published` stores it.
line_date = parse_vn_date

# -- datelines ---------------------------------------------------------------------------------------

# A paper's code in parentheses ("(HBĐT) - ", "(TTXVN):"), or bare capitals between spaces and a dash ("TTH - ").
_DATELINE = re.compile(r"^\((?P<tag>[A-ZĐ][A-ZĐ0-9.]{1,11})\)\s*[-–—:]\s*|^(?P<bare>[A-ZĐ]{2,5}) [-–—] (?=\S)")
# Agencies whose dateline any paper may print ("TTXVN - ").
GENERIC_DATELINES = ("TTXVN", "VOV", "VNA")


def split_dateline(text: str, prefixes: Iterable[str] = ()) -> tuple[str | None, str]:
    """(dateline code, the rest) of a body's first paragraph: a site's own `prefixes` ("TTH -",
    "(HBĐT) -"), then the agencies', then any capitalised code in the form papers use; (None, text)
    when it opens with none.

    >>> split_dateline("TTH - Sáng nay, tại Huế")
    ('TTH', 'Sáng nay, tại Huế')
    >>> split_dateline("(HBĐT) - Chiều 15/5")
    ('HBĐT', 'Chiều 15/5')
    """
    for prefix in [*prefixes, *(f"{d} -" for d in GENERIC_DATELINES)]:
        pattern = re.escape(prefix.rstrip(" -–")).replace(r"\ ", r"\s*") + r"\s*[-–—]\s*"
        match = re.match(pattern, text)
        if match:
            return prefix.rstrip(" -–").strip("() "), text[match.end():]
    match = _DATELINE.match(text)
    if match:
        return match["tag"] or match["bare"], text[match.end():]
    return None, text

# -- furniture ---------------------------------------------------------------------------------------

#: A whole short paragraph that is page furniture however it is marked up (checked on paragraphs under
#: 80 characters by the crawler).
FURNITURE_TEXT = re.compile(
    r"^(xem cỡ chữ.*|cỡ chữ.*|chia sẻ( bài viết)?.*|in bài.*|gửi bài.*|lượt xem:?\s*[\d.,\s]*|"
    r"thống kê truy cập.*|đang online:?.*|hôm nay:?\s*[\d.,\s]*|trong (tuần|tháng):?\s*[\d.,\s]*|"
    r"tất cả:?\s*[\d.,\s]*|đăng nhập|đăng ký|image (advertisement|banner)|top|về đầu trang|lên đầu trang|"
    r"các tin (khác|đã đưa).*|tin (liên quan|cùng chuyên mục|mới hơn|cũ hơn|khác).*|"
    r"xem các tin đã đưa ngày.*|tin trong:.*|bình luận.*|ý kiến bạn đọc.*|"
    r"thấp nhất \d+\s*°c.*|độ ẩm trung bình.*|tốc độ gió.*|\d+\s*o?c|facebook|zalo|twitter|google|"
    r"bao dien tu [a-z ]+|đồng hành cùng doanh nghiệp)$",
    re.IGNORECASE)
#: A line of visible page text that starts with furniture: the banner, counters, breadcrumbs (">>").
FURNITURE_LINE = re.compile(r"^(?:image banner|Lượt xem|Xem cỡ chữ|Trang chủ|Đăng nhập|Google)\b|>>", re.IGNORECASE)
#: A line of visible text at which the article has ended: related news, sharing, counters, weather, ads.
ARTICLE_END = re.compile(
    r"^(?:Các tin khác|Tin khác|Tin liên quan|Bài viết liên quan|Tin cùng chuyên mục|Xem thêm|Chia sẻ bài viết|"
    r"Chia sẻ|Top|image advertisement|Thống kê truy cập|Đang online|Bình luận|Ý kiến bạn đọc|In bài|"
    r"Gửi bình luận|Tags?:|Từ khóa|Thấp nhất|Độ ẩm|\d{1,2}\s*o?°?C)\b",
    re.IGNORECASE,
)
#: The label heading a box of links inside a body ("Tin liên quan", "Xem thêm", "Có thể bạn quan tâm").
RELATED_LABEL = re.compile(r"^\s*(tham khảo thêm|xem thêm|đọc thêm|đọc tiếp|tin mới|tin liên quan|tin cùng chuyên mục|"
                           r"tin nổi bật|bài liên quan|có thể bạn quan tâm|related|read more|see also|also read)\b",
                           re.IGNORECASE)


def ends_article(line: str) -> bool:
    """Is a line of visible page text the first one after the article (related news, sharing, counters)?"""
    return bool(ARTICLE_END.match(line)) or (len(line) < 200 and bool(RELATED_LABEL.match(line)))


def is_furniture_line(line: str) -> bool:
    """Does a line of visible page text belong to the page's furniture rather than its article?"""
    return bool(FURNITURE_LINE.search(line)) or (len(line) < 80 and bool(FURNITURE_TEXT.match(line)))
