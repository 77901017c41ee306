"""One way up: crawl → process → index for a set of sites, each step under its own lock.

The locks (`pipeline.locks`: files in `<data_dir>/locks/`, or Redis keys shared by several machines):

* `site-<id>` for the crawl of one site: a second crawl of the same site, whoever starts it (the
  scheduler, the admin button, `ct05 crawl`, `ct05 demo`), is skipped with the holder named, so two
  crawls never share a site's Scrapy job directory or its scheduling state;
* `nlp` for the NLP step and `index` for the index step (the index also keeps its own writer lock).

Where a step runs is the caller's choice, through its `Steps` (`pipeline.steps`): a child process for
long-lived callers (Scrapy's reactor runs once per process; a crashing step must not take the caller
down), this process for one-shot commands.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.child import StepResult
from pipeline.locks import Lock, LockError, LockHeld, acquire

log = logging.getLogger("ct05.pipeline")
STEPS = ("crawl", "process", "index")
#: The lock each downstream step holds.
STEP_LOCKS = {"process": "nlp", "index": "index"}


def site_lock(site: str) -> str:
    """The name of the lock a crawl of `site` holds."""
    return f"site-{site}"


class Steps(Protocol):
    """How the steps run: `crawl` some sites holding their locks, then `process`, then `index`."""

    def crawl(self, sites: list[str], locks: list[Lock], resume: bool) -> StepResult: ...

    def process(self, lock: Lock) -> StepResult: ...

    def index(self, lock: Lock) -> StepResult: ...


#: `around_crawl(site, crawl)`: called holding the site's lock; `crawl(resume)` runs the crawl.
AroundCrawl = Callable[[str, Callable[[bool], StepResult]], dict[str, Any]]


@dataclass
class PipelineReport:
    """What happened to each site's crawl and to each downstream step (status ok|failed|skipped|...)."""

    sites: dict[str, dict[str, Any]] = field(default_factory=dict)
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: list[StepResult] = field(default_factory=list)  # every step that ran, in order

    @property
    def crawled(self) -> list[str]:
        return [s for s, info in self.sites.items() if info.get("status") == "ok"]

    def errors(self) -> list[str]:
        """One line per failed or skipped site and step."""
        lines = [f"{s}: {i.get('error') or i.get('reason')}" for s, i in self.sites.items() if i["status"] != "ok"]
        return lines + [f"{s}: {i.get('error') or i.get('reason')}" for s, i in self.steps.items()
                        if i["status"] != "ok"]


def _info(result: StepResult) -> dict[str, Any]:
    info: dict[str, Any] = {"status": "ok" if result.ok else "failed", "seconds": round(result.seconds, 2)}
    if not result.ok:
        info.update(error=result.error, output=result.output[-2000:])
    return info


def _take(data_dir: Path, name: str, what: str, wait: float = 0.0, redis: str | None = None) -> Lock | dict[str, Any]:
    """The lock, or the skipped/failed record of the step that could not take it."""
    try:
        lock = acquire(data_dir, name, what=what, wait=wait, redis=redis)
    except LockHeld as exc:
        log.warning("skip %s: %s", what, exc)
        return {"status": "skipped", "reason": str(exc)}
    except LockError as exc:
        log.error("skip %s: %s", what, exc)
        return {"status": "failed", "error": str(exc)}
    if lock.stale:
        log.warning("cleared stale lock %r left by dead pid %s", name, lock.stale.get("pid"))
    return lock


def run_pipeline(data_dir: Path | str, sites: Sequence[str], steps: Steps, *, do: Sequence[str] = STEPS,
                 together: bool = False, parallel: int = 1, lock_wait: float = 0.0,
                 stop: threading.Event | None = None, around_crawl: AroundCrawl | None = None,
                 downstream_if: Callable[[PipelineReport], bool] | None = None,
                 redis: str | None = None) -> PipelineReport:
    """Crawl `sites` (each under its lock), then process and index (each under its lock).

    `together` crawls every site whose lock was free in one run (one Scrapy process); otherwise each
    site is crawled on its own, `parallel` at a time, through `around_crawl` when given (the scheduler
    keeps per-site state there). A held site lock skips that site. The downstream steps run when
    `downstream_if(report)` says so (default: some site was crawled, or no crawl was asked for) and
    stop at the first one that fails or cannot take its lock (waiting up to `lock_wait` seconds).
    The locks are on the Redis at `redis` (or CT05_REDIS) when given, flock files in `data_dir` otherwise.
    """
    data = Path(data_dir)
    report = PipelineReport()
    stopping = stop or threading.Event()
    if "crawl" in do and sites:
        if together:
            _crawl_together(data, list(sites), steps, report, stopping, redis)
        else:
            def one(site: str) -> dict[str, Any]:
                return _crawl_one(data, site, steps, report, stopping, around_crawl, redis)

            if parallel > 1 and len(sites) > 1:
                with ThreadPoolExecutor(max_workers=parallel) as pool:
                    infos = list(pool.map(one, sites))
            else:
                infos = [one(site) for site in sites]
            report.sites.update(zip(sites, infos, strict=True))
    wanted = [s for s in ("process", "index") if s in do]
    go = downstream_if(report) if downstream_if else ("crawl" not in do or bool(report.crawled))
    if wanted and go:
        _downstream(data, wanted, steps, report, stopping, lock_wait, redis)
    return report


def _crawl_together(data: Path, sites: list[str], steps: Steps, report: PipelineReport,
                    stop: threading.Event, redis: str | None) -> None:
    locks: list[Lock] = []
    try:
        for site in sites:
            got = _take(data, site_lock(site), f"crawl {site}", redis=redis)
            if isinstance(got, Lock):
                locks.append(got)
            else:
                report.sites[site] = got
        chosen = [lock.name.removeprefix("site-") for lock in locks]
        if stop.is_set():
            report.sites.update({site: {"status": "skipped", "reason": "stop requested"} for site in chosen})
        elif chosen:
            result = steps.crawl(chosen, locks, False)
            report.results.append(result)
            for site in chosen:
                report.sites[site] = _info(result)
    finally:
        for lock in locks:
            lock.release()


def _crawl_one(data: Path, site: str, steps: Steps, report: PipelineReport, stop: threading.Event,
               around: AroundCrawl | None, redis: str | None) -> dict[str, Any]:
    if stop.is_set():
        return {"status": "skipped", "reason": "stop requested"}
    got = _take(data, site_lock(site), f"crawl {site}", redis=redis)
    if not isinstance(got, Lock):
        return got
    with got:
        def crawl(resume: bool) -> StepResult:
            result = steps.crawl([site], [got], resume)
            report.results.append(result)
            return result

        return around(site, crawl) if around else _info(crawl(False))


def _downstream(data: Path, wanted: list[str], steps: Steps, report: PipelineReport, stop: threading.Event,
                lock_wait: float, redis: str | None) -> None:
    for step in wanted:
        if stop.is_set():
            report.steps[step] = {"status": "skipped", "reason": "stop requested"}
            return
        got = _take(data, STEP_LOCKS[step], step, wait=lock_wait, redis=redis)
        if not isinstance(got, Lock):  # a later run catches up: not a failure of this one
            report.steps[step] = {"status": "skipped", "reason": got.get("reason") or got.get("error")}
            return
        with got:
            result = steps.process(got) if step == "process" else steps.index(got)
        report.results.append(result)
        report.steps[step] = _info(result)
        if not result.ok:
            log.error("%s failed: %s\n%s", step, result.error, result.output)
            return
        log.info("%s ok in %.1fs: %s", step, result.seconds, result.output.splitlines()[-1:] or "")
