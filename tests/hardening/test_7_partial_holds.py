"""Issue 12, item 7: login throttle across workers with back-off, Secure and revocable sessions, quoted name
segments, a bound on selected facet values, and no leftover index files after a failed rebuild."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.hardening.conftest import ADMIN_PASSWORD, FIXTURE, Live, assert_one_line_failure, ct05, make_app


def login(client: FlaskClient, password: str) -> tuple[int, str]:
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    res = client.post("/admin/login", data={"csrf": token.group(1), "password": password})
    return res.status_code, res.get_data(as_text=True)


@pytest.fixture()
def workers(tmp_path: Path) -> tuple[Flask, Flask]:
    """Two app instances on one data directory: two pre-forked workers."""
    from crawler.archive import Archive

    Archive.open(tmp_path).close()
    return make_app(tmp_path), make_app(tmp_path)


def test_login_throttle_holds_across_workers_and_backs_off(workers: tuple[Flask, Flask], tmp_path: Path) -> None:
    a, b = (w.test_client() for w in workers)
    for i in range(5):  # the attacker's tries land on both workers
        status, html = login((a, b)[i % 2], "sai")
        assert status == 200 and "Mật khẩu không đúng" in html
    for client in (a, b):  # now every worker makes the address wait, whatever the password
        status, html = login(client, ADMIN_PASSWORD)
        assert status == 200 and "thử lại sau" in html, html[:300]
    # The wait is over (time passes in the shared store): the correct password works again.
    with closing(sqlite3.connect(tmp_path / "admin.sqlite3", isolation_level=None)) as db:
        db.execute("UPDATE failures SET next_at = 0")
    status, _ = login(b, ADMIN_PASSWORD)
    assert status == 302
    assert b.get("/admin/").status_code == 200


def test_back_off_grows_but_never_locks_out(workers: tuple[Flask, Flask], tmp_path: Path) -> None:
    a = workers[0].test_client()
    waits = []
    for _ in range(9):
        assert "Mật khẩu không đúng" in login(a, "sai")[1]
        with closing(sqlite3.connect(tmp_path / "admin.sqlite3", isolation_level=None)) as db:
            row = db.execute("SELECT next_at - last FROM failures").fetchone()
            db.execute("UPDATE failures SET next_at = 0")  # the wait is over
        waits.append(round(row[0]))
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16]
    with closing(sqlite3.connect(tmp_path / "admin.sqlite3", isolation_level=None)) as db:
        db.execute("UPDATE failures SET next_at = 0")
    assert login(a, ADMIN_PASSWORD)[0] == 302


def _session_cookie(res_headers: list[str]) -> str:
    return next(h for h in res_headers if h.startswith("session="))


def test_session_cookie_is_secure_behind_https_or_when_set(tmp_path: Path) -> None:
    for config, base, secure in (({}, "http://localhost", False), ({}, "https://localhost", True),
                                 ({"SESSION_COOKIE_SECURE": True}, "http://localhost", True)):
        client = make_app(tmp_path, **config).test_client()
        res = client.get("/admin/login", base_url=base)
        cookie = _session_cookie(res.headers.getlist("Set-Cookie"))
        assert ("; Secure" in cookie) is secure, (config, base, cookie)
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_logout_ends_the_session_server_side(workers: tuple[Flask, Flask]) -> None:
    a, b = (w.test_client() for w in workers)
    assert login(a, ADMIN_PASSWORD)[0] == 302
    stolen = a.get_cookie("session")
    assert stolen is not None
    b.set_cookie("session", stolen.value)  # the copied cookie works at another worker…
    assert b.get("/admin/").status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', a.get("/admin/").get_data(as_text=True))
    assert token
    assert a.post("/admin/logout", data={"csrf": token.group(1)}).status_code == 302
    b.set_cookie("session", stolen.value)  # …until the owner logs out
    res = b.get("/admin/")
    assert res.status_code == 302 and "/admin/login" in res.headers["Location"]


def test_model_name_with_dot_dot_slash_stays_one_segment(live: Live) -> None:
    status, _, body = live.get("/search?q=MODELPATH")
    assert status == 200
    html = body.decode()
    assert 'href="/models/../admin' not in html and "/models/../" not in html
    assert "/models/..%2Fadmin" in html
    status, _, page = live.get("/models/..%2Fadmin")
    assert status == 200 and b"MODELPATH" in page


def test_selected_facet_values_are_bounded(live: Live) -> None:
    many = urlencode([(f, f"giá trị {i}") for i in range(50) for f in ("province", "model", "theme", "source",
                                                                       "document", "province_2025")])
    status, _, body = live.get("/search?" + many)
    assert status == 400 and len(body) < 100_000 and "tối đa".encode() in body
    status, _, body = live.get("/api/search?" + many)
    assert status == 400 and json.loads(body)["error"]["code"] == "bad_parameter"
    few = urlencode([("province", f"Tỉnh {i}") for i in range(40)])
    status, _, body = live.get("/search?" + few)
    assert status == 404 and len(body) < 1_000_000  # values no article has: a short 404 (issue 16)


@pytest.mark.slow
def test_failed_rebuild_leaves_nothing_and_leftovers_are_cleaned(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert ct05("import", str(FIXTURE), "--data-dir", str(data)).code == 0
    assert ct05("index", "--data-dir", str(data)).code == 0
    index = data / "index"
    live_gen = (index / "CURRENT").read_text().strip()
    failed = ct05("index", "--rebuild", "--data-dir", str(data), disk_limit=40 * 1024)
    assert_one_line_failure(failed, str(index))
    assert sorted(p.name for p in index.glob("gen-*")) == [live_gen]  # the half-built generation is gone
    # What a killed rebuild leaves (no process lived to clean up): the next run of any kind removes it.
    shutil.copytree(index / live_gen, index / "gen-000099")
    (index / ".CURRENT.4242.tmp").write_text("gen-000099\n")
    assert ct05("index", "--data-dir", str(data)).code == 0
    assert sorted(p.name for p in index.iterdir() if p.name != "write.lock") == ["CURRENT", live_gen]
    assert "0 kết quả" not in ct05("search", "chỉ thị", "--data-dir", str(data)).out
    assert quote  # (urls in this module are built with quote/urlencode)
