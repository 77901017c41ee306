"""CSV and JSON exports of the whole result set, the printable report, the Atom feed."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from flask import Flask
from flask.testing import FlaskClient

from crawler.article import Article

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def _csv(client: FlaskClient, url: str, delimiter: str = ";") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(client.get(url).get_data().decode("utf-8-sig")), delimiter=delimiter))


def _xlsx(client: FlaskClient, url: str) -> list[list[object]]:
    from openpyxl import load_workbook

    res = client.get(url)
    assert res.status_code == 200 and res.mimetype.endswith("spreadsheetml.sheet"), res.status_code
    ws = load_workbook(io.BytesIO(res.get_data())).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_csv_has_bom_and_every_row(app: Flask, client: FlaskClient) -> None:
    total = client.get("/api/search").get_json()["total"]
    res = client.get("/export.csv")
    assert res.mimetype == "text/csv" and "attachment" in res.headers["Content-Disposition"]
    assert res.headers["Content-Type"].count("charset") == 1
    raw = res.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == total > 20  # the whole set, not one page
    assert "<mark>" not in raw.decode("utf-8-sig")
    assert any("Hòa Bình" == r["Tỉnh, thành (trước 7/2025)"] for r in rows)
    assert {"Tác giả", "Người", "Tổ chức", "Văn bản", "Chủ đề", "Độ liên quan", "Nội dung"} <= set(rows[0])
    assert all(r["Nội dung"] for r in rows)  # every field, the text too
    comma = _csv(client, "/export.csv?sep=,", delimiter=",")
    assert [r["Mã bài"] for r in comma] == [r["Mã bài"] for r in rows]
    assert client.get("/export.csv?sep=x").status_code == 400


def test_exports_hold_the_rows_of_the_view(client: FlaskClient) -> None:
    """Search results, a model page and a province page: the export lists the page's articles, in order."""
    api = client.get("/api/search", query_string={"q": "Bác", "per_page": 100}).get_json()
    ids = [h["id"] for h in api["hits"]]
    assert [r["Mã bài"] for r in _csv(client, "/export.csv?q=Bác")] == ids
    sheet = _xlsx(client, "/export.xlsx?q=Bác")
    assert sheet[0][0] == "Mã bài" and [r[0] for r in sheet[1:]] == ids
    titles = {h["id"]: h["title"] for h in api["hits"]}
    assert all(r[1] == titles[r[0]] for r in sheet[1:])  # Vietnamese read back intact
    assert any("ư" in str(r[1]) or "ệ" in str(r[1]) for r in sheet[1:])


def test_selection_export(client: FlaskClient, articles: list[Article]) -> None:
    ids = [articles[2].id, articles[0].id]
    rows = _csv(client, "/export.csv?" + "&".join(f"ids={i}" for i in ids))
    assert [r["Mã bài"] for r in rows] == ids
    assert rows[0]["Tiêu đề"] == articles[2].title
    sheet = _xlsx(client, "/export.xlsx?" + "&".join(f"ids={i}" for i in ids))
    assert [r[0] for r in sheet[1:]] == ids and sheet[1][1] == articles[2].title
    assert client.get("/export.csv?ids=../x").status_code == 400


def test_csv_streams_past_one_batch(app: Flask, client: FlaskClient, monkeypatch: object) -> None:
    import webui.export as export

    monkeypatch.setattr(export, "BATCH", 7)  # type: ignore[attr-defined]
    total = client.get("/api/search", query_string={"q": "Bác"}).get_json()["total"]
    assert len(_csv(client, "/export.csv?q=Bác")) == total


def test_json_export(client: FlaskClient) -> None:
    data = json.loads(client.get("/export.json", query_string={"province": "Hà Nội"}).get_data(as_text=True))
    assert data["query"]["filters"] == {"province": ["Hà Nội"]}
    assert data["hits"] and all(h["province"] == "Hà Nội" for h in data["hits"])


def test_print_selection_and_page(client: FlaskClient, articles: list[Article]) -> None:
    ids = [articles[0].id, articles[1].id]
    html = client.get("/print", query_string=[("ids", i) for i in ids]).get_data(as_text=True)
    assert "2 bài viết được chọn" in html and articles[0].url in html
    assert client.get("/print", query_string={"ids": "../etc"}).status_code == 400
    assert client.get("/print?q=Bác").status_code == 200


def test_feed(client: FlaskClient) -> None:
    res = client.get("/feed", query_string={"q": "Bác", "province": "Hà Nội"})
    assert res.mimetype == "application/atom+xml"
    root = ET.fromstring(res.get_data())
    entries = root.findall("a:entry", ATOM)
    assert entries
    assert "Hà Nội" in (root.findtext("a:title", namespaces=ATOM) or "")
    updated = [e.findtext("a:updated", namespaces=ATOM) or "" for e in entries]
    assert updated == sorted(updated, reverse=True) and all(u.endswith("+07:00") for u in updated)
    assert client.get("/feed?page=0").status_code == 400


def test_an_undated_story_in_the_feed_is_not_dated_1970(client: FlaskClient, articles: list[Article]) -> None:
    undated = next(a for a in articles if not a.published)
    root = ET.fromstring(client.get("/feed", query_string={"province": "Nghệ An", "scope": "all"}).get_data())
    entry = next(e for e in root.findall("a:entry", ATOM)
                 if e.findtext("a:id", namespaces=ATOM) == f"urn:ct05:article:{undated.id}")
    assert entry.find("a:published", ATOM) is None  # unknown, not invented
    updated = entry.findtext("a:updated", namespaces=ATOM) or ""
    assert updated.endswith("+07:00") and not updated.startswith("1970"), updated
    feed_updated = root.findtext("a:updated", namespaces=ATOM) or ""
    assert feed_updated.endswith("+07:00") and not feed_updated.startswith("1970")
    dated = [e for e in root.findall("a:entry", ATOM) if e.find("a:published", ATOM) is not None]
    assert dated and all(e.findtext("a:updated", namespaces=ATOM) == e.findtext("a:published", namespaces=ATOM)
                         for e in dated)
