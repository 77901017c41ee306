"""`/healthz`: whether this instance can serve and how the pipeline behind it is doing, as JSON.

200 while the archive and the search index can be read; 503 when either cannot (a load balancer takes
the instance out). Sites failing or silent and a failed last scheduler cycle make the status
`degraded`, still 200 (the instance serves fine); `?strict=1` turns `degraded` into 503 too, for a
monitor that only looks at status codes. docs/deploy.md describes every field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, request

from webui.resources import archive_location, data_dir

bp = Blueprint("health", __name__)
#: Cycle statuses that make the instance `degraded`.
BAD_CYCLES = ("failed", "crashed", "partial")


def _age(moment: str | None, now: datetime) -> float | None:
    if not moment:
        return None
    stamp = datetime.fromisoformat(moment)
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return round((now - stamp).total_seconds(), 1)


def index_facts(index_dir: Path) -> dict[str, Any]:
    """Is the index readable; its documents, size on disk, last commit time and archive seq."""
    from index import layout
    from index.store import SearchIndex

    facts: dict[str, Any] = {"ok": False}
    generation = layout.current_dir(index_dir)
    try:
        idx = SearchIndex.open(index_dir, refresh_interval=3600)
        try:
            facts["documents"] = int(idx.doc_count())
        finally:
            idx.close()
    except Exception as exc:  # missing, corrupt, unreadable: all mean "cannot serve searches"
        facts["error"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return facts
    facts["ok"] = True
    if generation is not None:
        files = [p for p in generation.rglob("*") if p.is_file()]
        facts["size_bytes"] = sum(p.stat().st_size for p in files)
        state_file = generation / layout.STATE
        stamp = state_file.stat().st_mtime if state_file.exists() else max((p.stat().st_mtime for p in files),
                                                                            default=None)
        if stamp is not None:
            facts["updated"] = datetime.fromtimestamp(stamp, UTC).replace(microsecond=0).isoformat()
        facts["seq"] = layout.read_state(generation).get("seq")
    return facts


def probe(data: Path, now: datetime | None = None, location: str | None = None) -> dict[str, Any]:
    """Everything /healthz reports (and /metrics exports), read from the data dir."""
    from crawler.archive import Archive, ArchiveError
    from pipeline.schedule_state import schedule_status

    now = now or datetime.now(UTC)
    report: dict[str, Any] = {"status": "ok", "time": now.replace(microsecond=0).isoformat()}
    archive_facts: dict[str, Any] = {"ok": False}
    scheduler: dict[str, Any] = {"last_cycle": None}
    sites: dict[str, Any] = {"failing": [], "silent": [], "state": {}}
    try:
        with Archive.open(data, readonly=True, location=location) as archive:
            archive_facts = {"ok": True, "articles": archive.count(), "by_source": archive.counts_by_source(),
                             "seq": archive.max_seq()}
            status = schedule_status(archive, data, limit=1, at=now)
            sites = {"failing": status["failing"], "silent": status["silent"], "state": status["sites"]}
    except ArchiveError as exc:
        archive_facts["error"] = str(exc)
        status = {"cycles": []}
    except Exception as exc:  # a corrupt file surfaces as sqlite errors: the archive is not readable
        archive_facts["error"] = f"{type(exc).__name__}: {exc}"
        status = {"cycles": []}
    if status["cycles"]:
        cycle = status["cycles"][0]  # a crawler.runs.RunRecord
        age = _age(cycle.ended or cycle.started, now)
        scheduler["last_cycle"] = {"id": cycle.id, "status": cycle.status, "started": cycle.started,
                                   "ended": cycle.ended, "age_seconds": age}
    index = index_facts(data / "index")
    index["age_seconds"] = _age(index.get("updated"), now)
    if archive_facts["ok"] and index["ok"] and index.get("seq") is not None:
        index["behind"] = max(int(archive_facts["seq"]) - int(index["seq"]), 0)
    report.update(archive=archive_facts, index=index, scheduler=scheduler, sites=sites)
    if not (archive_facts["ok"] and index["ok"]):
        report["status"] = "down"
    elif sites["failing"] or sites["silent"] or (scheduler["last_cycle"] or {}).get("status") in BAD_CYCLES:
        report["status"] = "degraded"
    return report


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    report = probe(data_dir(), location=archive_location())
    report["sites"].pop("state", None)  # per-site detail is the admin page's and /metrics'
    strict = request.args.get("strict", "") not in ("", "0", "false")
    bad = report["status"] == "down" or (strict and report["status"] == "degraded")
    response = jsonify(report)
    response.headers["Cache-Control"] = "no-store"
    return response, 503 if bad else 200
