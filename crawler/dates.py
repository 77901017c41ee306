"""Vietnamese news dates: bylines, URL dates and ISO metadata, normalised to naive local ISO.

Every date is returned as Asia/Ho_Chi_Minh wall-clock time without an offset, e.g.
"2023-06-20T02:30:43", which is how `Article.published` stores it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# News archives of provincial sites start in the late 1990s; anything outside is a parsing accident.
MIN_YEAR, MAX_YEAR = 1995, 2100

_DAY_MONTH_YEAR = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
_TIME = r"(?P<H>\d{1,2})\s*[:hg]\s*(?P<M>\d{2})(?:\s*:\s*(?P<S>\d{2}))?"
# "27/08/2012 - 10:05", "20/06/2023 02:30:43", "ngày 15/5/2016", "15-5-2016 lúc 10h30"
_DATE_THEN_TIME = re.compile(
    rf"(?<!\d){_DAY_MONTH_YEAR}(?!\d)(?:\s*(?:[-–|,]|lúc)?\s*{_TIME}(?!\d))?", re.IGNORECASE)
# "Cập nhật: 10:05, 27/08/2012", "10:05 27/08/2012"
_TIME_THEN_DATE = re.compile(rf"(?<!\d){_TIME}\s*(?:[-–|,]\s*)?(?:ngày\s*)?{_DAY_MONTH_YEAR}(?!\d)",
                             re.IGNORECASE)
# "ngày 15 tháng 5 năm 2016"
_WORDY = re.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.IGNORECASE)
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?")
# Dates in URLs: /2016/05/15/, /20160515/, -15052016- is too ambiguous and not tried.
_WAYBACK = re.compile(r"web\.archive\.org/web/\d{8,14}[a-z_]*/", re.IGNORECASE)
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d{2})[/-]?(?P<m>[01]\d)[/-]?(?P<d>[0-3]\d)(?:/|[-_]|\d{0,6}[/.-])")


def _build(y: str, m: str, d: str, hh: str | None = None, mm: str | None = None,
           ss: str | None = None) -> datetime | None:
    try:
        value = datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None


def iso_local(value: datetime) -> str:
    """Naive Vietnam wall-clock ISO string; an aware value is converted to Asia/Ho_Chi_Minh first."""
    if value.tzinfo is not None:
        value = value.astimezone(VN_TZ).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat()


def parse_iso(text: str) -> str | None:
    """An ISO 8601 date from metadata ("2023-06-20T02:30:43+07:00", "...Z", "2016-05-15"), as Vietnam
    wall-clock time (`parse_iso_stated` keeps the page's own clock instead)."""
    stated = parse_iso_stated(text)
    if stated is None:
        return None
    wall, tz = stated
    try:
        return iso_local(datetime.fromisoformat(wall + (tz or "")))
    except ValueError:
        return None


def parse_vn_date(text: str) -> str | None:
    """The first Vietnamese date (with its time when given) in a byline-like text, or None."""
    text = unicodedata.normalize("NFC", text)
    best: tuple[int, datetime] | None = None
    for pattern in (_TIME_THEN_DATE, _DATE_THEN_TIME, _WORDY):
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        value = _build(groups["y"], groups["m"], groups["d"], groups.get("H"), groups.get("M"), groups.get("S"))
        if value is not None and (best is None or match.start() < best[0]):
            best = (match.start(), value)
    return iso_local(best[1]) if best else None


def parse_any(text: str) -> str | None:
    """An ISO date if the text is one, else a Vietnamese date."""
    stripped = text.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}", stripped):
        return parse_iso(stripped)
    return parse_vn_date(stripped)


def date_from_url(url: str) -> str | None:
    """A full date (year, month and day) written in the URL path, or None (a Web Archive capture stamp
    is not the story's date: the original URL inside is read instead)."""
    match = _URL_DATE.search(unwrap_wayback(url))
    if not match:
        return None
    value = _build(match["y"], match["m"], match["d"])
    return iso_local(value) if value else None


def parse_iso_stated(text: str) -> tuple[str, str | None] | None:
    """An ISO 8601 date as the page states it: (wall-clock time, its offset or None). The offset is
    recorded, not applied: a post made at 22:00 in New York is dated that day, not the next."""
    match = _ISO.search(text.strip())
    if not match:
        return None
    value = _build(match["y"], match["m"], match["d"], match["H"], match["M"], match["S"])
    if value is None:
        return None
    tz = match["tz"]
    if tz and tz != "Z" and ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    return value.isoformat(), ("+00:00" if tz == "Z" else tz)


def is_wayback(url: str) -> bool:
    """True for a Web Archive capture URL, whose /web/<14 digits>/ stamp is the capture, not the story."""
    return bool(_WAYBACK.search(url))


def unwrap_wayback(url: str) -> str:
    """The original URL inside a Web Archive capture URL (the URL itself otherwise)."""
    match = _WAYBACK.search(url)
    return url[match.end():] if match else url
