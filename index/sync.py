"""Keep the index in step with the archive: incremental by change sequence, or a full rebuild.

The last archive seq indexed is saved in the generation's state.json after each commit. A writer
killed mid-commit leaves Whoosh's previous table of contents in place (it is replaced atomically) and
an older seq, so the next run simply replays the changes again: upserts and deletes are idempotent.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from crawler.archive import Archive
from crawler.article import Article
from index import layout
from index.lock import IndexBusy, writer_lock
from index.schema import SCHEMA_VERSION, article_to_doc, make_schema

__all__ = ["IndexBusy", "SyncReport", "sync_index", "IndexWriter"]

BATCH = 2000


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    seq: int = 0
    docs: int = 0

    def summary(self) -> str:
        how = "Dựng lại chỉ mục" if self.rebuilt else "Cập nhật chỉ mục"
        rate = f", {self.added / self.seconds:.0f} bài/giây" if self.rebuilt and self.seconds > 0 else ""
        return (f"{how}: {self.added} thêm, {self.updated} cập nhật, {self.deleted} xóa; "
                f"{self.docs} bài trong chỉ mục; {self.seconds:.1f} giây{rate}.")


class IndexWriter:
    """add / update / delete on one generation; `commit()` makes the batch visible atomically."""

    def __init__(self, generation: Path, *, limitmb: int = 256) -> None:
        self.generation = generation
        if whoosh_index.exists_in(str(generation)):
            self.ix = whoosh_index.open_dir(str(generation))
        else:
            self.ix = whoosh_index.create_in(str(generation), make_schema())
        # compound=False: Whoosh reads a compound segment's postings into memory on open (hundreds
        # of MB at 100k articles); separate files are read through the OS page cache instead.
        self._options: dict[str, Any] = {"limitmb": limitmb, "compound": False}
        self._writer: Any = None
        self._searcher: Any = None

    def _w(self) -> Any:
        if self._writer is None:
            self._writer = self.ix.writer(timeout=30.0, **self._options)
        return self._writer

    def contains(self, article_id: str) -> bool:
        if self._searcher is None:
            self._searcher = self.ix.searcher()
        return self._searcher.document_number(id=article_id) is not None

    def add(self, article: Article) -> None:
        self._w().add_document(**article_to_doc(article))

    def update(self, article: Article) -> None:
        self._w().update_document(**article_to_doc(article))

    def delete(self, article_id: str) -> None:
        self._w().delete_by_term("id", article_id)

    def commit(self, optimize: bool = False) -> None:
        if self._writer is not None:
            self._writer.commit(optimize=optimize)
            self._writer = None
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def cancel(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def doc_count(self) -> int:
        return int(self.ix.doc_count())


def _progress(enabled: bool, text: str) -> None:
    if enabled:
        print(text, file=sys.stderr, flush=True)


def sync_index(archive: Archive, index_dir: Path, *, rebuild: bool = False, progress: bool = False,
               timeout: float = 60.0, procs: int = 1) -> SyncReport:
    """Bring the index up to date with the archive (or rebuild it); one writer at a time."""
    started = time.monotonic()
    index_dir = Path(index_dir)
    with writer_lock(index_dir, timeout=timeout):
        layout.drop_leftovers(index_dir)
        current = layout.current_dir(index_dir)
        state = layout.read_state(current) if current else {}
        if rebuild or current is None or state.get("schema") != SCHEMA_VERSION:
            report = _rebuild(archive, index_dir, progress, procs)
        else:
            report = _catch_up(archive, current, int(state.get("seq", 0)), progress)
    report.seconds = time.monotonic() - started
    return report


def _rebuild(archive: Archive, index_dir: Path, progress: bool, procs: int) -> SyncReport:
    from index.bulk import build_generation

    report = SyncReport(rebuilt=True)
    generation = layout.new_generation(index_dir)
    seq = archive.max_seq()  # changes after this are replayed below
    last_shown = [0]

    def show(done: int) -> None:
        if done - last_shown[0] >= 5000:
            last_shown[0] = done
            _progress(progress, f"  {done} bài…")

    try:
        report.added = build_generation(archive, generation, procs=procs, progress=show if progress else None)
        layout.write_state(generation, {"seq": seq, "schema": SCHEMA_VERSION})
        tail = _catch_up(archive, generation, seq, progress)
    except BaseException:  # a full disk, a crash of a worker: the half-built generation must not stay
        shutil.rmtree(generation, ignore_errors=True)
        raise
    report.updated, report.deleted, report.seq = tail.updated + tail.added, tail.deleted, tail.seq or seq
    report.docs = tail.docs
    layout.swap(index_dir, generation)
    return report


def _catch_up(archive: Archive, generation: Path, seq: int, progress: bool) -> SyncReport:
    report = SyncReport(seq=seq)
    writer = IndexWriter(generation)
    pending = 0
    last = seq
    try:
        for change_seq, article_id, article in archive.changes_since(seq):
            exists = writer.contains(article_id)
            if article is None:
                if exists:
                    writer.delete(article_id)
                    report.deleted += 1
            elif exists:
                writer.update(article)
                report.updated += 1
            else:
                writer.update(article)  # update, not add: a replay after a crash may find it there
                report.added += 1
            last = change_seq
            pending += 1
            if pending >= BATCH:
                writer.commit()
                layout.write_state(generation, {"seq": last, "schema": SCHEMA_VERSION})
                _progress(progress, f"  đến thay đổi {last}…")
                pending = 0
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    if last != seq or not (generation / layout.STATE).exists():
        layout.write_state(generation, {"seq": last, "schema": SCHEMA_VERSION})
    report.seq = last
    report.docs = writer.doc_count()
    return report


def clear_index(generation: Path) -> None:  # pragma: no cover - maintenance helper
    """Drop every document of a generation (keeps the schema)."""
    w = whoosh_index.open_dir(str(generation)).writer()
    w.commit(mergetype=CLEAR)
