"""The admin pages: password, CSRF, runs with per-site errors, starting a crawl."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webui import create_app


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match
    return match.group(1)


def login(client: FlaskClient, password: str) -> Any:
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    return client.post("/admin/login", data={"csrf": token, "password": password})


def test_admin_needs_login(client: FlaskClient) -> None:
    res = client.get("/admin/")
    assert res.status_code == 302 and "/admin/login" in res.headers["Location"]


def test_disabled_without_password(data_dir: Path) -> None:
    app = create_app({"DATA_DIR": str(data_dir), "ADMIN_PASSWORD": None, "TESTING": True})
    res = app.test_client().get("/admin/")
    html = res.get_data(as_text=True)
    assert res.status_code == 403 and "chưa được bật" in html
    assert "CT05_ADMIN_PASSWORD" not in html and "biến môi trường" not in html  # no server internals for visitors


def test_login_requires_csrf_and_password(app: Flask) -> None:
    client = app.test_client()
    assert client.post("/admin/login", data={"password": app.config["ADMIN_PASSWORD"]}).status_code == 400
    assert "Mật khẩu không đúng" in login(client, "sai").get_data(as_text=True)
    assert login(client, app.config["ADMIN_PASSWORD"]).status_code == 302
    html = client.get("/admin/").get_data(as_text=True)
    assert "Các lượt chạy gần đây" in html
    assert "yenbai-gov" in html and "has-errors" in html and "http_404" in html  # per-site errors


@pytest.fixture
def own_app(data_dir: Path, tmp_path: Path) -> Flask:
    """An app on a copy of the session data: a test that writes must not change what later tests read."""
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    return create_app({"DATA_DIR": str(copy), "TESTING": True, "ADMIN_PASSWORD": "mật khẩu", "SECRET_KEY": "t"})


def test_start_crawl_runs_in_background(own_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import webui.admin
    from crawler.crawl import resolve_sites
    from pipeline.steps import ChildSteps

    fake = Path(__file__).resolve().parents[1] / "schedule" / "fake_step.py"
    crawled: list[list[str]] = []

    def argv(step: str, sites: list[str], resume: bool) -> list[str]:
        # No internet at test time: the crawl child is a stand-in; process and index run for real.
        if step != "crawl":
            return ChildSteps(own_app.config["DATA_DIR"]).argv(step, sites, resume)
        crawled.append(sites)
        return [sys.executable, str(fake), step, own_app.config["DATA_DIR"], ",".join(sites)]

    monkeypatch.setattr(webui.admin, "pipeline_steps", lambda target: ChildSteps(target, argv_for=argv))
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    client = own_app.test_client()
    login(client, own_app.config["ADMIN_PASSWORD"])
    token = csrf_of(client.get("/admin/").get_data(as_text=True))
    assert client.post("/admin/crawl", data={"site": ""}).status_code == 400  # no CSRF token
    assert resolve_sites(None, None)[0] == []  # no registry site is checked yet: "all" has nothing to crawl
    res = client.post("/admin/crawl", data={"csrf": token, "site": ""}, follow_redirects=True)
    assert "Chưa có trang tin nào đã kiểm tra" in res.get_data(as_text=True)
    res = client.post("/admin/crawl", data={"csrf": token, "site": "baoyenbai"}, follow_redirects=True)
    assert "Đã bắt đầu thu thập" in res.get_data(as_text=True)
    own_app.extensions["ct05.crawl_job"].join(300)  # then process and index ran for real
    assert crawled == [["baoyenbai"]]  # a named site is crawled even while unchecked
    assert own_app.extensions["ct05.crawl_error"] is None
    res = client.post("/admin/crawl", data={"csrf": token, "site": "khong-co"}, follow_redirects=True)
    assert "không có trong danh mục" in res.get_data(as_text=True)


def test_one_dashboard_crawl_at_a_time_across_workers(app: Flask) -> None:
    from pipeline.locks import acquire

    client = app.test_client()
    login(client, app.config["ADMIN_PASSWORD"])
    token = csrf_of(client.get("/admin/").get_data(as_text=True))
    # Another pre-forked worker's crawl holds the lock.
    with acquire(app.config["DATA_DIR"], "admin-crawl", what="admin crawl all"):
        res = client.post("/admin/crawl", data={"csrf": token, "site": "baoyenbai"}, follow_redirects=True)
        assert "đang chạy" in res.get_data(as_text=True)
    assert "ct05.crawl_job" not in app.extensions or not app.extensions["ct05.crawl_job"].is_alive()


def test_admin_login_holds_across_pre_forked_workers(data_dir: Path, tmp_path: Path) -> None:
    import http.cookiejar
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.parse
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CT05_ADMIN_PASSWORD": "mật khẩu thử"}
    env.pop("CT05_SECRET_KEY", None)
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen([sys.executable, "-c", "from webui.cli import main; main()", "serve", "--workers", "2",
                               "--port", str(port), "--data-dir", str(data_dir)], cwd=root, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/admin/login", timeout=5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        token = csrf_of(opener.open(base + "/admin/login", timeout=10).read().decode())
        body = urllib.parse.urlencode({"csrf": token, "password": "mật khẩu thử"}).encode()
        opener.open(base + "/admin/login", data=body, timeout=10).close()
        # Every request is a new connection, so the kernel hands them to both workers.
        pages = [opener.open(base + "/admin/", timeout=10) for _ in range(12)]
        assert all(p.geturl().endswith("/admin/") and p.status == 200 for p in pages)
        for p in pages:
            p.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)


def test_dashboard_says_what_waits_for_the_nlp_stage_and_what_is_indexed(app: Flask, data_dir: Path) -> None:
    # After `ct05 import` the operator saw only the archive's count, not that nothing was processed or indexed.
    from crawler.archive import Archive
    from index.store import SearchIndex
    from nlp.enrich import NLP_VERSION

    client = app.test_client()
    assert login(client, app.config["ADMIN_PASSWORD"]).status_code == 302
    html = client.get("/admin/").get_data(as_text=True)
    with Archive.open(data_dir, readonly=True) as archive:
        waiting = archive.count_unprocessed(NLP_VERSION)
    with SearchIndex.open(data_dir / "index") as idx:
        indexed = idx.doc_count()
    assert f"· {waiting} bài chờ xử lý NLP" in html and f"· {indexed} bài trong chỉ mục tìm kiếm." in html
    assert indexed > 0
