"""Errors: a missing index is a friendly page, never a 500; unexpected errors show no trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from webui import create_app


def test_missing_index_page(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path / "nothing"), "TESTING": True})
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "ct05 demo" in html and "ct05 index" in html
    api = client.get("/api/search")
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "index_missing"
    assert not (tmp_path / "nothing").exists() or not any((tmp_path / "nothing").iterdir())


def test_unexpected_error_is_a_clean_500(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app({"DATA_DIR": str(data_dir)})
    import webui.search as search

    def boom(_query: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(search, "run_search", boom)
    page = app.test_client().get("/search?q=x")
    assert page.status_code == 500
    html = page.get_data(as_text=True)
    assert "secret internals" not in html and "Traceback" not in html and "Lỗi máy chủ" in html
    assert app.debug is False


def test_helpers() -> None:
    from webui.charts import fill_months, month_chart
    from webui.helpers import pages, safe_snippet, vn_date

    assert str(safe_snippet("a <mark>b</mark> <script>x</script> &amp; <mark>c")) == \
        "a <mark>b</mark> &lt;script&gt;x&lt;/script&gt; &amp; <mark>c</mark>"
    assert vn_date("2021-05-18T07:30:00", True) == "18/05/2021 07:30"
    assert pages(5, 20) == [1, None, 3, 4, 5, 6, 7, None, 20]
    series = fill_months({"2016-04": 1, "2016-07": 2})
    assert [m for m, _ in series] == ["2016-04", "2016-05", "2016-06", "2016-07"]
    svg = str(month_chart(series))
    assert "Chỉ thị 05-CT/TW" in svg and "19/5/2016" in svg
