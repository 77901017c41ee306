"""Issue 12, item 3: a title starting with =, +, -, @ (or a tab) is text in a spreadsheet, not a formula."""

from __future__ import annotations

import csv
import io

from tests.hardening.conftest import Live

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def test_csv_cells_are_neutralised(live: Live) -> None:
    # collapse=0: the five share a body, so the import marks four as republications of the first.
    query = "+OR+".join(f"FORMULA{i}" for i in range(5))
    status, headers, body = live.get(f"/export.csv?collapse=0&q={query}")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    at = rows[0].index("Tiêu đề")
    titles = [row[at] for row in rows[1:]]
    assert len(titles) == 5, titles
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
    assert sorted(titles) == sorted(["'=HYPERLINK(\"http://x\") FORMULA0 chỉ thị 05", "'+1+ FORMULA1 chỉ thị 05",
                                     "'-2- FORMULA2 chỉ thị 05", "'@SUM(1) FORMULA3 chỉ thị 05",
                                     "'=1+1 FORMULA4 chỉ thị 05"])


def test_xlsx_cells_are_neutralised(live: Live) -> None:
    from openpyxl import load_workbook

    query = "+OR+".join(f"FORMULA{i}" for i in range(5))
    status, headers, body = live.get(f"/export.xlsx?collapse=0&q={query}")
    assert status == 200
    ws = load_workbook(io.BytesIO(body)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert len(rows) == 6
    for row in rows:
        for cell in row:
            assert not (isinstance(cell, str) and cell.startswith(FORMULA_START)), cell
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_json_export_keeps_titles_as_they_are(live: Live) -> None:
    import json

    status, _, body = live.get("/export.json?q=FORMULA1")
    assert status == 200
    hits = json.loads(body)["hits"]
    assert [h["title"] for h in hits] == ["+1+ FORMULA1 chỉ thị 05"]
