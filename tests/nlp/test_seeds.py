"""Acceptance on the five seed pages, scored with the rules of shared/tools/score_nlp.py."""

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from nlp.analyze import analyze_file


@pytest.fixture(scope="module")
def results(gold: list[dict[str, Any]], seeds_dir: Path) -> list[dict[str, Any]]:
    return [analyze_file(seeds_dir / g["file"]) for g in gold]


def test_models_recall_precision(gold: list[dict[str, Any]], results: list[dict[str, Any]],
                                 scoring: SimpleNamespace) -> None:
    match = scoring.match
    found = total = ok = extracted = 0
    for g, r in zip(gold, results, strict=True):
        unused = list(r["models"])
        for m in g["models"]:
            total += 1
            hit = next((x for x in unused if match(m, x)), None)
            if hit is not None:
                found += 1
                unused.remove(hit)
        for x in r["models"]:
            extracted += 1
            ok += any(match(m, x) for m in g["models"] + g.get("models_ok", []))
    assert found / total >= 0.9
    assert ok / extracted >= 0.8


def test_persons_recall(gold: list[dict[str, Any]], results: list[dict[str, Any]], scoring: SimpleNamespace) -> None:
    norm = scoring.norm
    want = [(p, r) for g, r in zip(gold, results, strict=True) for p in g["persons"]]
    hits = sum(any(norm(p) == norm(x) or norm(p) in norm(x) for x in r["persons"]) for p, r in want)
    assert hits / len(want) >= 0.9


def test_persons_leave_out_furniture(gold: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
    for g, r in zip(gold, results, strict=True):
        for junk in g.get("not_in_body", []):
            assert junk not in r["persons"]


def test_provinces(gold: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
    for g, r in zip(gold, results, strict=True):
        assert (r["province"], r["province_2025"]) == (g["province"], g["province_2025"]), g["file"]


def test_titles_and_dates(gold: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
    for g, r in zip(gold, results, strict=True):
        assert r["title"] == g["title"] and r["published"] == g["published"], g["file"]


def test_relevance_order(gold: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
    on = [r["relevance"] for g, r in zip(gold, results, strict=True) if g["mentions_ct05"]]
    off = [r["relevance"] for g, r in zip(gold, results, strict=True) if not g["mentions_ct05"] and not
           g.get("related_directives")]
    assert min(on) > max(off)
    assert all(0.0 <= r["relevance"] <= 1.0 for r in results)


def test_output_shape(results: list[dict[str, Any]]) -> None:
    keys = ["file", "title", "published", "province", "province_2025", "provinces", "models", "persons",
            "organizations", "documents", "themes", "relevance"]
    assert all(list(r) == keys for r in results)
