"""Issue 12, item 2: a 9999-12-31 and a 0001-01-01 never turn pages into megabytes of empty months."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from tests.hardening.conftest import BODY, Live, ct05, write_jsonl

PAGE_LIMIT = 1_000_000  # bytes; the fixture's pages are tens of kB, eight millennia of months were 13 MB


def test_import_applies_the_crawlers_year_bounds_and_names_the_line(tmp_path: Path) -> None:
    records = [{"url": f"https://x.example/{i}", "title": f"Bài {i} chỉ thị 05", "body": BODY, "published": p}
               for i, p in enumerate(("2021-05-18", "9999-12-31", "0001-01-01", "2100-12-31T23:59:00"))]
    src = write_jsonl(tmp_path / "dates.jsonl", records)
    run = ct05("import", str(src), "--data-dir", str(tmp_path / "data"))
    assert run.code == 0 and "Traceback" not in run.text, run.text
    assert "imported 2 new" in run.out and "2 bad lines" in run.out, run.text
    assert f"{src}:2: skipped: published year 9999 outside 1995–2100" in run.err, run.err
    assert f"{src}:3: skipped: published year 1 outside 1995–2100" in run.err, run.err


@pytest.mark.parametrize("path", ["/", "/search?q=" + quote("chỉ thị 05"), "/provinces/" + quote("Yên Bái"),
                                  "/models/" + quote("../admin", safe=""), "/models"])
def test_pages_stay_small_whatever_the_span_of_dates(live: Live, path: str) -> None:
    status, _, body = live.get(path)
    assert status == 200, (path, status)
    assert len(body) < PAGE_LIMIT, (path, len(body))
    assert body.count(b'class="bar"') <= 480


def test_charts_never_depend_on_the_span() -> None:
    from webui.charts import MAX_MONTHS, fill_months, month_chart

    series = fill_months({"0001-01": 1, "2016-05": 3, "9999-12": 1})
    assert series and len(series) <= MAX_MONTHS and series[0][0] == "2016-05" and series[-1][0] == "2016-05"
    wide = fill_months({"1995-01": 1, "2100-12": 1})
    assert len(wide) == MAX_MONTHS and wide[-1] == ("2100-12", 1)
    assert len(str(month_chart(wide))) < 200_000
