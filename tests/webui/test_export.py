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


def test_csv_has_bom_and_every_row(app: Flask, client: FlaskClient) -> None:
    total = client.get("/api/search").get_json()["total"]
    res = client.get("/export.csv")
    assert res.mimetype == "text/csv" and "attachment" in res.headers["Content-Disposition"]
    raw = res.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == total > 20  # the whole set, not one page
    assert "<mark>" not in raw.decode("utf-8-sig")
    assert any("Hòa Bình" == r["province"] for r in rows)


def test_csv_streams_past_one_batch(app: Flask, client: FlaskClient, monkeypatch: object) -> None:
    import webui.export as export

    monkeypatch.setattr(export, "BATCH", 7)  # type: ignore[attr-defined]
    total = client.get("/api/search", query_string={"q": "Bác"}).get_json()["total"]
    rows = list(csv.reader(io.StringIO(client.get("/export.csv?q=Bác").get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) - 1 == total


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
