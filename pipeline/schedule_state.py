"""Per-site scheduling state: adaptive polling interval, failure back-off and when the site is due next.

The state of a site is a small JSON document in the archive's `meta` table (key `schedule.site.<id>`),
written only by the process that holds the site's lock, so two schedulers never race on it.

Adaptive polling follows Media Cloud's feed scheduler: a site that published a lot since the last
crawl is polled sooner, a quiet one later, always within its configured bounds. Here the interval is
scaled by `target_new / mean(new articles of the last `window` crawls)`, the scale clamped to
[1/factor, factor] so one busy or quiet day cannot swing it from one bound to the other.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.archive import Archive
from crawler.runs import read_runs
from pipeline.schedule_config import ScheduleConfig

META_PREFIX = "schedule.site."


@dataclass
class SiteState:
    """What the scheduler remembers about one site between runs."""

    site: str
    interval: float = 0.0  # seconds; 0 = not set yet (the initial interval applies)
    next_due: str | None = None  # ISO UTC; None = due now
    failures: int = 0  # consecutive failed crawls
    recent_new: list[int] = field(default_factory=list)  # new articles of the last crawls, newest last
    last_run: str | None = None
    last_status: str | None = None
    last_error: str | None = None
    interrupted: bool = False  # the last crawl did not finish: resume it
    last_ok: str | None = None  # the last crawl that finished
    last_new: str | None = None  # the last crawl that stored a new article
    since: str | None = None  # the first crawl by the scheduler (a silent site's clock starts here)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteState:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_iso(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load_state(archive: Archive, site_id: str) -> SiteState:
    raw = archive.get_meta(META_PREFIX + site_id)
    if not raw:
        return SiteState(site=site_id)
    try:
        return SiteState.from_dict({**json.loads(raw), "site": site_id})
    except (ValueError, TypeError):
        return SiteState(site=site_id)  # an unreadable note only costs one extra crawl


def save_state(archive: Archive, state: SiteState) -> None:
    archive.set_meta(META_PREFIX + state.site, json.dumps(state.as_dict(), ensure_ascii=False))


def all_states(archive: Archive) -> dict[str, SiteState]:
    """Every site the scheduler has seen (for `ct05 status` and the admin page)."""
    rows = archive.db.execute("SELECT key, value FROM meta WHERE key LIKE ?", (META_PREFIX + "%",)).fetchall()
    states: dict[str, SiteState] = {}
    for key, value in rows:
        site_id = key[len(META_PREFIX):]
        try:
            states[site_id] = SiteState.from_dict({**json.loads(value), "site": site_id})
        except (ValueError, TypeError):
            continue
    return states


def is_due(state: SiteState, at: datetime, slack: float = 0.0) -> bool:
    """Due at `at`, or within `slack` seconds after it (the wake-up nearest the due time takes the site,
    rather than the first one after it: a site due a second after a wake-up would wait a whole period)."""
    return state.next_due is None or parse_iso(state.next_due) <= at + timedelta(seconds=slack)


def next_interval(config: ScheduleConfig, state: SiteState) -> float:
    """The interval after the crawls in `state.recent_new`, within the site's bounds."""
    low, high = config.bounds(state.site)
    adaptive = config.adaptive
    current = state.interval or float(adaptive["initial_interval"])
    if not adaptive["enabled"]:
        return min(max(current, low), high)
    window = state.recent_new[-int(adaptive["window"]):]
    if window:
        mean = sum(window) / len(window)
        factor = float(adaptive["factor"])
        # Aim at target_new new articles per crawl; clamp so one run moves the interval by at most `factor`.
        scale = factor if mean <= 0 else min(max(float(adaptive["target_new"]) / mean, 1 / factor), factor)
        current *= scale
    return min(max(current, low), high)


def backoff_delay(config: ScheduleConfig, failures: int) -> float:
    """Seconds to wait after `failures` consecutive failures (0 for none)."""
    if failures <= 0:
        return 0.0
    backoff = config.backoff
    return float(min(backoff["base"] * backoff["factor"] ** (failures - 1), backoff["max"]))


def record_success(config: ScheduleConfig, state: SiteState, new: int, at: datetime) -> SiteState:
    """Update the state after a finished crawl that found `new` new articles; `at` is the wake-up that
    started it, so the next crawl is due one interval after this one started, however long it took."""
    state.recent_new = [*state.recent_new, int(new)][-max(int(config.adaptive["window"]), 1):]
    state.interval = next_interval(config, state)
    state.failures = 0
    state.last_error = None
    state.last_status = "ok"
    state.interrupted = False
    state.last_run = state.last_ok = iso(at)
    state.since = state.since or iso(at)
    if new > 0:
        state.last_new = iso(at)
    state.next_due = iso(at + timedelta(seconds=state.interval))
    return state


def record_failure(config: ScheduleConfig, state: SiteState, error: str, at: datetime,
                   interrupted: bool = False) -> SiteState:
    """Update the state after a failed crawl: back off, keep the interval."""
    state.failures += 1
    state.last_error = error[:500]
    state.last_status = "failed"
    state.interrupted = interrupted
    state.last_run = iso(at)
    state.since = state.since or iso(at)
    state.interval = state.interval or float(config.adaptive["initial_interval"])
    state.next_due = iso(at + timedelta(seconds=backoff_delay(config, state.failures)))
    return state


def schedule_status(archive: Archive, data_dir: Any, limit: int = 10, config: ScheduleConfig | None = None,
                    at: datetime | None = None, redis: str | None = None) -> dict[str, Any]:
    """What the scheduler knows, for `ct05 status --json`, the admin page and /healthz.

    {"sites": {id: state + "running" (the lock holder, or None), "last_new_article", "silent_after",
     "silent", "failing"}, "cycles": the last `limit` cycles (`crawler.runs.RunRecord`s, newest first),
     "pending": whether stored articles still wait for process/index, "silent": [ids], "failing": [ids]}.
    """
    from pipeline.locks import holder
    from pipeline.schedule_health import site_health

    health = site_health(archive, config, at or now_utc())
    # Who holds a site's lock: on `redis`, else CT05_REDIS (pipeline.locks), else schedule.redis, else flock.
    redis = redis or os.environ.get("CT05_REDIS") or (config.schedule["redis"] if config else None) or None
    sites: dict[str, Any] = {}
    for site_id, state in sorted(all_states(archive).items()):
        sites[site_id] = {**state.as_dict(), "running": holder(data_dir, f"site-{site_id}", redis=redis),
                          **health.get(site_id, {})}
    return {"sites": sites, "cycles": read_runs(archive, limit, kind="schedule"),
            "pending": bool(archive.get_meta("schedule.pending")),
            "silent": [s for s, h in sorted(health.items()) if h["silent"]],
            "failing": [s for s, h in sorted(health.items()) if h["failing"]]}
