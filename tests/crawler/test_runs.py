"""One typed run record for crawls and scheduler cycles (crawler.runs.RunRecord), stored in the archive's
stats format: what a crawl or a cycle writes reads back as the same record, and older rows still read."""

from __future__ import annotations

from pathlib import Path

from crawler.archive import Archive
from crawler.runs import RunCounts, RunRecord, begin_run, finish_run, read_runs, save_run
from crawler.stats import COUNTERS, CrawlStats


def test_a_crawl_record_is_the_crawl_stats_the_archive_has_always_stored(tmp_path: Path) -> None:
    stats = CrawlStats()
    stats.site("a").bump("pages", 4)
    stats.site("a").bump("new", 3)
    stats.site("b").fail("timeout")
    with Archive.open(tmp_path) as archive:
        stats.run_id = begin_run(archive, stats.record()).id
        stats.status = "finished"
        finish_run(archive, stats.record(), "finished")
        [row] = archive.runs(kind="crawl")
        [run] = read_runs(archive, kind="crawl")
    assert row["stats"]["totals"]["new"] == 3 and set(COUNTERS) < set(row["stats"]["totals"])
    assert row["stats"]["sites"]["b"]["failed_by_reason"] == {"timeout": 1} and row["stats"]["run_id"] == run.id
    assert run.kind == "crawl" and run.status == "finished" and run.started and run.ended
    assert run.counts.pages == 4 and run.counts.new == 3 and run.counts.failed_by_reason == {"timeout": 1}
    assert run.pages_fetched == 4 and run.extra["republications"] == 0
    assert CrawlStats.from_dict(run.to_stats()).per_site == stats.per_site


def test_a_cycle_record_keeps_its_sites_steps_and_errors(tmp_path: Path) -> None:
    record = RunRecord(kind="schedule", job="*/15 * * * *")
    with Archive.open(tmp_path) as archive:
        begin_run(archive, record)
        record.sites["a"] = {"status": "failed", "error": "boom", "new": 0}
        record.counts.failed += 1
        record.errors.append("a: boom")
        save_run(archive, record)
        assert read_runs(archive, kind="schedule")[0].status == "running"
        record.steps["process"] = {"status": "ok"}
        finish_run(archive, record, "partial")
        [row] = archive.runs(kind="schedule")
        [run] = read_runs(archive, kind="schedule")
    assert row["stats"]["totals"] == {"new": 0, "updated": 0, "failed": 1}
    assert row["stats"]["errors"] == ["a: boom"] and row["stats"]["job"] == "*/15 * * * *"
    assert run.status == "partial" and run.job == "*/15 * * * *" and run.errors == ["a: boom"]
    assert run.sites["a"]["error"] == "boom" and run.steps["process"]["status"] == "ok"
    assert run.pages_fetched is None and run.to_stats() == row["stats"]


def test_a_row_without_stats_or_with_odd_values_still_reads() -> None:
    run = RunRecord.from_row({"id": 7, "kind": "crawl", "started": "2024-01-01T00:00:00", "ended": None,
                              "status": "interrupted", "stats": {"totals": {"new": "x", "pages": 2}, "sites": []}})
    assert run.id == 7 and run.counts == RunCounts(pages=2) and run.sites == {} and run.pid == 0
    assert RunRecord.from_row({"id": 8, "kind": "schedule", "status": "running", "stats": None}).errors == []
