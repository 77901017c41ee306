"""Vietnamese analyzers for Whoosh, built on the nlp/ normalisation.

Three token streams per text: exact (normalised, lower case), folded (no diacritics) and words
(underthesea multi-syllable words joined with "_"). Each analyzer is a Whoosh `Tokenizer` composed
with filters in the usual `Tokenizer() | Filter()` way; the tokenizers do the heavy lifting in one
`str.translate` + one precompiled regex and reuse a single Token, because Whoosh is pure Python and a
100k-article build must stay above 300 docs/s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Filter, Token, Tokenizer

from nlp.normalize import fold as _nlp_fold
from nlp.normalize import normalize as _nlp_normalize

_WORD = re.compile(r"\w+")
_SEG_WORD = re.compile(r"[^\W_]+(?:_[^\W_]+)+")  # only multi-syllable words carry ranking signal


def normalize(text: str) -> str:
    """NFC, modern tone placement, plain quotes (nlp.normalize.normalize)."""
    return _nlp_normalize(text)


def fold(text: str) -> str:
    """normalize + lower case + diacritics stripped, đ→d (nlp.normalize.fold)."""
    return _nlp_fold(text)


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """`fold` for one short token, cached: query terms and snippet matching fold the same words often."""
    return _nlp_fold(word)


def exact_terms(text: str) -> list[str]:
    """The exact-field tokens of a text (normalised, lower case)."""
    return _WORD.findall(normalize(text).lower())


def folded_terms(text: str) -> list[str]:
    """The folded-field tokens of a text."""
    return _WORD.findall(fold(text))


class _ReTokenizer(Tokenizer):
    """Transforms the whole text once, then yields regex matches through one reused Token."""

    expression = _WORD

    def transform(self, text: str) -> str:
        return text

    def terms(self, value: str) -> list[str]:
        """The token texts `__call__` yields, as one list (for bulk indexing)."""
        return self.expression.findall(self.transform(value))

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
        removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
        mode: str = "", **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = self.transform(value)
        if not tokenize:
            t.original = t.text = text
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos
        for match in self.expression.finditer(text):
            t.text = match.group()
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                # The transforms keep lengths for Vietnamese text (NFC in, NFC out), so offsets hold.
                t.startchar, t.endchar = start_char + match.start(), start_char + match.end()
            yield t


class ExactTokenizer(_ReTokenizer):
    """Words of the normalised, lower-cased text."""

    def transform(self, text: str) -> str:
        return normalize(text).lower()


class FoldTokenizer(_ReTokenizer):
    """Words of the accent-folded text."""

    def transform(self, text: str) -> str:
        return fold(text)


class PairsTokenizer(_ReTokenizer):
    """Adjacent folded word pairs ("ho_chi", "chi_minh"): phrases become a few postings lookups
    instead of Whoosh's per-document position matching, which takes seconds at 100k articles."""

    def terms(self, value: str) -> list[str]:
        return pairs(_WORD.findall(fold(value)))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,  # type: ignore[override]
                 **kwargs: Any) -> Iterator[Token]:
        t = Token(positions, chars, **{k: v for k, v in kwargs.items() if k in ("removestops", "mode")})
        words = _WORD.findall(fold(value))
        for i in range(len(words) - 1):
            t.text = f"{words[i]}_{words[i + 1]}"
            t.boost = 1.0
            t.stopped = False
            yield t


def pairs(words: list[str]) -> list[str]:
    """The pair terms of a folded phrase, as `PairsTokenizer` indexes them."""
    return [f"{words[i]}_{words[i + 1]}" for i in range(len(words) - 1)]


class WordsTokenizer(_ReTokenizer):
    """Multi-syllable underthesea words ("đảng_ủy") from `Enrichment.words`, normalised."""

    expression = _SEG_WORD

    def transform(self, text: str) -> str:
        return normalize(text).lower()


class ValuesTokenizer(Tokenizer):
    """Facet values joined with the unit separator, kept whole (no case change)."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def terms(self, value: str) -> list[str]:
        return [part for part in value.split(SEP) if part]

    def __call__(self, value: str, **kwargs: Any) -> Iterator[Token]:  # type: ignore[override]
        t = Token(**{k: v for k, v in kwargs.items() if k in ("positions", "chars", "removestops", "mode")})
        for part in value.split(SEP):
            if part:
                t.text = part
                t.boost = 1.0
                t.stopped = False
                yield t


class MaxLength(Filter):
    """Drops absurdly long tokens (base64 blobs, URLs run together) that only bloat the lexicon."""

    def __init__(self, limit: int = 40) -> None:
        self.limit = limit

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxLength) and other.limit == self.limit

    def __hash__(self) -> int:
        return hash((MaxLength, self.limit))

    def terms(self, texts: list[str]) -> list[str]:
        limit = self.limit
        return [t for t in texts if len(t) <= limit]

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:  # type: ignore[override]
        limit = self.limit
        for t in tokens:
            if len(t.text) <= limit:
                yield t


SEP = "\x1f"


def list_terms(analyzer: Any) -> Any:
    """A function text → token texts equal to what `analyzer` yields, or None when some part of the
    analyzer has no list form. Bulk indexing counts these with `collections.Counter` in C."""
    parts = list(getattr(analyzer, "items", [analyzer]))
    if not parts or not all(hasattr(part, "terms") for part in parts):
        return None
    tokenizer, filters = parts[0], parts[1:]

    def terms(value: str) -> list[str]:
        out = tokenizer.terms(value)
        for f in filters:
            out = f.terms(out)
        return out  # type: ignore[no-any-return]

    return terms


def exact_analyzer() -> Any:
    return ExactTokenizer() | MaxLength()


def folded_analyzer() -> Any:
    return FoldTokenizer() | MaxLength()


def pairs_analyzer() -> Any:
    return PairsTokenizer() | MaxLength(60)


def words_analyzer() -> Any:
    return WordsTokenizer() | MaxLength(60)


def values_analyzer() -> Any:
    return ValuesTokenizer()
