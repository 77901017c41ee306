"""A propaganda officer's pass over the web UI (QA 21): lists, downloads and links a staff member reads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from crawler.archive import Archive
from crawler.article import Article, Enrichment, Entity
from index.store import SearchIndex
from index.sync import sync_index
from index.types import SearchQuery
from webui import create_app
from webui.report.data import build_report
from webui.report.text import Text
from webui.resources import close_index


def _indexed(data: Path, articles: list[Article]) -> None:
    """An archive of these articles in `data`, and its index."""
    with Archive.open(data) as archive:
        archive.upsert_many(articles)
        sync_index(archive, data / "index")


def _report(data: Path, query: SearchQuery) -> dict[str, Any]:
    with SearchIndex.open(data / "index") as idx, Archive.open(data, readonly=True) as archive:
        return build_report(idx, archive, query)


@contextmanager
def _client(data: Path) -> Iterator[FlaskClient]:
    """A client of the app over `data`, its index closed afterwards."""
    app = create_app({"DATA_DIR": str(data), "TESTING": True, "SECRET_KEY": "test"})
    try:
        yield app.test_client()
    finally:
        close_index(app)


def _csv(client: FlaskClient, url: str) -> list[list[str]]:
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


def test_the_province_list_puts_unknown_last_not_first(client: FlaskClient) -> None:
    # The fixture has more stories with no province (11) than for Hà Nội (10): "Không rõ" headed the list.
    rows = _csv(client, "/provinces.csv?scope=all")[1:]
    names = [r[0] for r in rows]
    assert names[0] == "Hà Nội" and names[-2:] == ["Không rõ", "Tổng"]
    html = client.get("/provinces?scope=all").get_data(as_text=True)
    assert html.index("Hà Nội") < html.index("Không rõ")



def test_the_report_names_the_provinces_a_model_was_carried_out_in_before_the_unknown(tmp_path: Path) -> None:
    """Three stories with no province and one in Nghệ An: the report read "Nơi thực hiện: Không rõ (3 bài),
    Nghệ An (1 bài)", as if "Không rõ" were the main place."""
    def art(i: int, province: str, kind: str) -> Article:
        enr = Enrichment(province=province, relevance=0.8, models=(Entity(name="Dân vận khéo", kind=kind, count=2),))
        return Article(url=f"https://bao.example/{i}", source="baotest", title=f"Dân vận khéo {i}",
                       body=f"Xã {i} triển khai mô hình “Dân vận khéo” từ đầu năm.", enrichment=enr)

    arts = [art(1, "", "thực hiện"), art(2, "", "thực hiện"), art(3, "", "thực hiện"), art(4, "Nghệ An", "thực hiện"),
            art(5, "", "nhắc đến")]
    _indexed(tmp_path, arts)
    report = _report(tmp_path, SearchQuery())
    model = report["models"][0]
    assert [d["name"] for d in model["implemented_in"]] == ["Nghệ An", "Không rõ"]
    lines = Text(report).model_lines(model)
    assert lines[0] == "Nơi thực hiện: Nghệ An (1 bài); 3 bài chưa rõ tỉnh, thành."
    assert lines[1] == "Được nhắc đến (không nêu nơi thực hiện) trong 1 bài chưa rõ tỉnh, thành."


def test_csv_numbers_have_a_decimal_comma_for_vietnamese_excel(client: FlaskClient) -> None:
    """With ";" (the default, for Excel set to Vietnamese) "." groups thousands: "0.394" opened as 394."""
    rows = _csv(client, "/export.csv?scope=all")
    col = rows[0].index("Độ liên quan")
    scores = [r[col] for r in rows[1:]]
    assert scores and all("." not in s for s in scores) and any("," in s for s in scores)
    assert 0 < float(scores[0].replace(",", ".")) <= 1
    comma = client.get("/export.csv?scope=all&sep=,").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(comma)))
    assert any("." in r[col] for r in rows[1:])  # with "," as separator the decimal point stays


def test_a_model_named_with_spaced_out_commas_is_catalogued_tidily(tmp_path: Path) -> None:
    """Word-segmented sources print "nói ít , làm nhiều": the longer, spaced spelling named the model in the
    catalogue, the model page, the report and the downloads."""

    def art(i: int, name: str) -> Article:
        enr = Enrichment(province="Nghệ An", relevance=0.8, models=(Entity(name=name, kind="thực hiện", count=1),))
        return Article(url=f"https://bao.example/{i}", source="baotest", title=f"Chi bộ {i} nói ít làm nhiều",
                       body=f"Chi bộ {i} làm theo phương châm “{name}”.", enrichment=enr)

    _indexed(tmp_path, [art(1, "nói ít , làm nhiều"), art(2, "Nói ít, làm nhiều")])
    with _client(tmp_path) as client:
        assert _csv(client, "/models.csv?scope=all")[1][:2] == ["nói ít, làm nhiều", "2"]
        html = client.get("/search?q=chi+bộ&scope=all").get_data(as_text=True)
        assert ">nói ít , làm nhiều<" not in html and ">nói ít, làm nhiều</a>" in html  # a hit's chip
        spaced = client.get("/models/nói ít , làm nhiều?scope=all")
        assert spaced.status_code == 302 and "scope=all" in spaced.headers["Location"]
        page = client.get(spaced.headers["Location"]).get_data(as_text=True)
        assert "<h1>nói ít, làm nhiều</h1>" in page and "2 bài viết" in page


def test_the_model_page_leads_to_the_stories_of_where_it_was_carried_out(client: FlaskClient) -> None:
    """"Thực hiện tại Hà Nội · 1 bài": the count opens those stories, and the search page says it is filtered
    on the carried-out model (a filter with no sidebar list was invisible there: "2 đang chọn", one shown)."""
    import re
    from html import unescape

    html = client.get("/models/Người tốt, việc tốt?scope=all").get_data(as_text=True)
    links = [unescape(u) for u in re.findall(r'<a href="(/search\?[^"]*model_done=[^"]*)"', html)]
    assert len(links) == 2 and all("province=" in u and "scope=all" in u for u in links)
    page = client.get(links[0]).get_data(as_text=True)
    assert "Đang lọc theo mô hình thực hiện: <strong>Người tốt, việc tốt</strong>" in page
    assert re.search(r"<strong>\d+</strong> bài viết", page) and "Không tìm thấy" not in page
    removed = unescape(re.search(r'data-facet="model_done".*?<a class="remove" href="([^"]+)"', page, re.S)[1])
    assert "model_done" not in removed and "province=" in removed
    lead = client.get("/models/Làm hết việc chứ không làm hết giờ?scope=all").get_data(as_text=True)
    assert "chưa rõ thực hiện ở tỉnh, thành nào" in lead and "thực hiện tại 0 tỉnh" not in lead


def test_a_province_page_says_what_the_merger_made_of_it_and_when_it_has_no_story(client: FlaskClient) -> None:
    import re

    def text(url: str) -> str:
        resp = client.get(url)
        assert resp.status_code == 200, url
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", resp.get_data(as_text=True)))

    assert "Từ 1/7/2025 thuộc Lào Cai." in text("/provinces/Yên Bái?scope=all")
    assert "Từ 1/7/2025, gồm Lào Cai, Yên Bái (trước sáp nhập)." in text("/provinces/Lào Cai?era=2025&scope=all")
    assert "Từ 1/7/2025" not in text("/provinces/Hà Nội?scope=all")
    # No story: one sentence, not four empty headings ("Mô hình nổi bật", "Chủ đề", "Nguồn tin", …).
    empty = text("/provinces/Hà Giang")
    assert "Chưa có bài nào về Hà Giang trong phạm vi “Chỉ bài về Chỉ thị 05”: xem tất cả bài." in empty
    assert "Mô hình nổi bật" not in empty and "Từ 1/7/2025 thuộc Tuyên Quang." in empty
    # "Không rõ" (stories naming no model) is not a top model of the province.
    hanoi = client.get("/provinces/Hà Nội?scope=all").get_data(as_text=True)
    top = hanoi[hanoi.index("Mô hình nổi bật"):hanoi.index("<h2>Chủ đề")]
    assert "hb-label" in top and "Không rõ" not in top



def test_where_a_model_spread_lists_the_provinces_before_the_stories_of_no_province(tmp_path: Path) -> None:
    """The oldest story had no province, so "không rõ ngày Không rõ tỉnh · 4 bài" headed the list."""
    import re


    def art(i: int, province: str, published: str) -> Article:
        enr = Enrichment(province=province, relevance=0.8,
                         models=(Entity(name="Dân vận khéo", kind="thực hiện", count=1),))
        return Article(url=f"https://bao.example/{i}", source="baotest", title=f"Tin số {i} về dân vận",
                       body=f"Bài {i}: xã làm theo mô hình “Dân vận khéo” với {i} hộ.", published=published,
                       enrichment=enr)

    _indexed(tmp_path, [art(1, "", "2020-01-05T08:00:00"), art(2, "Nghệ An", "2021-03-01T08:00:00")])
    with _client(tmp_path) as client:
        html = client.get("/models/Dân vận khéo?scope=all").get_data(as_text=True)
    timeline = html[html.index('<ol class="timeline">'):]
    places = re.findall(r"<strong>(?:<a [^>]*>)?([^<]+)", timeline[:timeline.index("</ol>")])
    assert places == ["Nghệ An", "Không rõ tỉnh"]


def test_an_empty_topic_result_points_to_the_matches_outside_the_topic(client: FlaskClient) -> None:
    """"Không tìm thấy … hãy thử bớt từ khóa" was wrong advice when the query matched stories outside the topic."""
    html = client.get("/search?q=Syria").get_data(as_text=True)
    assert "Không có bài nào về Chỉ thị 05 khớp truy vấn" in html and "Hãy thử bớt từ khóa" not in html
    assert client.get("/api/search?q=Syria&scope=all").get_json()["total"] >= 1
    assert "Hãy thử bớt từ khóa" in client.get("/search?q=xyzabc&scope=all").get_data(as_text=True)


def test_the_report_phrases_give_the_count_they_are_listed_by(client: FlaskClient) -> None:
    """Phrases are listed by occurrences; with only "(N bài)" shown, the list looked unsorted."""
    import re

    report = client.get("/report.json?scope=all").get_json()
    line = Text(report).phrases_line()
    counts = [int(n.replace(".", "")) for n in re.findall(r"\(([\d.]+) lần, [\d.]+ bài\)", line)]
    assert len(counts) == len(report["phrases"]) >= 3 and counts == sorted(counts, reverse=True)


def test_a_catalogue_filter_matching_no_model_says_so_not_that_there_are_none(client: FlaskClient) -> None:
    html = client.get("/models?name=xyz&scope=all").get_data(as_text=True)
    assert "Không mô hình nào có tên chứa “xyz”" in html and "Chưa có bài viết nào được nhận diện" not in html
    assert 'href="/models?scope=all">xem mọi mô hình</a>' in html


def test_the_page_of_stories_with_no_province_says_what_it_is(client: FlaskClient) -> None:
    """The catalogue links "Không rõ" among a model's provinces; its page was headed "Không rõ" alone."""
    html = client.get("/provinces/Không rõ?scope=all").get_data(as_text=True)
    assert "<h1>Chưa rõ tỉnh, thành</h1>" in html and "bài viết không xác định được tỉnh, thành" in html
    assert "<title>Chưa rõ tỉnh, thành" in html
    assert ">Có bài ở</th>" in client.get("/models?scope=all").get_data(as_text=True)


def test_the_catalogue_leaves_out_its_time_columns_when_no_story_has_a_date(client: FlaskClient,
                                                                            tmp_path: Path) -> None:
    """An imported archive without dates showed "không rõ ngày" twice and an empty chart on every row."""

    dated = client.get("/models?scope=all").get_data(as_text=True)
    assert ">Lần đầu</th>" in dated and "Không có cột thời gian" not in dated
    enr = Enrichment(province="Nghệ An", relevance=0.8, models=(Entity(name="Dân vận khéo", kind="thực hiện"),))
    _indexed(tmp_path, [Article(url="https://bao.example/1", source="baotest", title="Dân vận khéo ở xã",
                                body="Xã làm theo mô hình “Dân vận khéo”.", enrichment=enr)])
    with _client(tmp_path) as other:
        undated = other.get("/models?scope=all").get_data(as_text=True)
    assert ">Lần đầu</th>" not in undated and "không rõ ngày" not in undated
    assert "Không có cột thời gian: không bài nào của các mô hình này có ngày đăng." in undated


def test_printing_a_result_page_prints_that_page_and_leads_back_to_it(client: FlaskClient) -> None:
    """"in trang kết quả này" printed the first 50 stories from any page, headed "50 / 132 bài viết", and
    its "← Về trang tìm kiếm" opened an empty search."""
    import re
    from html import unescape
    from urllib.parse import urlencode

    total = client.get("/api/search?q=Bác&scope=all").get_json()["total"]
    assert total > 10
    search = client.get("/search?q=Bác&scope=all&page=2&per_page=5").get_data(as_text=True)
    link = unescape(re.search(r'href="(/print\?[^"]+)"[^>]*>in trang kết quả này', search)[1])
    assert "page=2" in link and "per_page=5" in link
    printed = client.get(link).get_data(as_text=True)
    assert f"bài 6–10 trong {total} bài viết cho “Bác”" in printed
    assert printed.count('<li>\n    <h2>') == 5
    back = unescape(re.search(r'<a href="([^"]+)">← Về trang tìm kiếm', printed)[1])
    assert back == "/search?" + urlencode({"q": "Bác", "scope": "all", "page": 2, "per_page": 5})


def test_the_phrases_page_writes_shares_with_a_decimal_comma(client: FlaskClient) -> None:
    """"26.7" on a Vietnamese page (the report writes "15,8%"), against "toàn kho lưu trữ (1.000 bài)" when the
    comparison is a sample of the newest stories."""
    import re

    html = client.get("/phrases?q=Bác").get_data(as_text=True)
    shares = re.findall(r'<td class="num">(\d+[.,]\d+)</td>', html)
    assert shares and all("," in s for s in shares), shares
    assert "bài mới nhất)" in html


def test_the_report_names_a_story_source_by_its_registry_name(tmp_path: Path) -> None:
    """"(mirror-hoabinh, 09/05/2017)" in the report's best stories: the page and the Word file showed the id."""
    from docx import Document

    from crawler.sites import load_sites

    name = load_sites()["mirror-hoabinh"].name
    enr = Enrichment(province="Hòa Bình", relevance=0.8, models=(Entity(name="Dân vận khéo", kind="thực hiện"),))
    _indexed(tmp_path, [Article(url="https://bao.example/1", source="mirror-hoabinh", title="Dân vận khéo ở xã",
                                body="Xã làm theo mô hình “Dân vận khéo”.", published="2017-05-09T08:00:00",
                                enrichment=enr)])
    with _client(tmp_path) as client:
        page = client.get("/report?scope=all").get_data(as_text=True)
        doc = Document(io.BytesIO(client.get("/report.docx?scope=all").data))
    assert f"({name}, 09/05/2017)" in page and "(mirror-hoabinh," not in page
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"({name}, 09/05/2017)" in text and "(mirror-hoabinh," not in text


def test_the_excel_download_holds_publication_dates_as_dates(client: FlaskClient, articles: list[Article]) -> None:
    """"2024-04-27T17:10:00" was a text cell: not sortable as a date, not shown as Vietnamese read it."""
    from datetime import datetime

    from openpyxl import load_workbook

    dated = next(a for a in articles if a.published and "T" in a.published)
    sheet = load_workbook(io.BytesIO(client.get(f"/export.xlsx?ids={dated.id}").data)).worksheets[0]
    col = [c.value for c in sheet[1]].index("Ngày đăng")
    cell = sheet[2][col]
    assert isinstance(cell.value, datetime) and cell.number_format.startswith("dd/mm/yyyy")
    assert cell.value == datetime.fromisoformat(dated.published).replace(tzinfo=None)
    assert sheet[2][0].value == dated.id  # the id column stays text


def test_an_unknown_model_or_province_links_its_list(client: FlaskClient) -> None:
    """A misspelt model name led only to the search page; the catalogue is where its real name is."""
    model = client.get("/models/Dân vận khéo lắm")
    assert model.status_code == 404 and 'href="/models">Xem danh mục mô hình</a>' in model.get_data(as_text=True)
    place = client.get("/provinces/Hà Giang?era=2025")
    assert place.status_code == 404 and 'href="/provinces?era=2025">Xem danh sách tỉnh, thành</a>' in \
        place.get_data(as_text=True)
    assert "Xem danh" not in client.get("/article/khong-co").get_data(as_text=True)


def test_an_open_report_period_reads_to_this_day(client: FlaskClient) -> None:
    page = client.get("/report?scope=all&date_from=2017-01-01").get_data(as_text=True)
    assert "từ ngày 01/01/2017 đến nay" in page


def test_a_hit_shows_its_lead_once_when_the_snippet_repeats_the_summary(app: Flask) -> None:
    """Both cut from the lead, the summary and the snippet showed the same sentence twice (11 of 20 hits)."""
    from index.types import Hit

    lead = "Ông Nguyễn Quốc Anh, chánh văn phòng UBND huyện Anh Sơn, Nghệ An, tử vong sau khi ôtô đâm vào dải."
    same = Hit(id="a", url="https://bao.example/a", title="Tai nạn", source="baotest", province="Nghệ An",
               province_2025="Nghệ An", published=None, summary=lead,
               snippet="… Quốc Anh, chánh văn phòng UBND huyện Anh Sơn, <mark>Nghệ An</mark>, tử vong sau khi ôtô")
    other = Hit(id="b", url="https://bao.example/b", title="Camera", source="baotest", province="Nghệ An",
                province_2025="Nghệ An", published=None, summary="Các camera sẽ được lắp tại các phòng thi.",
                snippet="… công tác làm thi tại Sở GD-ĐT <mark>Nghệ An</mark>.")
    with app.test_request_context("/search?q=Nghệ+An"):
        row = app.jinja_env.get_template("_macros.html").module.hit_row  # type: ignore[attr-defined]
        once, both = str(row(same)), str(row(other))
    assert "class=\"summary\"" not in once and once.count("chánh văn phòng") == 1 and "<mark>" in once
    assert "class=\"summary\"" in both and "class=\"snippet\"" in both


def test_the_reports_people_held_up_leave_out_the_officials_who_speak(tmp_path: Path) -> None:
    """Section VI listed the General Secretary and ministers (named by office in every story) as examples."""
    def art(i: int, persons: tuple[Entity, ...]) -> Article:
        enr = Enrichment(province="Nghệ An", relevance=0.8, persons=persons)
        return Article(url=f"https://bao.example/p{i}", source="baotest", title=f"Làm theo Bác {i}",
                       body="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.", enrichment=enr)

    leader = Entity(name="Nguyễn Phú Trọng", kind="Tổng Bí thư", count=2)
    arts = [art(i, (leader, Entity(name=f"Trần Văn {n}", kind="anh", count=1)))
            for i, n in enumerate(["An", "Bình", "An"])]
    _indexed(tmp_path, arts)
    people = _report(tmp_path, SearchQuery(scope="all"))["people"]
    assert [(p["name"], p["count"]) for p in people] == [("Trần Văn An", 2), ("Trần Văn Bình", 1)]
