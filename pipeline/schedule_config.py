"""The scheduler's configuration: a TOML file (default `pipeline/schedule.toml`), validated on load.

Every key is declared once in `SCHEMA` in the one config form (`crawler.config.Key`: kind, default,
meaning); docs/deploy.md documents each of them and a test keeps the two in step. A bad file raises
`ScheduleConfigError` naming the file and the key, e.g. `schedule.toml: adaptive.min_interval: must be a duration`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.config import Key, documented, read_toml, validate

DEFAULT_CONFIG = Path(__file__).with_name("schedule.toml")


class ScheduleConfigError(ValueError):
    """The configuration file is unreadable or a key is unknown or has a bad value."""


#: section -> key -> Key(kind, default, meaning[, minimum]) (crawler.config); `cron` and `redis` are kinds of
#: this module.
SCHEMA: dict[str, dict[str, Key]] = {
    "schedule": {
        "cron": Key("cron", "*/15 * * * *", "when the scheduler wakes up for sites without their own cron"),
        "timezone": Key("tz", "Asia/Ho_Chi_Minh", "time zone of the cron expressions"),
        "sites": Key("strings", [], "site ids to keep current; empty means every checked non-mirror site"),
        "searches": Key("strings", [], "queries put to each site's own search every crawl (`ct05 crawl --search`)"),
        "process": Key("bool", True, "run the NLP step after a crawl that stored something"),
        "index": Key("bool", True, "bring the search index up to date after the NLP step"),
        "parallel": Key("int", 2, "crawls (one child process per site) running at once"),
        "crawl_timeout": Key("duration", 3600, "a crawl child running longer is stopped"),
        "step_timeout": Key("duration", 3600, "the NLP or index child running longer is stopped"),
        "lock_wait": Key("duration", 60, "how long to wait for the NLP or index lock of another scheduler"),
        "redis": Key("redis", "", "Redis URL holding the site, NLP and index locks of schedulers on several "
                     "machines (empty: flock files; CT05_REDIS or --redis override it)"),
        "archive": Key("str", "", "the archive of every step: a postgresql:// URL shared by several machines (empty: "
                       "the SQLite file in the data dir; CT05_ARCHIVE or --archive override it)"),
        "min_free_mb": Key("int", 200, "a cycle does not start with less free space in the data dir"),
        "misfire_grace": Key("duration", 300, "a wake-up missed by at most this much still runs"),
        "log_file": Key("str", "logs/schedule.log", "rotating log file, relative to the data dir"),
        "log_max_bytes": Key("int", 5_000_000, "size at which the log file is rotated"),
        "log_backups": Key("int", 5, "rotated log files kept"),
        "log_keep": Key("duration", "14d", "per-crawl log files older than this are deleted (0: keep them all)"),
        "silent_after": Key("duration", "7d", "a site with no new article for this long is silent (0: never)"),
    },
    "adaptive": {
        "enabled": Key("bool", True, "move each site's interval by how much its last runs found"),
        "min_interval": Key("duration", 1800, "shortest interval between two crawls of a site"),
        "max_interval": Key("duration", 86400, "longest interval between two crawls of a site"),
        "initial_interval": Key("duration", 7200, "interval of a site with no history"),
        "target_new": Key("float", 5.0, "new articles per crawl the interval aims at"),
        "window": Key("int", 3, "number of last crawls averaged"),
        "factor": Key("float", 2.0, "most the interval changes by after one crawl (multiply or divide)"),
    },
    "backoff": {
        "base": Key("duration", 600, "wait after the first failure of a site"),
        "factor": Key("float", 2.0, "the wait is multiplied by this after each further failure"),
        "max": Key("duration", 86400, "longest wait after failures"),
    },
    "sites.*": {
        "enabled": Key("bool", True, "false leaves the site out of every job"),
        "cron": Key("cron", None, "the site's own wake-up times (a separate job) instead of schedule.cron"),
        "base_url": Key("url", None, "crawl the site at another address (e.g. a mirror)"),
        "min_interval": Key("duration", None, "overrides adaptive.min_interval for this site"),
        "max_interval": Key("duration", None, "overrides adaptive.max_interval for this site"),
        "silent_after": Key("duration", None, "overrides schedule.silent_after for this site"),
    },
}

@dataclass(frozen=True)
class SiteSchedule:
    """One site's overrides (None: use the global value)."""

    id: str
    enabled: bool = True
    cron: str | None = None
    base_url: str | None = None
    min_interval: float | None = None
    max_interval: float | None = None
    silent_after: float | None = None


@dataclass(frozen=True)
class ScheduleConfig:
    """The validated configuration; `section(name)` gives a section's values as a dict."""

    schedule: dict[str, Any]
    adaptive: dict[str, Any]
    backoff: dict[str, Any]
    sites: dict[str, SiteSchedule] = field(default_factory=dict)
    path: str = "<defaults>"

    def bounds(self, site_id: str) -> tuple[float, float]:
        """(min, max) interval of a site."""
        site = self.sites.get(site_id)
        low = site.min_interval if site and site.min_interval is not None else self.adaptive["min_interval"]
        high = site.max_interval if site and site.max_interval is not None else self.adaptive["max_interval"]
        return float(low), float(high)

    def base_url(self, site_id: str) -> str | None:
        site = self.sites.get(site_id)
        return site.base_url if site else None

    def silent_after(self, site_id: str) -> float:
        """Seconds without a new article after which the site is silent (0: never)."""
        site = self.sites.get(site_id)
        value = site.silent_after if site and site.silent_after is not None else self.schedule["silent_after"]
        return float(value)

    def cron_of(self, site_id: str) -> str:
        site = self.sites.get(site_id)
        return site.cron if site and site.cron else self.schedule["cron"]


def cron_trigger(expr: str, timezone: str = "UTC") -> Any:
    """An APScheduler trigger from a crontab line: 5 fields, or 6 with seconds first (for tests)."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) == 5:
        return CronTrigger.from_crontab(expr, timezone=timezone)
    if len(fields) == 6:
        second, minute, hour, day, month, dow = fields
        return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month, day_of_week=dow,
                           timezone=timezone)
    raise ValueError(f"wrong number of fields; got {len(fields)}, expected 5 (or 6 with seconds first)")


def cron_period(expr: str, timezone: str = "UTC", samples: int = 6) -> float:
    """The shortest gap, in seconds, between consecutive wake-ups of a cron expression."""
    from datetime import datetime

    trigger = cron_trigger(expr, timezone)
    now = datetime.now(trigger.timezone)
    fires = [trigger.get_next_fire_time(None, now)]
    for _ in range(samples):
        fires.append(trigger.get_next_fire_time(fires[-1], fires[-1]))
    gaps = [(b - a).total_seconds() for a, b in zip(fires, fires[1:], strict=False) if a and b]
    return min((g for g in gaps if g > 0), default=60.0)


def _check_cron(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a cron expression string")
    try:
        cron_trigger(value)
    except ValueError as exc:
        raise ValueError(f"invalid cron expression {value!r}: {exc}") from None
    return value


def check_redis_url(value: Any) -> str:
    """A Redis URL (`redis://`, `rediss://` or `unix://`), or "" for none."""
    if not isinstance(value, str) or (value and not value.startswith(("redis://", "rediss://", "unix://"))):
        raise ValueError(f"must be a redis://host:port/db URL (or empty), not {value!r}")
    return value


def _section(where: str, name: str, raw: Any, schema_name: str) -> dict[str, Any]:
    return validate(raw, SCHEMA[schema_name], where=where, name=name, error=ScheduleConfigError,
                    extra={"cron": _check_cron, "redis": check_redis_url})


def parse_config(raw: dict[str, Any], where: str = "<config>",
                 known_sites: set[str] | None = None) -> ScheduleConfig:
    """Validate a parsed TOML document. `known_sites` (the registry ids) also checks site ids."""
    for name in raw:
        if name not in ("schedule", "adaptive", "backoff", "sites"):
            raise ScheduleConfigError(f"{where}: {name}: unknown section (known: schedule, adaptive, backoff, sites)")
    schedule = _section(where, "schedule", raw.get("schedule"), "schedule")
    adaptive = _section(where, "adaptive", raw.get("adaptive"), "adaptive")
    backoff = _section(where, "backoff", raw.get("backoff"), "backoff")
    if schedule["parallel"] < 1:
        raise ScheduleConfigError(f"{where}: schedule.parallel: must be at least 1")
    if adaptive["min_interval"] > adaptive["max_interval"]:
        raise ScheduleConfigError(f"{where}: adaptive.min_interval: must not exceed adaptive.max_interval")
    if adaptive["factor"] < 1 or backoff["factor"] < 1:
        bad = "adaptive.factor" if adaptive["factor"] < 1 else "backoff.factor"
        raise ScheduleConfigError(f"{where}: {bad}: must be at least 1")
    if adaptive["window"] < 1:
        raise ScheduleConfigError(f"{where}: adaptive.window: must be at least 1")
    sites_raw = raw.get("sites") or {}
    if not isinstance(sites_raw, dict):
        raise ScheduleConfigError(f"{where}: sites: must be a table of [sites.<id>] tables")
    sites: dict[str, SiteSchedule] = {}
    for site_id, entry in sites_raw.items():
        if known_sites is not None and site_id not in known_sites:
            raise ScheduleConfigError(f"{where}: sites.{site_id}: unknown site id (not in the site registry)")
        values = _section(where, f"sites.{site_id}", entry, "sites.*")
        sites[site_id] = SiteSchedule(id=site_id, **values)
    if known_sites is not None:
        for site_id in schedule["sites"]:
            if site_id not in known_sites:
                raise ScheduleConfigError(f"{where}: schedule.sites: unknown site id {site_id!r}")
    return ScheduleConfig(schedule=schedule, adaptive=adaptive, backoff=backoff, sites=sites, path=where)


def load_config(path: Path | str | None = None, known_sites: set[str] | None = None) -> ScheduleConfig:
    """Read and validate the configuration file (the bundled default when `path` is None)."""
    path = Path(path) if path else DEFAULT_CONFIG
    raw = read_toml(path, ScheduleConfigError)
    return parse_config(raw, where=path.name, known_sites=known_sites)


def documented_keys() -> list[str]:
    """Every configurable key as it appears in documentation, e.g. `adaptive.min_interval`."""
    return documented(SCHEMA)
