"""Issue 12, item 1: control characters never reach a feed, never drop a crawled page, never drive a terminal."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import etree

from crawler.archive import Archive
from tests.hardening.conftest import CT05, HOSTILE_IMPORT, ROOT, Live, ct05, write_jsonl

MIRROR_PAGE = (ROOT / "demo" / "site" / "bacninh" / "chinh-tri" / "201208" /
               "thuc-hien-cuoc-van-dong-hoc-tap-va-lam-theo-tam-guong-344750.htm")


def test_feed_with_imported_control_characters_is_valid_xml(live: Live) -> None:
    for query in ("NULTITLE", "ESCTITLE", "chỉ thị 05"):
        status, headers, body = live.get(f"/feed?q={quote(query)}")
        assert status == 200 and headers["content-type"].startswith("application/atom+xml")
        root = etree.fromstring(body)  # strict XML: one NUL would raise here
        titles = [t.text or "" for t in root.iter("{http://www.w3.org/2005/Atom}title")]
        assert not any(ch in t for t in titles for ch in "\x00\x1f\x08\x0b\x1b")


def test_importer_cleans_every_text_field(data_dir: Path) -> None:
    with Archive.open(data_dir, readonly=True) as archive:
        for record in HOSTILE_IMPORT[:2]:
            art = archive.get_by_url(record["url"])
            assert art is not None  # nothing dropped
            for value in (art.title, art.body, art.source):
                assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) <= 0x9f for c in value), repr(value)


def test_crawled_page_with_control_characters_is_still_an_article(tmp_path: Path) -> None:
    """One \\x0b or \\x1f in a page made lxml raise, and the article was dropped as "not an article"."""
    page = MIRROR_PAGE.read_bytes().replace(b"{{BASE}}", b"http://127.0.0.1:8000")
    marked = page.replace("Thực hiện".encode(), "Thực\x0b hiện\x1f\x08".encode(), 3)
    assert marked != page
    path = tmp_path / "page.htm"
    path.write_bytes(marked)
    run = ct05("sites", "check", "mirror-bacninh", "--page", str(path))
    assert "Traceback" not in run.text, run.text
    assert "no article extracted" not in run.text and "title:" in run.out, run.text
    assert "\x0b" not in run.out and "\x1f" not in run.out


@pytest.mark.slow
def test_status_and_search_escape_terminal_codes(data_dir: Path, tmp_path: Path) -> None:
    # An archive written before the sanitiser existed: the raw escape codes are stored as they came.
    from crawler.article import Article
    from index.sync import sync_index

    data = tmp_path / "data"
    raw = Article(url="https://hostile.example/raw", source="raw\x1b]0;pwned\x07src",
                  title="\x1b[2J\x9b31m RAWTITLE chỉ thị 05", body="Chỉ thị 05 \x1b[5m học tập.")
    with Archive.open(data) as archive:
        archive.upsert(raw)
        sync_index(archive, data / "index")
    for args in (("status",), ("status", "--json"), ("search", "RAWTITLE"), ("search", "RAWTITLE", "--json")):
        run = ct05(*args, "--data-dir", str(data))
        assert run.code == 0, run.text
        assert "RAWTITLE" in run.out or "raw" in run.out, (args, run.out)
        assert "\x1b" not in run.text and "\x9b" not in run.text and "\x07" not in run.text, (args, run.out)


@pytest.mark.slow
def test_import_cli_and_analyze_never_print_escape_codes(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", HOSTILE_IMPORT[:2])
    run = ct05("import", str(src), "--data-dir", str(tmp_path / "data"))
    assert run.code == 0 and "imported 2 new" in run.out, run.text
    search = ct05("search", "ESCTITLE", "--data-dir", str(tmp_path / "data"))
    assert "\x1b" not in search.text
    text = tmp_path / "bai.txt"
    text.write_text("\x1b]0;pwned\x07Tiêu đề \x1b[2J bài viết\n\n" + "Thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị, "
                    "tỉnh Yên Bái đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.\n" * 3,
                    encoding="utf-8")
    run = ct05("analyze", str(text))
    assert "Traceback" not in run.text and "\x1b" not in run.text and "\x07" not in run.text, run.text
    assert CT05  # the real command of this virtualenv ran every case
