"""Acceptance: the real scheduler (`ct05 schedule`, a long-running child) keeps a mirror copy current.

Cycle 1 crawls, processes and indexes; an article added to the mirror afterwards is searchable after
a later cycle; a scheduler and its crawl killed mid-crawl are followed by a cycle that completes with
nothing lost and no duplicate.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.archive import Archive
from demo.server import MANIFEST, SITE_DIR, MirrorHandler, MirrorServer
from pipeline.locks import lock_path

from .conftest import ROOT

pytestmark = pytest.mark.slow
SITES = ("tthue", "yenbai")
SCHEDULE = "from webui.cli.schedule_cmds import schedule; schedule.main(prog_name='ct05 schedule')"


class SlowArticles(MirrorHandler):
    """Answers article pages slowly while `delay_file` exists, so a test can kill a crawl in the middle."""

    delay_file: Path | None = None
    served: list[str] = []

    def respond(self, head: bool) -> None:
        if self.delay_file is not None and self.delay_file.exists() and re.search(r"-a\d+\.html$", self.path):
            time.sleep(1.0)
        super().respond(head)
        self.served.append(self.path)


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[MirrorServer, Path]]:
    root = tmp_path / "site"
    for site in SITES:
        shutil.copytree(SITE_DIR / site, root / site)
    SlowArticles.delay_file = tmp_path / "slow"
    with MirrorServer(root=root, handler=SlowArticles) as server:
        yield server, root


def add_article(root: Path, n: int, token: str) -> str:
    """Copy a tthue article to a new URL with a new title and a unique word; list it in the sitemap."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    entry = next(a for a in manifest["articles"] if a["site"] == "tthue" and a["title"] and not a["republication_of"]
                 and "xay-dung-dang" in a["path"])
    html = (root / "tthue" / entry["path"].lstrip("/")).read_text(encoding="utf-8")
    title = f"Bài mới số {n} về học tập và làm theo Bác {token}"
    html = html.replace(entry["title"], title).replace("<p>", f"<p>Từ khoá {token} trong bài mới số {n}. ", 1)
    path = f"/chinh-tri-xa-hoi/xay-dung-dang/bai-moi-so-{n}-{token}-a{990000 + n}.html"
    (root / "tthue" / path.lstrip("/")).write_text(html, encoding="utf-8")
    sitemap = root / "tthue" / "sitemap.xml"
    lastmod = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    text = sitemap.read_text(encoding="utf-8").replace(
        "<url>", f"<url><loc>{{{{BASE}}}}{path}</loc><lastmod>{lastmod}</lastmod></url>\n  <url>", 1)
    sitemap.write_text(text, encoding="utf-8")
    return path


def start_scheduler(tmp_path: Path, urls: dict[str, str]) -> subprocess.Popen[bytes]:
    config = tmp_path / "schedule.toml"
    lines = ['[schedule]', 'cron = "*/2 * * * * *"', f"sites = {json.dumps([f'mirror-{s}' for s in SITES])}",
             "min_free_mb = 0", "lock_wait = 5", "misfire_grace = 1",
             "[adaptive]", "min_interval = 0", "initial_interval = 0", "[backoff]", "base = 0"]
    for site in SITES:
        lines += [f"[sites.mirror-{site}]", f'base_url = "{urls[site]}"']
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", SCHEDULE, "--config", str(config), "--data-dir",
                             str(tmp_path / "data")], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def wait_for_cycle(data: Path, after: int, timeout: float = 120, status: str = "ok") -> dict[str, Any]:
    """The first finished cycle with id > after whose index step ran."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (data / "archive.sqlite3").exists():
            with Archive.open(data) as archive:
                for run in reversed(archive.runs(50, kind="schedule")):
                    if run["id"] > after and run["status"] == status and "index" in run["stats"].get("steps", {}):
                        return run
        time.sleep(0.5)
    raise AssertionError(f"no {status} cycle after #{after} within {timeout}s")


def search(data: Path, text: str) -> int:
    from index.store import SearchIndex
    from index.types import SearchQuery

    idx = SearchIndex.open(data / "index")
    try:
        return idx.search(SearchQuery(text=text, collapse=False, scope="all")).total
    finally:
        idx.close()


def indexed(data: Path) -> int:
    from index.store import SearchIndex

    idx = SearchIndex.open(data / "index")
    try:
        return idx.doc_count()
    finally:
        idx.close()


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.crawl
def test_scheduler_keeps_the_mirror_current_and_survives_a_crash(tmp_path: Path, mirror: Any) -> None:
    server, root = mirror
    data = tmp_path / "data"
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    expected = sum(1 for a in manifest["articles"] if a["site"] in SITES)
    proc = start_scheduler(tmp_path, server.urls)
    try:
        first = wait_for_cycle(data, 0)
        assert set(first["stats"]["sites"]) == {f"mirror-{s}" for s in SITES}
        assert first["stats"]["totals"]["new"] == expected
        with Archive.open(data) as archive:
            assert archive.count() == expected
        assert indexed(data) == expected

        add_article(root, 1, "zquokka")
        deadline = time.monotonic() + 120
        while search(data, "zquokka") == 0:
            assert time.monotonic() < deadline, "the new article never became searchable"
            time.sleep(0.5)

        # Five more articles served slowly; kill the scheduler and its crawl once it has fetched some.
        (tmp_path / "slow").touch()
        for n in range(2, 7):
            add_article(root, n, f"zwombat{n}")
        deadline = time.monotonic() + 120
        while True:
            assert time.monotonic() < deadline, "the slow crawl never fetched a new article"
            fetched = [p for p in SlowArticles.served if "zwombat" in p]
            note = lock_path(data, "site-mirror-tthue").read_text() or "{}"
            if len(fetched) >= 2 and json.loads(note).get("child_pid"):
                break
            time.sleep(0.1)
        child = json.loads(note)["child_pid"]
        os.killpg(proc.pid, signal.SIGKILL)
        os.kill(child, signal.SIGKILL)
        proc.wait()
    finally:
        stop(proc)
    with Archive.open(data) as archive:
        last = archive.runs(1, kind="schedule")[0]
    (tmp_path / "slow").unlink()
    proc = start_scheduler(tmp_path, server.urls)
    try:
        wait_for_cycle(data, last["id"])
        with Archive.open(data) as archive:
            crashed = {r["id"]: r["status"] for r in archive.runs(50, kind="schedule")}
            urls = [r[0] for r in archive.db.execute("SELECT url FROM articles")]
            total = archive.count()
    finally:
        stop(proc)
    assert proc.returncode == 0, "SIGTERM should end the scheduler cleanly"
    assert crashed[last["id"]] == "crashed"  # the killed cycle, found by the next scheduler
    assert len(urls) == len(set(urls)) == total == expected + 6
    assert indexed(data) == total
    for n in range(2, 7):
        assert search(data, f"zwombat{n}") == 1, f"article {n} lost or duplicated"
