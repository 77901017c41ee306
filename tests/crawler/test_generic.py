"""The generic path (no site rules) on small pages that reproduce real CMS structures (tests/data/generic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.byline import person
from crawler.dates import date_from_url, parse_iso_stated
from crawler.extract import extract_html, extract_verdict

DATA = Path(__file__).resolve().parents[1] / "data" / "generic"
PARA = ("Ngày 20/6, Đảng bộ Văn phòng UBND tỉnh tổ chức hội nghị sơ kết việc học tập và làm theo tư tưởng, "
        "đạo đức, phong cách Hồ Chí Minh trong sáu tháng đầu năm, đánh giá kết quả thực hiện Chỉ thị 05-CT/TW.")


def page(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_section_page_of_div_cards_is_refused_even_as_og_article() -> None:
    article, verdict = extract_verdict(page("section_cards.html"), "https://baotinh.vn/chinh-tri/")
    assert article is None
    assert verdict == "listing"


def test_byline_date_is_taken_not_the_header_clock() -> None:
    article = extract_html(page("clock_widget.html"), "https://baotinh.vn/chinh-tri/so-ket-101.html")
    assert article is not None
    assert article.published == "2023-06-20T21:45:00"  # the byline's, not the header's 01/12/2025
    assert article.published_source == "byline"
    assert article.author == "Thu Hà"


def test_sapo_kept_related_box_captions_and_labels_out_empty_first_body_skipped() -> None:
    article = extract_html(page("sapo_related.html"), "https://baotinh.vn/chinh-tri/so-ket-102.html")
    assert article is not None
    paras = article.body.split("\n\n")
    assert paras[0].startswith("Đảng bộ Văn phòng UBND tỉnh vừa sơ kết")  # the sapo above the body
    assert paras[1].startswith("Ngày 20/6")  # the second .article-body: the first is empty
    for gone in ("Quang cảnh hội nghị", "Ảnh: Minh Anh", "bài liên quan", "Tỉnh ủy ban hành kế hoạch",
                 "Xem thêm", "Một bài khác", "Xem các bài viết"):
        assert gone not in article.body
    assert len(paras) == 4
    # A sidebar of links does not veto a page that declares itself an article.
    assert article.author == "Minh Anh"  # not "Báo Tỉnh Online", not the link label
    assert article.published == "2023-06-20T21:45:00"
    assert dict(article.extra).get("published_tz") == "+07:00"


def test_site_name_is_not_an_author() -> None:
    article = extract_html(page("site_author.html"), "https://vnexpress.net/so-ket-4620000.html")
    assert article is not None
    assert article.author is None
    assert article.title == "Sơ kết học tập và làm theo Bác"
    assert article.published == "2023-06-20T21:45:00"


@pytest.mark.parametrize(("text", "expected"), [
    ("VnExpress", None), ("Báo Tỉnh Online", None), ("Thu Hà", "Thu Hà"), ("PV", None), ("TTXVN", None),
    ("Minh Anh Xem các bài viết của tác giả", "Minh Anh"), ("Bài và ảnh: Nguyễn Văn Nam", "Nguyễn Văn Nam"),
    ("Ban Tuyên giáo Tỉnh ủy", None), ("By Jane Smith", "Jane Smith"), ("Staff Reporter", None),
    ("nguồn: internet", None), ("", None),
])
def test_authors_are_persons(text: str, expected: str | None) -> None:
    assert person(text, {"vnexpress", "baotinh", "baotinhonline"}) == expected


def test_stated_time_zone_is_recorded_not_applied() -> None:
    assert parse_iso_stated("2019-11-18T22:15:39-05:00") == ("2019-11-18T22:15:39", "-05:00")
    assert parse_iso_stated("2019-11-19T04:58:46Z") == ("2019-11-19T04:58:46", "+00:00")
    assert parse_iso_stated("2023-06-20") == ("2023-06-20T00:00:00", None)


def test_wayback_capture_stamp_is_not_a_date() -> None:
    assert date_from_url("https://web.archive.org/web/20191118123456/https://x.vn/tin/bai-1.html") is None
    assert date_from_url("https://web.archive.org/web/20191118123456/https://x.com/2019/11/02/story") == \
        "2019-11-02T00:00:00"


def test_time_inside_tagged_article_is_read_and_evening_post_keeps_its_day() -> None:
    html = (f'<html lang="en"><body class="single sidebar-primary"><article class="post tag-politics category-news">'
            f'<header class="entry-header"><h1>Council meets on the budget</h1>'
            f'<time datetime="2019-11-18T22:15:39-05:00">November 18</time></header>'
            f'<div class="entry-content"><p>{PARA}</p><p>{PARA} 2</p></div></article></body></html>')
    article = extract_html(html, "https://example.com/council-budget")
    assert article is not None
    assert article.published is not None and article.published.startswith("2019-11-18")


def test_article_declared_with_a_long_sidebar_is_kept() -> None:
    links = "".join(f'<li><a href="/s{i}">Another story number {i} from the same newsroom today</a></li>'
                    for i in range(20))
    html = (f'<html><head><meta property="og:type" content="article"></head><body>'
            f'<ul class="popular">{links}</ul><h1>Council meets</h1><div><p>{PARA}</p><p>{PARA} 2</p></div>'
            f'</body></html>')
    article = extract_html(html, "https://example.com/council")
    assert article is not None and article.title == "Council meets"
    assert "Another story" not in article.body


def test_story_written_with_line_breaks_among_many_teaser_cards_is_kept() -> None:
    # Some CMSes write the story as text and <br>s straight in a <div> (no <p>), and surround it with
    # dozens of teaser cards; a staff box of short <p>s must not be taken for the body, nor the page
    # for a listing.
    cards = "".join(f'<div class="card"><a href="/s{i}">Một câu chuyện khác của tòa soạn số {i} hôm nay</a>'
                    f'<p>Tóm tắt ngắn của bài số {i}.</p></div>' for i in range(24))
    staff = "".join(f"<p>Biên tập viên số {i} của tòa soạn</p>" for i in range(6))
    story = "<br><br>".join([PARA, PARA.replace("Ngày 20/6", "Sau đó"), PARA.replace("Ngày 20/6", "Cuối cùng")])
    html = (f'<html><head><meta property="og:type" content="article"></head><body>{cards}'
            f'<div class="article"><h1>Sơ kết Chỉ thị 05 ở Văn phòng UBND tỉnh</h1>'
            f'<div class="byline">Thứ Hai, 20/06/2022 07:45</div><div class="content">{story}</div></div>'
            f'<div class="staff">{staff}</div></body></html>')
    article, verdict = extract_verdict(html, "https://baotinh.vn/chinh-tri/so-ket-202.html")
    assert verdict == "article" and article is not None
    assert article.body.count("đánh giá kết quả thực hiện Chỉ thị 05-CT/TW") == 3
    assert "Biên tập viên" not in article.body and "Tóm tắt ngắn" not in article.body
    assert article.published is not None and article.published.startswith("2022-06-20")


def test_worker_reports_section_pages_for_the_run_record() -> None:
    from crawler.sites import load_sites
    from crawler.stats import CrawlStats
    from crawler.workers import extract_page

    site = load_sites()["sggp"]  # an unchecked entry: the generic path reads it
    article, minhash, verdict = extract_page(page("section_cards.html"), "https://sggp.org.vn/chinh-tri/", site)
    assert (article, minhash, verdict) == (None, b"", "listing")
    article, minhash, verdict = extract_page(page("clock_widget.html"), "https://sggp.org.vn/so-ket-123456.html", site)
    assert article is not None and verdict == "article" and minhash
    stats = CrawlStats()
    stats.site("sggp").bump("not_article")
    stats.site("sggp").bump("section_pages")
    assert stats.totals["section_pages"] == 1 and "1 non-articles (1 section pages)" in stats.summary()
