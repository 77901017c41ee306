"""Everything derived from one index snapshot that searches reuse: facets, dates, story groups."""

from __future__ import annotations

from typing import Any

import numpy as np

from index.facetdefs import labels
from index.facets import FacetField
from index.postings import Snapshot
from index.query import And, DateRange, Facet, Node, Not, Or
from index.schema import FACET_FIELDS
from nlp.relevance import TOPIC_THRESHOLD


def date_key(iso: str | None) -> int:
    """"2023-06-20T02:30" → 20230620; unknown dates → 0."""
    digits = (iso or "")[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


class View:
    """A snapshot plus lazily built per-snapshot arrays. Rebuilt when the index changes."""

    def __init__(self, searcher: Any) -> None:
        self.snap = Snapshot(searcher)
        self.n = self.snap.n
        self._facets: dict[str, FacetField] = {}
        self._dates: np.ndarray | None = None
        self._groups: np.ndarray | None = None
        self._shared: np.ndarray | None = None
        self._relevance: np.ndarray | None = None
        self._topic: np.ndarray | None = None
        self.suggest_cache: dict[str, Any] = {}

    def facet(self, name: str) -> FacetField:
        if name not in self._facets:
            if name not in FACET_FIELDS:
                raise KeyError(name)
            field = FacetField(self.snap, name)
            if name == "model":
                field.merge(_model_groups(field))
            elif name == "model_done":  # carried-out models take the catalogue names of the model facet
                model = self.facet("model")
                field.merge({v: model.values[model.index[v]] for v in field.values if v in model.index})
            if name != "month":  # the timeline has no "unknown month" bar; the year facet counts undated
                field.add_unknown(self.n)
            self._facets[name] = field
        return self._facets[name]

    @property
    def dates(self) -> np.ndarray:
        if self._dates is None:
            self._dates = np.fromiter((date_key(v) for v in self.snap.column("published")),
                                      dtype=np.int64, count=self.n)
        return self._dates

    @property
    def relevance(self) -> np.ndarray:
        """Each document's topic relevance in [0, 1] (nlp.relevance), float32; usable as a ranking prior."""
        if self._relevance is None:
            self._relevance = self.snap.numeric_column("relevance", np.float32)
        return self._relevance

    @property
    def topic(self) -> np.ndarray:
        """Whether each document is in the Chỉ thị 05 topic scope (relevance ≥ TOPIC_THRESHOLD)."""
        if self._topic is None:
            self._topic = self.relevance >= np.float32(TOPIC_THRESHOLD)
        return self._topic

    def scope_mask(self, scope: str) -> np.ndarray | None:
        """The documents a scope keeps, or None for every document ("all")."""
        return self.topic if scope == "topic" else None

    @property
    def groups(self) -> np.ndarray:
        """A small integer per story: an article and its republications share one."""
        if self._groups is None:
            keys = self.snap.column("group")
            _, inverse = np.unique(np.asarray(keys, dtype=object).astype(str), return_inverse=True)
            self._groups = inverse.astype(np.int64).reshape(-1)
        return self._groups

    @property
    def shared(self) -> np.ndarray:
        """Whether each document's story group has other members (republications): only these need
        de-duplicating when counting stories; most groups hold one article."""
        if self._shared is None:
            groups = self.groups
            self._shared = np.bincount(groups, minlength=int(groups.max(initial=0)) + 1)[groups] > 1
        return self._shared

    def date_mask(self, lo: str | None, hi: str | None) -> np.ndarray:
        dates = self.dates
        mask = dates > 0 if (lo or hi) else np.ones(self.n, dtype=bool)
        if lo:
            mask &= dates >= date_key(lo)
        if hi:
            mask &= dates <= date_key(hi)
        return mask

    def range_mask(self, node: DateRange) -> np.ndarray:
        return self.date_mask(node.lo, node.hi)

    def typed_values(self, node: Facet) -> list[str]:
        """The values a field prefix such as tinh:yen_bai names."""
        prefix = node.facet in ("province", "province_2025", "year", "source")
        return self.facet(node.facet).match(node.typed, prefix=prefix)

    def typed_facet_mask(self, node: Facet) -> np.ndarray:
        """A field prefix such as tinh:yen_bai: every value the typed text names."""
        return self.facet(node.facet).mask(self.n, tuple(self.typed_values(node)))

    def unknown_values(self, node: Node | None) -> list[str]:
        """A note for each field prefix naming no value of the archive (tinh:XYZ, nam:abc): without it,
        a typo in a prefix looks like "no stories"."""
        if isinstance(node, And | Or):
            return [note for item in node.items for note in self.unknown_values(item)]
        if isinstance(node, Not):
            return self.unknown_values(node.item)
        if isinstance(node, Facet) and not self.typed_values(node):
            label = labels().get(node.facet, node.facet)
            return [f"Không có “{node.typed[:80]}” trong bộ lọc “{label}” của kho lưu trữ."]
        return []


def _model_groups(field: FacetField) -> dict[str, str]:
    """Variant → catalogue name over the model facet (spelling, case, quotes, short and long forms), each
    name weighted by its number of articles so the catalogue shows the most used spelling."""
    from nlp.models import group_models

    sizes = np.diff(field.offsets).tolist()
    return group_models(dict(zip(field.values, sizes, strict=True)))
