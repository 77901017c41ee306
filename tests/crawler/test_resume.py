"""`ct05 crawl --resume` after SIGKILL: no article lost, none stored twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from crawler.archive import Archive
from crawler.crawl import child_command, crawl_in_subprocess
from demo.server import MirrorHandler, MirrorServer


class SlowHandler(MirrorHandler):
    """The mirror, with article pages taking a second to arrive."""

    def respond(self, head: bool) -> None:
        if self.path.endswith((".htm", ".html")) and "/trang-" not in self.path and "index" not in self.path:
            time.sleep(0.5)
        super().respond(head)


def stored_count(data: Path) -> int:
    try:
        with sqlite3.connect(data / "archive.sqlite3", timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def _start_crawl(data: Path, mirror: MirrorServer) -> tuple[dict[str, Any], subprocess.Popen[bytes]]:
    """A fresh crawl of the mirror in a child process of its own session (the test signals only it)."""
    args = {"site_ids": [f"mirror-{s}" for s in mirror.urls],
            "base_urls": {f"mirror-{s}": u for s, u in mirror.urls.items()}}
    cmd = child_command(data, args["site_ids"], args["base_urls"], resume=False, refresh=False, polite=True,
                        progress=False, stats_file=None)
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return args, child


@pytest.mark.crawl
def test_resume_after_sigkill(manifest: dict[str, Any], tmp_path: Path) -> None:
    data = tmp_path / "data"
    with MirrorServer(handler=SlowHandler) as mirror:
        args, child = _start_crawl(data, mirror)
        deadline = time.monotonic() + 60
        while stored_count(data) == 0 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        before = stored_count(data)
        assert 0 < before < len(manifest["articles"]), "the crawl should die half-way"
        assert any((data / "jobs").iterdir()), "the killed crawl left its Scrapy JOBDIR"

        stats = crawl_in_subprocess(data_dir=data, resume=True, progress=False, **args)
    assert stats.status == "finished"
    assert stats.totals["new"] == len(manifest["articles"]) - before
    with Archive.open(data) as archive:
        urls = [a.url for a in archive.iter_articles()]
        runs = archive.runs(kind="crawl")
    assert len(urls) == len(set(urls)) == len(manifest["articles"])
    assert [r["status"] for r in runs[:2]] == ["finished", "interrupted"]
    assert not any((data / "jobs").iterdir()), "a finished crawl removes its JOBDIR"


def test_repair_keeps_the_queues_of_a_crawl_that_closed(tmp_path: Path) -> None:
    from crawler.settings import mark_closed, repair_job_dir

    queues = tmp_path / "requests.queue"
    queues.mkdir()
    (queues / "active.json").write_text('{"site-1": [0]}')
    mark_closed(tmp_path)
    assert not repair_job_dir(tmp_path)
    assert (queues / "active.json").exists()
    assert repair_job_dir(tmp_path)  # the mark is used up: had the resumed crawl died, its queues go


def test_repair_drops_the_queues_of_a_killed_crawl(tmp_path: Path) -> None:
    from crawler.settings import repair_job_dir

    queues = tmp_path / "requests.queue"
    (tmp_path / "requests.seen").write_text("fp\n")
    (queues / "site-1").mkdir(parents=True)
    (queues / "site-1" / "-10").write_bytes(b"\x00\x00")  # SIGKILL between creating the file and its header
    assert repair_job_dir(tmp_path)
    assert not queues.exists() and (tmp_path / "requests.seen").exists()
    assert not repair_job_dir(tmp_path)  # nothing left to drop


class GatedHandler(MirrorHandler):
    """The mirror, serving the first `FREE` article pages and holding the others until `gate` opens."""

    FREE = 30
    served = 0
    lock = threading.Lock()
    gate = threading.Event()

    def respond(self, head: bool) -> None:
        if self.path.endswith((".htm", ".html")) and "/trang-" not in self.path and "index" not in self.path:
            with self.lock:
                type(self).served += 1
                held = type(self).served > self.FREE
            if held:
                self.gate.wait(60)
        super().respond(head)


@pytest.mark.crawl
def test_resume_after_a_graceful_stop_reads_the_held_queues(manifest: dict[str, Any], tmp_path: Path) -> None:
    """SIGINT: Scrapy closes the spider, the queues write their held requests to the JOBDIR
    (crawler/queues.py), and the resumed crawl takes them from there: every article once."""
    import json

    data = tmp_path / "data"
    GatedHandler.served = 0
    GatedHandler.gate.clear()
    with MirrorServer(handler=GatedHandler) as mirror:
        args, child = _start_crawl(data, mirror)
        try:
            deadline = time.monotonic() + 60
            while GatedHandler.served <= GatedHandler.FREE and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            os.kill(child.pid, signal.SIGINT)  # the crawl stops with article requests still queued
        finally:
            GatedHandler.gate.set()  # the requests in flight complete
        child.wait(timeout=60)
        before = stored_count(data)
        assert 0 < before < len(manifest["articles"]), "the crawl should stop half-way"
        jobdir = next((data / "jobs").iterdir())
        active = json.loads((jobdir / "requests.queue" / "active.json").read_text())
        assert active and all(active.values()), "the stopped crawl wrote its waiting requests"
        queued = [p for p in (jobdir / "requests.queue").rglob("*") if p.is_file() and p.name != "active.json"]
        assert queued and all(p.stat().st_size > 4 for p in queued), "held requests are on disk, not lost"

        stats = crawl_in_subprocess(data_dir=data, resume=True, progress=False, **args)
    assert stats.status == "finished"
    with Archive.open(data) as archive:
        urls = [a.url for a in archive.iter_articles()]
    assert len(urls) == len(set(urls)) == len(manifest["articles"])
