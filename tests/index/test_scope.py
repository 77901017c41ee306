"""The Chỉ thị 05 topic as a search scope: the per-document relevance column, the default "topic" scope,
and totals and facet counts that agree with each other in both scopes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.article import Article
from index.schema import article_to_doc
from index.store import SearchIndex
from index.types import QueryError, SearchQuery
from nlp.relevance import TOPIC_THRESHOLD
from tests.index.conftest import enriched_index


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


_CT05 = ("Đảng bộ xã đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh theo Chỉ thị 05-CT/TW "
         "của Bộ Chính trị. ")


def _story(n: int, title: str, body: str) -> Article:
    return Article(url=f"https://baolaocai.vn/bai-{n}.html", source="baolaocai", title=title, body=body)


@pytest.fixture(scope="module")
def relaxing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """Two topic stories hold "khoai" and "lụa", three only "khoai"; eleven off-topic ones hold both and
    three only "lụa": in the topic scope alone too few stories hold both words, in the archive enough."""
    rows = [_story(i, f"Chi bộ thôn {i} làm theo Bác", _CT05 + "Đảng viên tặng khoai và vải lụa cho hộ nghèo.")
            for i in range(2)]
    rows += [_story(10 + i, f"Chi bộ thôn {10 + i} làm theo Bác", _CT05 + "Hội viên tặng khoai cho hộ nghèo.")
             for i in range(3)]
    rows += [_story(20 + i, f"Chợ Tết số {i} đông khách", "Người dân mua khoai lang và vải lụa ngày cận Tết.")
             for i in range(11)]
    rows += [_story(40 + i, f"Làng nghề số {i}", "Làng dệt lụa mở cửa đón khách tham quan.") for i in range(3)]
    data = tmp_path_factory.mktemp("relaxing")
    index = enriched_index(data, rows)
    yield index
    index.close()


def test_the_topic_scope_never_shows_more_than_the_whole_archive(relaxing: SearchIndex) -> None:
    # Too few stories holding every word is judged on the whole archive: 13 hold both words there, so
    # neither scope relaxes, and the topic shows its 2 full matches, not partial ones ("khoai" alone).
    topic = relaxing.search(_query("topic", text="khoai lụa", collapse=False))
    every = relaxing.search(_query("all", text="khoai lụa", collapse=False))
    assert every.message is None and every.total == 13
    assert topic.message is None and topic.total == 2
    off_topic = [h for h in every.hits if h.id not in {t.id for t in topic.hits}]
    assert topic.outside_scope == len(off_topic) == 11
    assert topic.total + topic.outside_scope == every.total


def test_a_filter_chip_is_offered_only_when_the_scope_holds_stories_of_it(idx: SearchIndex) -> None:
    # The fixture's Thanh Hóa stories are all off the topic: in the topic scope the chip would empty the page.
    chips = {(c.facet, c.value) for c in idx.search(SearchQuery(text="Thanh Hóa")).chips}
    assert ("province", "Thanh Hóa") not in chips
    every = {(c.facet, c.value) for c in idx.search(SearchQuery(text="Thanh Hóa", scope="all")).chips}
    assert ("province", "Thanh Hóa") in every
    for scope in ("topic", "all"):
        for text in ("Nghệ An", "Yên Bái Hòa Bình", "Thừa Thiên Huế"):
            for chip in idx.search(SearchQuery(text=text, scope=scope)).chips:
                assert idx.search(SearchQuery(scope=scope, filters=((chip.facet, (chip.value,)),))).total > 0


def test_related_stories_of_a_topic_story_stay_in_the_topic(idx: SearchIndex, articles: list[Article]) -> None:
    # On the real archive a "làm theo Bác" thrift story listed a beauty tip and a celebrity wedding as related.
    relevance = {a.id: a.enrichment.relevance if a.enrichment else 0.0 for a in articles}
    on_topic = [a.id for a in articles if relevance[a.id] >= TOPIC_THRESHOLD]
    related = {i: idx.more_like_this(i, 8) for i in on_topic}
    assert sum(len(hits) for hits in related.values()) > len(on_topic)
    for article_id, hits in related.items():
        assert all(relevance[h.id] >= TOPIC_THRESHOLD for h in hits), (article_id, [h.title for h in hits])
    off_topic = next(a.id for a in articles if a.title.startswith("Mua Yamaha"))
    assert any(relevance[h.id] < TOPIC_THRESHOLD for h in idx.more_like_this(off_topic, 8))  # all scope there
