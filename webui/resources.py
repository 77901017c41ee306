"""Shared resources: one search index per process, one archive connection per request, a search cache."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from crawler.archive import Archive, archive_exists
from index.types import SearchQuery, SearchResult

_LOCK = threading.Lock()


class IndexUnavailable(RuntimeError):
    """The search index has not been built yet (or the index package is not installed)."""


def data_dir() -> Path:
    return Path(current_app.config["DATA_DIR"])


def archive_location() -> str | None:
    """The archive: CT05_ARCHIVE (or `--archive`), else web.toml `archive`, else None (the data dir's file)."""
    return os.environ.get("CT05_ARCHIVE") or current_app.config.get("ARCHIVE") or None


def open_archive_readonly() -> Archive:
    """A read-only handle on the app's archive (the caller closes it)."""
    return Archive.open(data_dir(), readonly=True, location=archive_location())


def index_dir() -> Path:
    return data_dir() / "index"


def get_index() -> Any:
    """The process-wide `SearchIndex`; opened on first use, retried while it is missing."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    idx = app.extensions.get("ct05.index")
    if idx is not None:
        return idx
    with _LOCK:
        idx = app.extensions.get("ct05.index")
        if idx is None:
            idx = _open_index(index_dir())
            app.extensions["ct05.index"] = idx
    return idx


def _open_index(path: Path) -> Any:
    try:
        from index.store import IndexMissing, SearchIndex
    except ImportError as exc:  # the index package is not there yet: same page as a missing index
        raise IndexUnavailable(str(exc)) from exc
    try:
        return SearchIndex.open(path)
    except IndexMissing as exc:
        raise IndexUnavailable(str(exc)) from exc


class _Token:
    """The index's version, re-read at most once a second by one thread at a time."""

    def __init__(self) -> None:
        self.value: int | None = None
        self.checked = 0.0
        self.lock = threading.Lock()


def index_token() -> int:
    """A cheap token that changes when the index does (any commit or rebuild; for cache keys).

    `version()` takes the index's lock, which a running search holds; re-reading it on every cached
    request would make cheap pages queue behind expensive searches, so readers use the last value.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    token: _Token = app.extensions.setdefault("ct05.index_token", _Token())
    now = time.monotonic()
    if token.value is not None and now - token.checked < 1.0:
        return token.value
    if token.lock.acquire(blocking=token.value is None):
        try:
            token.value = int(get_index().version())
            token.checked = now
        finally:
            token.lock.release()
    assert token.value is not None
    return token.value


def close_index(app: Flask) -> None:
    """Close the process-wide index (tests, shutdown)."""
    idx = app.extensions.pop("ct05.index", None)
    if idx is not None:
        idx.close()


def get_archive() -> Archive:
    """The archive, opened once per request (SQLite connections are cheap; teardown closes it)."""
    if "archive" not in g:
        if not archive_exists(data_dir(), archive_location()):
            raise IndexUnavailable("archive missing")
        g.archive = open_archive_readonly()  # pages only read: a read-only disk is fine
    return g.archive  # type: ignore[no-any-return]


def close_request_resources(_exc: BaseException | None = None) -> None:
    archive = g.pop("archive", None)
    if archive is not None:
        archive.close()


class TTLCache:
    """A small thread-safe LRU whose entries expire: the same query from many users is served once."""

    def __init__(self) -> None:
        self.items: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any, ttl: float) -> Any:
        with self.lock:
            item = self.items.get(key)
            if item is None or time.monotonic() - item[0] > ttl:
                return None
            self.items.move_to_end(key)
            return item[1]

    def put(self, key: Any, value: Any, size: int) -> None:
        with self.lock:
            self.items[key] = (time.monotonic(), value)
            self.items.move_to_end(key)
            while len(self.items) > size:
                self.items.popitem(last=False)


def search(query: SearchQuery) -> SearchResult:
    """Run a query through the process-wide index, with a short-lived cache."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache: TTLCache = app.extensions.setdefault("ct05.search_cache", TTLCache())
    ttl = float(app.config["SEARCH_CACHE_SECONDS"])
    key = (query, index_token()) if ttl > 0 else None
    if key is not None:
        hit: SearchResult | None = cache.get(key, ttl)
        if hit is not None:
            return hit
    result: SearchResult = get_index().search(query)
    if key is not None:
        cache.put(key, result, int(app.config["SEARCH_CACHE_SIZE"]))
    return result
