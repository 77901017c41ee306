"""Shared fixtures for the NLP tests: the five seed pages and their gold annotations (tests/data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def gold() -> list[dict[str, Any]]:
    return json.loads((DATA / "gold_seeds.json").read_text(encoding="utf-8"))["articles"]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return DATA / "seeds"
