"""The article archive: one SQLite database (WAL) in the data directory, or one PostgreSQL database
shared by several machines (`--archive postgresql://…`, CT05_ARCHIVE; crawler.archive_pg).

Every article is stored once, keyed by its canonical URL, as the JSON of `Article.as_dict()`.
Each write bumps a change sequence number so that the search index can catch up incrementally
(`changes_since`), and the index can always be rebuilt from here. Crawl runs are recorded too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from crawler import archive_pg, archive_sqlite
from crawler.archive_sqlite import ARCHIVE_FILE
from crawler.article import Article, Enrichment

#: Meta key set (in the same transaction) whenever articles are stored or changed, cleared by the scheduler
#: once `ct05 process` and `ct05 index` have run: stored articles are never stranded by a crash in between.
PENDING_KEY = "schedule.pending"
Outcome = Literal["new", "updated", "unchanged"]

class ArchiveError(RuntimeError):
    """The archive cannot be opened or written (read-only directory, full disk, corrupt file, no server)."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))  # one line: libpq's messages span several


def default_data_dir() -> Path:
    """`CT05_DATA_DIR` or ./data."""
    return Path(os.environ.get("CT05_DATA_DIR") or "data")


def archive_location(data_dir: Path | str, location: str | None = None) -> str:
    """Where the archive is: `location` (a postgresql:// URL or a file), else CT05_ARCHIVE, else the SQLite
    file in the data directory."""
    return location or os.environ.get("CT05_ARCHIVE") or str(Path(data_dir) / ARCHIVE_FILE)


def archive_exists(data_dir: Path | str, location: str | None = None) -> bool:
    """Whether there is an archive to read (a PostgreSQL archive is taken to exist: opening it says if not)."""
    where = archive_location(data_dir, location)
    return archive_pg.is_url(where) or Path(where).exists()


def utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def nlp_key(version: str, content_hash: str) -> str:
    return f"{version}:{content_hash}"


class Archive:
    """A handle on the archive (a SQLite file or a postgresql:// URL); a context manager. `db.execute(sql, args)`
    takes `?` placeholders on both backends; `errors` are the exceptions of its driver."""

    def __init__(self, location: Path | str, readonly: bool = False) -> None:
        self.location = str(location)
        self.postgres = archive_pg.is_url(self.location)
        if not self.postgres and "://" in self.location:  # a typo'd URL must not become a directory "mysql:"
            scheme = self.location.split("://")[0]
            raise ArchiveError(f"archive {scheme}://…: not an archive (a postgresql:// URL or a file)")
        self.path = self.location if self.postgres else Path(location)
        self.where = archive_pg.redact(self.location) if self.postgres else str(self.path)
        self.errors = archive_pg.errors() if self.postgres else archive_sqlite.ERRORS
        try:
            if self.postgres:
                self.db: Any = archive_pg.connect(self.location, readonly)
            else:
                self.db = archive_sqlite.connect(Path(location), readonly)
        except (OSError, *self.errors) as exc:
            ro = " (read-only)" if readonly else ""
            raise ArchiveError(f"cannot open archive {self.where}{ro}: {exc}") from exc

    @classmethod
    def open(cls, data_dir: Path | str, readonly: bool = False, location: str | None = None) -> Archive:
        """The archive of a data directory (`archive_location`); `readonly` where only reading is needed (web
        pages, status): that works on a read-only or full data directory, and never creates or changes a file."""
        return cls(archive_location(data_dir, location), readonly=readonly)

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- writing -----------------------------------------------------------------------------

    def begin(self) -> None:
        """Start a write transaction; one writer at a time, on either backend (seq numbers commit in order)."""
        if self.postgres:
            archive_pg.begin(self.db)
        else:
            self.db.execute("BEGIN IMMEDIATE")

    def _next_seq(self) -> int:
        row = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()
        return int(row[0])

    def upsert(self, article: Article) -> Outcome:
        """Store an article; a changed one keeps its earlier hashes. Returns what happened."""
        return self.upsert_many([article])[0]

    def upsert_many(self, articles: Iterable[Article]) -> list[Outcome]:
        """Store many articles in one transaction."""
        outcomes: list[Outcome] = []
        now = utcnow()
        batch = list(articles)
        try:
            self.begin()
            seq = self._next_seq()
            # PostgreSQL: the batch's rows in one query, the writes pipelined (round trips cost more than rows).
            known = archive_pg.current_rows(self.db, [a.url for a in batch]) if self.postgres else None
            pipeline = archive_pg.pipeline(self.db) if self.postgres else nullcontext()
            with pipeline:
                self._upsert_rows(batch, known, seq, now, outcomes)
            if any(o != "unchanged" for o in outcomes):
                self._mark_pending(now)
            self.db.execute("COMMIT")
        except self.errors as exc:
            self._rollback()
            raise ArchiveError(f"cannot write to archive {self.where}: {exc}") from exc
        return outcomes

    def _upsert_rows(self, batch: list[Article], known: dict[str, Any] | None, seq: int, now: str,
                     outcomes: list[Outcome]) -> None:
        for article in batch:
            if known is None or article.url not in known:  # SQLite, or a URL twice in one batch
                row = self.db.execute(
                    "SELECT content_hash, data, deleted FROM articles WHERE url = ?", (article.url,)
                ).fetchone()
            else:
                row = known.pop(article.url)
            if row is None:
                self._write(article, seq, now, first_seen=now)
                outcomes.append("new")
            elif row[0] == article.content_hash and not row[2]:
                outcomes.append("unchanged")
                continue
            else:
                old = Article.from_dict(json.loads(row[1]))
                history = tuple(h for h in (*old.previous_hashes, old.content_hash) if h != article.content_hash)
                # Keep what NLP found for the old text only if the text did not change.
                keep = old.enrichment if row[0] == article.content_hash else None
                merged = article.replace(previous_hashes=history, enrichment=article.enrichment or keep)
                self._write(merged, seq, now, first_seen=None)
                outcomes.append("updated")
            seq += 1

    def _mark_pending(self, now: str) -> None:
        """Flag stored changes for the downstream steps; a fresh value each time, so that a scheduler
        clearing the value it read does not clear a later write's flag."""
        value = f"{now} {os.getpid()} {self._next_seq()}"
        self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
                        (PENDING_KEY, value, value))

    def _write(self, article: Article, seq: int, now: str, first_seen: str | None) -> None:
        key = None
        if article.enrichment is not None:
            key = nlp_key(article.enrichment.version, article.content_hash)
        data = json.dumps(article.as_dict(), ensure_ascii=False)
        self.db.execute(
            """INSERT INTO articles (id, url, source, published, content_hash, data, nlp_key, seq, deleted,
                                     first_seen, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
               ON CONFLICT(url) DO UPDATE SET source=excluded.source, published=excluded.published,
                 content_hash=excluded.content_hash, data=excluded.data, nlp_key=excluded.nlp_key,
                 seq=excluded.seq, deleted=0, updated_at=excluded.updated_at""",
            (article.id, article.url, article.source, article.published, article.content_hash, data, key, seq,
             first_seen or now, now),
        )

    def save_enriched(self, articles: Iterable[Article]) -> int:
        """Store NLP results for articles whose text is unchanged since they were read."""
        count = 0
        now = utcnow()
        try:
            self.begin()
            seq = self._next_seq()
            for article in articles:
                if article.enrichment is None:
                    continue
                cur = self.db.execute(
                    "UPDATE articles SET data = ?, nlp_key = ?, seq = ?, updated_at = ? "
                    "WHERE id = ? AND content_hash = ?",
                    (json.dumps(article.as_dict(), ensure_ascii=False),
                     nlp_key(article.enrichment.version, article.content_hash), seq, now, article.id,
                     article.content_hash),
                )
                count += cur.rowcount
                seq += 1
            self.db.execute("COMMIT")
        except self.errors as exc:
            self._rollback()
            raise ArchiveError(f"cannot write to archive {self.where}: {exc}") from exc
        return count

    def set_republications(self, changes: dict[str, str | None]) -> int:
        """Set `republication_of` (id of the original, or None) on articles; the change is indexed
        like any other (new seq) but is not a new version of the text."""
        count = 0
        now = utcnow()
        try:
            self.begin()
            seq = self._next_seq()
            for article_id, original in changes.items():
                row = self.db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
                if row is None:
                    continue
                data = json.loads(row[0])
                data["republication_of"] = original
                self.db.execute("UPDATE articles SET data = ?, seq = ?, updated_at = ? WHERE id = ?",
                                (json.dumps(data, ensure_ascii=False), seq, now, article_id))
                seq += 1
                count += 1
            self.db.execute("COMMIT")
        except self.errors as exc:
            self._rollback()
            raise ArchiveError(f"cannot write to archive {self.where}: {exc}") from exc
        return count

    def first_seen(self) -> dict[str, str]:
        """When each article was first stored, by id."""
        return {r[0]: r[1] for r in self.db.execute("SELECT id, first_seen FROM articles")}

    def delete(self, article_id: str) -> bool:
        """Mark an article deleted (a tombstone the index picks up)."""
        try:
            self.begin()
            cur = self.db.execute(
                "UPDATE articles SET deleted = 1, seq = ?, updated_at = ? WHERE id = ? AND deleted = 0",
                (self._next_seq(), utcnow(), article_id),
            )
            self.db.execute("COMMIT")
        except self.errors as exc:
            self._rollback()
            raise ArchiveError(f"cannot write to archive {self.where}: {exc}") from exc
        return bool(cur.rowcount > 0)

    def _rollback(self) -> None:
        try:
            self.db.execute("ROLLBACK")
        except self.errors:
            pass

    # -- reading -----------------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT data FROM articles WHERE id = ? AND deleted = 0", (article_id,)).fetchone()
        return Article.from_dict(json.loads(row[0])) if row else None

    def get_by_url(self, url: str) -> Article | None:
        row = self.db.execute("SELECT data FROM articles WHERE url = ? AND deleted = 0", (url,)).fetchone()
        return Article.from_dict(json.loads(row[0])) if row else None

    def known_urls(self, source: str | None = None) -> set[str]:
        if source is None:
            rows = self.db.execute("SELECT url FROM articles")
        else:
            rows = self.db.execute("SELECT url FROM articles WHERE source = ?", (source,))
        return {r[0] for r in rows}

    def count(self, source: str | None = None) -> int:
        if source is None:
            return int(self.db.execute("SELECT COUNT(*) FROM articles WHERE deleted = 0").fetchone()[0])
        return int(self.db.execute(
            "SELECT COUNT(*) FROM articles WHERE deleted = 0 AND source = ?", (source,)).fetchone()[0])

    def counts_by_source(self) -> dict[str, int]:
        rows = self.db.execute("SELECT source, COUNT(*) FROM articles WHERE deleted = 0 GROUP BY source")
        return {r[0]: int(r[1]) for r in rows}

    def iter_articles(self, batch: int = 500, after: str = "", until: str | None = None) -> Iterator[Article]:
        """Every live article in id order, read in batches; `after` < id ≤ `until` reads one range of them."""
        last = after
        while True:
            if until is None:
                rows = self.db.execute("SELECT id, data FROM articles WHERE deleted = 0 AND id > ? ORDER BY id LIMIT ?",
                                       (last, batch)).fetchall()
            else:
                rows = self.db.execute("SELECT id, data FROM articles WHERE deleted = 0 AND id > ? AND id <= ? "
                                       "ORDER BY id LIMIT ?", (last, until, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield Article.from_dict(json.loads(row[1]))
            last = rows[-1][0]

    def split_ids(self, parts: int) -> list[tuple[str, str | None]]:
        """`parts` (after, until) id ranges holding about as many live articles each."""
        ids = [row[0] for row in self.db.execute("SELECT id FROM articles WHERE deleted = 0 ORDER BY id")]
        if parts <= 1 or len(ids) < 2 * parts:
            return [("", None)]
        cuts = [ids[len(ids) * k // parts - 1] for k in range(1, parts)]
        return list(zip(["", *cuts], [*cuts, None], strict=True))

    def count_unprocessed(self, version: str) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) FROM articles WHERE deleted = 0 AND (nlp_key IS NULL OR nlp_key != ? || content_hash)",
            (f"{version}:",),
        ).fetchone()
        return int(row[0])

    def unprocessed(self, version: str, batch: int = 200) -> Iterator[Article]:
        """Articles with no NLP result for their current text under this pipeline version."""
        last = ""
        while True:
            rows = self.db.execute(
                "SELECT id, data FROM articles WHERE deleted = 0 AND id > ? "
                "AND (nlp_key IS NULL OR nlp_key != ? || content_hash) ORDER BY id LIMIT ?",
                (last, f"{version}:", batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield Article.from_dict(json.loads(row[1]))
            last = rows[-1][0]

    def max_seq(self) -> int:
        return int(self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def changes_since(self, seq: int, batch: int = 500) -> Iterator[tuple[int, str, Article | None]]:
        """(seq, id, article) for every change after `seq`; article is None for a deletion."""
        while True:
            rows = self.db.execute(
                "SELECT seq, id, data, deleted FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", (seq, batch)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield int(row[0]), row[1], None if row[3] else Article.from_dict(json.loads(row[2]))
            seq = int(rows[-1][0])

    # -- runs and metadata ---------------------------------------------------------------------

    def start_run(self, kind: str) -> int:
        cur = self._write_one("INSERT INTO runs (kind, started) VALUES (?, ?) RETURNING id", (kind, utcnow()))
        return int(cur.fetchall()[0][0])

    def close_stale_runs(self, kind: str, status: str = "interrupted",
                         alive: Callable[[dict[str, Any]], bool] = lambda stats: False) -> int:
        """Mark runs of this kind still 'running' as `status`, but those whose stats `alive` says belong to a
        live process (a parallel crawl of another site: crawler.crawl)."""
        rows = self.db.execute("SELECT id, stats FROM runs WHERE kind = ? AND status = 'running'", (kind,)).fetchall()
        stale = [run_id for run_id, raw in rows if not alive(json.loads(raw))]
        for run_id in stale:
            self._write_one("UPDATE runs SET status = ?, ended = ? WHERE id = ?", (status, utcnow(), run_id))
        return len(stale)

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        self._write_one(
            "UPDATE runs SET ended = ?, status = ?, stats = ? WHERE id = ?",
            (utcnow(), status, json.dumps(stats, ensure_ascii=False), run_id),
        )

    def update_run_stats(self, run_id: int, stats: dict[str, Any]) -> None:
        self._write_one("UPDATE runs SET stats = ? WHERE id = ?", (json.dumps(stats, ensure_ascii=False), run_id))

    def runs(self, limit: int = 10, kind: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT id, kind, started, ended, status, stats FROM runs"
        args: tuple[Any, ...] = ()
        if kind:
            sql += " WHERE kind = ?"
            args = (kind,)
        sql += " ORDER BY id DESC LIMIT ?"
        rows = self.db.execute(sql, (*args, limit)).fetchall()
        return [
            {"id": r[0], "kind": r[1], "started": r[2], "ended": r[3], "status": r[4], "stats": json.loads(r[5])}
            for r in rows
        ]

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self._write_one("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
                        (key, value, value))

    def _write_one(self, sql: str, args: tuple[Any, ...]) -> Any:
        """One write statement; a full or read-only disk is an ArchiveError naming the file."""
        try:
            return self.db.execute(sql, args)
        except self.errors as exc:
            raise ArchiveError(f"cannot write to archive {self.where}: {exc}") from exc


def enrichment_of(article: Article) -> Enrichment:
    """The article's enrichment, or an empty one (for articles not processed yet)."""
    return article.enrichment or Enrichment()
