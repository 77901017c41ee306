"""Multi-label themes from the weighted lexicon in nlp/data/themes.toml."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from nlp._data import DataError, load_toml, require
from nlp.normalize import fold

__all__ = ["detect_themes", "theme_scores", "all_themes"]

_MAX_HITS = 3  # one term repeated 20 times is one topic, not twenty


@dataclass(frozen=True)
class _Lexicon:
    threshold: float
    relative: float
    themes: tuple[tuple[str, tuple[tuple[re.Pattern[str], float], ...]], ...]


@functools.cache
def _lexicon() -> _Lexicon:
    data = load_toml("themes.toml")
    where = "nlp/data/themes.toml"
    threshold = float(require(data, "threshold", (int, float), where))
    themes = []
    for theme, terms in require(data, "themes", dict, where).items():
        if not isinstance(terms, dict) or not terms:
            raise DataError(f"{where}: themes.{theme!r} must be a non-empty table of term = weight")
        compiled = []
        for term, weight in terms.items():
            if not isinstance(weight, (int, float)) or weight <= 0:
                raise DataError(f"{where}: themes.{theme!r}.{term!r}: weight must be a positive number")
            compiled.append((re.compile(rf"(?<![a-z0-9]){re.escape(fold(term))}(?![a-z0-9])"), float(weight)))
        themes.append((theme, tuple(compiled)))
    relative = float(data.get("relative", 0.0))
    return _Lexicon(threshold, relative, tuple(themes))


def all_themes() -> list[str]:
    """Every theme name, for facets."""
    return [t for t, _ in _lexicon().themes]


def theme_scores(text: str, title: str = "") -> dict[str, float]:
    """Summed term weights per theme (title hits count double)."""
    body, head = fold(text), fold(title)
    scores: dict[str, float] = {}
    for theme, terms in _lexicon().themes:
        score = 0.0
        for rx, weight in terms:
            hits = min(len(rx.findall(body)), _MAX_HITS) + 2 * min(len(rx.findall(head)), 1) if head else min(
                len(rx.findall(body)), _MAX_HITS)
            score += hits * weight
        if score:
            scores[theme] = score
    return scores


def detect_themes(text: str, title: str = "") -> list[str]:
    """Themes of an article, strongest first.

    >>> detect_themes("Đẩy mạnh cải cách hành chính, giải quyết thủ tục hành chính trực tuyến qua Bộ phận Một cửa.")
    ['cải cách hành chính']
    """
    lex = _lexicon()
    scores = theme_scores(text, title)
    top = max(scores.values(), default=0.0)
    return [t for t, s in sorted(scores.items(), key=lambda kv: -kv[1])
            if s >= lex.threshold and s >= lex.relative * top]
