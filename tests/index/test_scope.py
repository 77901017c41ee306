"""The Chỉ thị 05 topic as a search scope: the per-document relevance column, the default "topic" scope,
and totals and facet counts that agree with each other in both scopes."""

from __future__ import annotations

import pytest

from crawler.article import Article
from index.schema import article_to_doc
from index.store import SearchIndex
from index.types import QueryError, SearchQuery
from nlp.relevance import TOPIC_THRESHOLD


def _query(scope: str, **kw: object) -> SearchQuery:
    return SearchQuery(scope=scope, facet_limit=0, per_page=200, **kw)  # type: ignore[arg-type]


def test_view_relevance_is_each_articles_score(idx: SearchIndex, articles: list[Article]) -> None:
    view = idx.view
    ids = [idx.view.snap.searcher.stored_fields(d)["id"] for d in range(view.n)]
    expected = {a.id: a.enrichment.relevance for a in articles if a.enrichment}
    assert view.relevance.shape == (view.n,) and view.relevance.dtype.kind == "f"
    for docnum, article_id in enumerate(ids):
        assert view.relevance[docnum] == pytest.approx(expected[article_id], abs=1e-6)
    assert (view.topic == (view.relevance >= TOPIC_THRESHOLD)).all()


def test_topic_is_the_default_scope(idx: SearchIndex, articles: list[Article]) -> None:
    assert SearchQuery().scope == "topic"
    on_topic = {a.id for a in articles if a.enrichment and a.enrichment.relevance >= TOPIC_THRESHOLD}
    off_topic = {a.id for a in articles} - on_topic
    assert on_topic and off_topic
    topic = {h.id for h in idx.search(SearchQuery(per_page=200, collapse=False)).hits}
    every = {h.id for h in idx.search(SearchQuery(per_page=200, collapse=False, scope="all")).hits}
    assert topic == on_topic and every == on_topic | off_topic


def test_off_topic_news_only_in_the_all_scope(idx: SearchIndex) -> None:
    for text in ("Yamaha", "hung thủ", "Hoàng tử Harry"):
        assert idx.search(SearchQuery(text=text, scope="all")).total >= 1, text
        assert idx.search(SearchQuery(text=text)).total == 0, text


@pytest.mark.parametrize("scope", ["topic", "all"])
@pytest.mark.parametrize("text", ["", "Đảng", "làm theo"])
def test_facet_count_is_the_total_after_selecting_it(idx: SearchIndex, scope: str, text: str) -> None:
    base = idx.search(_query(scope, text=text))
    assert base.total > 0
    for name, values in base.facets.items():
        for fv in values:
            selected = idx.search(_query(scope, text=text, filters=((name, (fv.value,)),)))
            assert selected.total == fv.count, (scope, text, name, fv.value)


def test_switching_scope_changes_totals_and_facets(idx: SearchIndex) -> None:
    topic, every = idx.search(_query("topic")), idx.search(_query("all"))
    assert 0 < topic.total < every.total
    for name in ("province", "source", "year"):
        t = {fv.value: fv.count for fv in topic.facets[name]}
        a = {fv.value: fv.count for fv in every.facets[name]}
        assert all(t[v] <= a[v] for v in t), name
        assert sum(t.values()) < sum(a.values()), name


def test_unknown_scope_is_a_query_error(idx: SearchIndex) -> None:
    with pytest.raises(QueryError, match="phạm vi"):
        idx.search(SearchQuery(scope="everything"))


def test_unprocessed_article_gets_its_score_from_the_text(articles: list[Article]) -> None:
    strong = next(a for a in articles if a.enrichment and a.enrichment.relevance > 0.9)
    weak = next(a for a in articles if a.title.startswith("Mua Yamaha"))
    assert article_to_doc(strong.replace(enrichment=None))["relevance"] > 0.9
    assert article_to_doc(weak.replace(enrichment=None))["relevance"] == 0.0
