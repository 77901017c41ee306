"""The schedule is kept: a site is crawled at its interval whatever the cron period, and two schedulers
never crawl one site twice within its interval. The scheduler's clock is driven by the test (no waiting
on wall-clock time); the crawls are real child processes of the fake step."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.archive import Archive
from pipeline.schedule import RUN_KIND, Scheduler
from pipeline.schedule_state import load_state

from .conftest import fake_events

Build = Callable[..., Scheduler]
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
FIXED = {"adaptive": {"min_interval": 120, "max_interval": 120, "initial_interval": 120}}


class Clock:
    """The scheduler's clock, set by the test to each simulated wake-up."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_120s_site_under_a_60s_cron_is_crawled_every_120_plus_minus_60s(tmp_path: Path, fake: Build) -> None:
    clock = Clock()
    sched = fake(["a"], {"new": {"a": 1}}, schedule={"cron": "* * * * *", "process": False, "index": False},
                 **FIXED)
    sched.clock = clock
    crawled = []
    for minute in range(16):
        # A cron wake-up fires a little late, and by a different amount each time.
        clock.now = T0 + timedelta(minutes=minute, seconds=(0.3, 1.8, 0.9)[minute % 3])
        [record] = sched.run_once()
        if record["sites"].get("a", {}).get("status") == "ok":
            crawled.append(clock.now)
    gaps = [(b - a).total_seconds() for a, b in zip(crawled, crawled[1:], strict=False)]
    assert len(crawled) >= 7, crawled
    assert all(60 <= gap <= 180 for gap in gaps), gaps
    # On average the site is crawled at its interval, not at its interval plus one cron period.
    assert abs(sum(gaps) / len(gaps) - 120) <= 10, gaps
    with Archive.open(tmp_path) as archive:
        assert len(archive.runs(50, kind=RUN_KIND)) == len(crawled), "idle wake-ups must not be recorded"


def test_a_site_due_just_after_a_wake_up_is_not_left_for_a_whole_period(tmp_path: Path, fake: Build) -> None:
    clock = Clock()
    sched = fake(["a"], {"new": {"a": 1}}, schedule={"cron": "*/15 * * * *", "process": False, "index": False},
                 adaptive={"min_interval": "30m", "max_interval": "30m", "initial_interval": "30m"})
    sched.clock = clock
    clock.now = T0 + timedelta(seconds=2)
    sched.run_once()
    clock.now = T0 + timedelta(minutes=30, seconds=1)  # due at 08:30:02, the 08:30 tick fires at 08:30:01
    [record] = sched.run_once()
    assert record["sites"]["a"]["status"] == "ok"


def test_two_schedulers_never_crawl_one_site_twice_within_its_interval(tmp_path: Path, fake: Build) -> None:
    # B makes its due list (x and s), then crawls x, which waits on the gate. Meanwhile A crawls s. When
    # B reaches s, s is no longer due: B must see that under s's lock and leave it alone.
    clock = Clock()
    config = {"schedule": {"cron": "* * * * *", "parallel": 1, "process": False, "index": False}, **FIXED}
    sched_b = fake(["x", "s"], {"new": {"x": 1, "s": 1}, "gate_sites": ["x"]}, **config)
    sched_a = fake(["s"], {"new": {"x": 1, "s": 1}, "gate_sites": ["x"]}, **config)
    sched_a.clock = sched_b.clock = clock
    clock.now = T0 + timedelta(seconds=1)
    records: list[dict] = []
    b = threading.Thread(target=lambda: records.extend(sched_b.run_once()))
    b.start()
    deadline = time.monotonic() + 60
    while not any(e[:3] == ["start", "crawl", "x"] for e in fake_events(tmp_path)):
        assert time.monotonic() < deadline, "B's crawl of x never started"
        time.sleep(0.05)
    [first] = sched_a.run_once()
    assert first["sites"]["s"]["status"] == "ok"
    (tmp_path / "gate").touch()
    b.join(timeout=60)
    assert not b.is_alive()
    [second] = records
    assert second["sites"]["x"]["status"] == "ok"
    assert second["sites"]["s"]["status"] == "skipped" and "not due" in second["sites"]["s"]["reason"]
    assert [e[2] for e in fake_events(tmp_path) if e[:2] == ["start", "crawl"]].count("s") == 1
    with Archive.open(tmp_path) as archive:
        assert load_state(archive, "s").next_due == (T0 + timedelta(seconds=121)).isoformat()
    # Over the next wake-ups, shared by both, s is crawled once per interval.
    for minute in range(1, 9):
        clock.now = T0 + timedelta(minutes=minute, seconds=1)
        sched_a.run_once()
        sched_b.run_once()
    starts = [e for e in fake_events(tmp_path) if e[:3] == ["start", "crawl", "s"]]
    assert len(starts) == 5  # at minutes 0, 2, 4, 6, 8


class Jobs:
    """Records the jobs the daemon plans (the APScheduler calls `_plan_wakeup` makes)."""

    def __init__(self, tick: datetime) -> None:
        self.tick = tick
        self.added: list[dict] = []

    def get_job(self, job_id: str) -> object:
        return type("Job", (), {"next_run_time": self.tick})()

    def add_job(self, func: object, trigger: str, **kwargs: object) -> None:
        self.added.append({"trigger": trigger, **kwargs})


def test_the_daemon_wakes_up_when_a_site_falls_due_before_the_next_tick(tmp_path: Path, fake: Build) -> None:
    # An hourly cron and a 20-minute site: the daemon adds a wake-up at the site's due time.
    clock = Clock()
    sched = fake(["a"], {"new": {"a": 1}}, schedule={"cron": "0 * * * *", "process": False, "index": False},
                 adaptive={"min_interval": "20m", "max_interval": "20m", "initial_interval": "20m"})
    sched.clock = clock
    sched.run_once()
    jobs = Jobs(tick=T0 + timedelta(hours=1))
    sched._plan_wakeup(jobs, "0 * * * *", ["a"], lambda cron, sites: None)
    [wakeup] = jobs.added
    assert wakeup["trigger"] == "date" and wakeup["run_date"] == T0 + timedelta(minutes=20)
    assert wakeup["args"] == ["0 * * * *", ["a"]] and wakeup["replace_existing"]
    # Due after the next tick: the tick takes it, no extra wake-up.
    later = Jobs(tick=T0 + timedelta(minutes=10))
    sched._plan_wakeup(later, "0 * * * *", ["a"], lambda cron, sites: None)
    assert later.added == []
