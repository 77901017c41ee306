"""Names for people: sources from the registry, admin times in Vietnam time, the human feed page."""

from __future__ import annotations

from flask.testing import FlaskClient

from crawler.article import Article
from crawler.sites import load_sites
from webui.helpers import source_name, vn_time


def test_source_names_come_from_the_registry() -> None:
    sites = load_sites()
    assert source_name("mirror-yenbai") == sites["mirror-yenbai"].name != "mirror-yenbai"
    assert source_name("baomoi") == "baomoi"  # not in the registry: the id, never an error
    assert source_name(None) == ""


def test_vn_time() -> None:
    assert vn_time("2026-12-01T20:30:00+00:00") == "02/12/2026 03:30"
    assert vn_time("2026-12-01T01:00:00") == "01/12/2026 08:00"  # naive times in the archive are UTC
    assert vn_time("garbage") == "garbage" and vn_time(None) == ""


def test_subscribe_page(client: FlaskClient) -> None:
    html = client.get("/feed/subscribe", query_string={"q": "Bác", "province": "Hà Nội"}).get_data(as_text=True)
    assert "<h1>Theo dõi tin mới</h1>" in html and 'id="feed-url"' in html
    assert "/feed?q=B%C3%A1c&amp;province=H%C3%A0+N%E1%BB%99i" in html
    search = client.get("/search?q=Bác").get_data(as_text=True)
    assert "/feed/subscribe?q=" in search


def test_summary_on_cards_article_page_and_export(client: FlaskClient, articles: list[Article]) -> None:
    import csv
    import io

    art = articles[0]
    assert art.enrichment is not None and art.enrichment.summary
    head = art.enrichment.summary[:40]
    page = client.get(f"/article/{art.id}").get_data(as_text=True)
    assert "Tóm tắt" in page and head in page
    hits = client.get("/api/search", query_string={"q": "triển lãm", "scope": "all"}).get_json()["hits"]
    assert any(h["summary"].startswith(head) for h in hits)
    html = client.get("/search", query_string={"q": "triển lãm", "scope": "all"}).get_data(as_text=True)
    # The card shows the summary, or the snippet alone where it only repeats the summary (with highlights).
    import html as htmllib
    import re
    text = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", html)).split())
    assert 'class="summary"' in html or " ".join(art.enrichment.summary.split()[6:10]) in text
    rows = list(csv.DictReader(io.StringIO(client.get(f"/export.csv?ids={art.id}").get_data().decode("utf-8-sig")),
                               delimiter=";"))
    assert rows[0]["Tóm tắt"].startswith(head)
