"""The archive on SQLite (WAL): one file in the data directory, the embedded default for one machine."""

from __future__ import annotations

import sqlite3
from pathlib import Path

ARCHIVE_FILE = "archive.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    published TEXT,
    content_hash TEXT NOT NULL,
    data TEXT NOT NULL,
    nlp_key TEXT,
    seq INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_seq ON articles(seq);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    started TEXT NOT NULL,
    ended TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    stats TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS minhash (id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, sig BLOB);
CREATE TABLE IF NOT EXISTS minhash_band (key INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id))
    WITHOUT ROWID;
"""

ERRORS: tuple[type[Exception], ...] = (sqlite3.Error,)


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """The archive file at `path`, created if need be unless `readonly` (raises OSError or sqlite3.Error)."""
    if readonly:
        return _connect_readonly(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: we manage transactions explicitly so batches commit atomically.
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
    except sqlite3.Error:
        db.close()
        raise
    return db


def _connect_readonly(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + "?mode=ro"
    error: sqlite3.Error | None = None
    for extra in ("", "&immutable=1"):
        db = None
        try:
            db = sqlite3.connect(uri + extra, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("SELECT 1 FROM articles LIMIT 1").fetchall()
            return db
        except sqlite3.Error as exc:
            if db is not None:
                db.close()
            error = exc
            # A WAL archive whose -shm file cannot be created (read-only directory): no process can be
            # writing it either, so it is read as immutable.
    assert error is not None
    raise error
