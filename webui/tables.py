"""Any table a page shows, as a download: CSV (UTF-8 with BOM, Vietnamese headers, `;` by default so
Excel set to Vietnamese opens it in columns) or XLSX (openpyxl). Every cell goes through `safe_cell`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, time

from flask import Response, request, stream_with_context

from webui.params import ParamError

#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: The CSV separators a user may choose (`sep=`): Vietnamese Excel's list separator is ";".
SEPARATORS = {"": ";", ";": ";", "semicolon": ";", ",": ",", "comma": ",", "tab": "\t"}
#: Longest text one XLSX cell holds (Excel's limit).
XLSX_CELL_MAX = 32_767
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def separator() -> str:
    """The `sep` parameter of the request: ";" (default), "," or "tab"."""
    sep = request.args.get("sep", "").strip()
    if sep not in SEPARATORS:
        raise ParamError("Dấu phân cách “sep” chỉ nhận ; , hoặc tab.")
    return SEPARATORS[sep]


def filename(stem: str, ext: str) -> str:
    return f"ct05-{stem}-{datetime.now().strftime('%Y%m%d-%H%M')}.{ext}"


def csv_response(headers: Sequence[str], rows: Iterable[Sequence[object]], stem: str) -> Response:
    """A streamed CSV download (UTF-8 with BOM); numbers stay numbers, text is made formula-safe."""
    sep = separator()

    def generate() -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=sep)
        writer.writerow(headers)
        yield "\ufeff" + _drain(buf)
        for n, row in enumerate(rows, 1):
            writer.writerow([_number(c, sep) if isinstance(c, int | float) else safe_cell(c) for c in row])
            if n % 100 == 0:
                yield _drain(buf)
        yield _drain(buf)

    # The mimetype alone: Flask adds "; charset=utf-8" to text types itself (named once).
    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename(stem, "csv")}"'})


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]], title: str = "ct05") -> bytes:
    """An XLSX workbook of one sheet: bold frozen header row, text cells formula-safe and within Excel's limit."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31] or "ct05"
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([c if isinstance(c, int | float) else _xlsx_date(c) or _xlsx_text(c) for c in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime):  # a real date Excel sorts and filters, shown the Vietnamese way
                cell.number_format = "dd/mm/yyyy hh:mm" if cell.value.time() != time() else "dd/mm/yyyy"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(headers: Sequence[str], rows: Iterable[Sequence[object]], stem: str, title: str = "ct05") -> Response:
    return Response(xlsx_bytes(headers, rows, title), mimetype=XLSX_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{filename(stem, "xlsx")}"'})


def check_format(fmt: str) -> str:
    """`fmt` if it is "csv" or "xlsx", else a 400: called before a download computes its table."""
    if fmt not in ("csv", "xlsx"):
        raise ParamError("Định dạng tải về chỉ nhận csv hoặc xlsx.")
    return fmt


def table_response(fmt: str, headers: Sequence[str], rows: Iterable[Sequence[object]], stem: str,
                   title: str = "ct05") -> Response:
    """`fmt` "csv" or "xlsx" (anything else is a 400)."""
    if check_format(fmt) == "csv":
        return csv_response(headers, rows, stem)
    return xlsx_response(headers, rows, stem, title)


def _number(value: float, sep: str) -> object:
    """A number as the spreadsheet reading the file expects it: with the ";" separator (Excel set to
    Vietnamese) a decimal comma, since there "." groups thousands and "0.394" was read as 394."""
    if sep == ";" and isinstance(value, float):
        return repr(value).replace(".", ",")
    return value


#: An ISO date or date-time as the archive stores a publication date ("2024-04-27T17:10:00+07:00").
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def _xlsx_date(value: object) -> datetime | None:
    """An ISO date cell as a date (its wall-clock time, as published; Excel has no time zones), else None:
    as text "2024-04-27T17:10:00" neither sorted as a date nor read as one in Vietnamese."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def _xlsx_text(value: object) -> str:
    # XML 1.0 cannot hold most control characters; the archive strips them, a query echo may not.
    text = "".join(ch for ch in safe_cell(value) if ch in "\t\n" or ord(ch) >= 32)
    return text[:XLSX_CELL_MAX]


def _drain(buf: io.StringIO) -> str:
    text = buf.getvalue()
    buf.seek(0)
    buf.truncate(0)
    return text
