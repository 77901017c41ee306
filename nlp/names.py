"""The person-name lexicon (nlp/data/names.toml), loaded once."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from nlp._data import load_toml, require
from nlp.normalize import normalize

__all__ = ["NameLexicon", "lexicon"]


@dataclass(frozen=True)
class NameLexicon:
    surnames: frozenset[str]
    middle: frozenset[str]
    not_persons: frozenset[str]
    honorifics: tuple[str, ...]
    positions: tuple[str, ...]
    weak_surnames: frozenset[str]
    namesakes: frozenset[str]
    countries: tuple[str, ...]
    org_surnames: frozenset[str]


@functools.cache
def lexicon() -> NameLexicon:
    """Surnames, middle names, honorifics and positions.

    >>> "Nguyễn" in lexicon().surnames
    True
    """
    data = load_toml("names.toml")
    where = "nlp/data/names.toml"

    def words(key: str) -> tuple[str, ...]:
        values = require(data, key, list, where)
        for v in values:
            if not isinstance(v, str) or not v.strip():
                raise ValueError(f"{where}: key {key!r} holds a non-string or empty entry {v!r}")
        return tuple(normalize(v) for v in values)

    weak = frozenset(words("weak_surnames"))
    return NameLexicon(frozenset(words("surnames")) | weak, frozenset(words("middle")),
                       frozenset(words("not_persons")), words("honorifics"), words("positions"), weak,
                       frozenset(words("namesakes")), words("countries"), frozenset(words("org_surnames")))
