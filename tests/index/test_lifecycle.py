"""Incremental sync, rebuild swap, one writer at a time, and surviving a SIGKILL mid-commit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.article import Article
from index import layout
from index.lock import writer_lock
from index.store import IndexMissing, SearchIndex
from index.sync import IndexBusy, sync_index
from index.types import SearchQuery

ROOT = Path(__file__).resolve().parents[2]


def _archive(tmp: Path, articles: list[Article]) -> Archive:
    archive = Archive.open(tmp)
    archive.upsert_many(articles)
    return archive


def test_missing_index_has_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="ct05 index"):
        SearchIndex.open(tmp_path / "index")


def test_incremental_add_update_delete(tmp_path: Path, articles: list[Article]) -> None:
    archive = _archive(tmp_path, articles[:10])
    first = sync_index(archive, tmp_path / "index")
    assert first.rebuilt and first.added == 10
    idx = SearchIndex.open(tmp_path / "index", refresh_interval=0)
    assert idx.doc_count() == 10
    archive.upsert_many(articles[10:15])
    archive.upsert(articles[0].replace(title="Tiêu đề mới hoàn toàn khác biệt"))
    archive.delete(articles[1].id)
    report = sync_index(archive, tmp_path / "index")
    assert (report.added, report.updated, report.deleted) == (5, 1, 1)
    assert not report.rebuilt and "thêm" in report.summary()
    assert idx.doc_count() == 14  # the open reader picked up the commit by itself
    assert [h.id for h in idx.search(SearchQuery(text="hoàn toàn khác biệt", scope="all")).hits][:1] == [articles[0].id]
    assert articles[1].id not in {h.id for h in idx.search(SearchQuery(per_page=100, scope="all")).hits}
    assert sync_index(archive, tmp_path / "index").added == 0
    idx.close()
    archive.close()


def test_rebuild_swaps_while_readers_keep_working(tmp_path: Path, articles: list[Article]) -> None:
    archive = _archive(tmp_path, articles[:12])
    sync_index(archive, tmp_path / "index")
    idx = SearchIndex.open(tmp_path / "index", refresh_interval=0)
    before = layout.current_dir(tmp_path / "index")
    archive.upsert_many(articles[12:20])
    report = sync_index(archive, tmp_path / "index", rebuild=True)
    assert report.rebuilt and report.docs == 20
    assert layout.current_dir(tmp_path / "index") != before
    assert idx.search(SearchQuery(per_page=50, scope="all")).total == 20
    idx.close()
    archive.close()


def test_second_writer_fails_with_a_clear_message(tmp_path: Path, articles: list[Article]) -> None:
    archive = _archive(tmp_path, articles[:3])
    with writer_lock(tmp_path / "index"):
        # flock is per open file description, so a second open in this process contends too.
        with pytest.raises(IndexBusy, match="đang được một tiến trình khác"):
            sync_index(archive, tmp_path / "index", timeout=0.3)
    assert sync_index(archive, tmp_path / "index").added == 3
    archive.close()


_KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    import whoosh.writing
    from crawler.archive import Archive
    from index.sync import sync_index
    real = whoosh.writing.SegmentWriter._finalize_segment
    def die(self, *a, **k):
        result = real(self, *a, **k)  # segment files written, table of contents not yet
        os.kill(os.getpid(), signal.SIGKILL)
        return result
    whoosh.writing.SegmentWriter._finalize_segment = die
    with Archive.open({data!r}) as archive:
        sync_index(archive, {index!r})
""")


def test_sigkill_mid_commit_leaves_a_working_index(tmp_path: Path, articles: list[Article]) -> None:
    archive = _archive(tmp_path, articles[:10])
    sync_index(archive, tmp_path / "index")
    archive.upsert_many(articles[10:25])
    archive.delete(articles[2].id)
    code = _KILLED_WRITER.format(root=str(ROOT), data=str(tmp_path), index=str(tmp_path / "index"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    with SearchIndex.open(tmp_path / "index") as idx:  # opens and answers: the old state
        assert idx.doc_count() == 10
        assert idx.search(SearchQuery(text="đảng")).total >= 0
    report = sync_index(archive, tmp_path / "index", timeout=5)  # the lock died with the writer
    assert report.docs == 24
    with SearchIndex.open(tmp_path / "index") as idx:
        assert idx.doc_count() == 24
    archive.close()


def test_readers_are_not_blocked_by_a_writer(tmp_path: Path, articles: list[Article]) -> None:
    archive = _archive(tmp_path, articles[:5])
    sync_index(archive, tmp_path / "index")
    with writer_lock(tmp_path / "index"):
        started = time.monotonic()
        with SearchIndex.open(tmp_path / "index") as idx:
            assert idx.search(SearchQuery(text="đảng")).total >= 0
        assert time.monotonic() - started < 5
    archive.close()
    assert os.path.exists(tmp_path / "index" / layout.LOCK)
