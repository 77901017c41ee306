"""`ct05 import`: JSON lines in, bad lines reported by number, the rest imported."""

import json
from pathlib import Path

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


def test_import_reports_the_malformed_line_and_imports_the_rest(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [good(1), '{"url": "https://x.vn/2", "title": ', good(3),
                                              json.dumps({"url": "https://x.vn/4", "title": "t"})])
    result = CliRunner().invoke(cli, ["import", "--data-dir", str(tmp_path / "d"), str(src)])
    assert result.exit_code == 0, result.output
    assert "in.jsonl:2: skipped: invalid JSON" in result.output
    assert "in.jsonl:4: skipped: field 'body' is missing or empty" in result.output
    assert "imported 2 new" in result.output
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
