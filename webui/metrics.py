"""`/metrics`: the Prometheus text format (the `prometheus-client` library), read at each scrape.

Archive, index, crawl and scheduler figures come from the data dir (`webui.health.probe` and the
archive's `runs`), so every web worker exports the same values; request latency is this worker's own
histogram (a scrape reaches one worker: with several, scrape each or read the sum over instances as
a sample). docs/deploy.md lists every metric.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

bp = Blueprint("metrics", __name__)
EXTENSION = "ct05.metrics"


def _stamp(moment: str | None) -> float | None:
    if not moment:
        return None
    stamp = datetime.fromisoformat(moment)
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


def crawl_totals(data: Path, location: str | None = None
                 ) -> tuple[Counter[tuple[str, str]], Counter[str], Counter[tuple[str, str]]]:
    """Over every recorded run: runs by (kind, status), pages fetched by site, failures by (site, reason)."""
    from crawler.archive import Archive

    runs: Counter[tuple[str, str]] = Counter()
    pages: Counter[str] = Counter()
    failed: Counter[tuple[str, str]] = Counter()
    with Archive.open(data, readonly=True, location=location) as archive:
        rows = archive.db.execute("SELECT kind, status, stats FROM runs").fetchall()
    for kind, status, raw in rows:
        runs[(str(kind), str(status))] += 1
        if kind != "crawl":
            continue  # scheduler cycles repeat their crawls' figures
        try:
            sites = json.loads(raw).get("sites") or {}
        except (ValueError, AttributeError):
            continue
        for site, values in sites.items() if isinstance(sites, dict) else ():
            if not isinstance(values, dict):
                continue
            pages[site] += int(values.get("pages") or 0)
            for reason, n in (values.get("failed_by_reason") or {}).items():
                failed[(site, str(reason))] += int(n)
    return runs, pages, failed


class DataDirCollector(Collector):
    """Collects the data dir's figures at scrape time."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        from webui.health import probe

        data = Path(self.app.config["DATA_DIR"])
        location = os.environ.get("CT05_ARCHIVE") or self.app.config.get("ARCHIVE") or None  # as resources.py
        facts = probe(data, location=location)
        archive, index, sites = facts["archive"], facts["index"], facts["sites"]
        up = GaugeMetricFamily("ct05_up", "1 when the archive and the index can be read", labels=["part"])
        up.add_metric(["archive"], 1.0 if archive["ok"] else 0.0)
        up.add_metric(["index"], 1.0 if index["ok"] else 0.0)
        yield up
        articles = GaugeMetricFamily("ct05_articles", "articles in the archive, by source", labels=["source"])
        for source, n in sorted((archive.get("by_source") or {}).items()):
            articles.add_metric([source], float(n))
        yield articles
        yield from self._index(index)
        yield from self._sites(sites)
        cycle = facts["scheduler"]["last_cycle"]
        last = GaugeMetricFamily("ct05_schedule_last_cycle_timestamp_seconds",
                                 "end (or start) of the last scheduler cycle", labels=["status"])
        if cycle:
            last.add_metric([cycle["status"]], _stamp(cycle["ended"] or cycle["started"]) or 0.0)
        yield last
        if archive["ok"]:
            yield from self._runs(data)

    def _index(self, index: dict[str, Any]) -> Iterator[Metric]:
        for name, key, doc in (("ct05_index_documents", "documents", "documents in the search index"),
                               ("ct05_index_size_bytes", "size_bytes", "size of the live index generation"),
                               ("ct05_index_age_seconds", "age_seconds", "seconds since the index last changed"),
                               ("ct05_index_behind", "behind", "archive changes not in the index yet")):
            if index.get(key) is not None:
                yield GaugeMetricFamily(name, doc, value=float(index[key]))

    def _sites(self, sites: dict[str, Any]) -> Iterator[Metric]:
        success = GaugeMetricFamily("ct05_site_last_success_timestamp_seconds", "last crawl that finished",
                                    labels=["site"])
        fresh = GaugeMetricFamily("ct05_site_last_new_article_timestamp_seconds", "newest article of the site",
                                  labels=["site"])
        failures = GaugeMetricFamily("ct05_site_failures", "failed crawls in a row", labels=["site"])
        silent = GaugeMetricFamily("ct05_site_silent", "1 when the site is past its silent threshold",
                                   labels=["site"])
        for site, state in sorted(sites.get("state", {}).items()):
            if (ok := _stamp(state.get("last_ok"))) is not None:
                success.add_metric([site], ok)
            if (new := _stamp(state.get("last_new_article"))) is not None:
                fresh.add_metric([site], new)
            failures.add_metric([site], float(state.get("failures") or 0))
            silent.add_metric([site], 1.0 if state.get("silent") else 0.0)
        yield from (success, fresh, failures, silent)

    def _runs(self, data: Path) -> Iterator[Metric]:
        location = os.environ.get("CT05_ARCHIVE") or self.app.config.get("ARCHIVE") or None  # as resources.py
        runs, pages, failed = crawl_totals(data, location)
        by_status = CounterMetricFamily("ct05_runs", "recorded runs (crawl, schedule) by final status",
                                        labels=["kind", "status"])
        for (kind, status), n in sorted(runs.items()):
            by_status.add_metric([kind, status], float(n))
        fetched = CounterMetricFamily("ct05_pages_fetched", "pages fetched by crawls, by site", labels=["site"])
        for site, n in sorted(pages.items()):
            fetched.add_metric([site], float(n))
        errors = CounterMetricFamily("ct05_pages_failed", "fetches that failed, by site and reason",
                                     labels=["site", "reason"])
        for (site, reason), n in sorted(failed.items()):
            errors.add_metric([site, reason], float(n))
        yield from (by_status, fetched, errors)


def _registry(app: Flask) -> tuple[CollectorRegistry, Histogram]:
    found = app.extensions.get(EXTENSION)
    if found is None:
        registry = CollectorRegistry(auto_describe=True)
        latency = Histogram("ct05_request_duration_seconds", "time to answer a request (this worker)",
                            ["endpoint"], registry=registry)
        registry.register(DataDirCollector(app))
        found = app.extensions[EXTENSION] = (registry, latency)
    return found  # type: ignore[no-any-return]


@bp.record_once
def _setup(state: Any) -> None:
    _registry(state.app)


@bp.before_app_request
def _start_timer() -> None:
    g.ct05_request_start = time.perf_counter()


@bp.after_app_request
def _observe(response: Response) -> Response:
    start = g.get("ct05_request_start")
    if start is not None:
        # The endpoint name, not the URL: a bounded set of label values.
        _registry(current_app)[1].labels(request.endpoint or "unmatched").observe(time.perf_counter() - start)
    return response


@bp.get("/metrics")
def metrics() -> Response:
    registry = _registry(current_app)[0]
    response = Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST.split(";")[0])
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    response.headers["Cache-Control"] = "no-store"
    return response

