"""`ct05 archive copy`: SQLite → PostgreSQL → SQLite keeps every row (articles with tombstones and seq numbers,
NLP results, runs, meta, republication signatures and bands), and copying again changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crawler.archive import ARCHIVE_FILE, Archive
from crawler.archive_copy import TABLES
from crawler.article import Article, Enrichment
from crawler.republish import mark_republications
from webui.cli import cli

WORDS = ("Ủy ban nhân dân tỉnh Yên Bái tổ chức hội nghị sơ kết việc học tập và làm theo tư tưởng đạo đức phong cách "
         "Hồ Chí Minh theo Chỉ thị 05 của Bộ Chính trị với sự tham dự của đại biểu các sở ban ngành đoàn thể và "
         "các huyện thị xã thành phố trong tỉnh cùng nhiều tập thể cá nhân điển hình tiên tiến được khen thưởng"
         ).split()


def art(n: int, body: str, source: str = "s") -> Article:
    return Article(url=f"https://{source}.vn/{n}.html", source=source, title=f"Bài {n}", body=body,
                   published=f"2024-05-0{n}")


def dump(archive: Archive) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for table, (keys, cols) in TABLES.items():
        rows = archive.db.execute(f"SELECT {', '.join((*keys, *cols))} FROM {table}").fetchall()
        out[table] = sorted(tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows)
    return out


def build(data: Path) -> dict[str, list[tuple[Any, ...]]]:
    body = " ".join(WORDS)
    with Archive.open(data, location=str(data / ARCHIVE_FILE)) as a:
        a.upsert_many([art(1, body), art(2, body + " Ảnh: Thu Hà", source="t"), art(3, "Tin ngắn"), art(4, "Xoá")])
        a.upsert(art(3, "Tin ngắn, sửa lại"))
        a.save_enriched([art(1, body).replace(enrichment=Enrichment(province="Yên Bái", version="v1"))])
        a.delete(art(4, "").id)
        assert mark_republications(a, [art(1, body).id, art(2, body).id]) == 1
        run = a.start_run("crawl")
        a.finish_run(run, "ok", {"totals": {"new": 4}, "ghi chú": "đã xong"})
        a.start_run("schedule")
        a.set_meta("index.note", "chỉ mục")
        return dump(a)


def test_copy_to_postgresql_and_back_keeps_everything(tmp_path: Path, pg_url: str) -> None:
    original = build(tmp_path / "one")
    assert original["minhash_band"] and original["runs"] and original["meta"]
    runner = CliRunner()
    for _ in range(2):  # the second copy changes nothing
        result = runner.invoke(cli, ["archive", "copy", str(tmp_path / "one"), pg_url])
        assert result.exit_code == 0, result.output
        assert "4 articles" in result.output and "2 runs" in result.output
        with Archive(pg_url) as pg:
            assert dump(pg) == original
    with Archive(pg_url) as pg:
        assert [(s, i) for s, i, _ in pg.changes_since(0)] == [(r[7], r[0]) for r in sorted(
            original["articles"], key=lambda r: r[7])]
        assert pg.upsert(art(5, "Bài mới")) == "new"  # numbering goes on after the copied rows
        assert pg.max_seq() == max(r[7] for r in original["articles"]) + 1
        assert pg.start_run("crawl") == 3
        assert pg.get(art(2, "", source="t").id).republication_of == art(1, "").id  # type: ignore[union-attr]
        expected = dump(pg)
    result = runner.invoke(cli, ["archive", "copy", pg_url, str(tmp_path / "two")])
    assert result.exit_code == 0, result.output
    with Archive(tmp_path / "two" / ARCHIVE_FILE) as back:
        assert dump(back) == expected
        assert back.start_run("crawl") == 4


def test_copy_names_a_missing_source_in_one_line(tmp_path: Path, pg_url: str) -> None:
    result = CliRunner().invoke(cli, ["archive", "copy", str(tmp_path / "nothing"), pg_url])
    assert result.exit_code == 1 and "no archive there" in result.output
    result = CliRunner().invoke(cli, ["archive", "copy", pg_url, pg_url])
    assert result.exit_code == 1 and "onto itself" in result.output


def test_archive_option_selects_postgresql_for_one_command(tmp_path: Path, pg_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import os

    monkeypatch.delenv("CT05_ARCHIVE", raising=False)
    with Archive(pg_url) as pg:
        pg.upsert_many([art(1, "Một"), art(2, "Hai")])
    result = CliRunner().invoke(cli, ["status", "--json", "--archive", pg_url, "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["articles"] == 2
    assert "CT05_ARCHIVE" not in os.environ, "--archive lasts for its command only"
    assert not (tmp_path / ARCHIVE_FILE).exists()
    bad = CliRunner().invoke(cli, ["status", "--archive", pg_url.rsplit("/", 1)[0] + "/nope", "--data-dir",
                                   str(tmp_path)])
    assert bad.exit_code == 1 and bad.output.count("\n") == 1 and "cannot open archive" in bad.output
