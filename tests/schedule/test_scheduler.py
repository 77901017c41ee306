"""The scheduler cycle with real child processes of a tiny fake step script."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.archive import Archive
from pipeline.locks import acquire
from pipeline.schedule import RUN_KIND, Scheduler
from pipeline.schedule_state import load_state, parse_iso

from .conftest import ROOT, fake_argv, fake_events, make_config

Build = Callable[..., Scheduler]


def _runs(data_dir: Path) -> list[dict]:
    with Archive.open(data_dir) as archive:
        return archive.runs(20, kind=RUN_KIND)


@pytest.mark.usefixtures("archive_backend")  # the scheduler's bookkeeping on either archive
def test_cycle_crawls_processes_indexes_and_records_the_run(tmp_path: Path, fake: Build) -> None:
    sched = fake(["a", "b"], {"new": {"a": 3, "b": 1}})
    [record] = sched.run_once()
    assert record["status"] == "ok"
    assert record["sites"]["a"]["new"] == 3 and record["sites"]["b"]["new"] == 1
    assert record["steps"]["process"]["status"] == "ok" and record["steps"]["index"]["status"] == "ok"
    steps = [e[1] for e in fake_events(tmp_path) if e[0] == "end"]
    assert sorted(steps) == ["crawl", "crawl", "index", "process"]
    assert steps[-2:] == ["process", "index"]
    [run] = _runs(tmp_path)
    assert run["status"] == "ok" and run["ended"] and run["stats"]["totals"]["new"] == 4
    assert run["stats"]["sites"]["a"]["status"] == "ok"


def test_sites_not_due_are_left_alone_and_idle_cycles_are_not_recorded(tmp_path: Path, fake: Build) -> None:
    sched = fake(["a"], {"new": {"a": 0}}, adaptive={"min_interval": "1h", "initial_interval": "1h"})
    sched.run_once()
    assert [r["status"] for r in sched.run_once()] == ["idle"]
    assert len(_runs(tmp_path)) == 1
    assert len([e for e in fake_events(tmp_path) if e[:2] == ["end", "crawl"]]) == 1
    # Nothing new was stored, so process and index did not run.
    assert [e[1] for e in fake_events(tmp_path)].count("process") == 0
    forced = sched.run_once(force=True)
    assert forced[0]["sites"]["a"]["status"] == "ok"


@pytest.mark.usefixtures("archive_backend")  # the scheduler's bookkeeping on either archive
def test_failing_site_backs_off_without_stopping_the_others(tmp_path: Path, fake: Build) -> None:
    sched = fake(["bad", "good"], {"fail": ["bad"], "new": {"good": 2}},
                 backoff={"base": "10m", "factor": 2, "max": "1h"})
    [first] = sched.run_once()
    assert first["status"] == "partial"
    assert first["sites"]["good"]["status"] == "ok" and first["sites"]["bad"]["status"] == "failed"
    assert "cannot reach bad" in first["sites"]["bad"]["error"]
    assert any(e.startswith("bad:") for e in first["errors"])
    with Archive.open(tmp_path) as archive:
        state = load_state(archive, "bad")
        assert state.failures == 1
        delay = (parse_iso(state.next_due) - parse_iso(state.last_run)).total_seconds()
        assert delay == 600
    [second] = sched.run_once(force=True)
    with Archive.open(tmp_path) as archive:
        state = load_state(archive, "bad")
        assert state.failures == 2
        assert (parse_iso(state.next_due) - parse_iso(state.last_run)).total_seconds() == 1200
        assert load_state(archive, "good").failures == 0
    assert second["sites"]["good"]["status"] == "ok"


def test_live_site_lock_skips_the_site_with_the_holder_named(tmp_path: Path, fake: Build) -> None:
    sched = fake(["a", "b"], {"new": {"a": 1, "b": 1}})
    with acquire(tmp_path, "site-a", what="someone else"):
        [record] = sched.run_once()
    assert record["sites"]["a"]["status"] == "skipped"
    assert f"pid {os.getpid()}" in record["sites"]["a"]["reason"]
    assert record["sites"]["b"]["status"] == "ok"
    with Archive.open(tmp_path) as archive:
        assert load_state(archive, "a").last_run is None  # still due next cycle


@pytest.mark.slow
def test_stop_request_ends_the_crawl_gracefully_and_the_next_run_resumes(tmp_path: Path, fake: Build) -> None:
    sched = fake(["slow"], {"new": {"slow": 50}, "sleep": 20})
    timer = threading.Timer(1.5, sched.request_stop)
    timer.start()
    started = time.monotonic()
    [record] = sched.run_once()
    timer.join()
    assert time.monotonic() - started < 10
    assert record["status"] == "interrupted"
    assert record["sites"]["slow"]["status"] == "interrupted"
    assert record["steps"]["process"]["status"] == "skipped"
    with Archive.open(tmp_path) as archive:
        state = load_state(archive, "slow")
        stored = archive.count("slow")
        assert state.interrupted and state.failures == 0 and state.next_due is None
        assert archive.get_meta("schedule.pending")  # the stored articles still wait for process/index
    assert 0 < stored < 50
    (tmp_path / "fake.json").write_text(json.dumps({"new": {"slow": 1}}))
    again = Scheduler(sched.config, tmp_path, ["slow"], argv_for=fake_argv(tmp_path))
    [record] = again.run_once()
    assert record["status"] == "ok" and record["steps"]["index"]["status"] == "ok"
    last_crawl = [e for e in fake_events(tmp_path) if e[:2] == ["start", "crawl"]][-1]
    assert last_crawl[-1] == "--resume"


def test_failed_index_step_is_retried_next_cycle(tmp_path: Path, fake: Build) -> None:
    sched = fake(["a"], {"new": {"a": 1}}, adaptive={"min_interval": "1h", "initial_interval": "1h"})
    with acquire(tmp_path, "index", what="another indexer"):
        [record] = sched.run_once()
    assert record["steps"]["process"]["status"] == "ok"
    assert record["steps"]["index"]["status"] == "skipped"
    [record] = sched.run_once()  # the site is not due, but the index still is
    assert record["sites"] == {} and record["steps"]["index"]["status"] == "ok"
    assert sched.run_once()[0]["status"] == "idle"


def test_crashed_cycle_is_marked_and_full_or_broken_data_dir_is_reported(tmp_path: Path, fake: Build) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    import socket

    with Archive.open(tmp_path) as archive:
        run_id = archive.start_run(RUN_KIND)
        archive.update_run_stats(run_id, {"pid": int(dead.stdout), "host": socket.gethostname()})
    sched = fake(["a"], {"new": {"a": 1}})
    sched.run_once()
    by_id = {r["id"]: r for r in _runs(tmp_path)}
    assert by_id[run_id]["status"] == "crashed"
    assert "died" in by_id[run_id]["stats"]["errors"][0]

    full = Scheduler(make_config(schedule={"min_free_mb": 10**9}), tmp_path, ["a"], argv_for=fake_argv(tmp_path))
    [record] = full.run_once(force=True)
    assert record["status"] == "error" and "MB free" in record["errors"][0]
    assert "stored data is untouched" in record["errors"][0]
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    broken = Scheduler(make_config(), blocker / "data", ["a"], argv_for=fake_argv(tmp_path))
    [record] = broken.run_once()
    assert record["status"] == "error" and "is not a directory" in record["errors"][0]


def test_crawl_timeout_is_a_failure(tmp_path: Path, fake: Build) -> None:
    sched = fake(["slow"], {"new": {"slow": 0}, "sleep": 30}, schedule={"crawl_timeout": 1})
    [record] = sched.run_once()
    assert record["sites"]["slow"]["status"] == "failed"
    assert "timed out" in record["sites"]["slow"]["error"]


def test_child_ignoring_sigterm_is_killed_after_the_grace_period(monkeypatch) -> None:
    from pipeline import child as schedule_runner

    monkeypatch.setattr(schedule_runner, "TERM_GRACE", 0.5)
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(30)"
    started = time.monotonic()
    result = schedule_runner.run_step("crawl", [sys.executable, "-c", code], site="x", timeout=0.5)
    assert time.monotonic() - started < 5
    assert result.timed_out and not result.ok and result.returncode == -signal.SIGKILL
    assert "timed out after" in (result.error or "") and "up" in result.output


TWO = """
import sys
from pipeline.schedule import Scheduler
from tests.schedule.conftest import fake_argv, make_config
from pathlib import Path
data = Path(sys.argv[1])
sched = Scheduler(make_config(schedule={"parallel": 3}), data, ["a", "b", "c"], argv_for=fake_argv(data))
for _ in range(3):
    sched.run_once(force=True)
"""


@pytest.mark.slow
def test_two_schedulers_never_crawl_one_site_at_once(tmp_path: Path) -> None:
    (tmp_path / "fake.json").write_text(json.dumps({"new": {"a": 2, "b": 2, "c": 2}, "sleep": 0.6}))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", TWO, str(tmp_path)], env=env, cwd=ROOT, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    logs = []
    for proc in procs:
        logs.append(proc.communicate(timeout=120)[1])
        assert proc.returncode == 0
    spans: dict[str, list[tuple[float, float]]] = {}
    opened: dict[str, float] = {}
    for event, step, site, pid, at, *_ in fake_events(tmp_path):
        if step != "crawl":
            continue
        if event == "start":
            opened[pid] = float(at)
        else:
            spans.setdefault(site, []).append((opened.pop(pid), float(at)))
    assert set(spans) == {"a", "b", "c"}
    for site, intervals in spans.items():
        intervals.sort()
        for (_, end), (start, _) in zip(intervals, intervals[1:], strict=False):
            assert start >= end, f"two crawls of {site} overlapped"
    # A cycle whose sites were all taken by the other scheduler did nothing and is not recorded; the log says it.
    assert "skip crawl" in "".join(logs), "the schedulers should have met on a lock at least once"
    for run in _runs(tmp_path):
        outcomes = [*run["stats"]["sites"].values(), *run["stats"]["steps"].values()]
        assert any(s["status"] in ("ok", "failed") for s in outcomes), f"empty cycle recorded: {run}"


GROUP_SIGNAL = """
import os, signal, sys, threading
from pipeline.child import run_step
signal.signal(signal.SIGUSR1, lambda *_: None)
timer = threading.Timer(0.5, lambda: os.killpg(os.getpgrp(), signal.SIGUSR1))
timer.start()
result = run_step("process", [sys.executable, "-c", "import time; time.sleep(1.2)"], timeout=10)
timer.join()
print(result.ok, result.returncode)
"""


def test_signal_to_the_schedulers_group_is_not_forwarded(tmp_path: Path) -> None:
    # start_new_session: a signal to the scheduler's process group does not reach the step (SIGUSR1 would
    # kill it). The "scheduler" runs in a session of its own so the group signal never reaches pytest or CI.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", GROUP_SIGNAL], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60, start_new_session=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "0"]
