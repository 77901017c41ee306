"""The hardening campaign (issue 12): hostile input and faults against a real server on loopback and the
real `ct05` command. The data directory holds the web fixture articles plus hostile ones: control
characters and terminal escapes (through the real importer), formula-like titles, extreme dates and a
model named "../admin" (stored directly, as data written before the bounds existed would be).
"""

from __future__ import annotations

import ctypes
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from crawler.archive import Archive
from crawler.article import Article, Enrichment, Entity
from crawler.importer import import_jsonl

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "webui_articles.jsonl"
CT05 = str(Path(sys.executable).with_name("ct05"))
ADMIN_PASSWORD = "mat-khau-thu"
BODY = ("Thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, "
        "phong cách Hồ Chí Minh, cán bộ, đảng viên trong tỉnh đã có nhiều mô hình hay, cách làm sáng tạo.")
#: Imported through the real importer: what a hostile JSON-lines file carries.
HOSTILE_IMPORT = [
    {"url": "https://hostile.example/nul", "title": "Chỉ thị 05 \x00\x1f\x08\x0b học tập NULTITLE",
     "body": BODY + " \x00 đoạn \x1b[31m màu", "published": "2021-05-18", "source": "hostile"},
    {"url": "https://hostile.example/esc", "title": "\x1b[2J\x1b]0;pwned\x07ESCTITLE Chỉ thị 05",
     "body": BODY, "published": "2021-05-19", "source": "evil\x1b[31msrc\x9b2J"},
    *({"url": f"https://hostile.example/formula-{i}", "title": f"{lead}FORMULA{i} chỉ thị 05",
       "body": BODY, "published": "2020-01-0" + str(i + 1), "source": "hostile"}
      for i, lead in enumerate(("=HYPERLINK(\"http://x\") ", "+1+ ", "-2- ", "@SUM(1) ", "\t=1+1 "))),
]
#: Stored directly: data the importer's bounds now refuse, and a model name that is a path.
EXTREME = [("https://hostile.example/far-future", "9999-12-31T00:00:00"),
           ("https://hostile.example/far-past", "0001-01-01T00:00:00")]
MODEL_PATH_NAME = "../admin"


def hostile_stored() -> list[Article]:
    enr = Enrichment(province="Yên Bái", models=(Entity(name=MODEL_PATH_NAME, count=1),), relevance=1.0)
    out = [Article(url=url, source="hostile", title=f"Chỉ thị 05 năm {published[:4]} EXTREMEDATE", body=BODY,
                   published=published, published_source="metadata", enrichment=enr)
           for url, published in EXTREME]
    out.append(Article(url="https://hostile.example/model-path", source="hostile", title="Mô hình MODELPATH",
                       body=BODY, published="2022-03-04T00:00:00", published_source="metadata", enrichment=enr))
    return out


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def build_data_dir(data: Path) -> Path:
    from index.sync import sync_index

    with Archive.open(data) as archive:
        with FIXTURE.open(encoding="utf-8") as fh:
            archive.upsert_many(Article.from_dict(json.loads(line)) for line in fh if line.strip())
        report = import_jsonl(write_jsonl(data.parent / f"{data.name}-hostile.jsonl", HOSTILE_IMPORT), archive)
        assert not report.errors, report.errors
        archive.upsert_many(hostile_stored())
        sync_index(archive, data / "index")
    return data


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_dir(tmp_path_factory.mktemp("hardening") / "data")


def make_app(data_dir: Path, **config: Any) -> Flask:
    from webui import create_app

    return create_app({"DATA_DIR": str(data_dir), "ADMIN_PASSWORD": ADMIN_PASSWORD, "SECRET_KEY": "hardening",
                       **config})


@dataclass
class Live:
    """A real HTTP server on 127.0.0.1 running the app in a thread."""

    app: Flask
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        return raw_request(self.port, "GET", path, headers)


def raw_request(port: int, method: str, path: str, headers: dict[str, str] | None = None,
                body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request with exactly the headers given (a hostile Host header included); the whole body read."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = dict(headers or {})
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", headers.pop("Host", f"127.0.0.1:{port}"))
        for name, value in headers.items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        res = conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
    finally:
        conn.close()


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Flask], Live]]:
    """`serve(app)`: the app on a real server on loopback, stopped at the end of the session."""
    servers: list[Any] = []

    def start(app: Flask) -> Live:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread, app))
        return Live(app, server.server_port)

    yield start
    from webui.resources import close_index

    for server, thread, app in servers:
        server.shutdown()
        thread.join(10)
        server.server_close()
        close_index(app)


@pytest.fixture(scope="session")
def live(data_dir: Path, serve: Callable[[Flask], Live]) -> Live:
    return serve(make_app(data_dir))


# -- the real command line -------------------------------------------------------------------------

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3


def _no_file_override() -> None:
    """In the child: root without the capabilities that bypass file permissions (so a read-only data
    directory is read-only to it, as to any other user)."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
            if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _full_disk(limit: int) -> Callable[[], None]:
    """In the child: no file may grow past `limit` bytes (writes fail with EFBIG, like a full disk)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def ct05(*args: str, env: dict[str, str] | None = None, readonly: bool = False, disk_limit: int | None = None,
         timeout: float = 300) -> Run:
    """The real `ct05` of this virtualenv in a child process (optionally on a read-only or full disk)."""
    pre = _no_file_override if readonly else _full_disk(disk_limit) if disk_limit is not None else None
    done = subprocess.run([CT05, *args], capture_output=True, text=True, timeout=timeout, check=False,
                          env={**os.environ, **(env or {}), "PYTHONWARNINGS": "ignore"}, preexec_fn=pre)
    return Run(done.returncode, done.stdout, done.stderr)


def assert_one_line_failure(run: Run, *names: str) -> str:
    """A non-zero exit whose error output is one line (after any progress output) naming `names`; no trace."""
    assert run.code != 0, run.text
    assert "Traceback" not in run.text, run.text
    lines = [line for line in run.err.strip().splitlines() if line.strip()]
    assert lines, run.text
    last = lines[-1]
    assert last.startswith("Error: "), run.text
    for name in names:
        assert name in last, (name, last)
    return last


def make_readonly(path: Path) -> None:
    for root, dirs, files in os.walk(path):
        for name in files:
            os.chmod(Path(root) / name, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        for name in dirs:
            os.chmod(Path(root) / name, 0o555)
    os.chmod(path, 0o555)


def make_writable(path: Path) -> None:
    os.chmod(path, 0o755)
    for root, dirs, files in os.walk(path):
        for name in dirs:
            os.chmod(Path(root) / name, 0o755)
        for name in files:
            os.chmod(Path(root) / name, 0o644)


@pytest.fixture()
def readonly_copy(data_dir: Path) -> Iterator[Path]:
    """A read-only copy of the campaign's data directory (writable again, and removed, afterwards)."""
    parent = Path(tempfile.mkdtemp(prefix="ct05-ro-"))
    copy = parent / "data"
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("*.lock", "locks", "admin.sqlite3*"))
    make_readonly(copy)
    yield copy
    make_writable(copy)
    shutil.rmtree(parent, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServeProcess:
    """`ct05 serve` in a child process (one worker), stopped by its own pid."""

    def __init__(self, data: Path, readonly: bool = False, disk_limit: int | None = None) -> None:
        self.port = free_port()
        pre = _no_file_override if readonly else _full_disk(disk_limit) if disk_limit is not None else None
        self.proc = subprocess.Popen([CT05, "serve", "--data-dir", str(data), "--port", str(self.port),
                                      "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env={**os.environ, "PYTHONWARNINGS": "ignore"}, preexec_fn=pre)
        deadline = time.monotonic() + 60
        while True:  # readiness, not timing: wait until the port accepts a connection (or the child died)
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stderr.read().decode() if self.proc.stderr else "serve exited")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("ct05 serve did not start") from None
                time.sleep(0.1)

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return raw_request(self.port, "GET", path)

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err.decode("utf-8", "replace")
