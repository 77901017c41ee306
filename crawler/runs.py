"""One typed record of a run: a crawl (`crawler.crawl`) or a scheduler cycle (`pipeline.schedule`).

Both produce a `RunRecord`; `ct05 status`, `ct05 schedule --status`, the admin page and /healthz read
`RunRecord`s (`read_runs`). The archive stores a run as a row (kind, started, ended, status) and a stats
document: `to_stats` / `RunRecord.from_row` convert at that boundary, in the stats format the archive has
always held, so records written before this type read back unchanged.
"""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Protocol

__all__ = ["CYCLE_TOTALS", "RunCounts", "RunRecord", "begin_run", "finish_run", "read_runs", "save_run"]

#: The counters a scheduler cycle stores in its totals (a crawl stores every `RunCounts` counter).
CYCLE_TOTALS = ("new", "updated", "failed")
_OWN_KEYS = {"run_id", "status", "pid", "host", "job", "errors", "sites", "steps", "totals"}


class RunStore(Protocol):
    """What a run needs of the archive (crawler.archive.Archive)."""

    def start_run(self, kind: str) -> int: ...
    def update_run_stats(self, run_id: int, stats: dict[str, Any]) -> None: ...
    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None: ...
    def runs(self, limit: int = 10, kind: str | None = None) -> list[dict[str, Any]]: ...


@dataclass
class RunCounts:
    """A run's totals over its sites (the counters of `crawler.stats.COUNTERS`)."""

    pages: int = 0  # HTTP responses: sitemaps, feeds, listings and articles
    articles: int = 0  # pages extracted as an article
    new: int = 0  # articles stored for the first time
    updated: int = 0  # known articles whose text changed
    unchanged: int = 0  # known articles fetched again, same text
    skipped: int = 0  # known article URLs not fetched
    not_article: int = 0  # pages asked for as articles that were not one
    section_pages: int = 0  # of those, section or listing pages of teasers
    not_modified: int = 0  # 304 answers to conditional requests
    listings: int = 0  # listing pages read
    sitemaps: int = 0  # sitemaps read
    feeds: int = 0  # feeds read
    searches: int = 0  # site search result pages read
    failed: int = 0  # failed requests (a cycle: failed crawls)
    failed_by_reason: dict[str, int] = field(default_factory=dict)  # reason → failed requests

    @classmethod
    def from_dict(cls, data: Any) -> RunCounts:
        data = data if isinstance(data, dict) else {}
        counts = cls(**{f.name: _int(data.get(f.name)) for f in fields(cls) if f.name != "failed_by_reason"})
        reasons = data.get("failed_by_reason")
        counts.failed_by_reason = {str(k): _int(v) for k, v in reasons.items()} if isinstance(reasons, dict) else {}
        return counts


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


@dataclass
class RunRecord:
    """One crawl or scheduler cycle: what ran, when, how it ended and what it counted."""

    kind: str  # "crawl" or "schedule"
    status: str = "running"  # crawl: finished, failed, archive_error, ...; cycle: ok, partial, failed, ...
    id: int | None = None
    started: str | None = None  # ISO UTC, set by the archive
    ended: str | None = None
    pid: int = field(default_factory=os.getpid)  # the running process: a live one's run is not stale
    host: str = field(default_factory=socket.gethostname)
    job: str | None = None  # a cycle's cron job
    counts: RunCounts = field(default_factory=RunCounts)
    errors: list[str] = field(default_factory=list)
    sites: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-site figures or crawl outcomes
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)  # a cycle's process and index steps
    extra: dict[str, Any] = field(default_factory=dict)  # the kind's own figures (a crawl's elapsed, republish)

    @property
    def crawl(self) -> bool:
        return self.kind == "crawl"

    @property
    def pages_fetched(self) -> int | None:
        """Pages a finished crawl fetched (None for a cycle, which repeats its crawls' figures)."""
        return self.counts.pages if self.crawl else None

    def to_stats(self) -> dict[str, Any]:
        """The stats document the archive stores for this run."""
        totals = asdict(self.counts)
        if not self.crawl:
            totals = {k: totals[k] for k in CYCLE_TOTALS}
        stats: dict[str, Any] = {"pid": self.pid, "host": self.host, "status": self.status, "totals": totals,
                                 "sites": self.sites, **self.extra}
        if self.crawl:
            stats["run_id"] = self.id
        else:
            stats.update(job=self.job, steps=self.steps, errors=self.errors)
        return stats

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> RunRecord:
        """A record from one of `Archive.runs()`'s rows (id, kind, started, ended, status, stats)."""
        stats = row.get("stats") if isinstance(row.get("stats"), dict) else {}
        return cls(kind=str(row.get("kind") or ""), status=str(row.get("status") or ""), id=row.get("id"),
                   started=row.get("started"), ended=row.get("ended"), pid=_int(stats.get("pid")),
                   host=str(stats.get("host") or ""), job=stats.get("job"),
                   counts=RunCounts.from_dict(stats.get("totals")),
                   errors=[str(e) for e in stats.get("errors") or []],
                   sites={str(k): v for k, v in (stats.get("sites") or {}).items() if isinstance(v, dict)},
                   steps={str(k): v for k, v in (stats.get("steps") or {}).items() if isinstance(v, dict)},
                   extra={k: v for k, v in stats.items() if k not in _OWN_KEYS})

    def as_dict(self) -> dict[str, Any]:
        """For JSON output (`ct05 status --json`): every field, counts as a table."""
        return asdict(self)


def begin_run(archive: RunStore, record: RunRecord) -> RunRecord:
    """Record the start of a run (its id is set); the stats name this process from the first moment."""
    record.id = archive.start_run(record.kind)
    archive.update_run_stats(record.id, record.to_stats())
    return record


def save_run(archive: RunStore, record: RunRecord) -> None:
    """Store the running figures of a run."""
    if record.id is not None:
        archive.update_run_stats(record.id, record.to_stats())


def finish_run(archive: RunStore, record: RunRecord, status: str) -> None:
    """Record how a run ended."""
    record.status = status
    if record.id is not None:
        archive.finish_run(record.id, status, record.to_stats())


def read_runs(archive: RunStore, limit: int = 10, kind: str | None = None) -> list[RunRecord]:
    """The last `limit` runs (of `kind`), newest first."""
    return [RunRecord.from_row(row) for row in archive.runs(limit, kind=kind)]
