"""Diacritics restored by context for queries typed without them (index/suggest.py), on a real index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.article import Article
from index.query import parse
from index.store import SearchIndex
from index.suggest import restore_map
from index.types import SearchQuery
from tests.index.conftest import enriched_index

FILLER = ("Hiện nay, lời kêu gọi của huyện được nhân dân hưởng ứng; giới trẻ và người lớn tuổi đều tham gia, "
          "thực hiện nghiêm các quy định hiện hành vì cuộc sống bình yên. ")

# "hiện", "lời", "giới" and "sống" are everywhere (so "lời" goes with "sống" more than "lối" does);
# "hiến", "lối", "giỏi" and "khéo" only in their stories.
CORPUS = [
    (1, "Ngày hội hiến máu", FILLER + "Đoàn viên tham gia hiến máu tình nguyện, hiến máu cứu người. " + FILLER),
    (2, "Hiến máu nhân đạo", "Người dân hiến máu tại xã. " + FILLER),
    (3, "Lối sống giản dị", FILLER + "Bác Hồ để lại tấm gương về lối sống giản dị, thanh bạch. " + FILLER),
    (4, "Học lối sống của Bác", "Thanh niên học lối sống giản dị. " + FILLER),
    (5, "Nông dân giỏi", FILLER + "Ông là nông dân làm kinh tế giỏi, giúp hộ nghèo. " + FILLER),
    (6, "Kinh tế giỏi", "Hội viên làm kinh tế giỏi. " + FILLER),
    (7, "Dân vận khéo", FILLER + "Mô hình dân vận khéo ở cơ sở. " + FILLER),
    (8, "Dân vận khéo ở xã", "Phong trào dân vận khéo lan tỏa. " + FILLER),
    (9, "Thông báo", FILLER * 3),
    # "linh cữu" (a coffin) is commoner than "lính cứu" here; "cứu hỏa" and "cứu người" only say "cứu".
    (11, "Lễ viếng", "Linh cữu được quàn tại nhà tang lễ. Đoàn viếng linh cữu. Linh cữu đưa về quê. " + FILLER),
    (12, "Tang lễ", "Linh cữu ông được đưa về quê nhà an táng. " + FILLER),
    (13, "Lính cứu hỏa", FILLER + "Lính cứu hỏa dũng cảm cứu người trong đám cháy. " + FILLER),
    (14, "Cứu hỏa", "Đội cứu hỏa có mặt sau năm phút. " + FILLER),
    # "tỉnh Nghệ An" is everywhere; "nghĩa tình" only in the model's name.
    (15, "Bát gạo nghĩa tình", "Mô hình bát gạo nghĩa tình ở xã, tỉnh Nghệ An. " + FILLER),
    (17, "Kể chuyện Bác Hồ", "Học sinh kể chuyện về Bác Hồ, về lối sống của Bác Hồ và tình thương của Bác Hồ "
     "với thiếu nhi. " + FILLER),
    (16, "Tin tỉnh Nghệ An", "Tỉnh Nghệ An họp. Tỉnh Nghệ An khen thưởng. Tỉnh Nghệ An đón khách. " + FILLER),
    (10, "Tin tức", FILLER * 2 + "Thế giới hôm nay. "),
]


@pytest.fixture(scope="module")
def idx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:

    data = tmp_path_factory.mktemp("restore")
    articles = [Article(url=f"https://baonghean.vn/r-{n}.html", source="baonghean", title=t, body=b)
                for n, t, b in CORPUS]
    index = enriched_index(data, articles)
    yield index
    index.close()


def _restored(idx: SearchIndex, text: str) -> dict[str, str]:
    with idx._lock:
        idx.refresh(force=False)
        return restore_map(idx.view, parse(text))


def test_a_run_is_read_off_the_documents_that_hold_it(idx: SearchIndex) -> None:
    # "lời" is far commoner than "lối", but the documents holding "loi song" hold "lối".
    assert _restored(idx, "loi song gian di")["loi"] == "lối"
    assert _restored(idx, "hien mau")["hien"] == "hiến"


def test_a_word_left_between_restored_ones_follows_its_neighbours(idx: SearchIndex) -> None:
    restored = _restored(idx, "nong dan lam kinh te gioi")
    assert restored.get("gioi") == "giỏi"
    assert restored.get("nong") == "nông" and restored.get("dan") == "dân"
    assert _restored(idx, "mo hinh dan van kheo").get("kheo") == "khéo"


def test_a_word_no_document_holds_in_context_stays_bare(idx: SearchIndex) -> None:
    assert "xyz" not in _restored(idx, "dan van xyz")
    assert _restored(idx, "Dân vận kheo") == {}  # inside an accented query a bare word is left as typed


def test_a_run_is_read_where_its_pairs_stand(idx: SearchIndex) -> None:
    # "linh cuu" alone reads "linh cữu" (three documents to one), but "cuu hoa" and "cuu nguoi" read
    # "cứu": the path that agrees with both neighbours wins.
    restored = _restored(idx, "linh cuu hoa dung cam cuu nguoi")
    assert restored["linh"] == "lính" and restored["cuu"] == "cứu" and restored["hoa"] == "hỏa"
    assert _restored(idx, "linh cuu")["cuu"] == "cữu"


def test_a_pair_across_two_words_speaks_less_than_one_inside_a_word(idx: SearchIndex) -> None:
    # "tinh nghe" reads "tỉnh Nghệ" more often than "nghia tinh" reads "nghĩa tình", but the pair
    # inside the word "nghĩa tình" decides.
    assert _restored(idx, "bat gao nghia tinh nghe an")["tinh"] == "tình"


def test_a_repeated_word_in_a_run_does_not_break_restoration(idx: SearchIndex) -> None:
    # The run is cut into words with its repeats kept ("hien mau … hien mau").
    assert _restored(idx, "hien mau hien mau cuu nguoi")["hien"] == "hiến"


def test_the_suggestion_writes_words_as_the_archive_does_mid_sentence(idx: SearchIndex) -> None:
    # The stories write "Bác Hồ" (capitals mid-sentence) and "hiến máu" (lower case): so does the suggestion;
    # a word typed with a capital keeps it.
    assert idx.search(SearchQuery(text="loi song cua bac ho", scope="all")).suggestion == "lối sống của Bác Hồ"
    assert idx.search(SearchQuery(text="hien mau cuu nguoi", scope="all")).suggestion == "hiến máu cứu người"
    assert idx.search(SearchQuery(text="Hien mau", scope="all")).suggestion == "Hiến máu"


def test_a_misspelt_word_is_corrected_and_read_with_its_neighbours(idx: SearchIndex) -> None:
    # Nothing matches "mauu": corrected to "mau", then the run is read afresh ("hiến máu", not "hiện mẫu").
    assert idx.search(SearchQuery(text="hien mauu", scope="all")).suggestion == "hiến máu"
    # Short gibberish is one edit from too many syllables: no suggestion rather than nonsense.
    assert idx.search(SearchQuery(text="xyz qwe", scope="all")).suggestion is None
