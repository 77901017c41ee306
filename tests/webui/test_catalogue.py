"""The model catalogue: name filter, Vietnamese sort, the "replicated" view from carried-out models; exports."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient

from nlp.collation import vi_key

REPLICATED = "Người tốt, việc tốt"  # carried out ("thực hiện") in Hà Nội and Hồ Chí Minh in the fixture


def _csv(client: FlaskClient, url: str) -> list[list[str]]:
    res = client.get(url)
    assert res.status_code == 200, url
    return list(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig")), delimiter=";"))


def test_catalogue_sort_filter_and_replicated_view(client: FlaskClient) -> None:
    rows = _csv(client, "/models.csv?scope=all&order=name")
    assert rows[0] == ["Mô hình", "Số bài", "Số tỉnh thực hiện", "Thực hiện tại"]
    names = [r[0] for r in rows[1:]]
    assert names == sorted(names, key=vi_key) and "Không rõ" not in names
    assert [r[0] for r in _csv(client, "/models.csv?scope=all&name=nguoi tot")[1:]] == [REPLICATED]
    replicated = _csv(client, "/models.csv?scope=all&view=replicated")[1:]
    assert [r[0] for r in replicated] == [REPLICATED] and replicated[0][2] == "2"
    assert replicated[0][3] == "Hà Nội; Hồ Chí Minh"
    html = client.get("/models?scope=all&view=replicated").get_data(as_text=True)
    assert REPLICATED in html and "Tết trồng cây" not in html and "Tải CSV các bài thực hiện" in html
    assert client.get("/models?order=bogus").status_code == 400


def test_model_page_splits_carried_out_and_mentioned(client: FlaskClient) -> None:
    html = client.get(f"/models/{REPLICATED}?scope=all").get_data(as_text=True)
    done = html.split("Thực hiện tại", 1)[1].split("Chỉ nhắc đến tại", 1)
    assert "Hà Nội" in done[0] and "Hồ Chí Minh" in done[0]
    mentioned = client.get("/models/Tết trồng cây?scope=all").get_data(as_text=True)
    assert "Chưa có bài nào nói mô hình được thực hiện" in mentioned



def test_model_page_counts_provinces_without_the_unknown_bucket(client: FlaskClient) -> None:
    models = client.get("/api/models", query_string={"scope": "all"}).get_json()["models"]
    seen_unknown = False
    for m in models:
        api = client.get("/api/search", query_string={"model": m["name"], "scope": "all", "collapse": "0"})
        provinces = api.get_json()["facets"]["province"]
        known = [v for v in provinces if v["value"] != "Không rõ" and v["count"]]
        seen_unknown |= len(known) < len(provinces)
        html = client.get(f"/models/{m['name']}", query_string={"scope": "all"}).get_data(as_text=True)
        assert f"có bài ở {len(known)} tỉnh, thành" in html, m["name"]
        # the catalogue's "Số tỉnh thực hiện", under the same words (the page said only "3 tỉnh, thành")
        done = (f"thực hiện tại {len(m['done_in'])} tỉnh, thành" if m["done_in"]
                else "chưa rõ thực hiện ở tỉnh, thành nào")  # not "thực hiện tại 0 tỉnh, thành"
        assert f"bài viết · {done}" in html, m["name"]
    assert seen_unknown  # a model with a story of no known province is among them


def test_replicated_stories_export(client: FlaskClient) -> None:
    api = client.get("/api/search", query_string={"model_done": REPLICATED, "scope": "all", "collapse": "0"})
    total = api.get_json()["total"]
    rows = _csv(client, f"/export.csv?model_done={REPLICATED}&scope=all&collapse=0")
    assert len(rows) - 1 == total >= 2
    at = rows[0].index("Mô hình thực hiện")
    assert all(REPLICATED in r[at] for r in rows[1:])


def test_coverage_and_catalogue_xlsx_keep_vietnamese(client: FlaskClient) -> None:
    from openpyxl import load_workbook

    for url in ("/coverage.xlsx?scope=all", "/models.xlsx?scope=all", "/provinces.xlsx?scope=all"):
        res = client.get(url)
        assert res.status_code == 200, url
        ws = load_workbook(io.BytesIO(res.get_data())).active
        values = [c.value for row in ws.iter_rows() for c in row]
        assert any(isinstance(v, str) and ("Hà Nội" in v or "Người tốt" in v) for v in values), url
    assert client.get("/coverage.pdf").status_code == 400


def test_province_and_phrases_exports_hold_the_view(client: FlaskClient) -> None:
    html = client.get("/provinces/Hà Nội?scope=all").get_data(as_text=True)
    api = client.get("/api/search", query_string={"province": "Hà Nội", "scope": "all", "per_page": 100}).get_json()
    rows = _csv(client, "/export.csv?province=Hà+Nội&scope=all")
    assert [r[0] for r in rows[1:]] == [h["id"] for h in api["hits"]]
    assert "/export.csv?province=" in html.replace("&amp;", "&")
    page = client.get("/phrases?scope=all").get_data(as_text=True)
    phrases = _csv(client, "/phrases.csv?scope=all")[1:]
    assert phrases and all(f">{r[1]}</a>" in page for r in phrases)
