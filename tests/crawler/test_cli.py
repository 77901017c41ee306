"""`ct05 sites list` and `ct05 sites check`."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from demo.server import SITE_DIR, MirrorServer
from webui.cli import cli


def test_sites_list_marks_unchecked_entries() -> None:
    result = CliRunner().invoke(cli, ["sites", "list"])
    assert result.exit_code == 0
    assert "mirror-tthue" in result.output and "baothuathienhue" not in result.output
    assert "Báo Thừa Thiên Huế  (unchecked)" in result.output


def test_sites_check_probes_discovery_and_extracts_a_page(mirror: MirrorServer, manifest: dict[str, Any]) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["sites", "check", "mirror-tthue", "--base-url", mirror.urls["tthue"]])
    assert result.exit_code == 0, result.output
    assert "sitemap" in result.output and "article links" in result.output

    entry = next(a for a in manifest["articles"] if a["site"] == "bacninh" and a.get("seed"))
    result = runner.invoke(cli, ["sites", "check", "mirror-bacninh", "--page", mirror.url("bacninh", entry["path"])])
    assert result.exit_code == 0, result.output
    assert f"title:     {entry['title']}" in result.output
    assert "published: 2012-08-27T10:05:00 (byline)" in result.output

    home = str(SITE_DIR / "bacninh" / "index.html")
    result = runner.invoke(cli, ["sites", "check", "mirror-bacninh", "--page", home])
    assert result.exit_code == 1
    assert "no article extracted" in result.output

    result = runner.invoke(cli, ["sites", "check", "nope"])
    assert result.exit_code != 0 and "unknown site id: nope" in result.output


def test_crawl_rejects_unknown_site() -> None:
    result = CliRunner().invoke(cli, ["crawl", "--site", "nope"])
    assert result.exit_code != 0
    assert "unknown site id: nope" in result.output
