"""`ct05 import`: JSON lines in, bad lines reported by number, the rest imported."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.archive import Archive
from webui.cli import cli


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good(n: int) -> str:
    return json.dumps({"url": f"https://baonghean.vn/bai-{n}.html", "title": f"Bài {n}",
                       "body": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
                       "published": "2021-05-18", "source": "nghean", "province": "Nghệ An"},
                      ensure_ascii=False)


@pytest.mark.usefixtures("archive_backend")
def test_import_reports_the_malformed_line_and_imports_the_rest(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [good(1), '{"url": "https://x.vn/2", "title": ', good(3),
                                              json.dumps({"url": "https://x.vn/4", "title": "t"})])
    result = CliRunner().invoke(cli, ["import", "--data-dir", str(tmp_path / "d"), str(src)])
    assert result.exit_code == 0, result.output
    assert "in.jsonl:2: skipped: invalid JSON" in result.output
    assert "in.jsonl:4: skipped: field 'body' is missing or empty" in result.output
    assert "imported 2 new" in result.output
    odd = write_jsonl(tmp_path / "odd.jsonl", ['{"url": "https://x.vn/5", "title": "bad\t"}',  # a raw tab
                                               json.dumps({"url": 5, "title": "t", "body": "b"})])
    result = CliRunner().invoke(cli, ["import", "--data-dir", str(tmp_path / "d"), str(odd)])
    assert "odd.jsonl:1: skipped: invalid JSON (Invalid control character at column 40)" in result.output
    assert "odd.jsonl:2: skipped: field 'url' must be text, not int" in result.output
    with Archive.open(tmp_path / "d") as a:
        assert a.count() == 2
        art = a.get_by_url("https://baonghean.vn/bai-1.html")
        assert art is not None and art.published == "2021-05-18T00:00:00" and art.source_province == "Nghệ An"
    again = CliRunner().invoke(cli, ["import", "--data-dir", str(tmp_path / "d"), str(src)])
    assert "imported 0 new, 0 updated, 2 unchanged" in again.output


def test_import_of_a_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "--data-dir", str(tmp_path), str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0
    assert "no such file" in result.output


@pytest.mark.usefixtures("archive_backend")  # import, index and search, on either archive
def test_two_imported_copies_of_one_story_are_one_hit(tmp_path: Path) -> None:
    story = json.loads((Path(__file__).resolve().parents[1] / "data" / "index" / "articles.json")
                       .read_text(encoding="utf-8"))[0]
    lines = [json.dumps({"url": url, "title": story["title"], "body": story["body"], "published": published,
                         "source": source}, ensure_ascii=False)
             for url, published, source in (("https://baoyenbai.com.vn/bai-goc.html", "2023-06-20", "yenbai"),
                                            ("https://dantri.com.vn/ban-sao.htm", "2023-06-21", "dantri"))]
    data = tmp_path / "d"
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    result = CliRunner().invoke(cli, ["import", "--data-dir", str(data), str(src)])
    assert result.exit_code == 0, result.output
    assert "imported 2 new" in result.output and "1 republications" in result.output
    with Archive.open(data) as a:
        original = a.get_by_url("https://baoyenbai.com.vn/bai-goc.html")
        copy = a.get_by_url("https://dantri.com.vn/ban-sao.htm")
        assert original is not None and copy is not None
        assert original.republication_of is None and copy.republication_of == original.id
    assert CliRunner().invoke(cli, ["index", "--data-dir", str(data)]).exit_code == 0
    words = " ".join(story["title"].split()[:4])
    found = CliRunner().invoke(cli, ["search", "--json", "--scope", "all", "--data-dir", str(data), "--", words])
    assert found.exit_code == 0, found.output
    hits = json.loads(found.output)["hits"]
    assert len(hits) == 1 and hits[0]["republications"] == 1  # the best-ranked copy stands for the story
    again = CliRunner().invoke(cli, ["import", "--data-dir", str(data), str(src)])
    assert "imported 0 new, 0 updated, 2 unchanged, 0 bad lines\n" in again.output


def test_import_and_process_into_a_pipe_print_no_progress_label(tmp_path: Path) -> None:
    # CliRunner's output is not a terminal, as in a script or a log: no stray "import" / "NLP" line.
    src = write_jsonl(tmp_path / "in.jsonl", [good(1), good(2)])
    result = CliRunner().invoke(cli, ["import", "--data-dir", str(tmp_path / "d"), str(src)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["imported 2 new, 0 updated, 0 unchanged, 0 bad lines"]
    result = CliRunner().invoke(cli, ["process", "--data-dir", str(tmp_path / "d"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.strip()] == [result.output.strip()]
    assert result.output.startswith("processed 2 articles")


def test_a_mistyped_file_name_creates_no_archive(tmp_path: Path) -> None:
    data = tmp_path / "d"
    result = CliRunner().invoke(cli, ["import", "--data-dir", str(data), str(tmp_path / "khong-co.jsonl")])
    assert result.exit_code == 1 and result.output.strip() == f"Error: no such file: {tmp_path / 'khong-co.jsonl'}"
    assert not data.exists()  # it used to leave an empty archive there


def test_a_file_with_no_good_line_exits_1(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "notes.jsonl", ["không phải JSON", "[1, 2]"])
    result = CliRunner().invoke(cli, ["import", "--data-dir", str(tmp_path / "d"), str(src)])
    assert result.exit_code == 1 and "imported 0 new, 0 updated, 0 unchanged, 2 bad lines" in result.output
    empty = write_jsonl(tmp_path / "empty.jsonl", [""])
    assert CliRunner().invoke(cli, ["import", "--data-dir", str(tmp_path / "d"), str(empty)]).exit_code == 0
