"""Word segmentation with underthesea (offline), batched and imported lazily."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from nlp.normalize import normalize

__all__ = ["word_tokenize_batch"]


@functools.cache
def _tokenizer() -> Callable[..., str]:
    # underthesea pulls in its CRF model on import (~0.5 s): only pay for it when segmenting.
    from underthesea import word_tokenize

    return word_tokenize


def word_tokenize_batch(texts: Iterable[str]) -> list[str]:
    """Segment each text into words, syllables of a word joined by "_", words by spaces.

    >>> word_tokenize_batch(["Học tập và làm theo tư tưởng Hồ Chí Minh"])
    ['Học_tập và làm theo tư_tưởng Hồ_Chí_Minh']
    """
    tokenize = _tokenizer()
    out: list[str] = []
    for text in texts:
        text = normalize(text)
        out.append(tokenize(text, format="text") if text else "")
    return out
