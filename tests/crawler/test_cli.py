"""`ct05 sites list` and `ct05 sites check`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from crawler.sites import load_sites
from demo.server import SITE_DIR, MirrorServer
from webui.cli import cli


def test_sites_list_marks_unchecked_entries() -> None:
    result = CliRunner().invoke(cli, ["sites", "list"])
    assert result.exit_code == 0
    assert "mirror-tthue" in result.output and "baothuathienhue" not in result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert lines["mirror-tthue"].split()[1] == "checked"
    assert lines["tthue"].split()[1] == "unchecked" and lines["tthue"].endswith("Báo Thừa Thiên Huế")
    assert lines["sggp"].split()[1] == "unchecked" and "TP Hồ Chí Minh" in lines["sggp"]
    assert "unchecked (`ct05 sites check ID --page FILE` confirms one)" in result.output


def test_registry_has_the_provincial_papers_unchecked() -> None:
    sites = load_sites()
    papers = [s for s in sites.values() if not s.mirror_of and s.name.startswith("Báo")]
    provinces_2025 = {"Hà Nội", "TP Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Thừa Thiên Huế", "Tuyên Quang",
                      "Cao Bằng", "Lai Châu", "Lào Cai", "Thái Nguyên", "Điện Biên", "Lạng Sơn", "Sơn La",
                      "Phú Thọ", "Bắc Ninh", "Quảng Ninh", "Hưng Yên", "Ninh Bình", "Thanh Hóa", "Nghệ An",
                      "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk",
                      "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang"}
    assert len(provinces_2025) == 34
    assert provinces_2025 <= {s.province for s in papers}
    assert len(papers) >= 60  # and the pre-merger papers still online
    for site in papers:
        assert not site.checked and site.base_url and site.domains
        assert site.start_urls()["sitemaps"] or site.start_urls()["listings"]


def test_sites_check_page_reports_site_rules_and_generic_path() -> None:
    page = str(Path(__file__).resolve().parents[1] / "data" / "generic" / "section_cards.html")
    result = CliRunner().invoke(cli, ["sites", "check", "mirror-bacninh", "--page", page])
    assert result.exit_code == 1
    assert "site rules: body article .article-body" in result.output
    assert "no article: a section or listing page of teasers" in result.output
    page = str(Path(__file__).resolve().parents[1] / "data" / "generic" / "sapo_related.html")
    result = CliRunner().invoke(cli, ["sites", "check", "sggp", "--page", page])
    assert result.exit_code == 0, result.output
    assert "site rules: none (the generic path reads this site's pages)" in result.output
    assert "published: 2023-06-20T21:45:00 (metadata) +07:00" in result.output
    assert "author:    Minh Anh" in result.output


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
