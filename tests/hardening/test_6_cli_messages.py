"""Issue 12, item 6: every failing command ends with one line naming the file and the cause, exit != 0,
and no traceback — read-only and full disks, a bad registry, a missing or binary page."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crawler.archive import ARCHIVE_FILE, Archive
from tests.hardening.conftest import BODY, FIXTURE, assert_one_line_failure, ct05, write_jsonl


def many_records(n: int) -> list[dict[str, str]]:
    return [{"url": f"https://full.example/{i}", "title": f"Bài {i} về chỉ thị 05", "body": BODY * 8,
             "published": "2021-05-18"} for i in range(n)]


def test_crawl_on_a_read_only_data_dir(readonly_copy: Path) -> None:
    run = ct05("crawl", "--site", "mirror-yenbai", "--base-url", "mirror-yenbai=http://127.0.0.1:9/",
               "--data-dir", str(readonly_copy), readonly=True)
    assert_one_line_failure(run, str(readonly_copy))


def test_crawl_on_an_empty_read_only_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o555)
    try:
        run = ct05("crawl", "--site", "mirror-yenbai", "--base-url", "mirror-yenbai=http://127.0.0.1:9/",
                   "--data-dir", str(data), readonly=True)
    finally:
        data.chmod(0o755)
    assert_one_line_failure(run, ARCHIVE_FILE)


@pytest.mark.slow
def test_import_on_a_full_disk_loses_nothing(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "many.jsonl", many_records(1200))
    data = tmp_path / "data"
    run = ct05("import", str(src), "--data-dir", str(data), disk_limit=256 * 1024)
    assert_one_line_failure(run, ARCHIVE_FILE)
    again = ct05("import", str(src), "--data-dir", str(data))  # space freed: the same file again
    assert again.code == 0, again.text
    with Archive.open(data, readonly=True) as archive:
        assert archive.count() == 1200


@pytest.fixture()
def unindexed(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with Archive.open(data) as archive, FIXTURE.open(encoding="utf-8") as fh:
        from crawler.article import Article

        archive.upsert_many(Article.from_dict(json.loads(line)) for line in fh if line.strip())
    return data


@pytest.mark.parametrize("args", [("index",), ("index", "--rebuild", "--procs", "1"),
                                  ("index", "--rebuild", "--procs", "2"), ("catch-up",)])
@pytest.mark.slow
def test_index_on_a_full_disk(unindexed: Path, args: tuple[str, ...]) -> None:
    if args == ("catch-up",):  # an index exists; new articles arrive and the disk is full
        assert ct05("index", "--data-dir", str(unindexed)).code == 0
        with Archive.open(unindexed) as archive:
            from crawler.importer import article_from_record

            archive.upsert_many(article_from_record(r) for r in many_records(400))
        args = ("index",)
    # Files may grow to 40 kB: the archive opens (its -shm is 32 kB), the index's files do not fit.
    run = ct05(*args, "--data-dir", str(unindexed), disk_limit=40 * 1024)
    last = assert_one_line_failure(run, str(unindexed / "index"))
    assert "disk full" in last or "File too large" in last, last
    ok = ct05("index", "--data-dir", str(unindexed))  # space freed: the next run brings the index up to date
    assert ok.code == 0, ok.text
    status = json.loads(ct05("status", "--json", "--data-dir", str(unindexed)).out)
    assert status["indexed"] == status["articles"] > 0  # nothing lost


@pytest.mark.crawl
@pytest.mark.parametrize("limit_kb", [64, 128])
def test_crawl_on_a_full_disk_stops_and_loses_nothing(tmp_path: Path, limit_kb: int) -> None:
    from demo.server import MirrorServer

    data = tmp_path / "data"
    Archive.open(data).close()
    with MirrorServer() as mirror:
        site, url = "yenbai", mirror.urls["yenbai"]
        args = ("crawl", "--site", f"mirror-{site}", "--base-url", f"mirror-{site}={url}", "--no-polite",
                "--data-dir", str(data))
        run = ct05(*args, disk_limit=limit_kb * 1024)
        assert_one_line_failure(run, ARCHIVE_FILE)
        again = ct05(*args)  # space freed: the next crawl stores every article
        assert again.code == 0, again.text
        full = tmp_path / "full"
        assert ct05(*args[:-1], str(full)).code == 0
    with Archive.open(data, readonly=True) as archive, Archive.open(full, readonly=True) as reference:
        assert archive.count() == reference.count() > 0


def test_sites_list_with_a_bad_registry(tmp_path: Path) -> None:
    bad = tmp_path / "sites.toml"
    bad.write_text("[sites.x\nname = 1\n", encoding="utf-8")
    for args in (("sites", "list"), ("sites", "check", "x"), ("crawl", "--site", "x")):
        run = ct05(*args, env={"CT05_SITES": str(bad)})
        assert_one_line_failure(run, str(bad))


@pytest.mark.parametrize("kind", ["missing", "directory", "unreadable"])
def test_sites_check_page_that_is_not_a_page(tmp_path: Path, kind: str) -> None:
    page = tmp_path / "page.html"
    if kind == "directory":
        page.mkdir()
    elif kind == "unreadable":
        page.write_text("<html></html>", encoding="utf-8")
        page.chmod(0)
    try:
        run = ct05("sites", "check", "mirror-yenbai", "--page", str(page), readonly=True)
    finally:
        if page.exists():
            page.chmod(0o755)
    assert_one_line_failure(run, str(page))


def test_binary_page_gets_a_message_and_no_traceback(tmp_path: Path) -> None:
    page = tmp_path / "binary.html"
    page.write_bytes(bytes(range(256)) * 64 + b"\x0b\x1f<p>\x00\x08</p>" + os.urandom(4096))
    run = ct05("sites", "check", "mirror-yenbai", "--page", str(page))
    assert run.code == 1 and "Traceback" not in run.text, run.text
    assert "no article extracted" in run.out


@pytest.mark.parametrize("step", [("process",), ("index",), ("index", "--rebuild")])
def test_a_step_on_a_mistyped_data_dir_creates_nothing(tmp_path: Path, step: tuple[str, ...]) -> None:
    # A typo in --data-dir used to create an empty archive and index there and report "0 articles", exit 0.
    missing, empty = tmp_path / "datta", tmp_path / "empty"
    empty.mkdir()
    for data in (missing, empty):
        run = ct05(*step, "--data-dir", str(data))
        assert_one_line_failure(run, str(data), "--data-dir")
        assert not missing.exists() and list(empty.iterdir()) == []


def test_output_into_a_closed_pipe_ends_quietly(unindexed: Path) -> None:
    # `ct05 search … | head -1`: the reader is gone before the writer finishes. Here it is gone before the
    # writer starts (the read end is closed first), so the outcome does not depend on timing.
    import subprocess

    from tests.hardening.conftest import CT05

    assert ct05("index", "--data-dir", str(unindexed)).code == 0
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([CT05, "search", "--data-dir", str(unindexed), "--limit", "100", "--", "Bác"],
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    finally:
        os.close(write)
    assert done.returncode == 141 and done.stderr == "", (done.returncode, done.stderr)


@pytest.mark.parametrize("args", [("serve", "--workers", "1"), ("serve", "--workers", "2"), ("demo",)])
def test_serve_on_a_port_in_use_is_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:  # the demo says so before crawling
        port = str(taken.getsockname()[1])
        run = ct05(*args, "--data-dir", str(tmp_path), "--port", port, timeout=60)
    last = assert_one_line_failure(run, f"127.0.0.1:{port}", "--port")
    assert "đang chạy" not in run.out and run.err.strip() == last, run.text  # nothing claimed, nothing else
