"""The bulk builder writes the same index Whoosh's own writer does: every field's terms, postings,
weights and lengths, every stored value; and its parallel build gives the same search results."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from crawler.archive import Archive
from crawler.article import Article
from index import bulk, layout
from index.bulk import build_generation
from index.schema import article_to_doc, make_schema
from index.store import SearchIndex
from index.sync import sync_index
from index.types import SearchQuery


def _whoosh_build(path: Path, articles: list[Article]) -> None:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), make_schema())
    with ix.writer() as w:
        for article in sorted(articles, key=lambda a: a.id):
            w.add_document(**article_to_doc(article))


def _dump(path: Path) -> dict[str, object]:
    ix = whoosh_index.open_dir(str(path))
    with ix.searcher() as s:
        reader = s.reader()
        out: dict[str, object] = {"docs": [dict(reader.stored_fields(d)) for d in range(reader.doc_count_all())]}
        for name in ix.schema.names():
            if ix.schema[name].column_type is not None:  # sortable fields and the relevance column
                out[f"{name}:column"] = list(reader.column_reader(name))
        for name in ix.schema.names():
            if not ix.schema[name].indexed:
                continue
            terms = list(reader.lexicon(name))
            out[f"{name}:terms"] = terms
            postings = {}
            for t in terms:
                m = reader.postings(name, t)
                items = []
                while m.is_active():
                    items.append((m.id(), m.weight(), m.value()))
                    m.next()
                postings[t] = items
            out[f"{name}:postings"] = postings
            out[f"{name}:lengths"] = [reader.doc_field_length(d, name, 0) for d in range(reader.doc_count_all())]
            out[f"{name}:total"] = reader.field_length(name)
        return out


def test_bulk_segment_equals_whoosh_writer(tmp_path: Path, articles: list[Article]) -> None:
    data = tmp_path / "data"
    with Archive.open(data) as archive:
        archive.upsert_many(articles)
        bulk = tmp_path / "bulk"
        bulk.mkdir()
        assert build_generation(archive, bulk, procs=1) == len(articles)
    _whoosh_build(tmp_path / "plain", articles)
    a, b = _dump(bulk), _dump(tmp_path / "plain")
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == b[key], key


@pytest.mark.slow
def test_another_whoosh_release_gets_whooshs_own_writer(tmp_path: Path, articles: list[Article],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "WRITTEN_FOR", (9, 9, 9))  # the format this module writes is not this Whoosh's
    assert not bulk.bulk_supported()
    with Archive.open(tmp_path / "data") as archive:
        archive.upsert_many(articles)
        (tmp_path / "fallback").mkdir()
        assert build_generation(archive, tmp_path / "fallback", procs=1) == len(articles)
    _whoosh_build(tmp_path / "plain", articles)
    assert _dump(tmp_path / "fallback") == _dump(tmp_path / "plain")


@pytest.mark.slow
@pytest.mark.usefixtures("archive_backend")  # the worker processes reopen the archive, a file or a URL
def test_parallel_rebuild_answers_as_the_single_process_one(tmp_path: Path, articles: list[Article],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "MIN_ARTICLES_PER_PROCESS", 1)  # the test archive is small
    data = tmp_path / "data"
    with Archive.open(data) as archive:
        archive.upsert_many(articles)
        one = sync_index(archive, tmp_path / "one", rebuild=True, procs=1)
        two = sync_index(archive, tmp_path / "two", rebuild=True, procs=2)
    assert one.docs == two.docs == len(articles)
    generation = next((tmp_path / "two").glob("gen-*"))
    assert len(whoosh_index.open_dir(str(generation))._segments()) == 2  # one per process
    with SearchIndex.open(tmp_path / "one") as i1, SearchIndex.open(tmp_path / "two") as i2:
        for q in ("chỉ thị 05", "dang uy", '"học tập và làm theo"', "CT05", "mô hình"):
            r1, r2 = i1.search(SearchQuery(text=q)), i2.search(SearchQuery(text=q))
            assert r1.total == r2.total, q
            assert [h.id for h in r1.hits] == [h.id for h in r2.hits], q
            assert r1.facets == r2.facets, q


def _group(pgid: int) -> list[int]:
    """Live processes of a process group (Linux /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


@pytest.mark.slow
def test_parallel_rebuild_killed_midway_leaves_the_live_index(tmp_path: Path, articles: list[Article]) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[2]
    # Enough articles for two worker processes (bulk.MIN_ARTICLES_PER_PROCESS each) and a few seconds' work.
    copies = [a.replace(url=f"{a.url}?copy={i}") for i in range(120) for a in articles]
    with Archive.open(tmp_path) as archive:
        archive.upsert_many(copies[:len(articles)])
        sync_index(archive, tmp_path / "index")
        archive.upsert_many(copies)
    live = layout.current_dir(tmp_path / "index")
    cli = [sys.executable, "-c", "from webui.cli import main; main()", "index", "--rebuild", "--procs", "2",
           "--data-dir", str(tmp_path)]
    proc = subprocess.Popen(cli, cwd=root, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_group(proc.pid)) < 3:  # the parent and its two workers
        assert time.monotonic() < deadline and proc.poll() is None, "the rebuild never started"
        time.sleep(0.05)
    time.sleep(1.0)  # the workers are indexing now
    assert proc.poll() is None, "the rebuild finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10  # the kernel kills them with their parent (PR_SET_PDEATHSIG)
    while _group(proc.pid):  # the workers notice and exit: nothing of the process group is left
        assert time.monotonic() < deadline, "rebuild workers outlived their parent"
        time.sleep(0.2)
    assert layout.current_dir(tmp_path / "index") == live
    with SearchIndex.open(tmp_path / "index") as idx:
        assert idx.search(SearchQuery(text="chỉ thị 05")).total > 0
    done = subprocess.run(cli, cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    with SearchIndex.open(tmp_path / "index") as idx:
        assert idx.doc_count() == len(copies)


def test_a_build_in_many_segments_answers_as_one(tmp_path: Path, articles: list[Article],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker starts a new segment every SEGMENT_ARTICLES articles (bounded memory at a million): same
    answers, and the per-snapshot arrays read whole from the columns equal Whoosh's per-document values."""
    with Archive.open(tmp_path / "data") as archive:
        archive.upsert_many(articles)
        sync_index(archive, tmp_path / "one", rebuild=True, procs=1)
        monkeypatch.setattr(bulk, "SEGMENT_ARTICLES", 7)
        sync_index(archive, tmp_path / "many", rebuild=True, procs=1)
    generation = layout.current_dir(tmp_path / "many")
    assert generation is not None
    assert len(whoosh_index.open_dir(str(generation))._segments()) == -(-len(articles) // 7)
    with SearchIndex.open(tmp_path / "one") as i1, SearchIndex.open(tmp_path / "many") as i2:
        for q in ("chỉ thị 05", "dang uy", '"học tập và làm theo"', "CT05", "mô hình"):
            r1, r2 = i1.search(SearchQuery(text=q)), i2.search(SearchQuery(text=q))
            assert (r1.total, [h.id for h in r1.hits], r1.facets) == (r2.total, [h.id for h in r2.hits], r2.facets), q
        snap, reader = i2.view.snap, i2.view.snap.reader
        for field in ("title", "body_f", "words", "docs"):
            assert snap.lengths(field).tolist() == [float(reader.doc_field_length(d, field, 0) or 0)
                                                    for d in range(snap.n)], field
        expected = [float(v) for v in reader.column_reader("relevance")]
        assert i2.view.relevance.tolist() == pytest.approx(expected)
        assert any(expected)
