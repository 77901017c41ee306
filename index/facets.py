"""Facet values per document as arrays, filter masks and disjunctive counts.

For each facet field the snapshot's postings become CSR-like arrays (documents grouped by value),
so a filter is one fancy-index and a facet count is one `bincount` over the matching documents.
"""

from __future__ import annotations

import numpy as np

from index.analysis import fold, normalize
from index.postings import Snapshot
from index.types import FacetValue
from nlp.collation import vi_key

#: The bucket of documents that have no value for a facet (no province found, no date, no model):
#: counted, shown last and filterable like any value, so a facet's counts add up to the total.
UNKNOWN = "Không rõ"


class Matches:
    """The documents of one mask as indices, split into those whose story has no other copy (`alone`) and
    the rest (`copies`, de-duplicated by story when collapsing): computed once per mask and shared by
    every single-valued facet counted over it."""

    def __init__(self, mask: np.ndarray, groups: np.ndarray | None, shared: np.ndarray | None) -> None:
        idx = np.flatnonzero(mask)
        if groups is None:
            self.alone, self.copies = idx, idx[:0]
        elif shared is None:
            self.alone, self.copies = idx[:0], idx
        else:
            many = shared[idx]
            self.alone, self.copies = idx[~many], idx[many]


class FacetField:
    """Values of one facet over a snapshot: `docs[offsets[i]:offsets[i+1]]` hold value i; for a facet with
    exactly one value per document (province, year, source: "Không rõ" included), also `value_of[doc]`."""

    def __init__(self, snap: Snapshot, field: str) -> None:
        self.values: list[str] = [v for v in snap.lexicon(field) if v]
        parts = [snap.postings(field, v)[0] for v in self.values]
        sizes = np.array([p.size for p in parts], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.docs = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        self.vids = np.repeat(np.arange(len(self.values), dtype=np.int64), sizes)
        self.index = {v: i for i, v in enumerate(self.values)}
        self._squashed = [_squash(v) for v in self.values]
        self.value_of: np.ndarray | None = None
        self._loose: dict[str, int] | None = None

    def merge(self, canonical: dict[str, str]) -> None:
        """Fold variant values into their canonical one (documents united, each once); a variant stays
        a name for its canonical value, so links and filters that use it still find the documents."""
        if all(canonical.get(v, v) == v for v in self.values):
            return
        names = sorted({canonical.get(v, v) for v in self.values})
        pos = {name: i for i, name in enumerate(names)}
        old_to_new = np.array([pos[canonical.get(v, v)] for v in self.values], dtype=np.int64)
        vids, docs = old_to_new[self.vids], self.docs
        order = np.lexsort((docs, vids))
        vids, docs = vids[order], docs[order]
        keep = np.ones(vids.size, dtype=bool)
        keep[1:] = (vids[1:] != vids[:-1]) | (docs[1:] != docs[:-1])
        vids, docs = vids[keep], docs[keep]
        sizes = np.bincount(vids, minlength=len(names))
        self.values, self.docs, self.vids = names, docs, vids
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.index = {**{v: pos[canonical.get(v, v)] for v in canonical if canonical.get(v, v) in pos}, **pos}
        self._squashed = [_squash(v) for v in names]
        self._loose = None

    def add_unknown(self, n: int) -> None:
        """Add the `UNKNOWN` value: the documents of the snapshot that have no value for this facet."""
        if UNKNOWN in self.index:
            return
        has = np.zeros(n, dtype=bool)
        has[self.docs] = True
        missing = np.flatnonzero(~has).astype(np.int64)
        self.values = [*self.values, UNKNOWN]
        self.docs = np.concatenate([self.docs, missing])
        self.vids = np.concatenate([self.vids, np.full(missing.size, len(self.values) - 1, dtype=np.int64)])
        self.offsets = np.concatenate([self.offsets, [self.offsets[-1] + missing.size]]).astype(np.int64)
        self.index[UNKNOWN] = len(self.values) - 1
        self._squashed.append(_squash(UNKNOWN))
        self._loose = None
        if self.docs.size == n:  # n postings covering n documents: one value each
            value_of = np.full(n, -1, dtype=np.int32)
            value_of[self.docs] = self.vids
            self.value_of = value_of if bool((value_of >= 0).all()) else None

    def lookup(self, value: str) -> int | None:
        """The value id of `value`, else of the value it is written differently from: old tone placement
        ("Thanh Hoá"), decomposed Unicode (pasted from a Mac), case or spacing ("thanh  hóa")."""
        i = self.index.get(value)
        if i is None:
            if self._loose is None:
                self._loose = {}
                for name, j in self.index.items():
                    self._loose.setdefault(_loose_key(name), j)
            i = self._loose.get(_loose_key(value))
        return i

    def docs_of(self, value: str) -> np.ndarray:
        i = self.lookup(value)
        if i is None:
            return np.zeros(0, dtype=np.int64)
        return self.docs[self.offsets[i]:self.offsets[i + 1]]

    def mask(self, n: int, values: tuple[str, ...]) -> np.ndarray:
        """Documents having any of the values (OR within a facet)."""
        out = np.zeros(n, dtype=bool)
        for v in values:
            out[self.docs_of(v)] = True
        return out

    def match(self, typed: str, prefix: bool = False) -> list[str]:
        """Values matching what a user typed in a field prefix (diacritics, case and spaces ignored)."""
        want = _squash(typed)
        if not want:
            return []
        exact = [v for v, s in zip(self.values, self._squashed, strict=True) if s == want]
        if exact:
            return exact
        if prefix:
            return [v for v, s in zip(self.values, self._squashed, strict=True) if s.startswith(want)]
        return [v for v, s in zip(self.values, self._squashed, strict=True) if want in s]

    def counts(self, mask: np.ndarray, groups: np.ndarray | None, shared: np.ndarray | None = None,
               matches: Matches | None = None) -> np.ndarray:
        """Matching documents per value, or distinct story groups when collapsing (`shared`: documents
        whose group has other members; only those pairs need `np.unique`). A single-valued facet counts
        over the matching documents only (`matches`, the same mask as indices), not over every posting."""
        if self.value_of is not None:
            m = matches if matches is not None else Matches(mask, groups, shared)
            out = np.bincount(self.value_of[m.alone], minlength=len(self.values))
            if m.copies.size and groups is not None:
                width = int(groups.max(initial=0)) + 1
                pairs = np.unique(self.value_of[m.copies].astype(np.int64) * width + groups[m.copies])
                out += np.bincount(pairs // width, minlength=len(self.values))
            return out
        hit = mask[self.docs]
        vids = self.vids[hit]
        if groups is None:
            return np.bincount(vids, minlength=len(self.values))
        docs = self.docs[hit]
        many = shared[docs] if shared is not None else np.ones(docs.size, dtype=bool)
        out = np.bincount(vids[~many], minlength=len(self.values))
        if many.any():
            width = int(groups.max(initial=0)) + 1
            pairs = np.unique(vids[many] * width + groups[docs[many]])
            out += np.bincount(pairs // width, minlength=len(self.values))
        return out


def _squash(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _loose_key(text: str) -> str:
    return " ".join(normalize(text).casefold().split())


def facet_values(field: FacetField, counts: np.ndarray, selected: tuple[str, ...], limit: int,
                 by_value: bool = False) -> list[FacetValue]:
    """Non-zero counts, biggest first (or by value for years and months; ties in Vietnamese order); the
    `UNKNOWN` bucket last and never cut by the limit; selected values always shown."""
    unknown = field.index.get(UNKNOWN)
    nz = [i for i in np.flatnonzero(counts).tolist() if i != unknown]
    if by_value:
        order = sorted(nz, key=lambda i: field.values[i], reverse=True)
    else:
        order = sorted(nz, key=lambda i: (-int(counts[i]), vi_key(field.values[i])))
    if limit:
        order = order[:limit]
    if unknown is not None and counts[unknown]:
        order.append(unknown)
    out = [FacetValue(value=field.values[i], count=int(counts[i]), selected=field.values[i] in selected)
           for i in order]
    shown = {fv.value for fv in out}
    for value in selected:
        if value not in shown:
            i = field.index.get(value)
            out.append(FacetValue(value=value, count=int(counts[i]) if i is not None else 0, selected=True))
    return out
