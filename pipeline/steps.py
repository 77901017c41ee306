"""Where the pipeline's steps run: `ChildSteps` (a child process each) or `InProcessSteps` (this process).

The crawl child is the crawler's own entry point (`python -m crawler.crawl`); the process and index
children are this module (`python -m pipeline.steps process|index --data-dir DIR`). A child runs its
step bare: the parent holds the step's lock and hands its descriptor down (`pass_fds`), so the lock
outlives a parent that dies while the child works (a flock; a Redis lock stays with the parent, which renews it).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from crawler.archive import Archive
from pipeline.child import StepResult, run_step
from pipeline.locks import Lock
from pipeline.process import pending, process_archive

#: `argv_for(step, sites, resume)`: the command line of a child step.
ArgvFor = Callable[[str, list[str], bool], list[str]]
#: `bar(length, label)`: a progress bar (click.progressbar's shape) to `update(n)` as work is done.
Bar = Callable[[int, str], AbstractContextManager[Any]]


def step_argv(step: str, data_dir: Path) -> list[str]:
    """The command line of the process or index child."""
    return [sys.executable, "-m", "pipeline.steps", step, "--data-dir", str(data_dir)]


class ChildSteps:
    """Every step in a child process, with a timeout; a set `stop` asks a crawl child to stop gracefully."""

    def __init__(self, data_dir: Path | str, *, base_urls: dict[str, str] | None = None, searches: Sequence[str] = (),
                 crawl_timeout: float = 6 * 3600.0, step_timeout: float = 6 * 3600.0,
                 stop: threading.Event | None = None, argv_for: ArgvFor | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.base_urls = dict(base_urls or {})
        self.searches = tuple(searches)
        self.crawl_timeout = crawl_timeout
        self.step_timeout = step_timeout
        self.stop = stop
        self.argv_for = argv_for or self.argv

    def argv(self, step: str, sites: list[str], resume: bool) -> list[str]:
        """The real command lines: `python -m crawler.crawl ...` or `python -m pipeline.steps ...`."""
        if step != "crawl":
            return step_argv(step, self.data_dir)
        from crawler.crawl import child_command

        urls = {s: self.base_urls[s] for s in sites if self.base_urls.get(s)}
        return child_command(self.data_dir, sites, urls, resume=resume, refresh=False, polite=True, progress=False,
                             stats_file=None, searches=self.searches)

    def crawl(self, sites: list[str], locks: list[Lock], resume: bool) -> StepResult:
        def started(pid: int) -> None:
            for lock in locks:
                lock.update(child_pid=pid)

        return run_step("crawl", self.argv_for("crawl", sites, resume), site=",".join(sites),
                        timeout=self.crawl_timeout, pass_fds=[lock.fd for lock in locks if lock.fd >= 0],
                        stop=self.stop, on_start=started)

    def _step(self, step: str, lock: Lock) -> StepResult:
        fds = [lock.fd] if lock.fd >= 0 else []  # a Redis lock stays with this process
        return run_step(step, self.argv_for(step, [], False), timeout=self.step_timeout, pass_fds=fds, stop=self.stop,
                        stop_gracefully=False, on_start=lambda pid: lock.update(child_pid=pid))

    def process(self, lock: Lock) -> StepResult:
        return self._step("process", lock)

    def index(self, lock: Lock) -> StepResult:
        return self._step("index", lock)


class InProcessSteps:
    """Every step in this process (a crawl at most once: Scrapy's reactor cannot be restarted).

    Errors of the crawl (`CrawlError`) and of the index (`IndexBusy`, `OSError`) are raised to the
    caller, which knows how to say them. `before(step, count)` is called as a step starts (count: the
    articles waiting for NLP), `after(result)` when it ends; `bar` draws the NLP progress.
    """

    def __init__(self, data_dir: Path | str, *, base_urls: dict[str, str] | None = None, resume: bool = False,
                 refresh: bool = False, polite: bool = True, progress: bool = False, searches: Sequence[str] = (),
                 workers: int | None = None, batch: int = 200, rebuild: bool = False, procs: int = 1,
                 before: Callable[[str, int], None] | None = None, after: Callable[[StepResult], None] | None = None,
                 bar: Bar | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.base_urls = dict(base_urls or {})
        self.resume, self.refresh, self.polite, self.progress = resume, refresh, polite, progress
        self.searches = tuple(searches)
        self.workers, self.batch = workers, batch
        self.rebuild, self.procs = rebuild, procs
        self.before = before or (lambda step, count: None)
        self.after = after or (lambda result: None)
        self.bar = bar

    def crawl(self, sites: list[str], locks: list[Lock], resume: bool) -> StepResult:
        from crawler.crawl import crawl_sites

        start = time.monotonic()
        self.before("crawl", len(sites))
        stats = crawl_sites(data_dir=self.data_dir, site_ids=sites, resume=resume or self.resume,
                            base_urls={s: self.base_urls[s] for s in sites if self.base_urls.get(s)},
                            refresh=self.refresh, polite=self.polite, progress=self.progress, searches=self.searches)
        return self._done(StepResult("crawl", ",".join(sites), True, 0, time.monotonic() - start,
                                     output=stats.summary(), extra={"stats": stats}))

    def _done(self, result: StepResult) -> StepResult:
        self.after(result)
        return result

    def process(self, lock: Lock) -> StepResult:
        start = time.monotonic()
        with Archive.open(self.data_dir) as archive:
            todo = pending(archive)
            self.before("process", todo)
            with self.bar(todo, "NLP") if self.bar else nullcontext() as bar:
                report = process_archive(archive, workers=self.workers, batch=self.batch,
                                         on_batch=bar.update if bar is not None else None)
        return self._done(StepResult("process", None, True, 0, time.monotonic() - start,
                                     output=report.summary(), extra={"report": report}))

    def index(self, lock: Lock) -> StepResult:
        from index.sync import sync_index

        start = time.monotonic()
        self.before("index", 0)
        with Archive.open(self.data_dir) as archive:
            report = sync_index(archive, self.data_dir / "index", rebuild=self.rebuild, progress=True,
                                procs=self.procs)
        return self._done(StepResult("index", None, True, 0, time.monotonic() - start,
                                     output=report.summary(), extra={"report": report}))


def main(argv: list[str] | None = None) -> int:
    """`python -m pipeline.steps process|index --data-dir DIR`: one downstream step, its lock held by the parent."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pipeline.steps")
    parser.add_argument("step", choices=["process", "index"])
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    steps = InProcessSteps(args.data_dir, procs=min(os.cpu_count() or 1, 4))
    try:
        result = steps.process(_NO_LOCK) if args.step == "process" else steps.index(_NO_LOCK)
    except Exception as exc:  # one line for the parent's record; the parent logs the output tail
        print(f"error: {args.step}: {exc}", file=sys.stderr)
        return 1
    print(result.output)
    return 0


_NO_LOCK: Any = None  # the parent holds the step's lock

if __name__ == "__main__":
    sys.exit(main())
