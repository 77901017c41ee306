"""The topic scope in the web UI and API: `scope=topic` (default) or `scope=all`, kept by every link, applied to
the search, facet counts, province, model and coverage pages, exports and feeds; the article page's reasons."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crawler.archive import Archive
from crawler.article import Article
from nlp.relevance import TOPIC_THRESHOLD
from tests.webui.conftest import by_title, load_articles

ATOM = {"a": "http://www.w3.org/2005/Atom"}
OFF_TOPIC = ("Vụ 'bắt vợ' ở Nghệ An", "Tổng thống Mỹ và Thổ Nhĩ Kỳ", "Tấm lòng thiện nguyện")


@pytest.fixture(scope="module")
def scope_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app over the fixture articles as written (the session app's archive is re-processed for real by
    the admin tests, which replaces the hand-written enrichment these counts rely on)."""
    from index.sync import sync_index
    from webui import create_app
    from webui.resources import close_index

    data = tmp_path_factory.mktemp("scope-data")
    with Archive.open(data) as archive:
        archive.upsert_many(load_articles())
        sync_index(archive, data / "index")
    application = create_app({"DATA_DIR": str(data), "TESTING": True, "SECRET_KEY": "test"})
    yield application
    close_index(application)


@pytest.fixture()
def client(scope_app: Flask) -> FlaskClient:
    return scope_app.test_client()


def _total(client: FlaskClient, **params: str) -> int:
    return int(client.get("/api/search", query_string=params).get_json()["total"])


def _links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def test_fixture_has_articles_on_both_sides_of_the_threshold(articles: list[Article]) -> None:
    scores = [a.enrichment.relevance for a in articles if a.enrichment]
    assert any(s < TOPIC_THRESHOLD for s in scores) and any(s >= TOPIC_THRESHOLD for s in scores)
    for title in OFF_TOPIC:
        art = by_title(articles, title)
        assert art.enrichment and art.enrichment.relevance < TOPIC_THRESHOLD


def test_topic_is_the_default_and_all_adds_the_off_topic_news(client: FlaskClient) -> None:
    topic, every = _total(client), _total(client, scope="all")
    assert _total(client, scope="topic") == topic
    assert client.get("/api/search?scope=all").get_json()["scope"] == "all"
    assert every == topic + len(OFF_TOPIC)
    titles = {h["title"] for h in client.get("/api/search?scope=all&per_page=100").get_json()["hits"]}
    assert all(any(t.startswith(o) for t in titles) for o in OFF_TOPIC)
    titles = {h["title"] for h in client.get("/api/search?per_page=100").get_json()["hits"]}
    assert not any(t.startswith(o) for t in titles for o in OFF_TOPIC)


@pytest.mark.parametrize("scope", ["topic", "all"])
def test_facet_count_is_the_total_after_selecting_it(client: FlaskClient, scope: str) -> None:
    facets = client.get("/api/facets", query_string={"scope": scope}).get_json()["facets"]
    for name in ("province", "model", "source", "year"):
        for fv in facets[name]:
            assert _total(client, scope=scope, **{name: fv["value"]}) == fv["count"], (scope, name, fv["value"])


def test_bad_scope_is_a_clear_400(client: FlaskClient) -> None:
    res = client.get("/api/search?scope=everything")
    assert res.status_code == 400 and "scope=all" in res.get_json()["error"]["message"]
    assert client.get("/search?scope=x").status_code == 400


def test_search_page_switch_and_links_keep_the_scope(client: FlaskClient) -> None:
    html = client.get("/search").get_data(as_text=True)
    assert "Chỉ bài về Chỉ thị 05" in html and "Tất cả bài" in html
    assert re.search(r'data-scope="topic" aria-current="true"', html)
    html = client.get("/search?scope=all&q=Bác").get_data(as_text=True)
    assert re.search(r'data-scope="all" aria-current="true"', html)
    assert '<input type="hidden" name="scope" value="all">' in html  # a new query keeps it
    switch_back = re.search(r'<a href="([^"]+)" data-scope="topic"', html)
    assert switch_back
    back = unescape(switch_back.group(1))
    assert "scope" not in parse_qs(urlsplit(back).query) and "q=B" in back
    kept = [u for u in _links(html) if u != back
            and u.startswith(("/search?", "/export", "/feed", "/phrases", "/models/", "/provinces"))]
    assert len(kept) > 10 and all(parse_qs(urlsplit(u).query).get("scope") == ["all"] for u in kept), kept


def test_province_page_in_both_scopes(client: FlaskClient) -> None:
    url = "/provinces/" + quote("Nghệ An")
    topic, every = client.get(url).get_data(as_text=True), client.get(url + "?scope=all").get_data(as_text=True)
    assert "bắt vợ" not in topic and "bắt vợ" in every
    count = re.compile(r'<p class="lead">(\d+) bài viết')
    n_topic, n_all = int(count.search(topic).group(1)), int(count.search(every).group(1))  # type: ignore[union-attr]
    assert n_all == n_topic + 1 == _total(client, scope="all", province="Nghệ An")
    assert 'data-scope="all" aria-current="true"' in every


def test_model_page_and_catalogue_in_both_scopes(client: FlaskClient) -> None:
    url = "/models/" + quote("Người tốt, việc tốt")
    topic, every = client.get(url).get_data(as_text=True), client.get(url + "?scope=all").get_data(as_text=True)
    assert "thiện nguyện" not in topic and "thiện nguyện" in every
    rows = {r["name"]: r["count"] for r in client.get("/api/models?scope=all").get_json()["models"]}
    rows_topic = {r["name"]: r["count"] for r in client.get("/api/models").get_json()["models"]}
    assert rows["Người tốt, việc tốt"] == rows_topic["Người tốt, việc tốt"] + 1
    assert "scope=all" in client.get("/models?scope=all").get_data(as_text=True)


def test_coverage_table_in_both_scopes(client: FlaskClient) -> None:
    topic, every = client.get("/api/provinces").get_json(), client.get("/api/provinces?scope=all").get_json()
    assert every["total"] == topic["total"] + len(OFF_TOPIC)
    t = {r["province"]: r["years"].get("2017", 0) for r in topic["rows"]}
    a = {r["province"]: r["years"].get("2017", 0) for r in every["rows"]}
    assert a["Nghệ An"] == t["Nghệ An"] + 1 and a["Hà Nội"] == t["Hà Nội"] + 1
    html = client.get("/coverage?scope=all").get_data(as_text=True)
    cells = [u for u in _links(html) if u.startswith("/search?")]
    assert cells and all("scope=all" in u for u in cells)
    assert '<input type="hidden" name="scope" value="all">' in html


def test_exports_and_feed_follow_the_scope(client: FlaskClient) -> None:
    for scope in ("topic", "all"):
        rows = list(csv.DictReader(io.StringIO(
            client.get(f"/export.csv?scope={scope}").get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
        assert len(rows) == _total(client, scope=scope)
        assert any(r["Tiêu đề"].startswith(OFF_TOPIC[0]) for r in rows) == (scope == "all")
    data = json.loads(client.get("/export.json?scope=all&province=Nghệ An").get_data(as_text=True))
    assert data["query"]["scope"] == "all"
    assert any(h["title"].startswith(OFF_TOPIC[0]) for h in data["hits"])
    for scope, expected in (("topic", False), ("all", True)):
        root = ET.fromstring(client.get(f"/feed?scope={scope}&province=Nghệ An").get_data())
        titles = [e.findtext("a:title", namespaces=ATOM) or "" for e in root.findall("a:entry", ATOM)]
        assert titles and any(t.startswith(OFF_TOPIC[0]) for t in titles) == expected
        self_link = root.find("a:link[@rel='self']", ATOM)
        assert self_link is not None and ("scope=all" in self_link.get("href", "")) == expected


def test_openapi_and_help_document_the_scope(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    for path in ("/api/search", "/api/facets", "/api/models", "/api/provinces", "/export.csv", "/feed"):
        params = {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}
        assert params["scope"]["schema"]["enum"] == ["topic", "all"], path
    assert "scope=all" in client.get("/help").get_data(as_text=True)
    assert "scope" in client.get("/api/").get_data(as_text=True)


def test_article_page_shows_the_reasons(client: FlaskClient, articles: list[Article]) -> None:
    on = by_title(articles, "Thanh Hoá: Tuyên dương 50 gương")
    html = client.get(f"/article/{on.id}").get_data(as_text=True)
    assert "Mức liên quan tới Chỉ thị 05" in html and "thuộc phạm vi “Chỉ bài về Chỉ thị 05”" in html
    assert "“làm theo lời Bác”" in html and "“Chỉ thị 05”" in html
    links = _links(client.get(f"/article/{on.id}?scope=all").get_data(as_text=True))
    assert all("scope=all" in u for u in links if u.startswith(("/search", "/provinces/", "/models/")))
    off = by_title(articles, OFF_TOPIC[1])
    html = client.get(f"/article/{off.id}").get_data(as_text=True)
    assert "chỉ hiện khi chọn “Tất cả bài”" in html and "Không thấy dấu hiệu nào" in html


def test_search_page_says_what_the_topic_scope_left_out(client: FlaskClient) -> None:
    topic = client.get("/api/search", query_string={"q": "Nghệ An"}).get_json()
    every = client.get("/api/search", query_string={"q": "Nghệ An", "scope": "all"}).get_json()
    assert topic["outside_scope"] == every["total"] - topic["total"] > 0
    page = client.get("/search", query_string={"q": "Nghệ An"}).get_data(as_text=True)
    assert "ngoài chủ đề Chỉ thị 05" in page and "scope=all" in page


def test_terminal_search_covers_the_archive_unless_told(scope_app: Flask) -> None:
    from click.testing import CliRunner

    from webui.cli import cli

    data = scope_app.config["DATA_DIR"]
    args = ["search", "--json", "--limit", "100", "--data-dir", data, "--", "Nghệ An"]
    every = json.loads(CliRunner().invoke(cli, args).output)
    topic = json.loads(CliRunner().invoke(cli, [*args[:1], "--scope", "topic", *args[1:]]).output)
    assert every["total"] > topic["total"] > 0
    assert topic["total"] == _total(scope_app.test_client(), q="Nghệ An")
