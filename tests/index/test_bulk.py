"""The bulk builder writes the same index Whoosh's own writer does: every field's terms, postings,
weights and lengths, every stored value; and its parallel build gives the same search results."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from crawler.archive import Archive
from crawler.article import Article
from index import bulk
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
