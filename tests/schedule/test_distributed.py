"""scrapy-redis for real: two crawler processes share one Redis frontier; every article is fetched once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.canon import url_path
from demo.server import MANIFEST, SITE_DIR, MirrorHandler, MirrorServer

from .conftest import ROOT

SITES = ("tthue", "yenbai", "nghean")
pytestmark = pytest.mark.slow


class Counting(MirrorHandler):
    """Counts every GET per (site, path)."""

    gets: Counter[tuple[str, str]] = Counter()

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.gets[(self.root.name, self.path.split("?")[0])] += 1
        super().do_GET()


def _watch_workers(redis_url: str, seen: set[str], stop: threading.Event) -> None:
    from crawler.distributed import workers

    while not stop.is_set():
        seen.update(workers(redis_url))
        time.sleep(0.02)


@pytest.mark.crawl
def test_two_workers_share_one_frontier(tmp_path: Path, redis_url: str) -> None:
    from crawler.distributed import flush
    from crawler.distributed import workers as registered

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    expected = {(a["site"], a["path"]) for a in manifest["articles"] if a["site"] in SITES}
    flush(redis_url)
    Counting.gets.clear()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with MirrorServer(root=SITE_DIR, handler=Counting) as mirror:
        sites: list[str] = []
        for site in SITES:
            sites += ["--site", f"mirror-{site}", "--base-url", f"mirror-{site}={mirror.urls[site]}"]
        # One worker as operators start it (`ct05 crawl --redis`), one as the module entry point.
        cli = [sys.executable, "-c", "from webui.cli import main; main()", "crawl", "--redis", redis_url,
               "--no-polite", *sites]
        module = [sys.executable, "-m", "crawler.crawl", "--redis", redis_url, "--no-progress", "--no-polite",
                  *sites]
        dirs = [tmp_path / f"w{i}" for i in (1, 2)]
        workers = [subprocess.Popen([*argv, "--data-dir", str(d)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for argv, d in zip((cli, module), dirs,
                                                                                         strict=True)]
        seen: set[str] = set()
        stop = threading.Event()
        threading.Thread(target=_watch_workers, args=(redis_url, seen, stop), daemon=True).start()
        try:
            outputs = [w.communicate(timeout=150) for w in workers]
        finally:
            stop.set()
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-2000:]
    fetched = {key: n for key, n in Counting.gets.items() if key in expected}
    assert set(fetched) == expected, "articles never fetched"
    assert {key: n for key, n in fetched.items() if n != 1} == {}, "articles fetched more than once"
    stored: list[tuple[str, str]] = []
    per_worker = []
    for i in (1, 2):
        with Archive.open(tmp_path / f"w{i}") as archive:
            mine = [(a.source.removeprefix("mirror-"), url_path(a.url)) for a in archive.iter_articles()]
        per_worker.append(len(mine))
        stored += mine
    # Each article is in exactly one worker's archive: the Redis set, not the process, decided.
    assert len(stored) == len(set(stored)) and set(stored) == expected
    # Both took part in the one frontier. Which of them fetches how many is up to timing: with 39 articles,
    # the first one up may hold them all in its download slots before the other asks for work.
    assert len(seen) == 2, f"both workers should have registered in Redis: {seen}"
    assert registered(redis_url) == {}, "a finished worker leaves the list"
