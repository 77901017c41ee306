"""Helpers for the scheduler tests: a config builder, a scheduler whose steps run fake_step.py, and a real
redis-server on a loopback port (`redis_url`)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.schedule import Scheduler
from pipeline.schedule_config import ScheduleConfig, parse_config

FAKE = Path(__file__).with_name("fake_step.py")
ROOT = Path(__file__).resolve().parents[2]
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def make_config(**sections: dict[str, Any]) -> ScheduleConfig:
    raw: dict[str, Any] = {"schedule": {"cron": "* * * * *", "min_free_mb": 0, "lock_wait": 0},
                           "adaptive": {"min_interval": 0, "initial_interval": 0}}
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    return parse_config(raw)


def fake_argv(data_dir: Path) -> Callable[[str, list[str], bool], list[str]]:
    def argv(step: str, sites: list[str], resume: bool) -> list[str]:
        return [sys.executable, str(FAKE), step, str(data_dir), *([",".join(sites)] if sites else []),
                *(["--resume"] if resume else [])]
    return argv


def fake_events(data_dir: Path) -> list[list[str]]:
    path = data_dir / "fake.log"
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Scheduler]:
    """fake(sites, control={...}, **config sections) -> a Scheduler on tmp_path running fake steps."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))

    def build(sites: list[str], control: dict[str, Any] | None = None, **sections: dict[str, Any]) -> Scheduler:
        (tmp_path / "fake.json").write_text(json.dumps(control or {}))
        return Scheduler(make_config(**sections), tmp_path, sites, argv_for=fake_argv(tmp_path))

    return build


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server on a free loopback port, its files in tmp_path; skipped where the binary is absent."""
    if not os.path.exists(REDIS):
        if os.environ.get("CI"):
            pytest.fail(f"{REDIS} is missing: .ci/run must install Debian's redis-server package")
        pytest.skip(f"{REDIS} is not installed (apt-get install redis-server); CI runs this test")
    port = _free_port()
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)
