"""End to end, as a user runs it: `ct05 demo --no-serve` crawls the bundled mirror over HTTP on loopback,
processes, indexes; then the web app answers "chỉ thị 05" with the Chỉ thị 05 stories."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.archive import Archive

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.crawl
MANIFEST = json.loads((ROOT / "demo" / "manifest.json").read_text(encoding="utf-8"))


def run_demo(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    cmd = [sys.executable, "-c", "from webui.cli import main; main()", "demo", "--data-dir", str(data_dir),
           "--no-serve"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo")
    result = run_demo(data)
    assert result.returncode == 0, result.stdout + result.stderr
    return data


def test_demo_builds_archive_and_index(demo_dir: Path) -> None:
    with Archive.open(demo_dir) as archive:
        assert archive.count() >= 40
        from nlp.enrich import NLP_VERSION
        assert archive.count_unprocessed(NLP_VERSION) == 0
        runs = archive.runs(kind="crawl")
        assert runs and runs[0]["status"] in ("ok", "finished", "done")


def test_search_for_chi_thi_05_returns_the_ct05_stories(demo_dir: Path) -> None:
    from webui import create_app

    app = create_app({"DATA_DIR": str(demo_dir), "TESTING": True})
    client = app.test_client()
    data = client.get("/api/search", query_string={"q": "chỉ thị 05"}).get_json()
    assert data["total"] >= 5
    assert all(hit["snippet"] for hit in data["hits"][:5])
    ct05_titles = {a["title"] for a in MANIFEST["articles"] if a.get("ct05") and a.get("title")}
    found = {hit["title"] for hit in data["hits"]}
    assert len(found & ct05_titles) >= 5
    page = client.get("/search", query_string={"q": "chỉ thị 05"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<mark>" in html
    for hit in data["hits"][:5]:
        from markupsafe import escape
        assert str(escape(hit["title"])) in html


def test_second_demo_run_adds_no_article(demo_dir: Path) -> None:
    with Archive.open(demo_dir) as archive:
        before = archive.count()
    result = run_demo(demo_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    with Archive.open(demo_dir) as archive:
        assert archive.count() == before
        assert archive.runs(kind="crawl")[0]["stats"]["totals"].get("new", 0) == 0
