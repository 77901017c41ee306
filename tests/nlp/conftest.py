"""Shared fixtures for the NLP tests: the five seed pages, the 45-article development set (tests/data) and
the matching rules of shared/tools/score_nlp.py."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"

_TONE = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe", "oẻ": "ỏe",
         "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s or "").casefold()
    for a, b in _TONE.items():
        s = s.replace(a, b)
    s = re.sub(r"[\"'“”‘’«»:()\[\]]", " ", s)
    return re.sub(r"\s+", " ", s).strip(" .,;-")


def _pnorm(s: str) -> str:
    return re.sub(r"^(tỉnh|thành phố|tp\.?)\s+", "", _norm(s))


def _match(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a and b and len(a) <= 160 and len(b) <= 160 and (a in b or b in a))


@pytest.fixture(scope="session")
def scoring() -> SimpleNamespace:
    """norm, pnorm and match as score_nlp.py defines them (gold and extracted names compared that way)."""
    return SimpleNamespace(norm=_norm, pnorm=_pnorm, match=_match)


@pytest.fixture(scope="session")
def gold() -> list[dict[str, Any]]:
    return json.loads((DATA / "gold_seeds.json").read_text(encoding="utf-8"))["articles"]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return DATA / "seeds"


@pytest.fixture(scope="session")
def dev_gold() -> list[dict[str, Any]]:
    return json.loads((DATA / "dev_gold.json").read_text(encoding="utf-8"))["articles"]


@pytest.fixture(scope="session")
def dev_results(dev_gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`ct05 analyze --json` of the 45 development articles, in gold order."""
    from nlp.analyze import analyze_file

    return [analyze_file(DATA / "dev" / g["file"]) for g in dev_gold]
