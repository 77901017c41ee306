"""How the scheduled sites are doing: failing sites, silent sites, and the exit code of `ct05 schedule --once`.

A site is *failing* while its last crawls failed (back-off running). It is *silent* when it has gone
`silent_after` (schedule config, per site overridable) without a new article although its crawls
succeed: extraction or discovery broke and the site reports "ok, 0 new" (Media Cloud flags feeds
that stop producing stories the same way). The last new article is the newest `first_seen` of the
site in the archive, or the last crawl that stored one, whichever is later; a site that never had
one counts from its first scheduled crawl.

The thresholds are the scheduler's: every cycle writes them to the archive (`meta`), so `ct05 status`,
the admin page and `/healthz` judge with the scheduler's configuration without reading its file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from crawler.archive import Archive
from pipeline.schedule_config import ScheduleConfig, parse_config
from pipeline.schedule_state import all_states, iso, parse_iso

THRESHOLDS_KEY = "schedule.silent_after"
#: `ct05 schedule --once` exit codes (documented in docs/deploy.md).
EXIT_OK = 0  # every cycle ok (or nothing was due) and no site failing or silent
EXIT_CYCLE_FAILED = 1  # a cycle could not start (data dir, archive) or its process or index step failed
EXIT_SITES = 3  # the cycles ran, but some site failed or is failing or silent
# (2 is click's usage error: a bad option or a bad configuration file.)


def save_thresholds(archive: Archive, config: ScheduleConfig, sites: Iterable[str]) -> None:
    """Note the silent thresholds of this scheduler's sites for the readers of the archive."""
    value = json.dumps({"default": float(config.schedule["silent_after"]),
                        "sites": {s: config.silent_after(s) for s in sites}}, sort_keys=True)
    if archive.get_meta(THRESHOLDS_KEY) != value:
        archive.set_meta(THRESHOLDS_KEY, value)


def _thresholds(archive: Archive, config: ScheduleConfig | None) -> tuple[float, dict[str, float]]:
    if config is not None:
        return float(config.schedule["silent_after"]), {s: config.silent_after(s) for s in config.sites}
    try:
        saved = json.loads(archive.get_meta(THRESHOLDS_KEY) or "{}")
        return float(saved["default"]), {k: float(v) for k, v in saved.get("sites", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return float(parse_config({}).schedule["silent_after"]), {}


def last_new_by_source(archive: Archive) -> dict[str, str]:
    """source -> `first_seen` of its newest article."""
    rows = archive.db.execute("SELECT source, MAX(first_seen) FROM articles GROUP BY source").fetchall()
    return {str(source): str(seen) for source, seen in rows if seen}


def site_health(archive: Archive, config: ScheduleConfig | None, at: datetime) -> dict[str, dict[str, Any]]:
    """For every site the scheduler has seen: last new article, threshold, `silent`, `failing`."""
    default, per_site = _thresholds(archive, config)
    newest = last_new_by_source(archive)
    health: dict[str, dict[str, Any]] = {}
    for site_id, state in all_states(archive).items():
        threshold = per_site.get(site_id, default)
        candidates = [v for v in (newest.get(site_id), state.last_new) if v]
        last_new = iso(max(parse_iso(v) for v in candidates)) if candidates else None
        reference = last_new or state.since
        silent = bool(threshold > 0 and state.last_ok and reference
                      and parse_iso(reference) + timedelta(seconds=threshold) <= at)
        health[site_id] = {"last_new_article": last_new, "silent_after": threshold, "silent": silent,
                           "failing": state.failures > 0}
    return health


def once_exit_code(records: list[dict[str, Any]], health: dict[str, dict[str, Any]], sites: Iterable[str]) -> int:
    """The exit code of `ct05 schedule --once` from its cycle records and the health of its sites."""
    # A dead site fails its crawl, not the cycle: the cycle fails when it cannot start or a step of its own
    # (process, index) fails.
    if any(r.get("status") == "error" or any(i.get("status") == "failed" for i in (r.get("steps") or {}).values())
           for r in records):
        return EXIT_CYCLE_FAILED
    wanted = set(sites)
    crawl_failed = any(info.get("status") == "failed" for r in records for info in (r.get("sites") or {}).values())
    troubled = any(h["failing"] or h["silent"] for s, h in health.items() if s in wanted)
    if crawl_failed or troubled:
        return EXIT_SITES
    return EXIT_OK
