"""docs/deploy.md works as written: its cron line runs on a fresh data dir, and `ct05 schedule --once` exits
with the documented codes. The real `ct05` command crawls a stand-in site on loopback (no internet)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.archive import Archive
from pipeline.schedule import prune_logs

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy.md"
CT05 = Path(sys.executable).parent / "ct05"
SITE = "mirror-yenbai"  # any registry id: its address is overridden by sites.<id>.base_url


class EmptySite(BaseHTTPRequestHandler):
    """A site that answers every page with an empty document (a crawl that finds nothing, successfully)."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = b"User-agent: *\nAllow: /\n" if self.path == "/robots.txt" else b"<html><body></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EmptySite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def _config(path: Path, base_url: str) -> Path:
    path.write_text(f'[schedule]\nsites = ["{SITE}"]\n\n[sites.{SITE}]\nbase_url = "{base_url}"\n', encoding="utf-8")
    return path


def cron_line() -> str:
    """The command of the documented /etc/cron.d line (5 time fields and the user dropped)."""
    block = re.search(r"```cron\n(.+?)\n```", DEPLOY.read_text(encoding="utf-8"), re.S)
    assert block, "docs/deploy.md has no cron block"
    fields = block.group(1).strip().split(None, 6)
    assert fields[5] == "ct05", "the cron line names the ct05 user (cron.d format)"
    return fields[6]


def _closed_port() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/"


@pytest.mark.crawl
def test_the_documented_cron_line_succeeds_on_a_fresh_data_dir(tmp_path: Path, site: str) -> None:
    data = tmp_path / "var-lib-ct05"
    data.mkdir()  # what `install -d … /var/lib/ct05` leaves: an empty folder, nothing inside
    config = _config(tmp_path / "schedule.toml", site)
    command = (cron_line().replace("/var/lib/ct05", str(data)).replace("/opt/ct05/.venv/bin/ct05", str(CT05))
               .replace("/etc/ct05/schedule.toml", str(config)))
    assert "/var/lib" not in command and "/etc/" not in command and "/opt/" not in command
    proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    log = (data / "cron.log").read_text(encoding="utf-8") if (data / "cron.log").exists() else ""
    assert proc.returncode == 0, log + proc.stderr
    assert "ok: 0 new" in log
    with Archive.open(data) as archive:
        [cycle] = archive.runs(5, kind="schedule")
        assert cycle["status"] == "ok" and cycle["stats"]["sites"][SITE]["status"] == "ok"
        [crawl] = archive.runs(5, kind="crawl")
    # One log per crawl run, named by site and run id; the scheduler's lines carry its pid.
    assert (data / "logs" / f"crawl-{SITE}-{crawl['id']}.log").exists()
    assert re.search(r"\[\d+\] INFO cycle #\d+", (data / "logs" / "schedule.log").read_text(encoding="utf-8"))
    # Run again at once: nothing is due, nothing recorded, still exit 0.
    again = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0
    with Archive.open(data) as archive:
        assert len(archive.runs(5, kind="schedule")) == 1


@pytest.mark.crawl
def test_once_exit_codes_ok_dead_site_failed_cycle(tmp_path: Path, site: str) -> None:
    def once(data: Path, config: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(CT05), "schedule", "--once", "--data-dir", str(data), "--config", str(config)],
                              capture_output=True, text=True, timeout=300, cwd=tmp_path)

    ok = once(tmp_path / "ok", _config(tmp_path / "ok.toml", site))
    assert ok.returncode == 0, ok.stderr
    dead = once(tmp_path / "dead", _config(tmp_path / "dead.toml", _closed_port()))
    assert dead.returncode == 3, dead.stderr
    assert "failed" in dead.stdout
    # The next pass does not retry the site (back-off) but still reports it failing.
    assert once(tmp_path / "dead", tmp_path / "dead.toml").returncode == 3
    # The cycle cannot start: the data dir has less room than schedule.min_free_mb (as on a full disk).
    full = tmp_path / "full.toml"
    full.write_text(_config(tmp_path / "x.toml", site).read_text().replace("[schedule]\n",
                                                                            "[schedule]\nmin_free_mb = 1000000000\n"))
    broken = once(tmp_path / "ok", full)
    assert broken.returncode == 1, broken.stderr
    assert "nothing was crawled" in broken.stdout + broken.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[sites.{SITE}]\nbase_url = "127.0.0.1:8000"\n', encoding="utf-8")
    check = subprocess.run([str(CT05), "schedule", "--check", "--config", str(bad)], capture_output=True, text=True,
                           timeout=120)
    assert check.returncode == 2 and "must start with http:// or https://" in check.stderr


def test_old_crawl_logs_are_pruned(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    old, new, other = logs / "crawl-tthue-1.log", logs / "crawl-tthue-2.log", logs / "schedule.log"
    for path in (old, new, other):
        path.write_text("x")
    month_ago = time.time() - 30 * 86400
    import os

    os.utime(old, (month_ago, month_ago))
    os.utime(other, (month_ago, month_ago))
    assert prune_logs(tmp_path, 14 * 86400) == 1
    assert not old.exists() and new.exists() and other.exists()
    assert prune_logs(tmp_path, 0) == 0


def test_cron_line_is_one_command() -> None:
    # Quoting stays simple enough for cron: the command parses as shell words.
    assert shlex.split(cron_line())[0] == "flock"
