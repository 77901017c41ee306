"""Counts that add up (issue 16): Không rõ buckets, coverage rows and columns, 404s, on a real index, both scopes."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient

from index.facets import UNKNOWN


def _total(client: FlaskClient, **params: str) -> int:
    return int(client.get("/api/search", query_string=params).get_json()["total"])


@pytest.mark.parametrize("scope", ["topic", "all"])
def test_every_facet_adds_up_to_the_total(client: FlaskClient, scope: str) -> None:
    total = _total(client, scope=scope)
    facets = client.get("/api/facets", query_string={"scope": scope}).get_json()["facets"]
    # A story republished by two sources counts under each source: articles (collapse=0) partition exactly.
    articles = client.get("/api/facets", query_string={"scope": scope, "collapse": "0"}).get_json()["facets"]
    assert sum(v["count"] for v in articles["source"]) == _total(client, scope=scope, collapse="0")
    for name in ("province", "province_2025", "year"):  # one value per story: the counts partition it
        assert sum(v["count"] for v in facets[name]) == total, (scope, name)
        unknown = [v for v in facets[name] if v["value"] == UNKNOWN]
        if unknown:
            assert facets[name][-1]["value"] == UNKNOWN  # shown last
            assert _total(client, scope=scope, **{name: UNKNOWN}) == unknown[0]["count"]
    assert any(v["value"] == UNKNOWN for v in facets["province"])  # the fixture has stories without a province


@pytest.mark.parametrize("scope", ["topic", "all"])
def test_coverage_rows_and_columns_add_up(client: FlaskClient, scope: str) -> None:
    table = client.get("/api/provinces", query_string={"scope": scope}).get_json()
    assert table["total"] == _total(client, scope=scope)
    years = table["years"]
    assert years[-1] == UNKNOWN
    numeric = [int(y) for y in years[:-1]]
    assert numeric == list(range(numeric[0], numeric[-1] + 1))  # no year left out, zeros included
    for row in table["rows"]:
        assert sum(row["years"].values()) == row["total"], row["province"]
    assert sum(r["total"] for r in table["rows"]) == table["total"]
    for y in years:
        assert sum(r["years"][y] for r in table["rows"]) == table["year_totals"][y], y
    assert sum(table["year_totals"].values()) == table["total"]


def test_two_selected_provinces_stay_apart(client: FlaskClient) -> None:
    """Two provinces selected: two rows in the coverage table and its export, each with its own counts."""
    a, b = "Hà Nội", "Yên Bái"
    table = client.get("/api/provinces", query_string=[("province", a), ("province", b), ("scope", "all")]).get_json()
    assert [r["province"] for r in table["rows"]] == [a, b]
    for row in table["rows"]:
        assert row["total"] == _total(client, scope="all", province=row["province"])
    raw = client.get("/coverage.csv", query_string=[("province", a), ("province", b), ("scope", "all")]).get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == [a, b, "Tổng"]
    assert rows[1][-1] == str(table["rows"][0]["total"]) and rows[-1][-1] == str(table["total"])
    html = client.get("/coverage", query_string=[("province", a), ("province", b)]).get_data(as_text=True)
    assert "<tfoot>" in html and html.count('<th scope="row">') == 3


def test_unknown_things_are_404(client: FlaskClient) -> None:
    assert client.get("/search?province=Không+Có+Tỉnh").status_code == 404
    assert client.get("/api/search?model=Không+có+mô+hình+này").status_code == 404
    assert client.get("/models/Không có mô hình này").status_code == 404
    assert client.get("/provinces/Atlantis").status_code == 404
    assert client.get("/provinces/Cà Mau").status_code == 200  # an official province without stories
    assert client.get("/search", query_string={"province": UNKNOWN}).status_code == 200


@pytest.mark.parametrize("scope", ["topic", "all"])
def test_a_page_past_the_last_is_an_empty_page_in_the_api_and_the_html_alike(client: FlaskClient, scope: str) -> None:
    """A page past the last is an empty page of a valid result, not a missing thing (Elasticsearch `from`
    past the hits, Datasette): 200 and the same total in the API and on the pages, which say so and link back."""
    api = client.get("/api/search", query_string={"per_page": 5, "scope": scope}).get_json()
    last = api["pages"]
    assert last == -(-api["total"] // 5) > 1
    end = client.get("/api/search", query_string={"per_page": 5, "page": last, "scope": scope}).get_json()
    assert 1 <= len(end["hits"]) <= 5
    past = client.get("/api/search", query_string={"per_page": 5, "page": last + 1, "scope": scope})
    assert past.status_code == 200
    data = past.get_json()
    assert data["hits"] == [] and data["total"] == api["total"] and data["pages"] == last
    assert data["page"] == last + 1
    html_pages = [("/search", {"per_page": 5}), ("/provinces/Hà Nội", {}), ("/models", {}),
                  ("/models/" + client.get("/api/models").get_json()["models"][0]["name"], {})]
    for path, params in html_pages:
        res = client.get(path, query_string={**params, "page": 400, "scope": scope})
        html = res.get_data(as_text=True)
        assert res.status_code == 200, path
        assert "Trang 400 không có: chỉ có" in html and "Về trang" in html, path
        assert "Không tìm thấy bài viết nào" not in html, path  # the total says there are some
    html = client.get("/search", query_string={"per_page": 5, "page": last + 3, "scope": scope}).get_data(
        as_text=True)
    assert f"<strong>{api['total']}</strong> bài viết" in html
    prev = re.search(r'rel="prev" href="([^"]*)"', html)
    assert prev and f"page={last}&" in prev.group(1) + "&", prev  # "‹ Trước" goes to the last page
    assert 'class="hit' not in html


def test_search_page_compares_two_selected_provinces(client: FlaskClient) -> None:
    """The researcher's task: two provinces ticked on the search page → per-year rows kept apart, exportable."""
    a, b = "Hà Nội", "Yên Bái"
    html = client.get("/search", query_string=[("province", a), ("province", b), ("scope", "all")]).get_data(
        as_text=True)
    table = html.split('id="compare-h"', 1)[1].split("</table>", 1)[0]
    assert f'<th scope="row">{a}</th>' in table and f'<th scope="row">{b}</th>' in table
    raw = client.get("/coverage.csv", query_string=[("province", a), ("province", b), ("scope", "all"),
                                                    ("by", "province")]).get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == [a, b, "Tổng"]
    for r in rows[1:3]:
        assert sum(int(c) for c in r[1:-1]) == int(r[-1]) == _total(client, scope="all", province=r[0])
    assert client.get("/coverage.csv?by=year").status_code == 400


def test_compare_chart_has_one_series_per_selected_province(client: FlaskClient) -> None:
    html = client.get("/search", query_string=[("province", "Hà Nội"), ("province", "Yên Bái"), ("scope", "all")]
                      ).get_data(as_text=True)
    chart = html.split('class="chart grouped"', 1)[1].split("</svg>", 1)[0]
    assert "<title>Hà Nội, " in chart and "<title>Yên Bái, " in chart
    assert len({c for c in ("#0b5cad", "#c0392b") if f'fill="{c}"' in chart}) == 2
