"""Several machines, one archive: two scrapy-redis crawl workers write to one PostgreSQL archive (each worker
with its own data directory, as on two machines); every article is stored once, and `ct05 process`,
`ct05 index`, `ct05 search` and the web app on a third data directory work from that archive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from crawler.archive import Archive
from crawler.canon import url_path
from demo.server import MANIFEST, SITE_DIR, MirrorServer
from nlp.enrich import NLP_VERSION
from webui import create_app
from webui.cli import cli

from .conftest import ROOT

SITES = ("tthue", "yenbai", "nghean")
pytestmark = [pytest.mark.slow, pytest.mark.crawl]


def test_two_crawl_workers_share_one_postgresql_archive(tmp_path: Path, redis_url: str, pg_url: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.distributed import flush

    monkeypatch.delenv("CT05_ARCHIVE", raising=False)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    expected = {(a["site"], a["path"]) for a in manifest["articles"] if a["site"] in SITES}
    flush(redis_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with MirrorServer(root=SITE_DIR) as mirror:
        sites: list[str] = []
        for site in SITES:
            sites += ["--site", f"mirror-{site}", "--base-url", f"mirror-{site}={mirror.urls[site]}"]
        # One worker names the archive on the command line, the other one finds it in CT05_ARCHIVE.
        cli_worker = [sys.executable, "-c", "from webui.cli import main; main()", "crawl", "--redis", redis_url,
                      "--archive", pg_url, "--no-polite", "--data-dir", str(tmp_path / "w1"), *sites]
        module_worker = [sys.executable, "-m", "crawler.crawl", "--redis", redis_url, "--no-progress", "--no-polite",
                         "--data-dir", str(tmp_path / "w2"), *sites]
        workers = [subprocess.Popen(argv, env=extra, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
                   for argv, extra in ((cli_worker, env), (module_worker, {**env, "CT05_ARCHIVE": pg_url}))]
        outputs = [w.communicate(timeout=150) for w in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-2000:]
    for i in (1, 2):
        assert not (tmp_path / f"w{i}" / "archive.sqlite3").exists(), "a worker wrote a local archive"
    with Archive(pg_url) as archive:
        stored = [(a.source.removeprefix("mirror-"), url_path(a.url)) for a in archive.iter_articles()]
        runs = archive.runs(kind="crawl")
        seqs = [seq for seq, _id, _a in archive.changes_since(0)]
    assert len(stored) == len(set(stored)) and set(stored) == expected, "every article stored once"
    assert len(runs) == 2 and all(r["status"] == "finished" for r in runs), [(r["status"], r["stats"]) for r in runs]
    assert sum(r["stats"]["totals"]["new"] for r in runs) == len(expected), "no article stored by both workers"
    assert seqs == sorted(set(seqs)), "one change sequence across the workers"

    # A third machine: NLP, index and search, from the shared archive.
    web = tmp_path / "web"
    runner = CliRunner()
    for step in (["process"], ["index"]):
        result = runner.invoke(cli, [*step, "--archive", pg_url, "--data-dir", str(web)])
        assert result.exit_code == 0, result.output
    with Archive(pg_url) as archive:
        assert archive.count_unprocessed(NLP_VERSION) == 0
        sample = next(archive.iter_articles())
    words = " ".join(sample.title.split()[:6])
    found = runner.invoke(cli, ["search", "--json", "--scope", "all", "--archive", pg_url, "--data-dir", str(web),
                                "--", words])
    assert found.exit_code == 0, found.output
    assert sample.id in [h["id"] for h in json.loads(found.output)["hits"]]
    app = create_app({"TESTING": True, "DATA_DIR": str(web), "ARCHIVE": pg_url})
    with app.test_client() as client:
        page = client.get(f"/article/{sample.id}")
        # The page shows the title HTML-escaped (an apostrophe is "&#39;"): compare it escaped the same way.
        assert page.status_code == 200 and str(escape(sample.title)) in page.get_data(as_text=True)
        hits = client.get("/api/search", query_string={"q": words, "scope": "all"})
        assert hits.status_code == 200 and sample.id in [h["id"] for h in hits.get_json()["hits"]]
