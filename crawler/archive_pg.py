"""The archive on PostgreSQL (psycopg 3): one database shared by the crawl workers of several machines.

`crawler.archive.Archive` runs the same SQL on both backends; this module gives it a connection whose
`execute` takes SQLite's `?` placeholders, creates the schema, and serialises the writers. Every write
transaction takes one advisory lock first (`begin`), as SQLite's `BEGIN IMMEDIATE` does: the change
sequence numbers are then handed out and committed in order, so a reader that has seen seq N has seen
every seq below it. (A sequence alone would let the index read seq 11 while the writer of seq 10 is
still running, and skip 10 for ever.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

#: URL schemes of a PostgreSQL archive (`--archive`, CT05_ARCHIVE).
SCHEMES = ("postgresql://", "postgres://")
#: The advisory lock of the archive's writers and the one of its schema creation.
WRITE_LOCK = 0x63743035  # "ct05"
SCHEMA_LOCK = WRITE_LOCK + 1

# Text keys sort by code point (COLLATE "C") as in SQLite: id ranges, ISO dates and URLs compare alike.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT COLLATE "C" PRIMARY KEY,
    url TEXT COLLATE "C" NOT NULL UNIQUE,
    source TEXT COLLATE "C" NOT NULL,
    published TEXT COLLATE "C",
    content_hash TEXT COLLATE "C" NOT NULL,
    data TEXT NOT NULL,
    nlp_key TEXT COLLATE "C",
    seq BIGINT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_seq ON articles(seq);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE TABLE IF NOT EXISTS runs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT COLLATE "C" NOT NULL,
    started TEXT COLLATE "C" NOT NULL,
    ended TEXT COLLATE "C",
    status TEXT COLLATE "C" NOT NULL DEFAULT 'running',
    stats TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS minhash (id TEXT COLLATE "C" PRIMARY KEY, content_hash TEXT NOT NULL, sig BYTEA);
CREATE TABLE IF NOT EXISTS minhash_band (key BIGINT NOT NULL, id TEXT COLLATE "C" NOT NULL, PRIMARY KEY (key, id));
"""


def is_url(location: str) -> bool:
    return location.startswith(SCHEMES)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@]*@", r"\1:***@", url)


class PgDb:
    """A psycopg connection (autocommit: transactions are explicit, as on SQLite) that takes `?` placeholders."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._sql: dict[str, str] = {}

    def _q(self, sql: str) -> str:
        q = self._sql.get(sql)
        if q is None:
            q = self._sql[sql] = sql.replace("%", "%%").replace("?", "%s")
        return q

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self._q(sql), tuple(args))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        cur = self.conn.cursor()
        cur.executemany(self._q(sql), [tuple(r) for r in rows])
        return cur

    def executescript(self, script: str) -> None:
        self.conn.execute(script)

    def close(self) -> None:
        self.conn.close()


def errors() -> tuple[type[Exception], ...]:
    import psycopg

    return (psycopg.Error,)


def connect(url: str, readonly: bool = False) -> PgDb:
    """A connection to the archive at `url`, its tables created unless `readonly` (raises psycopg.Error)."""
    import psycopg

    conn = psycopg.connect(url, autocommit=True, connect_timeout=30)
    db = PgDb(conn)
    try:
        if readonly:
            conn.execute("SET default_transaction_read_only = on")
            conn.execute("SELECT 1 FROM articles LIMIT 1").fetchall()
            return db
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))  # two workers starting at once
        try:
            conn.execute(_SCHEMA)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))
    except BaseException:
        conn.close()
        raise
    return db


def begin(db: PgDb) -> None:
    """Start a write transaction, after every other writer's (see the module docstring)."""
    db.conn.execute("BEGIN")
    db.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))


def reset_run_ids(db: PgDb) -> None:
    """After runs were copied in with their ids: the next run gets the next id."""
    db.conn.execute("SELECT setval(pg_get_serial_sequence('runs', 'id'), COALESCE((SELECT MAX(id) FROM runs), 0) + 1,"
                    " false)")


def current_rows(db: PgDb, urls: list[str]) -> dict[str, Any]:
    """url → (content_hash, data, deleted), or None for a URL not stored yet, for a batch in one query."""
    found = {r[0]: r[1:] for r in db.conn.execute(
        "SELECT url, content_hash, data, deleted FROM articles WHERE url = ANY(%s)", (urls,))}
    return {url: found.get(url) for url in urls}


def pipeline(db: PgDb) -> Any:
    """Statements sent without waiting for each answer (psycopg's pipeline mode), checked at the end."""
    return db.conn.pipeline()
