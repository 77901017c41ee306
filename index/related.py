"""Picking the words that say what an article is about, for more-like-this."""

from __future__ import annotations

import math
from collections import Counter

from index.analysis import exact_terms
from index.postings import Snapshot
from index.query import STOP_WORDS


def distinctive_words(snap: Snapshot, text: str, limit: int = 20) -> list[str]:
    """The article's highest tf-idf words (exact forms), common and very rare words left out."""
    counts = Counter(w for w in exact_terms(text[:20_000]) if w not in STOP_WORDS and not w.isdigit())
    n = max(1, snap.doc_count)
    scored: list[tuple[float, str]] = []
    for word, tf in counts.most_common(300):
        df = snap.reader.doc_frequency("body", word)
        if df < 2 or df > n * 0.3:
            continue
        scored.append((tf * math.log(n / df), word))
    scored.sort(reverse=True)
    return [w for _s, w in scored[:limit]]
