"""Regression on the 45-article development set (tests/data/dev_gold.json, a copy of shared/gold/dev.json).

Scored as shared/tools/score_nlp.py scores it (heldout mode), plus person precision against the labelled
persons, main-province accuracy and precision/recall at the recommended topic threshold. The floors are
the levels reached when the set was introduced (issue 11), so a change that loses ground fails here;
raise them when the extractors improve. Figures and the command are in BENCHMARKS.md ("NLP on real articles").
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from nlp.provinces import UNKNOWN_PROVINCE
from nlp.relevance import TOPIC_THRESHOLD

Gold = list[dict[str, Any]]

# The topic scope's documented threshold must hold here too (precision >= 0.95 and recall >= 0.90 on this set).
RECOMMENDED_THRESHOLD = TOPIC_THRESHOLD


def test_models_recall_and_precision(dev_gold: Gold, dev_results: Gold, scoring: SimpleNamespace) -> None:
    found = total = ok = extracted = 0
    missed = []
    for g, r in zip(dev_gold, dev_results, strict=True):
        unused = list(r["models"])
        for m in g["models_core"]:
            total += 1
            hit = next((x for x in unused if scoring.match(m, x)), None)
            if hit is None:
                missed.append(m)
            else:
                found += 1
                unused.remove(hit)
        for x in r["models"]:
            extracted += 1
            ok += any(scoring.match(m, x) for m in g["models_core"] + g["models_ok"])
    assert found / total >= 0.92, missed  # goal 0.80; reached 50/54
    assert ok / extracted >= 0.98  # goal 0.85; reached 62/63


def test_persons_recall_and_precision(dev_gold: Gold, dev_results: Gold, scoring: SimpleNamespace) -> None:
    norm = scoring.norm

    def same(gold_name: str, name: str) -> bool:
        return norm(gold_name) == norm(name) or norm(gold_name) in norm(name)

    want = [(p, r) for g, r in zip(dev_gold, dev_results, strict=True) for p in g["persons"]]
    missed = [p for p, r in want if not any(same(p, x) for x in r["persons"])]
    extra = [x for g, r in zip(dev_gold, dev_results, strict=True) for x in r["persons"]
             if not any(same(p, x) for p in g["persons"])]
    got = sum(len(r["persons"]) for r in dev_results)
    assert 1 - len(missed) / len(want) >= 0.99, missed  # goal 0.90; reached 131/131
    assert 1 - len(extra) / got >= 0.99, extra  # goal 0.90; reached 131/131


def test_provinces_must_and_must_not(dev_gold: Gold, dev_results: Gold, scoring: SimpleNamespace) -> None:
    errors = []
    for g, r in zip(dev_gold, dev_results, strict=True):
        found = [scoring.pnorm(p) for p in r["provinces"]]
        errors += [f"{g['file']}: missing {p}" for p in g["provinces_must"] if scoring.pnorm(p) not in found]
        errors += [f"{g['file']}: wrong {p}" for p in g["provinces_must_not"] if scoring.pnorm(p) in found]
    assert errors == []


def test_main_province(dev_gold: Gold, dev_results: Gold, scoring: SimpleNamespace) -> None:
    right = 0
    for g, r in zip(dev_gold, dev_results, strict=True):
        want = g["main_province"]
        if want is None:
            right += r["province"] == UNKNOWN_PROVINCE
        else:
            right += scoring.pnorm(r["province"]) == scoring.pnorm(want)
    # goal 0.90; reached 42/45 (the three misses are discussed in BENCHMARKS.md; not tuned to)
    assert right / len(dev_gold) >= 0.93


def test_relevance_order_and_threshold(dev_gold: Gold, dev_results: Gold) -> None:
    scores = [(g["relevant"], r["relevance"], g["file"]) for g, r in zip(dev_gold, dev_results, strict=True)]
    assert all(0.0 <= s <= 1.0 for _, s, _ in scores)
    misordered = [(a[2], b[2]) for a in scores for b in scores if a[0] and not b[0] and a[1] <= b[1]]
    assert misordered == []  # goal <= 1
    above = [rel for rel, s, _ in scores if s >= RECOMMENDED_THRESHOLD]
    precision = sum(above) / len(above)
    recall = sum(above) / sum(rel for rel, _, _ in scores)
    assert precision >= 0.95 and recall >= 0.90


def test_themes_agree_with_the_gold(dev_gold: Gold, dev_results: Gold, scoring: SimpleNamespace) -> None:
    """Themes carry the gold's names (the fixed list of twelve) and agree with the labels of relevant articles."""
    tp = fp = fn = 0
    for g, r in zip(dev_gold, dev_results, strict=True):
        if not g["relevant"]:
            continue
        want, got = {scoring.norm(t) for t in g["themes"]}, {scoring.norm(t) for t in r["themes"]}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    # reached 39/49 and 39/61 (0.68 / 0.56 under the old names: "an sinh xã hội", "phụ nữ", anti-corruption)
    assert tp / (tp + fp) >= 0.79 and tp / (tp + fn) >= 0.63
