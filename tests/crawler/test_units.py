"""Dates, canonical URLs, the site registry and extraction edge cases."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.canon import canonical_url
from crawler.dates import date_from_url, parse_iso, parse_vn_date
from crawler.extract import extract_html
from crawler.sites import SiteConfigError, load_sites


@pytest.mark.parametrize(("text", "expected"), [
    ("Thứ hai, 27/08/2012 - 10:05", "2012-08-27T10:05:00"),
    ("20/06/2023 02:30:43 Xem cỡ chữ", "2023-06-20T02:30:43"),
    ("24/03/2018 - 14:45", "2018-03-24T14:45:00"),
    ("ngày 15/5/2016", "2016-05-15T00:00:00"),
    ("15-5-2016", "2016-05-15T00:00:00"),
    ("Cập nhật: 10:05, 27/08/2012", "2012-08-27T10:05:00"),
    ("ngày 15 tháng 5 năm 2016", "2016-05-15T00:00:00"),
    ("Lượt xem: 471", None),
    ("31/02/2016", None),
])
def test_vietnamese_dates(text: str, expected: str | None) -> None:
    assert parse_vn_date(text) == expected


def test_iso_dates_become_vietnam_local_time() -> None:
    assert parse_iso("2023-06-20T02:30:43+07:00") == "2023-06-20T02:30:43"
    assert parse_iso("2023-06-19T19:30:43Z") == "2023-06-20T02:30:43"
    assert parse_iso("2016-05-15") == "2016-05-15T00:00:00"
    assert date_from_url("https://x.vn/2016/05/15/tin.html") == "2016-05-15T00:00:00"
    assert date_from_url("https://x.vn/chinh-tri/201208/tin-344750.htm") is None


def test_canonical_url() -> None:
    assert canonical_url("HTTPS://WWW.Baonghean.vn/tin/a-1.html?utm_source=fb&b=2&a=1#top") == \
        "https://baonghean.vn/tin/a-1.html?a=1&b=2"
    assert canonical_url("http://x.vn:80/a/b/;jsessionid=12?PHPSESSID=3") == "http://x.vn/a/b"
    assert canonical_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/"
    assert canonical_url("http://x.vn/a/%c3%a1/") == canonical_url("http://x.vn/a/á")


def test_registry_has_mirror_and_real_entries() -> None:
    sites = load_sites()
    for name in ("yenbai", "tthue", "bacninh", "hoabinh", "nghean"):
        assert sites[f"mirror-{name}"].checked
        assert sites[f"mirror-{name}"].politeness.delay == 0
        assert not sites[name].checked and sites[name].base_url
    assert sites["tthue"].dateline == ("TTH -", "TTH.VN -")
    assert sites["mirror-tthue"].is_article_url("http://h/chinh-tri-xa-hoi/xay-dung-dang/gan-a426206.html")
    assert not sites["mirror-yenbai"].is_article_url("http://h/tin-hoat-dong/chinh-tri/trang-2.html")
    assert sites["mirror-yenbai"].is_listing_url("http://h/tin-hoat-dong/chinh-tri/trang-2.html")


@pytest.mark.parametrize(("entry", "message"), [
    ('name = "X"\ndomains = ["x.vn"]\narticle_patterns = ["a"]\ncolour = "red"',
     "sites.toml: sites.bad.colour: unknown key"),
    ('domains = ["x.vn"]\narticle_patterns = ["a"]', "sites.toml: sites.bad.name: missing required key"),
    ('name = "X"\narticle_patterns = ["a"]', "sites.toml: sites.bad.domains: missing required key"),
    ('name = "X"\ndomains = ["x.vn"]\narticle_patterns = ["("]', "sites.toml: sites.bad.article_patterns: bad regex"),
    ('name = "X"\ndomains = ["x.vn"]\narticle_patterns = []', "sites.toml: sites.bad.article_patterns: must not be"),
    ('name = "X"\ndomains = ["x.vn"]\narticle_patterns = ["a"]\n[sites.bad.politeness]\ndelay = "slow"',
     "sites.toml: sites.bad.politeness.delay: must be a non-negative number"),
    ('name = "X"\ndomains = ["x.vn"]\narticle_patterns = ["a"]\n[sites.bad.selectors]\nbodyy = "x"',
     "sites.toml: sites.bad.selectors.bodyy: unknown key"),
    ('name = "X"\ndomains = ["x.vn"]\narticle_patterns = ["a"]\n[sites.bad.discovery]\nsearch = "tim?q={q}"',
     "sites.toml: sites.bad.discovery.search: must contain {query}"),
    ('name = "X"\ndomains = ["x.vn"]\narticle_patterns = ["a"]\n[sites.bad.discovery]\nsearch = "tim?q={query"',
     "sites.toml: sites.bad.discovery.search: bad template"),
])
def test_bad_registry_entry_names_site_and_key(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(f"[sites.bad]\n{entry}\n", encoding="utf-8")
    with pytest.raises(SiteConfigError, match=message.replace("(", r"\(")):
        load_sites(path)


@pytest.mark.parametrize("data", [b"", b"\x00\xff\xfe garbage \x89PNG", "<html><body></body></html>",
                                  b"<html><head><title>x</title></head><body><p>short</p></body></html>",
                                  "<<<>>>" * 1000])
def test_garbage_is_not_an_article(data: str | bytes) -> None:
    assert extract_html(data, "http://x.vn/a-1.html") is None
    assert extract_html(data, "http://x.vn/a-1.html", load_sites()["mirror-tthue"]) is None


def test_listing_pages_are_not_articles(mirror_page: Callable[..., bytes]) -> None:
    sites = load_sites()
    for site, path in (("yenbai", "/tin-hoat-dong/"), ("tthue", "/tin-moi/"), ("nghean", "/"),
                       ("hoabinh", "/0/"), ("bacninh", "/tin-tuc/")):
        page = mirror_page(site, path)
        assert extract_html(page, f"http://127.0.0.1:8000{path}", sites[f"mirror-{site}"]) is None
        assert extract_html(page, f"http://127.0.0.1:8000{path}") is None


TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Vietnamese text the way windows-1258 stores it: letters precomposed, tone marks combining."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += base.encode("cp1258") + "".join(c for c in parts if c in TONES).encode("cp1258")
    return out


def test_windows_1258_page_declared_utf8_and_the_reverse() -> None:
    para = "Đảng bộ Văn phòng UBND tỉnh có 114 đảng viên, sinh hoạt tại 09 chi bộ trực thuộc. " * 5
    page = (f'<html><head><meta charset="utf-8"><title>Học tập và làm theo Bác - Báo X</title></head>'
            f"<body><article><h1>Học tập và làm theo Bác</h1><p>{para}</p><p>{para}</p></article></body></html>")
    for encoded in (to_cp1258(page), page.replace("utf-8", "windows-1258").encode("utf-8")):
        article = extract_html(encoded, "http://x.vn/tin/hoc-tap-1.html")
        assert article is not None
        assert article.title == "Học tập và làm theo Bác"
        assert article.body.startswith("Đảng bộ Văn phòng UBND tỉnh có 114 đảng viên")


def test_related_list_dates_are_never_taken(mirror_page: Callable[..., bytes], manifest: dict) -> None:
    entry = next(a for a in manifest["articles"] if a.get("seed", "") and a["site"] == "hoabinh")
    page = mirror_page("hoabinh", entry["path"])
    for site in (None, load_sites()["mirror-hoabinh"]):
        article = extract_html(page, "http://127.0.0.1:8000" + entry["path"], site)
        assert article is not None
        assert article.published is None and article.published_source == "none"
        assert article.dateline == "HBĐT"
        assert article.body.startswith("Năm 2023 là năm thứ 5")
        assert "Các tin khác" not in article.body


def test_generic_extraction_without_site_rules(mirror_page: Callable[..., bytes], manifest: dict) -> None:
    for entry in manifest["articles"]:
        if entry["title"] is None:
            continue
        article = extract_html(mirror_page(entry["site"], entry["path"]), "http://127.0.0.1:8000" + entry["path"])
        if article is None:  # briefs shorter than the generic minimum
            continue
        assert article.title == entry["title"]
        if entry["published"]:
            assert article.published is not None
            assert article.published[:16] == entry["published"][:16]
        else:
            assert article.published is None


def test_crawl_settings_leave_out_the_remote_control_and_cookies(tmp_path: Path) -> None:
    """No code-execution server on localhost during a crawl, and neither unused component is even imported."""
    from scrapy.settings import Settings

    from crawler.settings import scrapy_settings

    settings = Settings(scrapy_settings(tmp_path, [load_sites()["mirror-yenbai"]], tmp_path / "job", polite=True))
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    extensions = settings.getwithbase("EXTENSIONS")
    middlewares = settings.getwithbase("DOWNLOADER_MIDDLEWARES")
    assert not [k for k in extensions if str(k).endswith("RemoteControl")]
    assert not [k for k in middlewares if str(k).endswith("CookiesMiddleware")]
    assert any(str(k).endswith("CoreStats") for k in extensions)  # the rest of Scrapy's defaults stay
    assert any(str(k).endswith("HttpCompressionMiddleware") for k in middlewares)
