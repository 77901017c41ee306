"""`topic_reasons`: the signals behind an article's topic relevance, as the article writes them, and the
topic scope's threshold."""

from __future__ import annotations

import pytest

from crawler.article import Entity
from nlp.relevance import TOPIC_THRESHOLD, relevance, topic_evidence, topic_reasons

PHRASE = "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
CASES = [
    ("Tuổi trẻ Thanh Hoá làm theo lời Bác",
     f"Thực hiện Chỉ thị 05-CT/TW, đoàn viên đẩy mạnh  {PHRASE}.\n\nNhiều gương sáng {PHRASE}.", ()),
    ("Hội nghị sơ kết", "Thực hiện Chỉ thị 05 của Bộ Chính trị, các chi bộ học Bác mỗi ngày.",
     (Entity(name="Chỉ thị 05-CT/TW"),)),
    ("Giá lúa tăng", "Giá lúa tăng mạnh trong tuần.", ()),
    ("Xe quá tải", "Thực hiện Chỉ thị 05/CT-TTg của Thủ tướng về xe quá tải.", ()),
]


@pytest.mark.parametrize(("title", "body", "docs"), CASES)
def test_reasons_add_up_to_the_evidence(title: str, body: str, docs: tuple[Entity, ...]) -> None:
    reasons = topic_reasons(title, body, docs)
    assert sum(w for _p, w in reasons) == pytest.approx(topic_evidence(title, body, docs), abs=0.05)
    assert [w for _p, w in reasons] == sorted((w for _p, w in reasons), reverse=True)
    assert (relevance(title, body, docs) > 0) == bool(reasons)


def test_reasons_quote_the_article() -> None:
    title, body, _docs = CASES[0]
    reasons = dict(topic_reasons(title, body))
    assert reasons["05-CT/TW"] == 3.0
    assert reasons["làm theo lời Bác"] == 2.0  # in the title: counted double
    assert reasons[PHRASE] > 2.5  # twice: repetition adds, with diminishing returns
    assert all(p in f"{title} {' '.join(body.split())}" for p in reasons)


def test_no_reason_for_unrelated_news_or_another_issuers_directive() -> None:
    assert topic_reasons(*CASES[2][:2]) == [] and topic_reasons(*CASES[3][:2]) == []
    assert relevance(*CASES[3][:2]) < TOPIC_THRESHOLD <= relevance(*CASES[1][:2], CASES[1][2])


def test_threshold_keeps_a_single_weak_signal() -> None:
    assert 0 < TOPIC_THRESHOLD < relevance("Hội thảo", "Bàn về phong cách Hồ Chí Minh trong công tác.")
