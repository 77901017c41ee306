"""The scheduler behind `ct05 schedule`: keep the archive and index current, crawl → process → index.

A *job* is a cron expression and the sites that follow it (`schedule.cron` for most sites, a site's own
`sites.<id>.cron` for the others). Each time a job fires, one *cycle* runs:

1. check that the data dir is writable and has room (a full or read-only disk is reported, not hit);
2. mark earlier cycles whose process died as `crashed`;
3. crawl every site of the job that is due (adaptive interval, back-off after failures), each in a
   child process holding the site's lock; a live lock skips the site with the holder in the log;
4. run the process then the index step (under the `nlp` and `index` locks) if anything was stored;
5. record the cycle in the archive's `runs` table (kind `schedule`): start, end, status, per-site
   counts, errors. `ct05 status` and the admin page show it.

`request_stop()` (SIGTERM) lets the current step finish, asks running crawls to stop gracefully,
records the cycle and returns. The steps and their locks are `pipeline.run.run_pipeline`'s, every step a
child process (`pipeline.steps.ChildSteps`).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.archive import Archive, ArchiveError, utcnow
from crawler.runs import RunRecord, begin_run, finish_run, read_runs, save_run
from pipeline.child import StepResult
from pipeline.locks import pid_alive
from pipeline.run import PipelineReport, run_pipeline
from pipeline.schedule_config import ScheduleConfig, cron_period
from pipeline.schedule_health import save_thresholds
from pipeline.schedule_state import (
    SiteState,
    is_due,
    load_state,
    now_utc,
    parse_iso,
    record_failure,
    record_success,
    save_state,
)
from pipeline.steps import ArgvFor, ChildSteps

log = logging.getLogger("ct05.schedule")
RUN_KIND = "schedule"
PENDING_KEY = "schedule.pending"  # set while stored articles still wait for process/index
#: Longest a site is taken early: a wake-up takes the sites due before the next one is nearer (half a period).
MAX_SLACK = 60.0
#: Site and step outcomes that mean a cycle did something worth recording.
DID_WORK = ("ok", "failed", "interrupted")


class DataDirError(RuntimeError):
    """The data directory cannot take writes (read-only, full, missing permission)."""


def check_data_dir(data_dir: Path, min_free_mb: int) -> None:
    """Raise `DataDirError` with a plain explanation unless `data_dir` is writable with room to spare."""
    probe = data_dir / f".write-probe-{os.getpid()}-{threading.get_ident()}"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as fh:
            fh.write(b"\0" * 4096)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        reason = {errno.EROFS: "is on a read-only filesystem", errno.ENOSPC: "is on a full disk",
                  errno.EDQUOT: "is over its disk quota", errno.EACCES: "is not writable (permission denied)",
                  errno.ENOTDIR: "is not a directory"}.get(exc.errno or 0, f"cannot be written ({exc.strerror})")
        raise DataDirError(f"data dir {data_dir} {reason}; nothing was crawled, stored data is untouched") from exc
    finally:
        try:
            probe.unlink(missing_ok=True)
        except OSError:
            pass
    free_mb = shutil.disk_usage(data_dir).free // (1024 * 1024)
    if free_mb < min_free_mb:
        raise DataDirError(f"data dir {data_dir} has only {free_mb} MB free (schedule.min_free_mb = {min_free_mb});"
                           " nothing was crawled, stored data is untouched")


def recover_crashed_runs(archive: Archive) -> list[int]:
    """Mark `running` scheduler cycles of dead processes on this host as `crashed`; return their ids."""
    import socket

    host = socket.gethostname()
    crashed = []
    for run in read_runs(archive, limit=50, kind=RUN_KIND):
        if run.status != "running" or run.host != host or pid_alive(run.pid):
            continue
        run.errors.append("the scheduler process died during this cycle")
        finish_run(archive, run, "crashed")
        crashed.append(int(run.id or 0))
    return crashed


class Scheduler:
    """Runs cycles for the configured sites; `run_once` for cron, `run_forever` as a daemon."""

    def __init__(self, config: ScheduleConfig, data_dir: Path | str, sites: list[str],
                 argv_for: ArgvFor | None = None, clock: Callable[[], datetime] = now_utc,
                 redis: str | None = None) -> None:
        self.config = config
        # Where the locks live: --redis, else CT05_REDIS, else schedule.redis, else flock files.
        self.redis = redis or os.environ.get("CT05_REDIS") or config.schedule["redis"] or None
        self.clock = clock  # the time a wake-up happens at (tests drive it)
        self.data_dir = Path(data_dir)
        self.sites = [s for s in sites if config.sites.get(s) is None or config.sites[s].enabled]
        self.stop = threading.Event()
        urls = {s: url for s in self.sites if (url := config.base_url(s))}
        self.steps = ChildSteps(self.data_dir, base_urls=urls, searches=config.schedule.get("searches") or (),
                                crawl_timeout=float(config.schedule["crawl_timeout"]),
                                step_timeout=float(config.schedule["step_timeout"]), stop=self.stop,
                                argv_for=argv_for)

    def request_stop(self) -> None:
        """Finish the current step, record the cycle, start nothing new."""
        self.stop.set()

    def jobs(self) -> dict[str, list[str]]:
        """cron expression -> the sites it drives."""
        jobs: dict[str, list[str]] = {}
        for site in self.sites:
            jobs.setdefault(self.config.cron_of(site), []).append(site)
        return jobs

    def slack(self, job: str) -> float:
        """How early a wake-up of `job` takes a site: half the job's period, at most a minute."""
        try:
            return min(cron_period(job, self.config.schedule["timezone"]) / 2, MAX_SLACK)
        except ValueError:  # "all" (every site, no cron of its own): exact due times
            return 0.0

    # -- one cycle -------------------------------------------------------------------------------

    def run_cycle(self, sites: list[str] | None = None, *, force: bool = False, job: str = "all") -> dict[str, Any]:
        """Crawl the due sites among `sites` (all with `force`), then process and index. Returns the cycle's
        `RunRecord` in its stored form (`to_stats()`, plus `run_id` when it was recorded)."""
        sites = self.sites if sites is None else sites
        try:
            check_data_dir(self.data_dir, int(self.config.schedule["min_free_mb"]))
            archive = Archive.open(self.data_dir)
        except (DataDirError, ArchiveError) as exc:
            log.error("cycle not started: %s", exc)
            return {"status": "error", "errors": [str(exc)], "sites": {}, "steps": {}}
        with archive:
            return self._cycle(archive, sites, force, job)

    def _cycle(self, archive: Archive, sites: list[str], force: bool, job: str) -> dict[str, Any]:
        for run_id in recover_crashed_runs(archive):
            log.warning("cycle #%s was interrupted by a crash of its scheduler; marked crashed", run_id)
        save_thresholds(archive, self.config, self.sites)
        prune_logs(self.data_dir, float(self.config.schedule["log_keep"]))
        at = self.clock()
        slack = self.slack(job)
        due = [s for s in sites if force or is_due(load_state(archive, s), at, slack)]
        pending = archive.get_meta(PENDING_KEY)
        record = RunRecord(kind=RUN_KIND, job=job)
        if not due and not pending:
            log.info("job %s: no site due", job)
            record.status = "idle"
            return record.to_stats()
        run_id = begin_run(archive, record).id
        log.info("cycle #%s (job %s): crawling %s", run_id, job, ", ".join(due) or "nothing")
        steps = [s for s in ("process", "index") if self.config.schedule[s]]
        token: list[str] = []

        def after_crawls(report: PipelineReport) -> bool:
            """Record the crawls; process and index while stored articles wait for them."""
            self._record_crawls(archive, run_id, record, report)
            token.extend(filter(None, [archive.get_meta(PENDING_KEY)]))
            return bool(token)

        report = run_pipeline(self.data_dir, due, self.steps, do=["crawl", *steps], stop=self.stop,
                              parallel=int(self.config.schedule["parallel"]),
                              lock_wait=float(self.config.schedule["lock_wait"]),
                              around_crawl=lambda site, crawl: self._crawl_site(site, crawl, at, slack, force),
                              downstream_if=after_crawls, redis=self.redis)
        record.steps.update(report.steps)
        record.errors += [f"{step}: {info['error']}" for step, info in report.steps.items()
                          if info["status"] == "failed"]
        if token and all(report.steps.get(s, {}).get("status") == "ok" for s in steps):
            # Clear the flag only if no crawl stored anything since we read it (another job may have).
            archive.db.execute("DELETE FROM meta WHERE key = ? AND value = ?", (PENDING_KEY, token[0]))
        if not any(i.get("status") in DID_WORK for i in [*record.sites.values(), *record.steps.values()]):
            # Every due site was taken by another scheduler (or crawled since): nothing to record.
            archive.db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
            log.info("cycle #%s (job %s): nothing done, not recorded", run_id, job)
            record.status = "idle"
            return record.to_stats()
        status = self._status(record)
        finish_run(archive, record, status)
        log.info("cycle #%s %s: %s new, %s updated, %s failed", run_id, status, record.counts.new,
                 record.counts.updated, record.counts.failed)
        return {**record.to_stats(), "run_id": run_id}

    def _status(self, record: RunRecord) -> str:
        if self.stop.is_set():
            return "interrupted"
        states = [s["status"] for s in record.sites.values()] + [s["status"] for s in record.steps.values()]
        if any(s == "failed" for s in states):
            return "failed" if all(s in ("failed", "skipped") for s in states) else "partial"
        return "ok"

    def _record_crawls(self, archive: Archive, run_id: int, record: RunRecord, report: PipelineReport) -> None:
        for site, info in report.sites.items():
            record.sites[site] = info
            if info["status"] == "failed":
                record.counts.failed += 1
                record.errors.append(f"{site}: {info['error']}")
            record.counts.new += int(info.get("new", 0))
            record.counts.updated += int(info.get("updated", 0))
        save_run(archive, record)
        if record.counts.new or record.counts.updated:
            archive.set_meta(PENDING_KEY, f"{utcnow()} {os.getpid()} {run_id}")

    def _crawl_site(self, site: str, crawl: Callable[[bool], StepResult], at: datetime, slack: float,
                    force: bool) -> dict[str, Any]:
        """Called holding the site's lock: crawl (resuming an interrupted crawl), update the adaptive state."""
        # A separate connection: the archive handle of the cycle is used by another thread.
        with Archive.open(self.data_dir) as archive:
            state = load_state(archive, site)
            # Checked again under the lock: another scheduler may have crawled the site since the due list
            # was made, and crawling it again now would halve its interval.
            if not force and not is_due(state, at, slack):
                log.info("skip %s: crawled at %s since this cycle began, next due %s", site, state.last_run,
                         state.next_due)
                return {"status": "skipped", "reason": f"not due any more: crawled at {state.last_run}, "
                                                       f"next due {state.next_due}"}
            started, before = utcnow(), _last_run_id(archive)
            log.info("crawl %s%s", site, " (resuming)" if state.interrupted else "")
            return self._after_crawl(archive, state, crawl(state.interrupted), started, before, at)

    def _after_crawl(self, archive: Archive, state: SiteState, result: StepResult, started: str,
                     before: int, at: datetime) -> dict[str, Any]:
        site = state.site
        counts = _crawl_counts(archive, site, started, before)
        info: dict[str, Any] = {**counts, "seconds": round(result.seconds, 2)}
        if result.ok and not result.stopped and not counts.get("unreachable"):
            record_success(self.config, state, int(counts.get("new", 0)), at)
            info.update(status="ok", next_due=state.next_due, interval=state.interval)
            log.info("crawl %s ok: %s new, %s updated; next in %.0fs", site, counts.get("new", 0),
                     counts.get("updated", 0), state.interval)
        else:
            error = result.error or ("stopped" if result.stopped else "no page could be fetched")
            # Resume Scrapy's job dir only after a graceful stop: a SIGKILLed crawl may leave it half-written,
            # and a fresh crawl loses nothing (known URLs are skipped, the archive dedups by URL).
            # The back-off counts from the failure, not from the wake-up.
            record_failure(self.config, state, error, max(self.clock(), at),
                           interrupted=result.stopped or result.timed_out)
            if result.stopped:
                state.failures -= 1  # an operator stop is no fault of the site
                state.next_due = None
            info.update(status="interrupted" if result.stopped else "failed", error=error,
                        failures=state.failures, next_due=state.next_due, output=result.output[-2000:])
            log.error("crawl %s %s: %s (failures in a row: %s, next try %s)", site, info["status"], error,
                      state.failures, state.next_due or "next cycle")
        save_state(archive, state)
        return info

    # -- entry points ----------------------------------------------------------------------------

    def run_once(self, force: bool = False) -> list[dict[str, Any]]:
        """Run every job once (due sites only unless `force`) and return the cycle records."""
        records = []
        for cron, sites in self.jobs().items():
            if self.stop.is_set():
                break
            records.append(self.run_cycle(sites, force=force, job=cron))
        return records

    def run_forever(self) -> None:
        """Block, firing each job on its cron expression and when one of its sites falls due, until
        `request_stop()`."""
        from apscheduler.schedulers.background import BackgroundScheduler

        from pipeline.schedule_config import cron_trigger

        tz = self.config.schedule["timezone"]
        aps = BackgroundScheduler(timezone=tz)
        busy = {cron: threading.Lock() for cron in self.jobs()}

        def fire(cron: str, sites: list[str]) -> None:
            if not busy[cron].acquire(blocking=False):
                return  # the job's cycle is running: it covers this wake-up
            try:
                self.run_cycle(sites, job=cron)
            finally:
                busy[cron].release()
            self._plan_wakeup(aps, cron, sites, fire)

        for cron, sites in self.jobs().items():
            # One instance per job, missed runs coalesced: a slow cycle delays the next, never overlaps it.
            aps.add_job(fire, cron_trigger(cron, tz), args=[cron, sites], id=cron, max_instances=1, coalesce=True,
                        misfire_grace_time=int(self.config.schedule["misfire_grace"]) or None)
            log.info("job %r: %s", cron, ", ".join(sites))
        aps.start()
        for cron, sites in self.jobs().items():
            self._plan_wakeup(aps, cron, sites, fire)
        try:
            self.stop.wait()
        finally:
            log.info("stopping: waiting for the current step to finish")
            aps.shutdown(wait=True)
            log.info("stopped")

    def _plan_wakeup(self, aps: Any, cron: str, sites: list[str], fire: Callable[[str, list[str]], None]) -> None:
        """An extra wake-up when the job's next site falls due before its next cron tick, so that a site is
        crawled at its interval whatever the cron period."""
        if self.stop.is_set():
            return
        try:
            with Archive.open(self.data_dir, readonly=True) as archive:
                dues = [load_state(archive, s).next_due for s in sites]
        except ArchiveError:
            return
        if not dues or any(d is None for d in dues):
            return  # a site is due now: the next tick takes it
        first = min(parse_iso(d) for d in dues if d)
        job = aps.get_job(cron)
        tick = job.next_run_time if job is not None else None
        if tick is not None and first >= tick:
            return
        aps.add_job(fire, "date", run_date=first, args=[cron, sites], id=f"{cron} (due)", replace_existing=True,
                    misfire_grace_time=int(self.config.schedule["misfire_grace"]) or None)
        log.info("job %r: next site due at %s, before the next tick", cron, first.isoformat())


def prune_logs(data_dir: Path, keep: float) -> int:
    """Delete per-crawl log files (`logs/crawl-*`) last written more than `keep` seconds ago (0: none)."""
    if keep <= 0:
        return 0
    cutoff = time.time() - keep
    removed = 0
    for path in (data_dir / "logs").glob("crawl-*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue  # a file another process removed or cannot remove: the next cycle tries again
    if removed:
        log.info("removed %s crawl log files older than %.0f days", removed, keep / 86400)
    return removed


def _last_run_id(archive: Archive) -> int:
    return int(archive.db.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0])


def _crawl_counts(archive: Archive, site: str, started: str, before: int) -> dict[str, Any]:
    """Per-site counts of a crawl: from the crawl's own run record, else measured in the archive."""
    rows = archive.db.execute("SELECT stats FROM runs WHERE id > ? AND kind != ? ORDER BY id DESC",
                              (before, RUN_KIND)).fetchall()
    for (raw,) in rows:
        try:
            sites = json.loads(raw).get("sites") or {}
        except ValueError:
            continue
        if site in sites:
            stats = sites[site]
            keys = ("pages", "new", "updated", "unchanged", "failed")
            counts: dict[str, Any] = {k: int(stats.get(k, 0)) for k in keys}
            counts["unreachable"] = counts["pages"] == 0 and counts["failed"] > 0
            return counts
    new = archive.db.execute("SELECT COUNT(*) FROM articles WHERE source = ? AND first_seen >= ?",
                             (site, started)).fetchone()[0]
    updated = archive.db.execute("SELECT COUNT(*) FROM articles WHERE source = ? AND first_seen < ? "
                                 "AND updated_at >= ?", (site, started, started)).fetchone()[0]
    return {"new": int(new), "updated": int(updated)}
