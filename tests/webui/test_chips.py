"""Filter chips on the search page and in the JSON API: offered, applied by a plain link, removed."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from click.testing import CliRunner
from flask.testing import FlaskClient


def chip_links(html: str) -> dict[str, str]:
    """data-value of each offered chip → its apply link."""
    return {unescape(v): unescape(href) for v, href in
            re.findall(r'<p class="qchip" data-facet="[^"]+" data-value="([^"]+)">.*?<a class="apply" href="([^"]+)"',
                       html, re.S)}


def test_the_page_offers_the_province_and_the_link_applies_it(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"q": "làm theo Bác Nghệ An"}).get_data(as_text=True)
    assert "Lọc theo tỉnh, thành: <strong>Nghệ An</strong>" in html and "✓ áp dụng" in html
    link = chip_links(html)["Nghệ An"]
    assert link.startswith("/search?") and "province=Ngh" in link
    applied = client.get(link)
    assert applied.status_code == 200
    page = applied.get_data(as_text=True)
    assert chip_links(page) == {}  # applied: no longer offered
    assert "Đang lọc theo tỉnh, thành: <strong>Nghệ An</strong>" in page and "✕ bỏ lọc" in page
    assert 'value="làm theo Bác"' in page  # the province left the text: the facet stands for it
    data = client.get("/api/search", query_string={"q": "làm theo Bác", "province": "Nghệ An"}).get_json()
    assert data["total"] > 0 and all(h["province"] == "Nghệ An" for h in data["hits"])
    remove = re.search(r'<a class="remove" href="([^"]+)"', page)
    assert remove is not None
    assert "province=" not in unescape(remove.group(1))


def test_chips_keep_the_other_parameters(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"q": "Yên Bái", "sort": "oldest", "source": "baomoi"}).get_data(
        as_text=True)
    links = chip_links(html)
    assert set(links) >= {"Yên Bái", "Lào Cai"}
    assert "Yên Bái nay thuộc Lào Cai" in html
    for link in links.values():
        assert "sort=oldest" in link and "source=baomoi" in link and "q=" not in link


def test_the_api_returns_chips(client: FlaskClient) -> None:
    data = client.get("/api/search", query_string={"q": "hoc tap va lam theo Bac nghe an"}).get_json()
    assert data["chips"] == [{"facet": "province", "value": "Nghệ An", "text": "nghe an", "start": 24, "end": 31,
                              "query": "hoc tap va lam theo Bac"}]
    assert client.get("/api/search", query_string={"q": "Trương Hòa Bình"}).get_json()["chips"] == []
    spec = client.get("/api/openapi.json").get_json()
    assert "chips" in spec["components"]["schemas"]["SearchResult"]["properties"]


def test_the_cli_prints_each_chip_as_query_syntax(data_dir: Path) -> None:
    from webui.cli import cli

    out = CliRunner().invoke(cli, ["search", "--data-dir", str(data_dir), "--", "làm theo Bác Nghệ An"]).output
    assert 'Gợi ý lọc theo Nghệ An: làm theo Bác tinh:"Nghệ An"' in out
    syntax = 'làm theo Bác tinh:"Nghệ An"'
    data = json.loads(CliRunner().invoke(cli, ["search", "--json", "--data-dir", str(data_dir), "--", syntax]).output)
    assert data["total"] > 0 and all(h["province"] == "Nghệ An" for h in data["hits"]) and data["chips"] == []
