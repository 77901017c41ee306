"""Issue 12, item 4: inputs that made 500s are now 4xx pages (or plain answers), on a real server."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from crawler.article import article_id
from tests.hardening.conftest import ADMIN_PASSWORD, Live, ServeProcess, raw_request

NESTED = quote("(" * 333 + "chỉ thị")
ARTICLE = article_id("https://hostile.example/model-path")


@pytest.mark.parametrize("path", ["/api/search?facet_limit=%C2%B2", "/api/facets?facet_limit=%C2%B2",
                                  "/api/search?facet_limit=%D9%A3", "/api/search?facet_limit=%C2%B9%E2%81%B0"])
def test_unicode_digits_are_a_400(live: Live, path: str) -> None:
    status, _, body = live.get(path)
    assert status == 400, (path, status)
    assert json.loads(body)["error"]["code"] == "bad_parameter"


@pytest.mark.parametrize("path", ["/search", "/api/search", "/feed", "/print", "/phrases"])
def test_deeply_nested_brackets_are_not_a_500(live: Live, path: str) -> None:
    status, _, body = live.get(f"{path}?q={NESTED}")
    assert status in (200, 400), (path, status)
    if path == "/search":
        assert "lồng nhau".encode() in body


@pytest.mark.parametrize("path", ["/export.csv", "/export.json"])
def test_streamed_exports_of_nested_brackets_complete(live: Live, path: str) -> None:
    status, _, body = live.get(f"{path}?q={NESTED}")
    assert status in (200, 400), status
    if status == 200 and path.endswith(".json"):
        json.loads(body)  # the stream was not cut
    if status == 200 and path.endswith(".csv"):
        assert body.startswith("\ufeffMã bài;Tiêu đề;Địa chỉ".encode()) and body.endswith(b"\n")


@pytest.mark.parametrize("path", ["/", "/nope", "/api/search", "/feed?q=x", "/admin/login"])
def test_host_with_a_64_character_label_is_a_400(live: Live, path: str) -> None:
    status, headers, body = live.get(path, {"Host": "a" * 64 + ".example"})
    assert status == 400, (path, status)
    assert b"Traceback" not in body


def _cookies(headers: dict[str, str], jar: dict[str, str]) -> None:
    for part in headers.get("set-cookie", "").split(","):
        name, _, rest = part.strip().partition("=")
        if name and rest:
            jar[name] = rest.split(";", 1)[0]


def test_crlf_in_login_next_is_not_a_500(live: Live) -> None:
    nxt = quote("/admin/\r\nSet-Cookie: evil=1", safe="")
    status, headers, body = live.get(f"/admin/login?next={nxt}")
    assert status == 200, status
    jar: dict[str, str] = {}
    _cookies(headers, jar)
    token = re.search(rb'name="csrf" value="([^"]+)"', body)
    assert token
    form = urlencode({"csrf": token.group(1).decode(), "password": ADMIN_PASSWORD}).encode()
    status, headers, _ = raw_request(live.port, "POST", f"/admin/login?next={nxt}", {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())},
        form)
    assert status == 302, status
    assert headers["location"].endswith("/admin/") and "evil" not in headers.get("set-cookie", "")


@pytest.mark.parametrize("fault", ["read-only", "full"])
def test_article_print_and_phrases_pages_on_a_read_only_or_full_data_dir(
        fault: str, readonly_copy: Path, tmp_path: Path) -> None:
    if fault == "read-only":
        server = ServeProcess(readonly_copy, readonly=True)
    else:
        data = tmp_path / "data"
        shutil.copytree(readonly_copy, data)
        for child in data.rglob("*"):
            child.chmod(0o755 if child.is_dir() else 0o644)
        server = ServeProcess(data, disk_limit=0)  # not one byte more may be written
    try:
        for path in (f"/article/{ARTICLE}", f"/print?ids={ARTICLE}", "/phrases?q=" + quote("chỉ thị"),
                     f"/api/articles/{ARTICLE}", "/search?q=MODELPATH"):
            status, _, body = server.get(path)
            assert status == 200, (fault, path, status, body[:300])
            assert b"MODELPATH" in body or path.startswith("/phrases"), path
    finally:
        log = server.stop()
    assert "Traceback" not in log, log
