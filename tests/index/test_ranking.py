"""Word-aware ranking on a real index built from articles processed by the real NLP stage."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.archive import Archive
from crawler.article import Article
from index.ranking import WordsScorer
from index.store import SearchIndex
from index.suggest import known_words
from index.sync import sync_index
from index.types import SearchQuery
from index.understand import places, understand
from nlp.enrich import enrich_many

FILLER = ("Hội nghị diễn ra tại hội trường của huyện với sự tham dự của đông đảo cán bộ, đảng viên và nhân dân. "
          "Các đại biểu đã thảo luận về công tác chuẩn bị cho năm tới. ")


def _article(n: int, title: str, body: str) -> Article:
    return Article(url=f"https://baonghean.vn/bai-{n}.html", source="baonghean", title=title, body=body)


CORPUS = [
    # Stories of the model: the name, as typed, in the body.
    (1, "Nhân rộng mô hình hay ở cơ sở", FILLER + "Hội Phụ nữ xã Nghi Ân duy trì mô hình “Bát gạo nghĩa tình”, "
     "mỗi tháng hội viên góp gạo giúp hộ nghèo. " + FILLER),
    (2, "Phụ nữ Nghệ An làm theo lời Bác", FILLER + "Mô hình “Bát gạo nghĩa tình” của chi hội phụ nữ thôn 3 đã giúp "
     "12 hộ nghèo vượt khó. " + FILLER * 3),
    (3, "Tấm lòng nhân ái", "Với mô hình “Bát gạo nghĩa tình”, chị em trong xóm góp từng bát gạo. " + FILLER),
    # The syllables everywhere, never together, many times.
    (4, "Giá gạo tăng cao", "Gạo tẻ, gạo nếp đều tăng giá. Gạo xuất khẩu tăng mạnh. Người dân mua gạo tích trữ. "
     + FILLER + "Nhà hàng bán bát phở giá mới, mỗi bát tăng năm nghìn. Bát đĩa cũng tăng giá. "
     + FILLER + "Tình nghĩa xóm giềng vẫn giữ, nghĩa tình sâu nặng. " + FILLER),
    (5, "Bát gạo và chiếc áo", "Chiếc bát cũ. " + FILLER + "Bao gạo mới về. " + FILLER + "Một câu chuyện nghĩa tình."),
    # Diacritics: "nâng" versus "Nẵng".
    (6, "Đà Nẵng đón khách", "Thành phố Đà Nẵng đón nhiều khách du lịch, Đà Nẵng có nhiều bãi biển đẹp. " + FILLER),
    (7, "Nâng cao chất lượng đảng viên", "Chi bộ nâng cao chất lượng sinh hoạt, nâng cao năng lực lãnh đạo. "
     + FILLER),
    # Title sharing one syllable versus a body holding the whole phrase.
    (8, "Thi đua", FILLER * 4 + "Lễ trao giải kết thúc. " + FILLER),
    (9, "Báo cáo tổng kết năm", FILLER + "Phong trào thi đua yêu nước được đẩy mạnh ở mọi cơ quan. " + FILLER),
    # Numbered model: "3 không" nowhere; "mô hình", "3" and "không" apart.
    (10, "Mô hình mới", "Xã có mô hình nuôi cá. Năm 2020 có 3 hộ tham gia, không ai bỏ cuộc. " + FILLER),
]


@pytest.fixture(scope="module")
def idx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    data = tmp_path_factory.mktemp("ranking")
    with Archive.open(data) as archive:
        archive.upsert_many(enrich_many([_article(*row) for row in CORPUS], workers=1))
        sync_index(archive, data / "index")
    index = SearchIndex.open(data / "index")
    yield index
    index.close()


def _ranked(idx: SearchIndex, text: str) -> list[int]:
    res = idx.search(SearchQuery(text=text, per_page=50, facets=(), scope="all"))
    return [int(h.url.rsplit("-", 1)[1].split(".")[0]) for h in res.hits]


@pytest.mark.parametrize("text", ["bát gạo nghĩa tình", "bat gao nghia tinh", "Bát gạo nghĩa tình Nghệ An"])
def test_model_name_without_quotes_ranks_every_holder_first(idx: SearchIndex, text: str) -> None:
    ranked = _ranked(idx, text)
    holders = {1, 2, 3}
    assert set(ranked[:3]) == holders, ranked
    assert all(n not in holders for n in ranked[3:])


def test_scattered_syllables_rank_far_below(idx: SearchIndex) -> None:
    res = idx.search(SearchQuery(text="bát gạo nghĩa tình", per_page=50, facets=(), scope="all"))
    scores = {int(h.url.rsplit("-", 1)[1].split(".")[0]): h.score for h in res.hits}
    assert 4 not in scores or scores[4] < 0.5 * min(scores[n] for n in (1, 2, 3))


def test_numbered_model_needs_its_number_next_to_the_word(idx: SearchIndex) -> None:
    res = idx.search(SearchQuery(text="mo hinh 3 khong", per_page=50, facets=()))
    # No document holds "3 không": nothing is shown as a full match; any best match is announced.
    assert res.total == 0 or "gần nhất" in (res.message or "")


def test_typed_diacritics_decide(idx: SearchIndex) -> None:
    ranked = _ranked(idx, "nâng")
    assert ranked[0] == 7
    assert ranked.index(6) > ranked.index(7) if 6 in ranked else True
    unaccented = _ranked(idx, "nang")
    assert {6, 7} <= set(unaccented)


def test_a_title_syllable_does_not_beat_the_phrase_in_the_body(idx: SearchIndex) -> None:
    ranked = _ranked(idx, "phong trào thi đua yêu nước")
    assert ranked[0] == 9


def test_content_words_kept_and_repeats_counted_once(idx: SearchIndex) -> None:
    assert 2 in _ranked(idx, "làm theo lời Bác")[:1]
    once = idx.search(SearchQuery(text="gạo", facets=()))
    twice = idx.search(SearchQuery(text="gạo gạo", facets=()))
    assert [h.id for h in once.hits] == [h.id for h in twice.hits]
    assert [round(h.score, 4) for h in once.hits] == [round(h.score, 4) for h in twice.hits]


def test_bare_word_inside_an_accented_query_is_not_restored(idx: SearchIndex) -> None:
    res = idx.search(SearchQuery(text="Nghệ An thanh", facets=()))
    assert res.suggestion is None or "thành" not in res.suggestion.lower()


def test_bare_word_inside_an_accented_query_is_not_restored_when_filters_leave_nothing(idx: SearchIndex) -> None:
    # "thanh niên" typed correctly, filtered down to nothing: not "Có phải bạn muốn tìm: thành niên?"
    res = idx.search(SearchQuery(text="Nghệ An thanh", facets=(), filters=(("source", ("khong-co",)),)))
    assert res.total == 0
    assert res.suggestion is None or "thành" not in res.suggestion.lower()


def test_soft_and_says_so(idx: SearchIndex) -> None:
    res = idx.search(SearchQuery(text="gạo nghĩa tình biển", per_page=50, facets=()))
    assert res.hits
    assert res.message and "gần nhất" in res.message


def test_off_topic_matches_are_counted_outside_the_scope(idx: SearchIndex) -> None:
    topic = idx.search(SearchQuery(text="gạo", facets=()))
    everything = idx.search(SearchQuery(text="gạo", facets=(), scope="all"))
    assert topic.total + topic.outside_scope == everything.total
    assert everything.outside_scope == 0


def test_a_story_of_the_theme_the_query_names_ranks_above_an_equal_match_of_another(tmp_path_factory:
                                                                                    pytest.TempPathFactory) -> None:
    # Both hold "nông dân" and "Nghi Ân" once and nothing else of the query; only the first is about social
    # relief, which "giúp người nghèo" names (nlp.themes.query_themes), told in other words ("nhà tình nghĩa").
    relief = ("Ông Tư là nông dân ở xã Nghi Ân. Nhiều năm qua ông làm từ thiện, góp tiền xây nhà tình nghĩa "
              "và nhà đại đoàn kết, cùng địa phương làm công tác đền ơn đáp nghĩa, chăm lo gia đình chính sách.")
    prices = ("Ông Tư là nông dân ở xã Nghi Ân. Vụ hè thu năm nay giá lúa tăng, thương lái thu mua tại ruộng, "
              "kho bãi chật kín, các hợp tác xã tính chuyện mở rộng diện tích, đầu tư máy gặt đập liên hợp mới.")
    data = tmp_path_factory.mktemp("themes")
    with Archive.open(data) as archive:
        others = [_article(110 + i, title, body) for i, (_n, title, body) in enumerate(CORPUS)]
        archive.upsert_many(enrich_many([_article(101, "Chuyện ở xã Nghi Ân", prices + " " + FILLER),
                                         _article(102, "Chuyện ở xã Nghi Ân", relief + " " + FILLER), *others],
                                        workers=1))
        sync_index(archive, data / "index")
    with SearchIndex.open(data / "index") as index:
        res = index.search(SearchQuery(text="nông dân Nghi Ân giúp đỡ người nghèo", facets=(), scope="all"))
        scores = {int(h.url.rsplit("-", 1)[1].split(".")[0]): h.score for h in res.hits}
        assert scores[102] > scores[101] * 1.1  # equal text matches; the theme makes the difference


def test_the_province_a_query_names_is_held_by_its_articles_and_weighs_more_than_a_word(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    # The Đà Nẵng paper's article never prints "Đà Nẵng" (local papers rarely name their own province) but
    # is of that province: it ranks above the same text from Hà Tĩnh. In coverage the place weighs
    # PLACE_WEIGHT words: it lifts a story naming Đà Nẵng and sinks one of another province.
    party = "Đảng bộ tập trung xây dựng, chỉnh đốn Đảng, nâng cao năng lực lãnh đạo của tổ chức cơ sở đảng. "
    data = tmp_path_factory.mktemp("places")
    rows = [
        Article(url="https://baodanang.vn/201.html", source="danang", source_province="Đà Nẵng",
                title="Thành ủy họp chuyên đề", body=party + FILLER),
        Article(url="https://baohatinh.vn/202.html", source="hatinh", source_province="Hà Tĩnh",
                title="Tỉnh ủy họp chuyên đề", body=party + FILLER),
        Article(url="https://baonghean.vn/203.html", source="baonghean",
                title="Đà Nẵng: Đảng viên trẻ tình nguyện", body="Đảng viên trẻ ở Đà Nẵng ra quân dọn vệ sinh "
                "bãi biển. " + FILLER),
        Article(url="https://sggp.org.vn/205.html", source="sggp", source_province="Hồ Chí Minh",
                title="Thành ủy họp chuyên đề", body=party + FILLER),
        *[_article(210 + i, title, body) for i, (_n, title, body) in enumerate(CORPUS)],
    ]
    with Archive.open(data) as archive:
        archive.upsert_many(enrich_many(rows, workers=1))
        sync_index(archive, data / "index")
    text = "Đà Nẵng xây dựng chỉnh đốn Đảng"
    with SearchIndex.open(data / "index") as index:
        res = index.search(SearchQuery(text=text, facets=(), scope="all"))
        assert [c.value for c in res.chips if c.facet == "province"] == ["Đà Nẵng"]
        scores = {h.url.rsplit("/", 1)[1]: h.score for h in res.hits}
        assert scores["201.html"] > scores["202.html"] * 1.5
        view = index.view
        words = tuple(text.lower().split())
        named = places(understand(text, view), view)
        docs = {view.snap.searcher.stored_fields(d)["url"].rsplit("/", 1)[1]: d for d in range(view.n)}
        coverage = WordsScorer(view.snap, known_words(view), places=named).score(words).coverage
        plain = WordsScorer(view.snap, known_words(view)).score(words).coverage
        assert coverage[docs["203.html"]] > plain[docs["203.html"]] * 1.5  # names the place
        assert coverage[docs["202.html"]] < plain[docs["202.html"]]  # of another province
        # "TP.HCM" is one token, a phrase to the parser: the city's articles hold it as well.
        hcm = [h.url for h in index.search(SearchQuery(text="TP.HCM chỉnh đốn Đảng", facets=(), scope="all")).hits]
        assert hcm == ["https://sggp.org.vn/205.html"]
