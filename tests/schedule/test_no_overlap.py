"""An admin crawl and a scheduled crawl of one site never overlap: both go through `pipeline.run_pipeline`,
which takes the site's lock. The crawl children are the fake step, held at a gate until the other side has
tried its crawl, so the test waits on events, not on time."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.archive import Archive
from pipeline.schedule import Scheduler
from pipeline.steps import ChildSteps

from .conftest import fake_argv, fake_events

SITE = "mirror-yenbai"
PASSWORD = "mật khẩu"


def wait_for_crawl_start(data_dir: Path, count: int) -> None:
    deadline = time.monotonic() + 60  # a safety net only: the event normally comes in well under a second
    while len([e for e in fake_events(data_dir) if e[:3] == ["start", "crawl", SITE]]) < count:
        assert time.monotonic() < deadline, "the crawl child did not start"
        time.sleep(0.05)


@pytest.fixture
def admin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], threading.Thread]:
    """admin() clicks "crawl mirror-yenbai" on the dashboard and returns the background job."""
    import webui.admin
    from webui import create_app

    monkeypatch.setattr(webui.admin, "pipeline_steps", lambda target: ChildSteps(target, argv_for=fake_argv(target)))
    Archive.open(tmp_path).close()
    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True, "ADMIN_PASSWORD": PASSWORD, "SECRET_KEY": "t"})
    client = app.test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin/login").get_data(as_text=True))
    assert token
    client.post("/admin/login", data={"csrf": token.group(1), "password": PASSWORD})

    def click() -> threading.Thread:
        html = client.get("/admin/").get_data(as_text=True)
        csrf = re.search(r'name="csrf" value="([^"]+)"', html)
        assert csrf
        res = client.post("/admin/crawl", data={"csrf": csrf.group(1), "site": SITE}, follow_redirects=True)
        assert "Đã bắt đầu thu thập" in res.get_data(as_text=True)
        job = app.extensions["ct05.crawl_job"]
        job.app = app  # type: ignore[attr-defined]
        return job  # type: ignore[no-any-return]

    return click


def test_admin_crawl_skips_a_site_the_scheduler_is_crawling(tmp_path: Path, fake: Callable[..., Scheduler],
                                                            admin: Callable[[], threading.Thread]) -> None:
    sched = fake([SITE], {"gate": True})
    records: list[dict] = []
    cycle = threading.Thread(target=lambda: records.extend(sched.run_once(force=True)))
    cycle.start()
    try:
        wait_for_crawl_start(tmp_path, 1)
        job = admin()
        job.join(60)
        assert not job.is_alive()
        error = job.app.extensions["ct05.crawl_error"]  # type: ignore[attr-defined]
        assert f"lock 'site-{SITE}' is held" in error and f"crawl {SITE}" in error
    finally:
        (tmp_path / "gate").touch()
        cycle.join(60)
    assert records[0]["sites"][SITE]["status"] == "ok"
    assert len([e for e in fake_events(tmp_path) if e[:2] == ["start", "crawl"]]) == 1


def test_scheduled_crawl_skips_a_site_the_admin_is_crawling(tmp_path: Path, fake: Callable[..., Scheduler],
                                                            admin: Callable[[], threading.Thread]) -> None:
    sched = fake([SITE], {"gate": True})
    job = admin()
    try:
        wait_for_crawl_start(tmp_path, 1)
        [record] = sched.run_once(force=True)
        assert record["sites"][SITE]["status"] == "skipped"
        assert f"crawl {SITE}" in record["sites"][SITE]["reason"]
    finally:
        (tmp_path / "gate").touch()
        job.join(60)
    assert job.app.extensions["ct05.crawl_error"] is None  # type: ignore[attr-defined]
    events = [e for e in fake_events(tmp_path) if e[1] == "crawl"]
    assert [e[0] for e in events] == ["start", "end"]  # one crawl of the site, start to end, nothing between
    steps = [e[1] for e in fake_events(tmp_path) if e[0] == "end"]
    assert steps == ["crawl", "process", "index"]  # the admin's pipeline went on to process and index
