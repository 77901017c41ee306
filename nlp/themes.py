"""Multi-label themes from the weighted lexicon in nlp/data/themes.toml."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from nlp._data import DataError, load_toml, require
from nlp.normalize import fold

__all__ = ["detect_themes", "query_themes", "theme_scores", "all_themes"]

_MAX_HITS = 3  # one term repeated 20 times is one topic, not twenty


@dataclass(frozen=True)
class _Lexicon:
    threshold: float
    relative: float
    themes: tuple[str, ...]
    terms: dict[str, tuple[tuple[str, float], ...]]  # folded term → (theme, weight) pairs
    pattern: re.Pattern[str]  # one alternation over every term: one pass per text


@functools.cache
def _lexicon() -> _Lexicon:
    data = load_toml("themes.toml")
    where = "nlp/data/themes.toml"
    threshold = float(require(data, "threshold", (int, float), where))
    themes = []
    index: dict[str, list[tuple[str, float]]] = {}
    for theme, terms in require(data, "themes", dict, where).items():
        if not isinstance(terms, dict) or not terms:
            raise DataError(f"{where}: themes.{theme!r} must be a non-empty table of term = weight")
        themes.append(theme)
        for term, weight in terms.items():
            if not isinstance(weight, (int, float)) or weight <= 0:
                raise DataError(f"{where}: themes.{theme!r}.{term!r}: weight must be a positive number")
            index.setdefault(fold(term), []).append((theme, float(weight)))
    relative = float(data["relative"])  # default in nlp._data.THEMES
    alternation = "|".join(re.escape(t) for t in sorted(index, key=len, reverse=True))
    pattern = re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])")
    return _Lexicon(threshold, relative, tuple(themes), {k: tuple(v) for k, v in index.items()}, pattern)


def all_themes() -> list[str]:
    """Every theme name, for facets."""
    return list(_lexicon().themes)


def theme_scores(text: str, title: str = "") -> dict[str, float]:
    """Summed term weights per theme (title hits count double)."""
    lex = _lexicon()
    hits: Counter[str] = Counter(lex.pattern.findall(fold(text)))
    head = set(lex.pattern.findall(fold(title))) if title else set()
    scores: dict[str, float] = {}
    for term in hits.keys() | head:
        n = min(hits[term], _MAX_HITS) + (2 if term in head else 0)
        for theme, weight in lex.terms[term]:
            scores[theme] = scores.get(theme, 0.0) + n * weight
    return scores


def detect_themes(text: str, title: str = "") -> list[str]:
    """Themes of an article, strongest first (ties in the order of the fixed list in nlp/data/themes.toml).

    >>> detect_themes("Đẩy mạnh cải cách hành chính, giải quyết thủ tục hành chính trực tuyến qua Bộ phận Một cửa.")
    ['cải cách hành chính']
    """
    lex = _lexicon()
    scores = theme_scores(text, title)
    top = max(scores.values(), default=0.0)
    order = {t: i for i, t in enumerate(lex.themes)}
    return [t for t, s in sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
            if s >= lex.threshold and s >= lex.relative * top]


#: A query is a few words: one term of a theme's lexicon with at least this weight names the theme.
QUERY_WEIGHT = 1.0


def query_themes(query: str) -> list[str]:
    """Themes a search query names through the same lexicon as the articles (one weighty term suffices),
    strongest first; what the query is about when its stories use other words.

    >>> query_themes("nông dân làm kinh tế giỏi giúp người nghèo")
    ['an sinh xã hội - giảm nghèo', 'nông thôn mới']
    """
    lex = _lexicon()
    scores = theme_scores(query)
    top = max(scores.values(), default=0.0)
    order = {t: i for i, t in enumerate(lex.themes)}
    return [t for t, s in sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
            if s >= QUERY_WEIGHT and s >= lex.relative * top]
