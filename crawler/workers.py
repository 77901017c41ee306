"""Extraction in worker processes, so that parsing pages does not hold up the crawl's event loop.

Scrapy runs in one thread; HTML parsing is CPU work. With more than one core, a small process pool
extracts articles while the reactor keeps downloading. With one core (or if the pool cannot start)
extraction runs inline.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from crawler.article import Article
from crawler.extract import extract_verdict
from crawler.sites import Site

if TYPE_CHECKING:  # the workers never import asyncio (~27 ms of a worker's start): only the crawl process uses it
    import asyncio

#: An extracted page: the article (or None), its MinHash signature as bytes (b"" when the text is too
#: short to compare), computed here so that the republication pass after the crawl need not hash it, and
#: the verdict ("article", "listing" for a section page of teasers, "not_article").
Extracted = tuple[Article | None, bytes, str]


def extract_page(body: bytes, url: str, site: Site) -> Extracted:
    """`extract_verdict` and the article's MinHash signature, in one call (one trip to a worker)."""
    from crawler.republish import signature_bytes

    article, verdict = extract_verdict(body, url, site)
    return (None, b"", verdict) if article is None else (article, signature_bytes(article.body), verdict)


#: A page handed to a worker: its body, URL and site.
Job = tuple[bytes, str, Site]


def extract_pages(jobs: list[Job]) -> list[Extracted]:
    """`extract_page` over several pages: one trip to a worker for the lot (the pool's per-call cost, and
    the pickled `Site`, are paid once per batch instead of once per page)."""
    return [extract_page(body, url, site) for body, url, site in jobs]

log = logging.getLogger(__name__)


def _warm() -> bool:
    """Import what extraction needs before the first page arrives."""
    import crawler.extract  # noqa: F401
    import crawler.republish  # noqa: F401

    return True


def _start_worker(crawl_pid: int) -> None:
    """Run in each worker at start: warm up, and exit when the crawl process is gone.

    A crawl killed with SIGKILL never closes its pool; its workers (children of the forkserver, not of
    the crawl) would wait for work forever and keep the forkserver alive.
    """
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(crawl_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="ct05-crawl-watch", daemon=True).start()
    _warm()


def _usage() -> tuple[int, int, float]:
    """(pid, peak RSS in KiB, user + system CPU seconds) of this worker."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return os.getpid(), int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime


#: Peak RSS (KiB, the largest) and CPU seconds (summed) of the extraction workers of the last pool closed
#: in this process (for benchmarks).
last_worker_peak_rss_kb = 0
last_worker_cpu_s = 0.0


class ExtractPool:
    """`await pool.extract(body, url, site)`: `extract_page` in a worker process, or inline."""

    def __init__(self, workers: int | None = None) -> None:
        cores = os.cpu_count() or 1
        if workers is None and os.environ.get("CT05_EXTRACT_WORKERS", "").isdigit():
            workers = int(os.environ["CT05_EXTRACT_WORKERS"])
        self.workers = max(0, min(4, cores - 1)) if workers is None else workers
        self.pool: ProcessPoolExecutor | None = None
        if self.workers > 0:
            try:
                # forkserver: workers start from a clean process, not a fork of the running reactor.
                ctx = multiprocessing.get_context("forkserver")
                self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                                initializer=_start_worker, initargs=(os.getpid(),))
                for _ in range(self.workers):
                    self.pool.submit(_warm)
            except (OSError, ValueError) as exc:
                log.warning("no extraction workers (%s): extracting inline", exc)
                self.pool = None

    def submit(self, body: bytes, url: str, site: Site) -> Future[Extracted] | None:
        """`extract_page` started in a worker (None without a pool, or once the pool has died)."""
        if self.pool is None:
            return None
        try:
            return self.pool.submit(extract_page, body, url, site)
        except (BrokenProcessPool, RuntimeError):
            log.warning("extraction worker died: extracting inline from now on")
            self.pool = None
            return None

    def submit_many(self, jobs: list[Job]) -> Future[list[Extracted]] | None:
        """`extract_pages` started in a worker (None without a pool, or once the pool has died)."""
        if self.pool is None:
            return None
        try:
            return self.pool.submit(extract_pages, jobs)
        except (BrokenProcessPool, RuntimeError):
            log.warning("extraction worker died: extracting inline from now on")
            self.pool = None
            return None

    async def extract(self, body: bytes, url: str, site: Site) -> Extracted:
        if self.pool is None:
            return extract_page(body, url, site)
        try:
            import asyncio

            return await asyncio.wrap_future(self.pool.submit(extract_page, body, url, site))
        except BrokenProcessPool:
            log.warning("extraction worker died: extracting inline from now on")
            self.pool = None
            return extract_page(body, url, site)

    def close(self) -> None:
        global last_worker_peak_rss_kb, last_worker_cpu_s
        if self.pool is not None:
            try:
                usage = {pid: (rss, cpu) for pid, rss, cpu in
                         [f.result(timeout=10) for f in [self.pool.submit(_usage) for _ in range(self.workers)]]}
                last_worker_peak_rss_kb = max(rss for rss, _ in usage.values())
                last_worker_cpu_s = sum(cpu for _, cpu in usage.values())
            except Exception:  # noqa: BLE001 - a measurement only
                last_worker_peak_rss_kb, last_worker_cpu_s = 0, 0.0
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


#: Pages per trip to an extraction worker, and how long (seconds) a partial batch waits for more.
BATCH_PAGES = 8
BATCH_WAIT = 0.005


class Batches:
    """Pages handed to an `ExtractPool` in batches (the pool's per-call cost, and the pickled `Site`, paid
    once per batch); each result goes to `store` on the event loop's thread. Nothing is lost: a dead pool
    means inline extraction, and `drain` at close extracts or waits for every page still out."""

    def __init__(self, pool: ExtractPool | None, store: Callable[[str, Site, Extracted], None], limit: int) -> None:
        self.pool, self.store, self.limit = pool, store, limit
        self.pending: dict[Future[list[Extracted]], list[Job]] = {}  # batches in the workers
        self.pending_pages = 0
        self.batch: list[Job] = []  # pages waiting to go together
        self.timer: asyncio.TimerHandle | None = None

    def offer(self, job: Job) -> bool:
        """Queue a page for a worker; False without a pool or with `limit` pages out (extract it inline)."""
        if self.pool is None or self.pool.pool is None or self.pending_pages + len(self.batch) >= self.limit:
            return False
        self.batch.append(job)
        if len(self.batch) >= BATCH_PAGES:
            self.send()
        elif self.timer is None:
            import asyncio

            self.timer = asyncio.get_running_loop().call_later(BATCH_WAIT, self.send)
        return True

    def send(self) -> None:
        """Hand the waiting pages to a worker (inline if the pool has died)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        jobs, self.batch = self.batch, []
        if not jobs:
            return
        future = self.pool.submit_many(jobs) if self.pool is not None else None
        if future is None:
            for body, url, site in jobs:
                self.store(url, site, extract_page(body, url, site))
            return
        self.pending[future] = jobs
        self.pending_pages += len(jobs)
        import asyncio

        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda f: loop.call_soon_threadsafe(self._finish, f))

    def _finish(self, future: Future[list[Extracted]]) -> None:
        """A worker's batch is done (on the event loop's thread, or at close): store its articles."""
        jobs = self.pending.pop(future, None)
        if jobs is None:
            return  # handled already (at close)
        self.pending_pages -= len(jobs)
        try:
            results = future.result()
        except Exception as exc:  # noqa: BLE001 - a dead worker must not lose the pages: extract inline
            log.warning("extraction worker failed on %d pages (%s): extracting inline", len(jobs), exc)
            results = [extract_page(body, url, site) for body, url, site in jobs]
        for (_body, url, site), result in zip(jobs, results, strict=True):
            self.store(url, site, result)

    def drain(self) -> None:
        """At close: extract the pages not sent yet, then wait for and store the batches still out."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        jobs, self.batch = self.batch, []
        for body, url, site in jobs:
            self.store(url, site, extract_page(body, url, site))
        for future in list(self.pending):
            try:
                future.result(timeout=120)
            except Exception:  # noqa: BLE001, S110 - `_finish` extracts inline instead
                pass
            self._finish(future)
