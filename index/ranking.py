"""Soft matching and ranking of an unquoted run of words: Vietnamese words, not syllables.

A run such as "bát gạo nghĩa tình Nghệ An" is cut into units: multi-syllable words the index knows
(from underthesea segmentation, folded), a number with the word it counts ("3 không", "5 xây"), and
single syllables. A unit of several syllables is found through the adjacent-pair fields, so a
document that has "bát" in one paragraph and "gạo" in another earns only a small share of the unit.

Each unit is scored BM25F-style (title and body term frequencies combined before saturation, so a
title sharing one syllable cannot beat a body holding the whole phrase) and weighted by its idf.
Coverage (the idf share of the units a document holds) multiplies the score, proximity of
consecutive units adds to it. Diacritics decide when typed: an accented unit found only in another
form ("nâng" in "Đà Nẵng") earns `FOLDED_CREDIT` of it, so those documents fill in after the exact
ones; an unaccented unit matches every form.

`Match.strict` holds documents with every required unit, `Match.loose` those with most of them
(`min_share`); the caller decides which set to show and says so when it falls back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from index.analysis import fold_word
from index.postings import Snapshot
from index.query import STOP_WORDS

K1 = 1.2
TITLE_WEIGHT = 2.5
B = {"title": 0.5, "body": 0.75}
#: Share of a unit earned by a document holding it only in another diacritic form.
FOLDED_CREDIT = 0.3
#: Share of a multi-syllable unit earned when its syllables are all there but never adjacent.
SCATTERED_CREDIT = 0.25
#: Weight of a function word ("của", "ở"): optional, it only ties its neighbours together.
STOP_WEIGHT = 0.15
#: Weight of adjacent units found next to each other, relative to a unit.
PROXIMITY = 0.35
#: Weight in coverage of a province the query names, against an ordinary unit of the same idf.
PLACE_WEIGHT = 3.0
_PLACE_PREFIXES = (("thanh", "pho"), ("tp",), ("tinh",))
#: How hard coverage bites: score × coverage ** COORD_POWER.
COORD_POWER = 2.0


@dataclass
class Unit:
    syllables: tuple[str, ...]  # exact forms as typed (normalised, lower case)
    stop: bool = False

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold_word(s) for s in self.syllables)

    @property
    def accented(self) -> bool:
        return any(fold_word(s) != s for s in self.syllables)


@dataclass
class Match:
    strict: np.ndarray  # every required unit present (adjacent syllables for multi-syllable units)
    loose: np.ndarray  # at least `min_share` of the required idf weight present
    score: np.ndarray
    units: list[Unit]
    coverage: np.ndarray  # idf share of the required units each document holds (partial credit counted)
    phrase: np.ndarray  # the whole run, syllable after syllable, in the title or the body


def min_share(required: int) -> float:
    """The idf share of units a best-match document must hold: all of one or two units, most of more."""
    if required <= 2:
        return 1.0
    if required == 3:
        return 0.6
    return 0.55


def cut_units(words: tuple[str, ...], known: set[str]) -> list[Unit]:
    """The typed words cut into units, in order, repeats kept; `known` holds folded multi-syllable
    words of the index ("hoc_sinh", "bat_gao"). Of the ways to cut the run, the one covering most
    syllables with known words wins, then the one with fewer units ("công nhân | viên chức", not
    "công nhân viên | chức"). A number binds to the word after it ("3 không")."""
    folded = [fold_word(w) for w in words]
    n = len(words)
    # best[i]: (syllables in multi-syllable units, -units, cut sizes) for words[i:].
    best: list[tuple[int, int, list[int]]] = [(0, 0, [])] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for size in (4, 3, 2):
            if i + size <= n and "_".join(folded[i:i + size]) in known:
                tail = best[i + size]
                options.append((tail[0] + size, tail[1] - 1, [size, *tail[2]]))
        if words[i].isdigit() and len(words[i]) <= 3 and i + 1 < n and not words[i + 1].isdigit():
            tail = best[i + 2]
            options.append((tail[0] + 2, tail[1] - 1, [2, *tail[2]]))
        tail = best[i + 1]
        options.append((tail[0], tail[1] - 1, [1, *tail[2]]))
        best[i] = max(options, key=lambda o: (o[0], o[1]))
    units: list[Unit] = []
    i = 0
    for size in best[0][2]:
        chunk = tuple(words[i:i + size])
        units.append(Unit(chunk, stop=size == 1 and chunk[0] in STOP_WORDS))
        i += size
    return units


def split_units(words: tuple[str, ...], known: set[str]) -> list[Unit]:
    """The units of `cut_units` a run is scored by: a repeated word or unit counts once."""
    units = cut_units(words, known)
    seen: set[tuple[str, ...]] = set()
    out = []
    for u in units:
        if u.folded not in seen:
            seen.add(u.folded)
            out.append(u)
    return out


def place_core(key: tuple[str, ...]) -> tuple[str, ...]:
    """A province's folded words without a leading "tỉnh", "TP" or "thành phố" ("tp", "hcm" → "hcm")."""
    for prefix in _PLACE_PREFIXES:
        if key[:len(prefix)] == prefix and len(key) > len(prefix):
            return key[len(prefix):]
    return key


class WordsScorer:
    """Scores runs of words over one snapshot (dense arrays, one per unit)."""

    def __init__(self, snap: Snapshot, known: set[str], restored: dict[str, str] | None = None,
                 places: dict[tuple[str, ...], np.ndarray] | None = None) -> None:
        self.snap = snap
        #: Provinces the query names (index.understand.places): folded words → that province's documents.
        self.places = places or {}
        self.known = known
        self.restored = restored or {}
        self.n = snap.n

    def _tf(self, field: str, term: str) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        ids, tf = self.snap.postings(field, term)
        out[ids] = tf
        return out

    def _norm(self, field: str, part: str) -> np.ndarray:
        b = B[part]
        return 1.0 - b + b * self.snap.lengths(field) / self.snap.avg_length(field)

    def _unit_tf(self, unit: Unit, exact: bool) -> tuple[np.ndarray, np.ndarray]:
        """(title tf, body tf) of a unit: exact fields for one syllable typed with diacritics,
        folded pairs for several syllables (the minimum over the unit's pairs)."""
        f = unit.folded
        if len(f) == 1:
            if exact:
                return self._tf("title", unit.syllables[0]), self._tf("body", unit.syllables[0])
            return self._tf("title_f", f[0]), self._tf("body_f", f[0])
        pairs = [f"{f[i]}_{f[i + 1]}" for i in range(len(f) - 1)]
        title = np.minimum.reduce([self._tf("title_p", p) for p in pairs])
        body = np.minimum.reduce([self._tf("body_p", p) for p in pairs])
        return title, body

    def _exact_mask(self, unit: Unit) -> np.ndarray:
        """Documents holding every syllable of the unit in the typed form (title or body)."""
        mask = np.ones(self.n, dtype=bool)
        for s in unit.syllables:
            mask &= self.snap.mask("body", s) | self.snap.mask("title", s)
        return mask

    def _saturate(self, title: np.ndarray, body: np.ndarray) -> np.ndarray:
        tfc = TITLE_WEIGHT * title / self._norm("title", "title") + body / self._norm("body", "body")
        return tfc * (K1 + 1.0) / (tfc + K1)

    def _idf(self, present: np.ndarray) -> float:
        df = int(present.sum())
        return math.log(1.0 + (self.snap.doc_count - df + 0.5) / (df + 0.5))

    def score(self, words: tuple[str, ...]) -> Match:
        # Words typed bare that context restored ("dang uy" → "đảng ủy") rank like the restored form;
        # the other forms still match, after it.
        words = tuple(self.restored.get(w, w) for w in words)
        units = split_units(words, self.known)
        n = self.n
        total = np.zeros(n, dtype=np.float32)
        covered = np.zeros(n, dtype=np.float32)
        strict = np.ones(n, dtype=bool)
        weight_sum = 0.0
        required = [u for u in units if not u.stop] or units
        in_place = self._place_units(units)
        for u in units:
            title, body = self._unit_tf(u, exact=False)
            present = (title > 0) | (body > 0)
            credit = present.astype(np.float32)
            if u.accented:
                if len(u.syllables) == 1:
                    et, eb = self._unit_tf(u, exact=True)
                    exact = (et > 0) | (eb > 0)
                    title, body = np.where(exact, et, title), np.where(exact, eb, body)
                else:
                    exact = present & self._exact_mask(u)
                credit = np.where(exact, 1.0, np.where(present, FOLDED_CREDIT, 0.0)).astype(np.float32)
            place, heavy = in_place.get(id(u), (None, 1.0))
            if place is not None:
                # A province the query names is held by its articles even where the text does not print
                # it (local papers rarely name their own province).
                body = np.where(place & ~present, 1.0, body).astype(np.float32)
                credit = np.where(place, 1.0, credit).astype(np.float32)
                present = present | place
            if len(u.syllables) > 1:
                # Syllables present but apart: a small share, found through the folded fields.
                apart = ~present
                for s in u.folded:
                    apart &= self.snap.mask("body_f", s) | self.snap.mask("title_f", s)
                credit = np.where(apart, SCATTERED_CREDIT, credit).astype(np.float32)
                if apart.any():
                    parts = [self._unit_tf(Unit((s,)), exact=False) for s in u.folded]
                    title = np.where(apart, np.minimum.reduce([p[0] for p in parts]), title)
                    body = np.where(apart, np.minimum.reduce([p[1] for p in parts]), body)
            idf = self._idf(present)
            weight = idf * (STOP_WEIGHT if u.stop else 1.0)
            total += weight * credit * self._saturate(title, body)
            if u in required:
                # The place a user names is what most narrows the question: a story elsewhere is rarely it
                # (`heavy`: PLACE_WEIGHT shared by the units that spell the place).
                covered += heavy * idf * credit
                weight_sum += heavy * idf
                strict &= present
        coverage = covered / weight_sum if weight_sum else np.ones(n, dtype=np.float32)
        total += self._proximity(units)
        score = total * coverage ** COORD_POWER
        loose = coverage >= min_share(len(required)) - 1e-6
        live = self.snap.live
        return Match(strict=strict & live, loose=loose & live, score=score, units=units,
                     coverage=np.where(live, coverage, 0.0), phrase=self._phrase(words) & live)

    def _place_units(self, units: list[Unit]) -> dict[int, tuple[np.ndarray, float]]:
        """Units that spell a province the query names ("bà rịa" + "vũng tàu"; a leading "tỉnh" or "TP"
        left out), each with the province's documents and its share of PLACE_WEIGHT."""
        out: dict[int, tuple[np.ndarray, float]] = {}
        for key, docs in self.places.items():
            key = place_core(key)
            for i in range(len(units)):
                spelled: tuple[str, ...] = ()
                for j in range(i, len(units)):
                    spelled += units[j].folded
                    if spelled == key:
                        for u in units[i:j + 1]:
                            out[id(u)] = (docs, PLACE_WEIGHT / (j + 1 - i))
                    if len(spelled) >= len(key):
                        break
        return out

    def _phrase(self, words: tuple[str, ...]) -> np.ndarray:
        """Documents holding every adjacent pair of the run in one field (the phrase, nearly always)."""
        folded = [fold_word(w) for w in words]
        if len(folded) < 2:
            return np.zeros(self.n, dtype=bool)
        out = np.zeros(self.n, dtype=bool)
        for field in ("title_p", "body_p"):
            inner = np.ones(self.n, dtype=bool)
            for i in range(len(folded) - 1):
                inner &= self.snap.mask(field, f"{folded[i]}_{folded[i + 1]}")
            out |= inner
        return out

    def _proximity(self, units: list[Unit]) -> np.ndarray:
        """Consecutive units found next to each other (the pair across their boundary)."""
        out = np.zeros(self.n, dtype=np.float32)
        for a, b in zip(units, units[1:], strict=False):
            pair = f"{a.folded[-1]}_{b.folded[0]}"
            title, body = self._tf("title_p", pair), self._tf("body_p", pair)
            present = (title > 0) | (body > 0)
            if present.any():
                out += PROXIMITY * self._idf(present) * self._saturate(title, body)
        return out
