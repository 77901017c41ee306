"""A misbehaving site next to a healthy one: the crawl goes on, logs reasons, stores no garbage."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

import pytest

from crawler.archive import Archive
from crawler.crawl import crawl_in_subprocess
from crawler.sites import DEFAULT_PATH
from demo.server import MirrorServer

PARA = ("Đảng bộ Văn phòng UBND tỉnh có 114 đảng viên, sinh hoạt tại 09 chi bộ trực thuộc, "
        "thực hiện Chỉ thị 05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. ")
FAULT_SITE = """
[sites.faulty]
name = "Trang lỗi"
province = "Hà Nội"
domains = []
checked = true
article_patterns = ['^/a/[0-9a-z]+\\.html$']
[sites.faulty.discovery]
listings = ["list/"]
listing_patterns = ['^/list/$', '^/loop/\\d+$']
max_listing_pages = 15
max_depth = 30
[sites.faulty.selectors]
title = "article h1"
date = "article .date"
body = "article .article-body"
[sites.faulty.politeness]
delay = 0.0
concurrency = 8
autothrottle = false
timeout = 1.0
retries = 1
"""


def article(title: str, charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title} - Trang lỗi</title></head>'
            f'<body><nav><a href="/list/">Tin</a></nav><article><h1>{title}</h1>'
            f'<span class="date">24/03/2018 - 14:45</span><div class="article-body"><p>{PARA * 3}</p>'
            f"<p>{PARA * 2}</p></div></article></body></html>")


LINKS = ["/a/good.html", "/a/e500.html", "/a/slow.html", "/a/loop1.html", "/a/cp1258.html", "/a/cut.html",
         "/a/huge.html", "/a/empty.html", "/a/notice.html", "/a/cutclose.html", "/loop/1", "/list/"]


class FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Quiet."""

    def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
             length: int | None = None, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass
        if close:
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = self.path
        if path == "/robots.txt":
            self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif path == "/list/":
            links = "".join(f'<li><a href="{u}">{u}</a></li>' for u in LINKS)
            self.send(200, f"<html><body><ul>{links}</ul></body></html>".encode())
        elif path.startswith("/loop/"):
            n = int(path.rsplit("/", 1)[1])
            page = f'<html><body><a href="/loop/{n + 1}">sau</a><a href="{path}">này</a></body></html>'
            self.send(200, page.encode())
        elif path == "/a/good.html":
            self.send(200, article("Bài viết tốt").encode())
        elif path == "/a/e500.html":
            self.send(500, b"Internal Server Error")
        elif path == "/a/slow.html":
            time.sleep(2)
            self.send(200, article("Bài chậm").encode())
        elif path in ("/a/loop1.html", "/a/loop2.html"):
            self.send_response(302)
            self.send_header("Location", "/a/loop2.html" if path.endswith("1.html") else "/a/loop1.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/a/cp1258.html":  # declared UTF-8, really windows-1258
            self.send(200, to_cp1258(article("Học tập và làm theo Bác")))
        elif path == "/a/cut.html":  # fewer bytes than Content-Length
            body = article("Bài bị cắt").encode()
            self.send(200, body[: len(body) // 2], length=len(body), close=True)
        elif path == "/a/cutclose.html":  # no Content-Length, connection closed half-way
            body = article("Bài bị cắt ngang").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        elif path == "/a/huge.html":  # 50 MB
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            try:
                chunk = article("Bài rất dài").encode().ljust(1024 * 1024, b" ")
                for _ in range(50):
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
        elif path == "/a/empty.html":
            self.send(200, b"")
        elif path == "/a/notice.html":  # a non-article page on an article URL
            self.send(200, "<html><body><h1>Thông báo</h1><p>Bài viết không tồn tại hoặc đã bị xóa.</p>"
                           "</body></html>".encode())
        else:
            self.send(404, b"not found")


def to_cp1258(text: str) -> bytes:
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            out += unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)).encode("cp1258")
            out += "".join(c for c in parts if c in tones).encode("cp1258")
    return out


@pytest.fixture()
def fault_server() -> Any:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FaultHandler)
    server.daemon_threads = True
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.crawl
def test_faulty_site_does_not_stop_the_crawl(fault_server: str, mirror: MirrorServer, manifest: dict[str, Any],
                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(DEFAULT_PATH.read_text(encoding="utf-8") + FAULT_SITE, encoding="utf-8")
    monkeypatch.setenv("CT05_SITES", str(registry))
    data = tmp_path / "data"
    stats = crawl_in_subprocess(data_dir=data, site_ids=["faulty", "mirror-tthue"], progress=False,
                                base_urls={"faulty": fault_server, "mirror-tthue": mirror.urls["tthue"]})
    assert stats.status == "finished"
    healthy = stats.per_site["mirror-tthue"]
    assert healthy["new"] == sum(1 for a in manifest["articles"] if a["site"] == "tthue")
    assert healthy["failed"] == 0
    faulty = stats.per_site["faulty"]
    reasons = faulty["failed_by_reason"]
    assert reasons.get("http_500") == 1, reasons
    assert reasons.get("timeout") == 1, reasons
    assert reasons.get("redirect_loop") == 1, reasons
    assert reasons.get("too_large") == 1, reasons
    assert reasons.get("empty") == 1, reasons
    assert reasons.get("data_loss", 0) + reasons.get("truncated", 0) == 2, reasons
    assert faulty["not_article"] >= 2  # the notice page and the empty page
    assert faulty["listings"] <= 15  # the endless pagination is cut at max_listing_pages
    assert faulty["new"] == 2
    with Archive.open(data) as archive:
        titles = {a.title: a for a in archive.iter_articles() if a.source == "faulty"}
        run = archive.runs(kind="crawl")[0]
    assert set(titles) == {"Bài viết tốt", "Học tập và làm theo Bác"}
    assert titles["Học tập và làm theo Bác"].body.startswith("Đảng bộ Văn phòng UBND tỉnh có 114 đảng viên")
    assert titles["Bài viết tốt"].published == "2018-03-24T14:45:00"
    assert run["status"] == "finished"
    assert run["stats"]["sites"]["faulty"]["failed_by_reason"] == reasons
    logs = "".join(p.read_text(encoding="utf-8") for p in (data / "logs").glob("*.log"))
    assert "http_500" in logs and "timeout" in logs
