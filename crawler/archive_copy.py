"""`ct05 archive copy SRC DST`: an archive moved between backends (SQLite file ⇄ PostgreSQL), all of it.

Every table is copied row for row with its keys and numbers as they are: articles with their tombstones,
change sequence numbers, first-seen times and NLP keys (so a search index built from SRC stays in step
with DST), run records with their ids, meta, and the republication signatures and bands. A row of DST
with the key of a SRC row takes SRC's values, so copying again changes nothing (idempotent) and an
interrupted copy is finished by running it again; rows only DST has are left alone. The copy is one
transaction on DST, under its write lock: no crawl worker writes in between.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crawler import archive_pg
from crawler.archive import Archive, ArchiveError

#: table → (key columns, other columns), in the order they are copied.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "articles": (("id",), ("url", "source", "published", "content_hash", "data", "nlp_key", "seq", "deleted",
                           "first_seen", "updated_at")),
    "runs": (("id",), ("kind", "started", "ended", "status", "stats")),
    "meta": (("key",), ("value",)),
    "minhash": (("id",), ("content_hash", "sig")),
    "minhash_band": (("key", "id"), ()),
}
BATCH = 1000


def _insert_sql(table: str, keys: tuple[str, ...], cols: tuple[str, ...]) -> str:
    names = (*keys, *cols)
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) " \
          f"ON CONFLICT ({', '.join(keys)}) DO "
    if not cols:
        return sql + "NOTHING"
    return sql + "UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in cols)


def _rows(src: Archive, table: str, keys: tuple[str, ...], cols: tuple[str, ...]) -> Any:
    """SRC's rows in key order, read in batches (keyset: constant memory on a large archive)."""
    names = ", ".join((*keys, *cols))
    order = ", ".join(keys)
    last: tuple[Any, ...] | None = None
    while True:
        if last is None:
            sql, args = f"SELECT {names} FROM {table} ORDER BY {order} LIMIT ?", (BATCH,)
        else:
            marks = ", ".join("?" * len(keys))
            sql = f"SELECT {names} FROM {table} WHERE ({order}) > ({marks}) ORDER BY {order} LIMIT ?"
            args = (*last, BATCH)
        rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)
                for r in src.db.execute(sql, args).fetchall()]
        if not rows:
            return
        yield rows
        last = rows[-1][:len(keys)]


def copy_archive(src: Archive, dst: Archive, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row of `src` into `dst`; returns the rows copied per table."""
    if src.location == dst.location:
        raise ArchiveError(f"cannot copy archive {src.where} onto itself")
    counts: dict[str, int] = {}
    try:
        dst.begin()
        for table, (keys, cols) in TABLES.items():
            sql = _insert_sql(table, keys, cols)
            counts[table] = 0
            for rows in _rows(src, table, keys, cols):
                dst.db.executemany(sql, rows)
                counts[table] += len(rows)
                if progress:
                    progress(table, counts[table])
        if dst.postgres:
            archive_pg.reset_run_ids(dst.db)
        dst.db.execute("COMMIT")
    except (*src.errors, *dst.errors) as exc:
        dst._rollback()
        raise ArchiveError(f"cannot copy archive {src.where} to {dst.where}: {exc}") from exc
    return counts
