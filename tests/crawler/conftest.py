"""Shared fixtures of the crawler tests: the offline mirror, its manifest and the registry."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from demo.server import MANIFEST, SITE_DIR, MirrorServer

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def gold() -> dict[str, dict[str, Any]]:
    data = json.loads((DATA / "gold_seeds.json").read_text(encoding="utf-8"))
    return {a["file"]: a for a in data["articles"]}


@pytest.fixture()
def mirror() -> Iterator[MirrorServer]:
    with MirrorServer() as server:
        yield server


def mirror_args(server: MirrorServer) -> dict[str, Any]:
    """site_ids and base_urls for crawling every mirror site."""
    return {"site_ids": [f"mirror-{s}" for s in server.urls],
            "base_urls": {f"mirror-{s}": u for s, u in server.urls.items()}}


@pytest.fixture()
def crawl_args(mirror: MirrorServer) -> dict[str, Any]:
    """`crawl_in_subprocess` keyword arguments for the whole running mirror."""
    return mirror_args(mirror)


def _mirror_page(site: str, path: str, base: str = "http://127.0.0.1:8000") -> bytes:
    """A saved mirror page as the server would send it at `base`."""
    file = SITE_DIR / site / path.lstrip("/")
    if file.is_dir():
        file = file / "index.html"
    return file.read_bytes().replace(b"{{BASE}}", base.encode())


@pytest.fixture(scope="session")
def mirror_page() -> Callable[..., bytes]:
    """`mirror_page(site, path)`: a saved mirror page's bytes as served at http://127.0.0.1:8000."""
    return _mirror_page
