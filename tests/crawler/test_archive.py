"""The archive: one record per URL, history of hashes, change sequence, NLP bookkeeping; every test runs on
SQLite and on PostgreSQL (`archive_backend`)."""

from pathlib import Path

import pytest

from crawler.archive import Archive, ArchiveError
from crawler.article import Article, Enrichment


def art(n: int, body: str = "Nội dung") -> Article:
    return Article(url=f"https://example.vn/{n}.html", source="s", title=f"Bài {n}", body=body)


pytestmark = pytest.mark.usefixtures("archive_backend")


def test_upsert_is_keyed_by_url_and_keeps_history(tmp_path: Path, archive_backend: str) -> None:
    with Archive.open(tmp_path) as a:
        assert a.upsert_many([art(1), art(2)]) == ["new", "new"]
        assert a.upsert(art(1)) == "unchanged"
        first_hash = art(1).content_hash
        assert a.upsert(art(1, "Nội dung mới")) == "updated"
        stored = a.get(art(1).id)
        assert stored is not None and stored.body == "Nội dung mới"
        assert stored.previous_hashes == (first_hash,)
        assert a.count() == 2
    # WAL mode (SQLite) and reopen
    with Archive.open(tmp_path) as a:
        assert a.postgres == (archive_backend == "postgresql")
        if not a.postgres:
            assert a.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert a.count() == 2


def test_one_url_twice_in_one_batch_is_stored_then_updated(tmp_path: Path) -> None:
    with Archive.open(tmp_path) as a:
        a.upsert(art(3))
        assert a.upsert_many([art(1), art(1, "bản sửa"), art(2), art(3), art(3, "đổi")]) == [
            "new", "updated", "new", "unchanged", "updated"]
        stored = a.get(art(1).id)
        assert stored is not None and stored.body == "bản sửa" and stored.previous_hashes == (art(1).content_hash,)
        assert [c[1] for c in a.changes_since(1)] == [art(1).id, art(2).id, art(3).id]
        assert a.count() == 3


def test_changes_since_reports_updates_and_deletions(tmp_path: Path) -> None:
    with Archive.open(tmp_path) as a:
        a.upsert_many([art(1), art(2)])
        seq = a.max_seq()
        a.upsert(art(2, "sửa"))
        a.delete(art(1).id)
        changes = list(a.changes_since(seq))
        assert [(c[1], c[2] is None) for c in changes] == [(art(2).id, False), (art(1).id, True)]
        assert a.get(art(1).id) is None


def test_unprocessed_skips_articles_enriched_for_their_current_text(tmp_path: Path) -> None:
    with Archive.open(tmp_path) as a:
        a.upsert_many([art(1), art(2)])
        assert a.count_unprocessed("v1") == 2
        done = art(1).replace(enrichment=Enrichment(province="Yên Bái", version="v1"))
        assert a.save_enriched([done]) == 1
        assert [x.id for x in a.unprocessed("v1")] == [art(2).id]
        assert a.count_unprocessed("v2") == 2  # a new pipeline version redoes everything
        a.upsert(art(1, "đổi nội dung"))  # changed text needs NLP again
        assert a.count_unprocessed("v1") == 2


def test_run_records(tmp_path: Path) -> None:
    with Archive.open(tmp_path) as a:
        run = a.start_run("crawl")
        a.finish_run(run, "ok", {"totals": {"new": 3}})
        assert a.runs()[0]["stats"]["totals"]["new"] == 3


def test_close_stale_runs_spares_a_live_sibling_crawl(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys

    from crawler.crawl import _running_here

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    with Archive.open(tmp_path) as a:
        live = a.start_run("crawl")
        a.update_run_stats(live, {"pid": os.getpid(), "host": socket.gethostname()})
        gone = a.start_run("crawl")
        a.update_run_stats(gone, {"pid": int(dead.stdout), "host": socket.gethostname()})
        legacy = a.start_run("crawl")  # no pid noted: an older crawl, stale by definition
        assert a.close_stale_runs("crawl", alive=_running_here) == 2
        status = {r["id"]: r["status"] for r in a.runs(5)}
        assert status == {live: "running", gone: "interrupted", legacy: "interrupted"}


def test_concurrent_writers_number_changes_in_commit_order(tmp_path: Path) -> None:
    """Three writers (as three crawl workers) and a reader following `changes_since` as the index does: every
    sequence number is used once, and the reader, which only ever asks for numbers above the last it saw,
    misses no article (a number is never committed after a higher one has been read)."""
    import threading

    def write(worker: int) -> None:
        with Archive.open(tmp_path) as a:
            for batch in range(8):
                a.upsert_many([art(1000 * worker + 10 * batch + k) for k in range(10)])

    seen: dict[str, int] = {}
    done = threading.Event()

    def follow() -> None:
        with Archive.open(tmp_path) as a:
            last = 0
            while True:
                finished = done.is_set()
                for seq, article_id, _article in a.changes_since(last):
                    assert seq > last
                    seen[article_id] = last = seq
                if finished:
                    return

    with Archive.open(tmp_path) as a:
        a.count()  # the schema exists before the threads start
    writers = [threading.Thread(target=write, args=(w,)) for w in (1, 2, 3)]
    reader = threading.Thread(target=follow)
    for t in (reader, *writers):
        t.start()
    for t in writers:
        t.join()
    done.set()
    reader.join()
    with Archive.open(tmp_path) as a:
        final = {article_id: seq for seq, article_id, _a in a.changes_since(0)}
    assert len(final) == 240 and sorted(final.values()) == list(range(1, 241))
    assert seen == final


def test_an_unknown_url_scheme_is_an_error_not_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--archive mysql://…` (or a typo in CT05_ARCHIVE) says so in one line and creates nothing."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ArchiveError, match=r"^archive mysql://…: not an archive"):
        Archive.open(tmp_path, location="mysql://user:secret@host/db")
    assert list(tmp_path.iterdir()) == []
