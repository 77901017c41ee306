"""Extractive summaries (nlp.summary) on real article text, and through the NLP stage."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.article import Article
from nlp.summary import pick, sentences, summarize

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "index" / "articles.json"


def _articles() -> list[Article]:
    return [Article.from_dict(d) for d in json.loads(ARTICLES.read_text(encoding="utf-8"))]


def test_summaries_are_two_or_three_sentences_of_the_article() -> None:
    for art in _articles()[:40]:
        models = [m.name for m in art.enrichment.models] if art.enrichment else []
        summary = summarize(art.title, art.body, models)
        if len(sentences(art.body)) < 2:
            continue
        picked = pick(art.title, art.body, models)
        assert 2 <= len(picked) <= 3, (art.title, picked)
        assert len(summary) <= 600 and summary.startswith(picked[0][:30])
        for s in picked:
            assert s in " ".join(art.body.split()), s  # extracted, never rewritten


def test_summary_prefers_the_model_and_its_figures() -> None:
    body = ("Chiều 12/3, UBND huyện Văn Yên tổ chức hội nghị. Trời nắng nhẹ, nhiều đại biểu tới sớm.\n\n"
            "Mô hình “Dân vận khéo” ở xã Đông Cuông đã giúp 120 hộ thoát nghèo, huy động 2,5 tỷ đồng làm đường.\n\n"
            "Hội nghị kết thúc lúc 17 giờ cùng ngày.")
    summary = summarize("Văn Yên tổng kết", body, ["Dân vận khéo"], size=2)
    assert "120 hộ" in summary and "Trời nắng" not in summary
    assert summarize("x", "") == ""


def test_the_nlp_stage_stores_the_summary() -> None:
    from nlp.enrich import enrich

    art = _articles()[0]
    out = enrich(art, words="").enrichment
    assert out is not None and out.summary and out.summary[:20] in " ".join(art.body.split())
