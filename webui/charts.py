"""Server-rendered inline SVG charts (no script, so a strict CSP holds); every label is escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from markupsafe import Markup, escape

from crawler.dates import MAX_YEAR, MIN_YEAR

#: Dates every Chỉ thị 05 story is read against.
MILESTONES = (
    ("2016-05-15", "Chỉ thị 05-CT/TW (15/5/2016)"),
    ("2021-05-18", "Kết luận 01-KL/TW (18/5/2021)"),
)
#: Longest monthly series drawn (40 years, far more than any archive of Chỉ thị 05 stories spans).
MAX_MONTHS = 480


def month_range(first: str, last: str) -> list[str]:
    """Every YYYY-MM from first to last inclusive."""
    y, m = int(first[:4]), int(first[5:7])
    ly, lm = int(last[:4]), int(last[5:7])
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def fill_months(counts: dict[str, int], first: str | None = None, last: str | None = None) -> list[tuple[str, int]]:
    """Monthly series with zero months filled in; months outside the crawler's year bounds (a 9999-12-31
    or 0001-01-01 is a data accident) are left out, and at most the last `MAX_MONTHS` months are drawn:
    the span of the dates never sizes a page."""
    keys = sorted(k for k in counts if len(k) >= 7 and k.isascii() and k[:4].isdigit() and k[5:7].isdigit()
                  and MIN_YEAR <= int(k[:4]) <= MAX_YEAR)
    if not keys:
        return []
    start, end = _month_number(first or keys[0]), _month_number(last or keys[-1])
    start = max(start, end - MAX_MONTHS + 1)
    months = [f"{n // 12:04d}-{n % 12 + 1:02d}" for n in range(start, end + 1)]
    return [(m, counts.get(m, 0)) for m in months]


def _month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_chart(series: list[tuple[str, int]], link: Callable[[str], str] | None = None,
                title: str = "Số bài theo tháng") -> Markup:
    """A bar chart of articles per month, with the Chỉ thị 05 milestones and every 19/5 marked."""
    if not series:
        return Markup("")
    width, height, left, bottom, top = 720.0, 180.0, 34.0, 22.0, 14.0
    n = len(series)
    peak = max(c for _, c in series) or 1
    step = (width - left - 4) / n
    bar = max(1.0, step * 0.8)
    plot_h = height - bottom - top
    months = [m for m, _ in series]
    # With links the chart is a group of links, not an image (an image has no interactive parts); the bar
    # links stay out of the Tab order (the date fields filter by month from the keyboard).
    role = "group" if link else "img"
    parts = [
        f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" role="{role}" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}"/>',
        f'<text class="tick" x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text class="tick" x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>',
    ]

    def x_of(month: str, day: int = 15) -> float | None:
        if month not in months:
            return None
        return left + months.index(month) * step + step * (day - 1) / 31

    # 19/5 every year (President Hồ Chí Minh's birthday), then the two directives on top.
    for year in sorted({m[:4] for m in months}):
        x = x_of(f"{year}-05", 19)
        if x is not None:
            parts.append(f'<line class="may19" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}">'
                         f"<title>19/5/{year}: kỷ niệm ngày sinh Chủ tịch Hồ Chí Minh</title></line>")
    for day, label in MILESTONES:
        x = x_of(day[:7], int(day[8:10]))
        if x is not None:
            parts.append(f'<line class="milestone" x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - bottom}">'
                         f"<title>{escape(label)}</title></line>")
            parts.append(f'<text class="milestone-label" x="{x + 3:.1f}" y="{top - 2}">{escape(label.split(" (")[0])}'
                         "</text>")
    for i, (month, count) in enumerate(series):
        h = plot_h * count / peak
        x = left + i * step + (step - bar) / 2
        tip = f"{month[5:7]}/{month[:4]}: {count} bài"
        rect = (f'<rect class="bar" x="{x:.1f}" y="{height - bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}">'
                f"<title>{escape(tip)}</title></rect>")
        if link and count:
            rect = f'<a href="{escape(link(month))}" tabindex="-1" aria-label="{escape(tip)}">{rect}</a>'
        parts.append(rect)
    years = sorted({m[:4] for m in months})
    last_x = -100.0
    for year in years:
        x = x_of(f"{year}-01", 1) if f"{year}-01" in months else x_of(months[0], 1)
        # Skip a label that would overlap the previous one (a partial first year, long ranges).
        if x is not None and x - last_x >= 34:
            parts.append(f'<text class="tick" x="{x:.1f}" y="{height - 6}">{escape(year)}</text>')
            last_x = x
    parts.append("</svg>")
    return Markup("".join(parts))


#: Series colours of a grouped chart (distinguishable for the common colour-vision deficiencies), then a
#: pattern of their own is not needed: every bar also carries its value and series in a <title>.
SERIES_COLOURS = ("#0b5cad", "#c0392b", "#2e7d32", "#8e44ad", "#b35900", "#00838f")


def grouped_chart(groups: list[str], series: list[tuple[str, list[int]]], title: str) -> Markup:
    """Bars per group (a year) side by side, one colour per series (a selected province), with a legend:
    the counts of two provinces kept apart in one picture."""
    if not groups or not series:
        return Markup("")
    width, height, left, bottom, top = 720.0, 190.0, 34.0, 22.0, 26.0
    peak = max((v for _, vals in series for v in vals), default=0) or 1
    step = (width - left - 4) / len(groups)
    bar = max(2.0, step * 0.8 / len(series))
    plot_h = height - bottom - top
    parts = [f'<svg class="chart grouped" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}"/>',
             f'<text class="tick" x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>']
    x_legend = left
    for k, (name, _vals) in enumerate(series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        parts.append(f'<rect x="{x_legend:.1f}" y="4" width="10" height="10" fill="{colour}"/>'
                     f'<text class="tick" x="{x_legend + 14:.1f}" y="13">{escape(name)}</text>')
        x_legend += 24 + 7 * len(name)
    for i, group in enumerate(groups):
        x0 = left + i * step + step * 0.1
        for k, (name, vals) in enumerate(series):
            h = plot_h * vals[i] / peak
            parts.append(f'<rect x="{x0 + k * bar:.1f}" y="{height - bottom - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{SERIES_COLOURS[k % len(SERIES_COLOURS)]}">'
                         f"<title>{escape(name)}, {escape(group)}: {vals[i]} bài</title></rect>")
        parts.append(f'<text class="tick" x="{x0:.1f}" y="{height - 6}">{escape(group)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: Iterable[int], label: str = "") -> Markup:
    """A tiny line of counts (per year or month) for tables."""
    vals = list(values)
    if not vals:
        return Markup("")
    width, height = 100.0, 22.0
    peak = max(vals) or 1
    step = width / max(1, len(vals) - 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (height - 4) * v / peak:.1f}" for i, v in enumerate(vals))
    if len(vals) == 1:
        points = f"0,{height - 2 - (height - 4):.1f} {width},{height - 2 - (height - 4):.1f}"
    return Markup(f'<svg class="spark" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
                  f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
                  f'<polyline points="{points}"/></svg>')


def year_series(first: date, last: date, counts: dict[str, int]) -> list[int]:
    return [counts.get(str(y), 0) for y in range(first.year, last.year + 1)]
