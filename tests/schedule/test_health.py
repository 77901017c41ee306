"""/healthz and /metrics over a data dir the scheduler (driven clock, fake crawl children) has worked on,
and the exit codes of `--once` that cron and systemd see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from crawler.archive import Archive
from crawler.article import Article
from pipeline.schedule import Scheduler
from pipeline.schedule_health import EXIT_CYCLE_FAILED, EXIT_OK, EXIT_SITES, once_exit_code, site_health

Build = Callable[..., Scheduler]
QUIET = {"schedule": {"silent_after": "3d", "process": False, "index": False}}


def _index(data: Path) -> None:
    from index.sync import sync_index

    with Archive.open(data) as archive:
        archive.upsert_many([Article(url=f"http://busy.test/{i}", source="busy", title=f"Tin {i}", body="Nội dung.")
                             for i in range(3)])
        sync_index(archive, data / "index")


def _client(data: Path):  # type: ignore[no-untyped-def]
    from webui import create_app

    return create_app({"DATA_DIR": str(data), "TESTING": True, "SECRET_KEY": "test"}).test_client()


def _run_days_ago(fake: Build, days: int) -> Scheduler:
    """Crawl `quiet` (nothing new, ever) and `busy` (new articles) with the scheduler's clock `days` ago."""
    sched = fake(["quiet", "busy"], {"new": {"busy": 1}}, **QUIET)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days)
    sched.clock = lambda: start
    [record] = sched.run_once()
    assert record["sites"]["quiet"]["status"] == "ok" and record["sites"]["busy"]["status"] == "ok"
    return sched


def test_healthz_is_200_with_a_readable_index_and_503_when_it_is_not(tmp_path: Path) -> None:
    _index(tmp_path)
    client = _client(tmp_path)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["archive"]["ok"] and body["archive"]["articles"] == 3
    assert body["index"]["ok"] and body["index"]["documents"] == 3 and body["index"]["age_seconds"] is not None
    assert body["index"]["behind"] == 0
    assert body["scheduler"]["last_cycle"] is None and body["sites"] == {"failing": [], "silent": []}
    # Break the index: its segment files are gone.
    from index import layout

    generation = layout.current_dir(tmp_path / "index")
    assert generation is not None
    for path in generation.iterdir():
        if path.suffix in (".toc", ".seg"):
            path.unlink()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "down" and body["index"]["ok"] is False and body["index"]["error"]
    assert body["archive"]["ok"] is True


@pytest.mark.usefixtures("archive_backend")  # the scheduler's bookkeeping on either archive
def test_healthz_and_status_report_a_site_silent_after_the_threshold(tmp_path: Path, fake: Build) -> None:
    _run_days_ago(fake, 5)  # quiet: no new article for 5 days, threshold 3 days; busy: new articles today
    _index(tmp_path)
    client = _client(tmp_path)
    response = client.get("/healthz")
    assert response.status_code == 200  # the instance serves; the pipeline is degraded
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["sites"]["silent"] == ["quiet"] and body["sites"]["failing"] == []
    assert body["scheduler"]["last_cycle"]["status"] == "ok"
    assert client.get("/healthz?strict=1").status_code == 503
    with Archive.open(tmp_path) as archive:
        health = site_health(archive, None, datetime.now(UTC))
    assert health["quiet"]["silent"] and health["quiet"]["silent_after"] == 3 * 86400
    assert not health["busy"]["silent"]


def test_a_site_is_not_silent_before_the_threshold(tmp_path: Path, fake: Build) -> None:
    _run_days_ago(fake, 2)
    _index(tmp_path)
    body = _client(tmp_path).get("/healthz").get_json()
    assert body["status"] == "ok" and body["sites"]["silent"] == []


@pytest.mark.usefixtures("archive_backend")  # the scheduler's bookkeeping on either archive
def test_metrics_parse_in_the_prometheus_text_format(tmp_path: Path, fake: Build) -> None:
    _run_days_ago(fake, 5)
    _index(tmp_path)
    with Archive.open(tmp_path) as archive:
        archive.finish_run(archive.start_run("crawl"), "finished", {"sites": {
            "busy": {"pages": 7, "failed": 2, "failed_by_reason": {"http_404": 2}}}})
    client = _client(tmp_path)
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200 and response.content_type.startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.get_data(as_text=True))}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values() for s in f.samples}
    assert samples[("ct05_articles", (("source", "busy"),))] >= 3
    assert samples[("ct05_up", (("part", "index"),))] == 1
    assert samples[("ct05_index_documents", ())] >= 3
    assert ("ct05_index_age_seconds", ()) in samples and ("ct05_index_size_bytes", ()) in samples
    assert samples[("ct05_site_silent", (("site", "quiet"),))] == 1
    assert samples[("ct05_site_silent", (("site", "busy"),))] == 0
    assert ("ct05_site_last_success_timestamp_seconds", (("site", "quiet"),)) in samples
    assert ("ct05_site_last_new_article_timestamp_seconds", (("site", "busy"),)) in samples
    assert samples[("ct05_pages_fetched_total", (("site", "busy"),))] == 7
    assert samples[("ct05_pages_failed_total", (("reason", "http_404"), ("site", "busy")))] == 2
    assert samples[("ct05_runs_total", (("kind", "schedule"), ("status", "ok")))] == 1
    assert any(name == "ct05_request_duration_seconds_count" and dict(labels).get("endpoint") == "health.healthz"
               for name, labels in samples)


def test_once_exit_codes_ok_dead_site_failed_cycle(tmp_path: Path, fake: Build) -> None:
    sched = fake(["a"], {"new": {"a": 1}}, schedule={"process": False, "index": False})
    records = sched.run_once()
    with Archive.open(tmp_path) as archive:
        assert once_exit_code(records, site_health(archive, sched.config, datetime.now(UTC)), ["a"]) == EXIT_OK
    dead = fake(["a", "dead"], {"new": {"a": 1}, "fail": ["dead"]}, schedule={"process": False, "index": False})
    records = dead.run_once(force=True)
    with Archive.open(tmp_path) as archive:
        health = site_health(archive, dead.config, datetime.now(UTC))
    assert once_exit_code(records, health, ["a", "dead"]) == EXIT_SITES
    # The next run does not retry the dead site (back-off), but still says it is failing.
    records = dead.run_once()
    assert "dead" not in records[0]["sites"]
    assert once_exit_code(records, health, ["a", "dead"]) == EXIT_SITES
    broken = tmp_path / "not-a-dir"
    broken.write_text("")
    failed = fake(["a"], {"new": {"a": 1}})
    failed.data_dir = broken
    records = failed.run_once()
    assert records[0]["status"] == "error"
    assert once_exit_code(records, {}, ["a"]) == EXIT_CYCLE_FAILED


@pytest.mark.parametrize("path", ["/healthz", "/metrics"])
def test_monitoring_works_on_an_empty_data_dir(tmp_path: Path, path: str) -> None:
    response = _client(tmp_path).get(path)
    assert response.status_code in (200, 503)
    if path == "/healthz":
        assert response.status_code == 503 and response.get_json()["status"] == "down"


def test_admin_shows_the_scheduler_state_and_marks_empty_and_failed_crawls(tmp_path: Path, fake: Build) -> None:
    import re

    from webui import create_app

    sched = fake(["quiet", "busy", "dead"], {"new": {"busy": 1}, "fail": ["dead"]}, **QUIET)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5)
    sched.clock = lambda: start
    sched.run_once()
    with Archive.open(tmp_path) as archive:
        archive.finish_run(archive.start_run("crawl"), "finished", {"totals": {"pages": 0}, "sites": {
            "quiet": {"status": "finished", "pages": 0, "new": 0, "failed": 0}}})
    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True, "ADMIN_PASSWORD": "pw", "SECRET_KEY": "t"})
    client = app.test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin/login").get_data(as_text=True))
    assert token
    client.post("/admin/login", data={"csrf": token.group(1), "password": "pw"})
    html = client.get("/admin/").get_data(as_text=True)
    assert "Lịch thu thập theo trang tin" in html
    section = html.split("Lịch thu thập theo trang tin", 1)[1].split("</section>", 1)[0]
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<th scope="row">([a-z]+)</th>.*?</tr>', section, re.S)}
    assert set(rows) == {"quiet", "busy", "dead"}
    assert "im lặng" in rows["quiet"] and "đang lỗi" not in rows["quiet"]
    assert "đang lỗi" in rows["dead"] and "cannot reach dead" in rows["dead"]
    assert "bình thường" in rows["busy"]
    runs = html.split("Các lượt chạy gần đây", 1)[1]
    assert "không tải được trang nào" in runs and "thất bại" in runs
