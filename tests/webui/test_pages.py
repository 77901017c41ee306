"""Article, model, province, coverage and phrase pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask.testing import FlaskClient

from crawler.article import Article


def test_article_page(client: FlaskClient, articles: list[Article]) -> None:
    art = next(a for a in articles if a.source == "yenbai-gov")
    html = client.get(f"/article/{art.id}").get_data(as_text=True)
    assert html.count("<p>") >= 3  # paragraphs
    assert "thẻ metadata của trang" in html  # where the date came from
    assert "Lào Cai" in html and "Yên Bái" in html  # province then and after 2025
    assert "Hết việc, không hết giờ" in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert client.get("/article/does-not-exist").status_code == 404
    assert client.get("/article/" + "x" * 300).status_code == 404


def test_article_text_is_escaped(client: FlaskClient, articles: list[Article]) -> None:
    art = next(a for a in articles if a.source == "xss-test")
    html = client.get(f"/article/{art.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html and "<i>Mô hình</i>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_models_catalogue_and_page(client: FlaskClient) -> None:
    html = client.get("/models").get_data(as_text=True)
    assert "Một cửa" in html and 'class="spark"' in html
    page = client.get("/models/" + quote("Một cửa"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Mô hình được nhân rộng ở đâu" in text and "Hòa Bình" in text


def test_province_and_coverage(client: FlaskClient) -> None:
    html = client.get("/provinces/" + quote("Hà Nội")).get_data(as_text=True)
    assert "Hà Nội" in html and "Mô hình nổi bật" in html
    cov = client.get("/coverage").get_data(as_text=True)
    assert cov.count('<tr class="zero">') >= 40  # most of the 63 provinces have no story in the fixture
    assert "2017" in cov
    assert client.get("/coverage?era=2025").status_code == 200
    assert client.get("/coverage?era=1990").status_code == 400
    assert client.get("/provinces").status_code == 200


def test_phrases_drop_boilerplate(client: FlaskClient) -> None:
    html = client.get("/phrases").get_data(as_text=True)
    assert "Từ khóa nổi bật" in html
    rows = html.split("<tbody>")[1]
    assert ">học tập<" not in rows and ">tư tưởng<" not in rows and ">làm theo<" not in rows
    assert "<script>" not in rows


def test_phrase_counting() -> None:
    from webui.phrases import phrase_counts

    out = phrase_counts(["Mô_hình dân_vận khéo , học_tập và làm_theo", "dân_vận khéo ; Dân_vận"])
    top = out[0]
    assert top["phrase"] == "dân vận" and top["count"] == 3 and top["articles"] == 2
    assert all(p["token"].lower() not in ("học_tập", "làm_theo") for p in out)


def test_distinctive_phrases_against_the_archive() -> None:
    from webui.phrases import distinctive, tally

    archive = ["cán_bộ đảng_viên xây_dựng nông_thôn_mới"] * 8 + ["cán_bộ đảng_viên dân_vận khéo ở bản"] * 2
    selection = ["cán_bộ đảng_viên dân_vận khéo ở bản", "cán_bộ đảng_viên Dân_vận khéo ở bản làng"]
    out = distinctive(tally(selection), tally(archive))
    phrases = [p["phrase"] for p in out]
    assert phrases[0] == "dân vận"  # in every selected article, in 2 of 10 of the archive
    assert "cán bộ" not in phrases and "đảng viên" not in phrases  # everywhere: not distinctive
    assert out[0]["share"] == 100.0 and out[0]["base_share"] == 20.0
    grams = distinctive(tally(selection, (2, 3)), tally(archive, (2, 3)))
    texts = [p["phrase"] for p in grams]
    # "dân vận khéo" and "dân vận khéo ở bản" hold one another in the same articles: one is kept.
    assert sum(t.startswith("dân vận khéo") for t in texts) == 1, texts


def test_phrases_page_is_distinctive_for_a_selection(client: FlaskClient) -> None:
    html = client.get("/phrases?q=Bác").get_data(as_text=True)
    assert "đặc trưng" in html and "% bài toàn kho" in html
    whole = client.get("/phrases?scope=all").get_data(as_text=True)
    assert "xuất hiện nhiều nhất" in whole


def test_a_phrases_download_in_an_unknown_format_is_refused_before_counting(data_dir: Path) -> None:
    from webui import create_app
    from webui.resources import close_index

    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "SECRET_KEY": "test"})
    try:
        res = app.test_client().get("/phrases.json?q=Bác")
        assert res.status_code == 400 and "csv hoặc xlsx" in res.get_data(as_text=True)
        assert "ct05.phrase_baseline" not in app.extensions  # the archive's phrases were not counted for it
    finally:
        close_index(app)


def test_a_pre_merger_province_among_the_34_says_where_it_went(client: FlaskClient) -> None:
    page = client.get("/provinces/" + quote("Yên Bái") + "?era=2025")
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "nay thuộc Lào Cai" in text and "Traceback" not in text
    assert client.get("/provinces/" + quote("Lào Cai") + "?era=2025").status_code == 200


def test_the_phrase_baseline_is_counted_again_only_when_the_archive_has_moved(
        tmp_path: Path, articles: list[Article]) -> None:
    # A periodic crawl adds a few stories every few minutes: the first reader after it must not wait
    # seconds for the whole archive's phrases to be counted again.
    import dataclasses

    from crawler.archive import Archive
    from index.sync import sync_index
    from webui import create_app
    from webui.resources import close_index

    def add(rows: list[Article]) -> None:
        with Archive.open(tmp_path) as archive:
            archive.upsert_many(rows)
            sync_index(archive, tmp_path / "index")

    def copies(n: int, tag: str) -> list[Article]:
        return [dataclasses.replace(a, url=f"https://copies.example/{tag}/{i}.html")
                for i, a in enumerate(articles[:n])]

    add(articles)
    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True, "SECRET_KEY": "test"})
    client = app.test_client()
    try:
        assert client.get("/phrases?q=Bác").status_code == 200
        first = app.extensions["ct05.phrase_baseline"]["entry"]
        add(copies(1, "a"))  # under 5 % more stories: the same baseline
        app.extensions["ct05.index"].refresh()  # what the app does within a second, without waiting for it
        assert client.get("/phrases?q=Hồ").status_code == 200  # another selection: not a cached page
        assert app.extensions["ct05.phrase_baseline"]["entry"] is first
        add(copies(10, "b"))  # a quarter more: counted again
        app.extensions["ct05.index"].refresh()
        assert client.get("/phrases?q=Đảng").status_code == 200
        assert app.extensions["ct05.phrase_baseline"]["entry"] is not first
    finally:
        close_index(app)


def test_a_page_of_undated_stories_says_why_it_has_no_timeline(client: FlaskClient) -> None:
    # The real archive has no dates at all: the province and model pages showed no chart and no word why.
    undated = client.get("/provinces/" + quote("Nghệ An"), query_string={"year": "Không rõ", "scope": "all"})
    html = undated.get_data(as_text=True)
    assert undated.status_code == 200 and "chart-box" not in html
    assert "Chưa vẽ được biểu đồ theo tháng: không bài nào ở đây có ngày đăng." in html
    dated = client.get("/provinces/" + quote("Hà Nội")).get_data(as_text=True)
    assert "chart-box" in dated and "no-timeline" not in dated
