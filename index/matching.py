"""Evaluate a query tree over a snapshot: a match mask and BM25 scores, vectorised with numpy.

Matching is diacritic-insensitive (folded fields); scoring adds the exact-form fields on top, so a
query with diacritics ranks exact matches first and a query without them matches every form. When
the query was typed without diacritics and the index knows one dominant form (`restored`), the exact
fields score that form, so "dang uy" ranks like "Đảng ủy".
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from index.analysis import fold_word, pairs
from index.postings import Snapshot
from index.query import And, DateRange, Doc, Facet, Node, Not, Or, Text, Words
from index.ranking import WordsScorer, place_core

K1 = 1.2
#: (exact field, folded field, boost of the exact form, boost of the folded form)
FIELDS = {"title": (("title", 2.5), ("title_f", 1.2)), "body": (("body", 1.0), ("body_f", 0.4))}
PHRASE_BONUS = 2.0
WORDS_BOOST = 1.5
DOC_BOOST = {"specific": 2.0, "generic": 1.0}
#: Fewer documents than this holding every word: show the best partial matches too.
FEW = 10
#: In that case, documents holding at least this idf share of the words are shown after them.
FALLBACK_SHARE = 0.25
#: Gain of a document holding the whole run as typed (every adjacent pair in one field).
PHRASE_GAIN = 1.0
#: How much a fully on-topic article (relevance 1) gains over an unrelated one: score × (1 + PRIOR).
PRIOR = 0.25
#: How much an article of a theme the query names (nlp.themes.query_themes) gains: score × (1 + THEME_PRIOR).
THEME_PRIOR = 0.2

Masker = Callable[[Facet], np.ndarray]
Dater = Callable[[DateRange], np.ndarray]


class Evaluator:
    """Turns a query tree into (mask, score) arrays over one snapshot."""

    def __init__(self, snap: Snapshot, facet_mask: Masker, date_mask: Dater,
                 restored: dict[str, str] | None = None, known: set[str] | None = None,
                 prior: np.ndarray | None = None, names: set[tuple[str, ...]] | None = None,
                 universe: np.ndarray | None = None, themed: np.ndarray | None = None,
                 places: dict[tuple[str, ...], np.ndarray] | None = None) -> None:
        self.snap = snap
        #: Where "too few full matches" is counted: the archive within the dates (the store passes no
        #: scope: a scope filters the matches, it must not relax the query).
        self.universe = snap.live if universe is None else universe
        self.names = names or set()
        self.prior = prior
        #: Documents of a theme the query names ("nông dân … giúp người nghèo": poverty relief), or None.
        self.themed = themed
        self.words = WordsScorer(snap, known or set(), restored, places)
        #: A province typed as one token ("TP.HCM" is a phrase to the parser): its articles hold it too.
        self.places = {place_core(k): m for k, m in (places or {}).items()}
        #: What the evaluation had to relax, for the user (Vietnamese).
        self.notes: list[str] = []
        #: Documents ranked above all others (the whole run of words found as typed).
        self.tier = np.zeros(snap.n, dtype=bool)
        self.facet_mask = facet_mask
        self.date_mask = date_mask
        self.restored = restored or {}
        self.n = snap.n

    # -- scoring primitives --------------------------------------------------------------

    def _bm25(self, score: np.ndarray, field: str, term: str, boost: float, b: float = 0.75) -> np.ndarray:
        ids, tf = self.snap.postings(field, term)
        if ids.size:
            idf = math.log(1.0 + (self.snap.doc_count - ids.size + 0.5) / (ids.size + 0.5))
            dl = self.snap.lengths(field)[ids]
            norm = K1 * (1.0 - b + b * dl / self.snap.avg_length(field))
            score[ids] += boost * idf * tf * (K1 + 1.0) / (tf + norm)
        return ids

    def _word(self, word: str, parts: tuple[str, ...], score: np.ndarray) -> np.ndarray:
        """Score one word in the given field groups; return its (folded) match mask."""
        mask = np.zeros(self.n, dtype=bool)
        folded = fold_word(word)
        exact = self.restored.get(word, word)
        for part in parts:
            (efield, eboost), (ffield, fboost) = FIELDS[part]
            self._bm25(score, efield, exact, eboost, b=0.5 if part == "title" else 0.75)
            mask[self._bm25(score, ffield, folded, fboost, b=0.5 if part == "title" else 0.75)] = True
        return mask

    def _shingles(self, words: tuple[str, ...], score: np.ndarray) -> None:
        """Multi-syllable words ("đảng_ủy") from adjacent query words, scored on the words field."""
        exact = [self.restored.get(w, w) for w in words]
        for size in (2, 3):
            for i in range(len(exact) - size + 1):
                self._bm25(score, "words", "_".join(exact[i:i + size]), WORDS_BOOST)

    def _phrase_mask(self, words: tuple[str, ...], parts: tuple[str, ...]) -> np.ndarray:
        """Documents with every adjacent pair of the phrase in one field (exact for two words;
        longer phrases could in principle match pairs that are not consecutive)."""
        folded = [fold_word(w) for w in words]
        mask = np.zeros(self.n, dtype=bool)
        for part in parts:
            field = "title_p" if part == "title" else "body_p"
            inner = np.ones(self.n, dtype=bool)
            for pair in pairs(folded):
                inner &= self.snap.mask(field, pair)
            mask |= inner
        return mask

    def _words(self, node: Words, score: np.ndarray) -> np.ndarray:
        """Every word wanted, most of them for a long query; when too few documents hold them all,
        the best partial matches too, with a note. When the run is a known model's name (`names`),
        documents holding it as typed form the top tier: a model typed without quotes finds its
        stories first. (Not any long run: a leader's name and title in an attendee list is a phrase
        match, not the story; proximity already rewards the phrase.)"""
        m = self.words.score(node.words)
        score += m.score
        if len(m.units) > 1 and tuple(fold_word(w) for w in node.words) in self.names:
            self.tier |= m.phrase
        found = int((m.strict & self.universe).sum())
        if found >= FEW:
            return m.strict | m.loose
        relaxed = m.strict | m.loose | (m.coverage >= FALLBACK_SHARE)
        if int((relaxed & self.universe).sum()) > found:
            self.notes.append("Không có bài chứa đủ mọi từ; hiển thị bài gần nhất." if not found else
                              f"Chỉ {found} bài chứa đủ mọi từ; sau đó là các bài gần nhất.")
        return relaxed

    # -- the tree --------------------------------------------------------------------------

    def evaluate(self, node: Node) -> tuple[np.ndarray, np.ndarray]:
        score = np.zeros(self.n, dtype=np.float32)
        mask = self._eval(node, score)
        if self.prior is not None:
            # The topic score as a prior: among equally good matches, the Chỉ thị 05 stories first.
            score *= 1.0 + PRIOR * self.prior
        if self.themed is not None:
            # Stories that tell what the query asks in other words still share its theme: a soft lift
            # that brings them into the first pages, never above a better match by much.
            score[self.themed] *= 1.0 + THEME_PRIOR
        if self.tier.any():
            score[self.tier] += float(score.max()) + 1.0
        return mask & self.snap.live, score

    def _eval(self, node: Node, score: np.ndarray) -> np.ndarray:
        if isinstance(node, Text):
            parts = ("title", "body") if node.field == "all" else (node.field,)
            masks = [self._word(w, parts, score) for w in node.words]
            mask = np.logical_and.reduce(masks) if len(masks) > 1 else masks[0]
            if len(node.words) > 1:
                mask &= self._phrase_mask(node.words, parts)
                score[mask] += PHRASE_BONUS * len(node.words)
            place = self.places.get(place_core(tuple(fold_word(w) for w in node.words)))
            if place is not None and node.field == "all":
                mask = mask | place
            self._shingles(node.words, score)
            return mask
        if isinstance(node, Words):
            return self._words(node, score)
        if isinstance(node, Doc):
            mask = np.zeros(self.n, dtype=bool)
            specific = f"{node.ref.generic}:{node.ref.issuer or 'tw'}"
            # Mentions counted and saturated like words (no length norm): evidence, not a flat bonus.
            mask[self._bm25(score, "docs", node.ref.generic, DOC_BOOST["generic"], b=0.0)] = True
            mask[self._bm25(score, "docs", specific, DOC_BOOST["specific"], b=0.0)] = True
            return mask
        if isinstance(node, Facet):
            return self.facet_mask(node)
        if isinstance(node, DateRange):
            return self.date_mask(node)
        if isinstance(node, Not):
            return ~self._eval(node.item, np.zeros(self.n, dtype=np.float32))
        if isinstance(node, And):
            mask = np.ones(self.n, dtype=bool)
            for item in node.items:
                mask &= self._eval(item, score)
            words = tuple(w for item in node.items if isinstance(item, Text) and item.field == "all"
                          for w in item.words)
            if len(words) > 1:
                self._shingles(words, score)
            return mask
        if isinstance(node, Or):
            mask = np.zeros(self.n, dtype=bool)
            for item in node.items:
                mask |= self._eval(item, score)
            return mask
        raise TypeError(node)  # pragma: no cover
