"""Every command has --help and is documented in the README (datasette's documentation test)."""

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from webui.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def all_commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in sorted(group.commands.items()):
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names.extend(all_commands(command, f"{prefix}{name} "))
    return names


@pytest.mark.parametrize("name", all_commands(cli))
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.mark.parametrize("name", [n for n in all_commands(cli) if " " not in n])
def test_every_command_is_documented_in_the_readme(name: str) -> None:
    assert f"`ct05 {name}" in README, f"ct05 {name} is not in README.md"


def test_readme_quick_start_is_exactly_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in quick.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]


def test_analyze_names_a_bad_file_once(tmp_path: Path) -> None:
    missing, empty = tmp_path / "khong-co.html", tmp_path / "rong.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(missing), str(empty)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and all(line.count(str(tmp_path)) == 1 for line in lines), lines


def test_status_of_a_data_dir_that_does_not_exist_is_an_error_not_an_empty_archive(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co"
    result = CliRunner().invoke(cli, ["status", "--data-dir", str(missing)])
    assert result.exit_code == 1 and "Không có thư mục dữ liệu" in result.output and "Traceback" not in result.output
    assert not missing.exists()
    empty = tmp_path / "rong"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["status", "--data-dir", str(empty)])
    assert result.exit_code == 0 and "articles:    0" in result.output
    assert result.output.rstrip().endswith("last runs:   none yet (crawls and scheduler cycles are recorded)")


def test_search_on_a_data_dir_that_does_not_exist_names_the_dir(tmp_path: Path) -> None:
    # It used to say "run `ct05 index`", which on a mistyped directory cannot help.
    missing = tmp_path / "khong-co"
    for args in (["search", "--data-dir", str(missing), "--", "Bác"],
                 ["report", "--data-dir", str(missing), "--out", str(tmp_path / "r.html")]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1 and result.output.strip().splitlines() == [
            f"Error: Không có thư mục dữ liệu {missing} (kiểm tra --data-dir hoặc $CT05_DATA_DIR)."], args
    (tmp_path / "rong").mkdir()
    result = CliRunner().invoke(cli, ["search", "--data-dir", str(tmp_path / "rong"), "--", "Bác"])
    assert result.exit_code == 1 and "ct05 index" in result.output  # a data dir without an index: build it
    assert not missing.exists()
