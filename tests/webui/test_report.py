"""Báo cáo: the report built from the real test index, its DOCX read back with python-docx and every figure
checked against the search API's totals and facets for the same scope."""

from __future__ import annotations

import io
import json
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from docx import Document
from docx.shared import Pt
from flask.testing import FlaskClient

from crawler.archive import Archive
from crawler.article import Article, Enrichment, Entity
from index.store import SearchIndex
from index.sync import sync_index
from index.types import SearchQuery
from webui.cli import cli
from webui.report.data import build_report, lead_summary
from webui.report.png import month_png
from webui.report.text import SECTIONS

SCOPES = [
    {"scope": "all"},
    {},
    {"scope": "all", "date_from": "2017-01-01", "date_to": "2017-12-31"},
    {"scope": "all", "province": "Hà Nội"},
    {"scope": "all", "era": "2025"},
]


def api(client: FlaskClient, path: str, params: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"{path}?{urlencode(params, doseq=True)}")
    assert response.status_code == 200, response.data[:300]
    return response.get_json()  # type: ignore[no-any-return]


def docx_of(client: FlaskClient, params: dict[str, Any]) -> Any:
    response = client.get(f"/report.docx?{urlencode(params, doseq=True)}")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in response.headers["Content-Disposition"]
    return Document(io.BytesIO(response.data))


def number(text: str) -> int:
    return int(text.replace(".", ""))


def table_after(doc: Any, header: str) -> list[list[str]]:
    for table in doc.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if rows and header in rows[0]:
            return rows
    raise AssertionError(f"no table with a {header!r} column")


@pytest.mark.parametrize("params", SCOPES, ids=lambda p: urlencode(p) or "default")
def test_docx_figures_equal_the_search_api(client: FlaskClient, params: dict[str, Any]) -> None:
    era = params.get("era", "")
    facet = "province_2025" if era == "2025" else "province"
    search_params = {k: v for k, v in params.items() if k != "era"}
    unique = api(client, "/api/search", {**search_params, "facet_limit": 0})
    copies = api(client, "/api/search", {**search_params, "facet_limit": 0, "collapse": 0})
    for result in (unique, copies):  # the report counts the "Không rõ" bucket in a row of its own
        result["facets"] = {k: [f for f in v if f["value"] != "Không rõ"] for k, v in result["facets"].items()}
    months = api(client, "/api/facets", {**search_params, "facet": "month"})["facets"]["month"]
    doc = docx_of(client, params)
    text = "\n".join(p.text for p in doc.paragraphs)

    # Every numbered section, in order.
    positions = [text.index(title) for title in SECTIONS.values()]
    assert positions == sorted(positions)

    headline = dict(table_after(doc, "Chỉ tiêu")[1:])  # type: ignore[arg-type]
    selected = params.get("province")
    provinces = [f for f in unique["facets"][facet] if not selected or f["value"] == selected]
    assert number(headline["Số tin bài (không tính bài đăng lại)"]) == unique["total"]
    assert number(headline["Tổng số bài đăng (kể cả đăng lại)"]) == copies["total"]
    assert number(headline["Số bài đăng lại từ báo khác"]) == copies["total"] - unique["total"]
    assert number(headline["Số nguồn báo"]) == len(unique["facets"]["source"])
    assert number(headline["Số tỉnh, thành có tin bài"]) == len(provinces)
    assert number(headline["Số mô hình được nêu"]) == len(unique["facets"]["model"])

    # The province table: one row per facet value with the API's counts, "Không rõ", rows adding up.
    rows = table_after(doc, "Tỉnh, thành")
    assert rows[0] == ["STT", "Tỉnh, thành", "Số tin bài", "Số bài đăng (kể cả đăng lại)", "Tỷ lệ"]
    body, unknown, total = rows[1:-2], rows[-2], rows[-1]
    api_unique = {f["value"]: f["count"] for f in provinces}
    api_copies = {f["value"]: f["count"] for f in copies["facets"][facet]}
    assert {r[1]: number(r[2]) for r in body} == api_unique
    assert {r[1]: number(r[3]) for r in body} == {name: api_copies[name] for name in api_unique}
    assert unknown[1] == "Không rõ"
    assert total[1] == "Tổng cộng" and number(total[2]) == unique["total"] and number(total[3]) == copies["total"]
    assert sum(number(r[3]) for r in body) + number(unknown[3]) == copies["total"]  # articles: one province each
    assert sum(number(r[2]) for r in body) + number(unknown[2]) >= unique["total"]
    assert number(headline["Tin bài không rõ tỉnh, thành"]) == number(unknown[2])

    # Years: the month facet's counts summed per year; undated stories are the rest, and said so.
    per_year: dict[str, int] = {}
    for m in months:
        per_year[m["value"][:4]] = per_year.get(m["value"][:4], 0) + m["count"]
    years = {r[0]: number(r[1]) for r in table_after(doc, "Năm")[1:]}
    assert {y: c for y, c in years.items() if c} == per_year
    undated = number(next(v for k, v in headline.items() if k.startswith("Tin bài không rõ ngày đăng")))
    if "date_from" not in params:  # no story of the fixture has copies in two months
        assert undated == unique["total"] - sum(m["count"] for m in months)
        if undated:
            assert f"Trong tổng số có {undated} tin bài không rõ ngày đăng" in text
    else:  # a period cannot hold undated stories: they are counted apart and said to be outside it
        assert undated == 1 and "1 tin bài không rõ ngày đăng khớp các điều kiện còn lại" in text
        assert "Tin bài không rõ ngày đăng (ngoài kỳ báo cáo, không tính ở trên)" in headline


def test_the_fixture_honesty_figures(client: FlaskClient, articles: list[Article]) -> None:
    """Undated and unplaced stories, counted by hand from the fixture, are in the report."""
    report = api(client, "/report.json", {"scope": "all"})
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(a.republication_of or a.id, []).append(a)
    undated = sum(1 for g in groups.values() if all(a.published is None for a in g))
    unplaced = sum(1 for g in groups.values()
                   if all(not ((a.enrichment and a.enrichment.province) or a.source_province) for a in g))
    assert report["headline"]["undated"] == undated == 1
    assert report["headline"]["unplaced"] == unplaced > 0
    assert report["headline"]["republications"] == 1
    assert report["provinces"]["unknown"]["unique"] == unplaced


def test_a_period_shows_every_month_and_says_undated_stories_are_outside(client: FlaskClient) -> None:
    report = api(client, "/report.json", {"scope": "all", "date_from": "2017-01-01", "date_to": "2017-12-31"})
    assert [m for m, _c in report["months"]["series"]] == [f"2017-{i:02d}" for i in range(1, 13)]
    assert report["months"]["undated"] == 1 and report["months"]["period_excludes_undated"]
    page = client.get("/report?scope=all&date_from=2017-01-01&date_to=2017-12-31").get_data(as_text=True)
    assert "không xếp được vào kỳ báo cáo" in page
    assert "từ ngày 01/01/2017 đến ngày 31/12/2017" in page


def test_page_print_and_links(client: FlaskClient) -> None:
    page = client.get("/report?scope=all&province=Hà Nội").get_data(as_text=True)
    for title in SECTIONS.values():
        assert title in page
    assert 'href="/report.docx?province=H%C3%A0+N%E1%BB%99i&amp;scope=all"' in page
    printable = client.get("/report/print?scope=all&province=Hà Nội")
    assert printable.status_code == 200 and "report.css" in printable.get_data(as_text=True)
    search = client.get("/search?q=Bác&scope=all").get_data(as_text=True)
    assert 'href="/report?q=B%C3%A1c&amp;scope=all"' in search
    province = client.get("/provinces/Hà Nội?scope=all").get_data(as_text=True)
    assert "/report?province=H%C3%A0+N%E1%BB%99i&amp;scope=all" in province
    model = client.get("/models/Tết trồng cây").get_data(as_text=True)
    assert "/report?model=T%E1%BA%BFt+tr%E1%BB%93ng+c%C3%A2y" in model


@pytest.mark.parametrize("query", ["era=xx", "bogus=1", "date_from=2017-13-01", "scope=none"])
def test_bad_parameters_are_one_line_400s(client: FlaskClient, query: str) -> None:
    for path in ("/report", "/report.docx", "/report/print", "/report.json"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)


def test_docx_is_an_administrative_document(client: FlaskClient) -> None:
    doc = docx_of(client, {"scope": "all"})
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = [round(m.cm, 2) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                         section.right_margin)]
    assert margins == [2.0, 2.0, 3.0, 2.0]
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size == Pt(14)
    heading = doc.tables[0].rows[0].cells[1].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading and "Độc lập - Tự do - Hạnh phúc" in heading
    assert any(p.text == "BÁO CÁO" for p in doc.paragraphs)
    assert len(doc.inline_shapes) == 1  # the month chart
    for table in doc.tables[1:-1]:  # every data table repeats its header row
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")


def test_models_show_where_they_were_carried_out(tmp_path: Path) -> None:
    """A model carried out in two provinces and named in a third: its places and its best story."""
    def art(i: int, province: str, kind: str, published: str | None) -> Article:
        body = (f"Huyện {i} triển khai mô hình “Dân vận khéo” từ đầu năm. Nhiều hộ dân được giúp đỡ.\n\n"
                "Đoạn thứ hai kể thêm về kết quả học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.")
        enr = Enrichment(province=province, relevance=0.8, models=(Entity(name="Dân vận khéo", kind=kind, count=2),),
                         persons=(Entity(name="Nguyễn Văn A"),), organizations=(Entity(name="Hội Nông dân"),))
        return Article(url=f"https://bao.example/{i}", source="baotest", title=f"Dân vận khéo ở {province} {i}",
                       body=body, published=published, enrichment=enr,
                       published_source="metadata" if published else "none")

    arts = [art(1, "Nghệ An", "thực hiện", "2021-03-01T08:00:00"), art(2, "Hà Tĩnh", "thực hiện", None),
            art(3, "Hà Nội", "nhắc đến", "2021-06-01T08:00:00")]
    with Archive.open(tmp_path) as archive:
        archive.upsert_many(arts)
        sync_index(archive, tmp_path / "index")
    with SearchIndex.open(tmp_path / "index") as idx, Archive.open(tmp_path, readonly=True) as archive:
        report = build_report(idx, archive, SearchQuery())
    model = report["models"][0]
    assert model["name"] == "Dân vận khéo" and model["count"] == 3
    assert {d["name"] for d in model["implemented_in"]} == {"Nghệ An", "Hà Tĩnh"}
    assert model["mentioned_in"] == [{"name": "Hà Nội", "count": 1}]
    best = model["examples"][0]
    assert best["title"] == "Dân vận khéo ở Nghệ An 1" and best["url"] == "https://bao.example/1"
    assert best["summary"] == "Huyện 1 triển khai mô hình “Dân vận khéo” từ đầu năm. Nhiều hộ dân được giúp đỡ."
    assert report["people"] == [{"name": "Nguyễn Văn A", "count": 3}]
    assert report["units"] == [{"name": "Hội Nông dân", "count": 3}]
    assert report["headline"]["undated"] == 1


def test_lead_summary_takes_the_first_sentences() -> None:
    body = "Ngắn.\n\nCâu một nói về mô hình. Câu hai kể kết quả! Câu ba thì bỏ.\n\nĐoạn sau."
    assert lead_summary(body) == "Câu một nói về mô hình. Câu hai kể kết quả!"
    long = "Từ " * 400
    assert len(lead_summary(long)) <= 362 and lead_summary(long).endswith("…")


def test_month_png_is_a_valid_png() -> None:
    data = month_png([["2016-04", 3], ["2016-05", 10], ["2016-06", 0]],
                     [{"date": "2016-05-15", "label": "Chỉ thị 05"}], width=300, height=120)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (300, 120)
    idat = data[data.index(b"IDAT") + 4:data.index(b"IEND") - 8]
    assert len(zlib.decompress(idat)) == height * (1 + 3 * width)


@pytest.fixture()
def cli_out(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


def test_cli_writes_the_same_report(client: FlaskClient, data_dir: Path, cli_out: Path) -> None:
    out = cli_out / "bao-cao.docx"
    result = CliRunner().invoke(cli, ["report", "--data-dir", str(data_dir), "--all", "--province", "Hà Nội",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    unique = api(client, "/api/search", {"scope": "all", "province": "Hà Nội"})
    assert f"{unique['total']} tin bài" in result.output
    headline = dict(table_after(Document(str(out)), "Chỉ tiêu")[1:])  # type: ignore[arg-type]
    assert number(headline["Số tin bài (không tính bài đăng lại)"]) == unique["total"]
    html = cli_out / "bao-cao.html"
    result = CliRunner().invoke(cli, ["report", "--data-dir", str(data_dir), "--from", "2017-01-01", "--to",
                                      "2017-12-31", "--out", str(html)])
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert SECTIONS["provinces"] in page and "<style>" in page and "từ ngày 01/01/2017" in page
    wrong = cli_out / "sai.docx"
    for bad in (["--out", str(cli_out / "x.pdf")], ["--from", "2017-02-30", "--out", str(out)],
                ["--province", "ha noi", "--out", str(wrong)], ["--model", "không có", "--out", str(wrong)]):
        result = CliRunner().invoke(cli, ["report", "--data-dir", str(data_dir), *bad])
        assert result.exit_code == 2 and "Traceback" not in result.output
        if "--province" in bad or "--model" in bad:
            assert "không có “" in result.output and not wrong.exists()


def test_report_json_round_trips(client: FlaskClient) -> None:
    data = api(client, "/report.json", {})
    assert json.loads(json.dumps(data)) == data
    assert data["query"]["scope"] == "topic"


def test_page_print_word_and_json_share_one_build(data_dir: Path) -> None:
    from webui import create_app
    from webui.resources import close_index

    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "SECRET_KEY": "test"})
    try:
        client = app.test_client()
        for url in ("/report?scope=all", "/report/print?scope=all", "/report.docx?scope=all", "/report.json?scope=all"):
            assert client.get(url).status_code == 200, url
        assert len(app.extensions["ct05.report_cache"].items) == 1  # built once, not four times
        assert client.get("/report.json?scope=all&era=2025").status_code == 200
        assert len(app.extensions["ct05.report_cache"].items) == 2
    finally:
        close_index(app)
