"""Helpers for the scheduler tests: a config builder and a scheduler whose steps run fake_step.py."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.schedule import Scheduler
from pipeline.schedule_config import ScheduleConfig, parse_config

FAKE = Path(__file__).with_name("fake_step.py")
ROOT = Path(__file__).resolve().parents[2]


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
