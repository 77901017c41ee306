"""The scheduler behind `ct05 schedule`: keep the archive and index current, crawl → process → index.

A *job* is a cron expression and the sites that follow it (`schedule.cron` for most sites, a site's own
`sites.<id>.cron` for the others). Each time a job fires, one *cycle* runs:

1. check that the data dir is writable and has room (a full or read-only disk is reported, not hit);
2. mark earlier cycles whose process died as `crashed`;
3. crawl every site of the job that is due (adaptive interval, back-off after failures), each in a
   child process holding the site's lock; a live lock skips the site with the holder in the log;
4. run `ct05 process` then `ct05 index` (under the `nlp` and `index` locks) if anything was stored;
5. record the cycle in the archive's `runs` table (kind `schedule`): start, end, status, per-site
   counts, errors. `ct05 status` and the admin page show it.

`request_stop()` (SIGTERM) lets the current step finish, asks running crawls to stop gracefully,
records the cycle and returns. crawler/ imports nothing from nlp/index/webui: steps are child processes.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from crawler.archive import Archive, ArchiveError, utcnow
from crawler.locks import LockError, LockHeld, acquire, pid_alive
from crawler.schedule_config import ScheduleConfig
from crawler.schedule_runner import StepResult, cli_argv, run_step
from crawler.schedule_state import SiteState, is_due, load_state, now_utc, record_failure, record_success, save_state

log = logging.getLogger("ct05.schedule")
RUN_KIND = "schedule"
PENDING_KEY = "schedule.pending"  # set while stored articles still wait for process/index
ArgvFor = Callable[[str, str | None, bool], list[str]]


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
    for run in archive.runs(limit=50, kind=RUN_KIND):
        stats = run["stats"]
        if run["status"] != "running" or stats.get("host") != host or pid_alive(int(stats.get("pid") or 0)):
            continue
        stats.setdefault("errors", []).append("the scheduler process died during this cycle")
        archive.finish_run(run["id"], "crashed", stats)
        crashed.append(run["id"])
    return crashed


class Scheduler:
    """Runs cycles for the configured sites; `run_once` for cron, `run_forever` as a daemon."""

    def __init__(self, config: ScheduleConfig, data_dir: Path | str, sites: list[str],
                 argv_for: ArgvFor | None = None) -> None:
        self.config = config
        self.data_dir = Path(data_dir)
        self.sites = [s for s in sites if config.sites.get(s) is None or config.sites[s].enabled]
        self.argv_for = argv_for or self._cli_argv
        self.stop = threading.Event()

    def _cli_argv(self, step: str, site: str | None, resume: bool) -> list[str]:
        base_url = self.config.base_url(site) if site else None
        return cli_argv(step, self.data_dir, site=site, base_url=base_url, resume=resume,
                        searches=self.config.schedule.get("searches") or ())

    def request_stop(self) -> None:
        """Finish the current step, record the cycle, start nothing new."""
        self.stop.set()

    def jobs(self) -> dict[str, list[str]]:
        """cron expression -> the sites it drives."""
        jobs: dict[str, list[str]] = {}
        for site in self.sites:
            jobs.setdefault(self.config.cron_of(site), []).append(site)
        return jobs

    # -- one cycle -------------------------------------------------------------------------------

    def run_cycle(self, sites: list[str] | None = None, *, force: bool = False, job: str = "all") -> dict[str, Any]:
        """Crawl the due sites among `sites` (all with `force`), then process and index. Returns the record."""
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
        import socket

        for run_id in recover_crashed_runs(archive):
            log.warning("cycle #%s was interrupted by a crash of its scheduler; marked crashed", run_id)
        at = now_utc()
        due = [s for s in sites if force or is_due(load_state(archive, s), at)]
        pending = archive.get_meta(PENDING_KEY)
        record: dict[str, Any] = {"pid": os.getpid(), "host": socket.gethostname(), "job": job, "sites": {},
                                  "steps": {}, "errors": [], "totals": {"new": 0, "updated": 0, "failed": 0}}
        if not due and not pending:
            log.info("job %s: no site due", job)
            record["status"] = "idle"
            return record
        run_id = archive.start_run(RUN_KIND)
        archive.update_run_stats(run_id, record)
        log.info("cycle #%s (job %s): crawling %s", run_id, job, ", ".join(due) or "nothing")
        with ThreadPoolExecutor(max_workers=int(self.config.schedule["parallel"])) as pool:
            results = list(pool.map(self._crawl_site, due))
        for site, info in zip(due, results, strict=True):
            record["sites"][site] = info
            if info["status"] == "failed":
                record["totals"]["failed"] += 1
                record["errors"].append(f"{site}: {info['error']}")
            record["totals"]["new"] += int(info.get("new", 0))
            record["totals"]["updated"] += int(info.get("updated", 0))
        archive.update_run_stats(run_id, record)
        if record["totals"]["new"] or record["totals"]["updated"]:
            archive.set_meta(PENDING_KEY, f"{utcnow()} {os.getpid()} {run_id}")
        self._downstream(archive, record)
        status = self._status(record)
        record["status"] = status
        archive.finish_run(run_id, status, record)
        log.info("cycle #%s %s: %s new, %s updated, %s failed", run_id, status, record["totals"]["new"],
                 record["totals"]["updated"], record["totals"]["failed"])
        return {**record, "run_id": run_id}

    def _status(self, record: dict[str, Any]) -> str:
        if self.stop.is_set():
            return "interrupted"
        states = [s["status"] for s in record["sites"].values()] + [s["status"] for s in record["steps"].values()]
        if any(s == "failed" for s in states):
            return "failed" if all(s in ("failed", "skipped") for s in states) else "partial"
        return "ok"

    def _crawl_site(self, site: str) -> dict[str, Any]:
        """Crawl one site under its lock, in a child process; update its adaptive state."""
        if self.stop.is_set():
            return {"status": "skipped", "reason": "stop requested"}
        try:
            lock = acquire(self.data_dir, f"site-{site}", what=f"crawl {site}")
        except LockHeld as exc:
            log.warning("skip %s: %s", site, exc)
            return {"status": "skipped", "reason": str(exc)}
        except LockError as exc:
            log.error("skip %s: %s", site, exc)
            return {"status": "failed", "error": str(exc)}
        with lock:
            if lock.stale:
                log.warning("cleared stale lock of %s left by dead pid %s", site, lock.stale.get("pid"))
            # A separate connection: the archive handle of the cycle is used by another thread.
            with Archive.open(self.data_dir) as archive:
                state = load_state(archive, site)
                started, before = utcnow(), _last_run_id(archive)
                argv = self.argv_for("crawl", site, state.interrupted)
                log.info("crawl %s: %s", site, " ".join(argv[1:]))
                result = run_step("crawl", argv, site=site, timeout=float(self.config.schedule["crawl_timeout"]),
                                  pass_fds=[lock.fd], stop=self.stop,
                                  on_start=lambda pid: lock.update(child_pid=pid))
                return self._after_crawl(archive, state, result, started, before)

    def _after_crawl(self, archive: Archive, state: SiteState, result: StepResult, started: str,
                     before: int) -> dict[str, Any]:
        site = state.site
        counts = _crawl_counts(archive, site, started, before)
        info: dict[str, Any] = {**counts, "seconds": round(result.seconds, 2)}
        at = now_utc()
        if result.ok and not result.stopped and not counts.get("unreachable"):
            record_success(self.config, state, int(counts.get("new", 0)), at)
            info.update(status="ok", next_due=state.next_due, interval=state.interval)
            log.info("crawl %s ok: %s new, %s updated; next in %.0fs", site, counts.get("new", 0),
                     counts.get("updated", 0), state.interval)
        else:
            error = result.error or ("stopped" if result.stopped else "no page could be fetched")
            # Resume Scrapy's job dir only after a graceful stop: a SIGKILLed crawl may leave it half-written,
            # and a fresh crawl loses nothing (known URLs are skipped, the archive dedups by URL).
            record_failure(self.config, state, error, at, interrupted=result.stopped or result.timed_out)
            if result.stopped:
                state.failures -= 1  # an operator stop is no fault of the site
                state.next_due = None
            info.update(status="interrupted" if result.stopped else "failed", error=error,
                        failures=state.failures, next_due=state.next_due, output=result.output[-2000:])
            log.error("crawl %s %s: %s (failures in a row: %s, next try %s)", site, info["status"], error,
                      state.failures, state.next_due or "next cycle")
        save_state(archive, state)
        return info

    def _downstream(self, archive: Archive, record: dict[str, Any]) -> None:
        """`ct05 process` then `ct05 index`, each under its lock, while articles wait for them."""
        token = archive.get_meta(PENDING_KEY)
        if not token:
            return
        steps = [s for s in ("process", "index") if self.config.schedule[s]]
        for step in steps:
            if self.stop.is_set():
                record["steps"][step] = {"status": "skipped", "reason": "stop requested"}
                return
            name = "nlp" if step == "process" else "index"
            try:
                lock = acquire(self.data_dir, name, what=step, wait=float(self.config.schedule["lock_wait"]))
            except (LockHeld, LockError) as exc:
                log.warning("skip %s: %s", step, exc)
                record["steps"][step] = {"status": "skipped", "reason": str(exc)}
                return
            with lock:
                result = run_step(step, self.argv_for(step, None, False), timeout=float(self.config.schedule[
                    "step_timeout"]), pass_fds=[lock.fd], stop=self.stop, stop_gracefully=False,
                    on_start=lambda pid, lock=lock: lock.update(child_pid=pid))
            info: dict[str, Any] = {"status": "ok" if result.ok else "failed", "seconds": round(result.seconds, 2)}
            if not result.ok:
                info.update(error=result.error, output=result.output[-2000:])
                record["errors"].append(f"{step}: {result.error}")
                log.error("%s failed: %s\n%s", step, result.error, result.output)
                record["steps"][step] = info
                return
            log.info("%s ok in %.1fs: %s", step, result.seconds, result.output.splitlines()[-1:] or "")
            record["steps"][step] = info
        # Clear the flag only if no crawl stored anything since we read it (another job may have).
        archive.db.execute("DELETE FROM meta WHERE key = ? AND value = ?", (PENDING_KEY, token))

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
        """Block, firing each job on its cron expression, until `request_stop()`."""
        from apscheduler.schedulers.background import BackgroundScheduler

        from crawler.schedule_config import cron_trigger

        tz = self.config.schedule["timezone"]
        aps = BackgroundScheduler(timezone=tz)
        for cron, sites in self.jobs().items():
            # One instance per job, missed runs coalesced: a slow cycle delays the next, never overlaps it.
            aps.add_job(self.run_cycle, cron_trigger(cron, tz), args=[sites], kwargs={"job": cron},
                        id=cron, max_instances=1, coalesce=True,
                        misfire_grace_time=int(self.config.schedule["misfire_grace"]) or None)
            log.info("job %r: %s", cron, ", ".join(sites))
        aps.start()
        try:
            self.stop.wait()
        finally:
            log.info("stopping: waiting for the current step to finish")
            aps.shutdown(wait=True)
            log.info("stopped")


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
