"""The month chart as a PNG for the Word document: a tiny pure-Python raster (no plotting library).

Bars per month, the y axis with its peak, a year under each January and the milestones as red lines;
labels in words go in the caption under the picture (the document stays editable text).
"""

from __future__ import annotations

import struct
import zlib

#: 3×5 digits, one string of 15 bits per glyph, row by row.
_GLYPHS = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
    "8": "111101111101111", "9": "111101111001111",
}
WHITE, INK, BAR, GRID, RED, BLUE = (255, 255, 255), (40, 40, 40), (31, 78, 121), (215, 215, 215), (192, 0, 0), \
    (0, 112, 60)
MILESTONE_COLOURS = (RED, BLUE)


class Canvas:
    """An RGB raster with filled rectangles and 3×5 digits."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows = [bytearray(bytes(WHITE) * width) for _ in range(height)]

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        if x0 >= x1:
            return
        span = bytes(colour) * (x1 - x0)
        for y in range(y0, y1):
            self.rows[y][3 * x0:3 * x1] = span

    def text(self, x: int, y: int, text: str, scale: int = 3, colour: tuple[int, int, int] = INK) -> None:
        for ch in text:
            bits = _GLYPHS.get(ch)
            if bits is not None:
                for i, bit in enumerate(bits):
                    if bit == "1":
                        cx, cy = x + (i % 3) * scale, y + (i // 3) * scale
                        self.rect(cx, cy, cx + scale, cy + scale, colour)
            x += 4 * scale

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) \
            + chunk(b"IEND", b"")


def text_width(text: str, scale: int = 3) -> int:
    return len(text) * 4 * scale - scale


def month_png(series: list[list[object]], milestones: list[dict[str, object]], width: int = 1600,
              height: int = 560) -> bytes:
    """Stories per month as bars; each milestone in range as a coloured vertical line."""
    canvas = Canvas(width, height)
    left, right, top, bottom = 90, 20, 30, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    counts = [int(str(c)) for _m, c in series]
    months = [str(m) for m, _c in series]
    peak = max(counts, default=0) or 1
    for frac in (0.25, 0.5, 0.75, 1.0):
        y = top + plot_h - int(plot_h * frac)
        canvas.rect(left, y, left + plot_w, y + 1, GRID)
    label = str(peak)
    canvas.text(left - 12 - text_width(label), top - 7, label)
    canvas.text(left - 12 - text_width("0"), top + plot_h - 7, "0")
    n = max(1, len(series))
    step = plot_w / n
    bar = max(1, int(step * 0.78))
    for i, count in enumerate(counts):
        h = int(round(plot_h * count / peak))
        x = left + int(i * step + (step - bar) / 2)
        canvas.rect(x, top + plot_h - h, x + bar, top + plot_h, BAR)
    canvas.rect(left, top + plot_h, left + plot_w, top + plot_h + 2, INK)
    canvas.rect(left - 2, top, left, top + plot_h + 2, INK)
    short = len(months) <= 36  # a year or three: every month numbered under its bar
    if short:
        for i, month in enumerate(months):
            label = str(int(month[5:7]))
            x = left + int(i * step + step / 2) - text_width(label, 2) // 2
            canvas.text(x, top + plot_h + 8, label, scale=2)
    last = -10_000
    for i, month in enumerate(months):
        if month.endswith("-01") or i == 0:
            x = left + int(i * step)
            if x - last >= text_width("0000") + 16:
                if not short:
                    canvas.rect(x, top + plot_h, x + 2, top + plot_h + 10, INK)
                canvas.text(x, top + plot_h + (30 if short else 18), month[:4])
                last = x
    for k, ms in enumerate(milestones):
        day = str(ms["date"])
        if day[:7] in months:
            i = months.index(day[:7])
            x = left + int((i + (int(day[8:10]) - 1) / 31) * step)
            colour = MILESTONE_COLOURS[k % len(MILESTONE_COLOURS)]
            canvas.rect(x - 2, top - 10, x + 2, top + plot_h, colour)
    return canvas.png()
