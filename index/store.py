"""`SearchIndex`: open an index, search it (hits, total, facets), related stories and republications.

One instance serves many requests: it keeps a per-snapshot `View` of cached arrays and picks up new
commits or a swapped-in rebuild by itself (checked at most every `refresh_interval` seconds).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index

from index import layout
from index.analysis import fold_word
from index.facetdefs import hidden
from index.facets import UNKNOWN, Matches, facet_values
from index.matching import Evaluator
from index.query import Parsed, Text, parse
from index.schema import split_values
from index.snippets import query_terms, snippet
from index.suggest import known_words, model_names, restore_map, suggestion_for
from index.types import FACETS, SCOPES, Hit, QueryError, SearchQuery, SearchResult
from index.understand import places, understand
from index.view import View
from nlp.collation import vi_sorted

#: Facets a query may filter on or count: the UI's list, the timeline's months and the carried-out models.
KNOWN_FACETS = (*FACETS, *hidden())  # index.facetdefs
#: Candidates sorted beyond twice the last one of the asked page (the rest are only partitioned away).
ORDER_ROOM = 64


class IndexMissing(FileNotFoundError):
    """No index in the directory yet."""


class SearchIndex:
    """A reader over the live generation of an index directory; cheap to keep and reuse."""

    def __init__(self, index_dir: Path, refresh_interval: float = 1.0) -> None:
        self.index_dir = Path(index_dir)
        self.refresh_interval = refresh_interval
        self._lock = threading.RLock()
        self._generation: Path | None = None
        self._ix: Any = None
        self._searcher: Any = None
        self._view: View | None = None
        self._checked = 0.0
        self._version = 0
        self._open()

    @classmethod
    def open(cls, path: Path | str, refresh_interval: float = 1.0) -> SearchIndex:
        return cls(Path(path), refresh_interval)

    def _open(self) -> None:
        generation = layout.current_dir(self.index_dir)
        if generation is None or not whoosh_index.exists_in(str(generation)):
            raise IndexMissing(
                f"Chưa có chỉ mục tìm kiếm trong {self.index_dir}. Hãy chạy `ct05 index` để tạo chỉ mục."
            )
        ix = whoosh_index.open_dir(str(generation))
        old = self._searcher
        self._ix, self._searcher, self._generation = ix, ix.searcher(), generation
        self._view = None
        self._version += 1
        self._related: OrderedDict[tuple[str, int], list[Hit]] = OrderedDict()  # of this generation's view
        self._checked = time.monotonic()
        if old is not None:
            old.close()

    def refresh(self, force: bool = True) -> bool:
        """Pick up new commits or a swapped-in rebuild; True when the view changed."""
        with self._lock:
            now = time.monotonic()
            if not force and now - self._checked < self.refresh_interval:
                return False
            self._checked = now
            if layout.current_dir(self.index_dir) != self._generation:
                self._open()
                return True
            if not self._searcher.up_to_date():
                # A fresh reader, not Searcher.refresh(): that reuses segment readers and misses
                # deletions committed to segments it already had open.
                self._open()
                return True
            return False

    @property
    def view(self) -> View:
        if self._view is None:
            self._view = View(self._searcher)
        return self._view

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def __del__(self) -> None:
        # An index dropped without close() (an app discarded by a test, a worker exiting) closes its
        # files here rather than leaving them to the garbage collector's ResourceWarnings.
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def version(self) -> int:
        """A number that changes whenever this reader sees a new commit or generation (for cache keys)."""
        with self._lock:
            self.refresh(force=False)
            return self._version

    def facet_value(self, facet: str, value: str) -> str | None:
        """The value a facet shows for `value` (a model's catalogue name for one of its variants), or None."""
        with self._lock:
            self.refresh(force=False)
            field = self.view.facet(facet)
            i = field.lookup(value)
            return None if i is None else field.values[i]

    def doc_count(self) -> int:
        with self._lock:
            self.refresh(force=False)
            return self.view.snap.doc_count

    # -- search ----------------------------------------------------------------------------

    def search(self, q: SearchQuery) -> SearchResult:
        """Hits, total and disjunctive facet counts; garbage text gives a message, never an error."""
        started = time.perf_counter()
        for name, _values in q.filters:
            if name not in KNOWN_FACETS:
                raise QueryError(f"Không có bộ lọc “{name}”. Các bộ lọc: {', '.join(KNOWN_FACETS)}.")
        for name in q.facets:
            if name not in KNOWN_FACETS:
                raise QueryError(f"Không có nhóm “{name}”. Các nhóm: {', '.join(KNOWN_FACETS)}.")
        if q.sort not in ("relevance", "newest", "oldest"):
            raise QueryError(f"Không sắp xếp được theo “{q.sort}” (relevance, newest, oldest).")
        if q.scope not in SCOPES:
            raise QueryError(f"Không có phạm vi “{q.scope}” (topic: chỉ bài về Chỉ thị 05, all: tất cả bài).")
        with self._lock:
            self.refresh(force=False)
            result = self._search(q, self.view)
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def _search(self, q: SearchQuery, view: View) -> SearchResult:
        parsed = parse(q.text)
        messages = [*parsed.messages, *view.unknown_values(parsed.node)]
        restored = restore_map(view, parsed)
        live = view.snap.live
        in_scope = view.scope_mask(q.scope)
        # Whether too few stories hold every word is judged on the whole archive (the dates aside), not
        # the scope: a scope is a filter, and a filter must not turn up more stories than it filters.
        wide = live & view.date_mask(q.date_from, q.date_to) if q.date_from or q.date_to else live
        universe = wide if in_scope is None else wide & in_scope
        chips = understand(q.text, view, q.filters)
        if parsed.node is None:
            base, score = live.copy(), np.zeros(view.n, dtype=np.float32)
            if q.text.strip() and not messages:
                messages.append("Truy vấn không có từ nào để tìm; hiển thị mọi bài.")
        else:
            ev = Evaluator(view.snap, view.typed_facet_mask, view.range_mask, restored, known_words(view),
                           view.relevance, model_names(view), wide,
                           view.themed(" ".join(parsed.positive_words())), places(chips, view))
            base, score = ev.evaluate(parsed.node)
            messages.extend(ev.notes)
        if q.date_from or q.date_to:
            undated = int((base & (view.dates == 0) & (live if in_scope is None else in_scope)).sum())
            base &= view.date_mask(q.date_from, q.date_to)
            if undated:  # else a researcher reads "no stories in 2020" where the stories merely lack a date
                messages.append(f"{undated} bài không rõ ngày đăng không được tính trong khoảng ngày đã chọn.")
        outside = base & ~in_scope if in_scope is not None and parsed.node is not None else None
        if in_scope is not None:  # in the base mask, so the total and every facet count share it
            base &= in_scope
        selected = {name: values for name, values in q.filters if values}
        masks = {name: view.facet(name).mask(view.n, values) for name, values in selected.items()}
        final = base.copy()
        for m in masks.values():
            final &= m
        groups = view.groups if q.collapse else None
        shared = view.shared if q.collapse else None
        result = SearchResult(total=_count(final, groups, shared))
        if outside is not None:  # what the topic scope hid: the page offers it ("xem tất cả bài")
            for m in masks.values():
                outside &= m
            result.outside_scope = _count(outside, groups, shared)
        contexts: dict[str | None, Matches] = {}  # one per distinct mask: every unselected facet shares one
        for name in q.facets:
            ctx = base.copy()
            for other, m in masks.items():
                if other != name:
                    ctx &= m
            field = view.facet(name)
            key = name if name in masks else None
            if field.value_of is not None and key not in contexts:
                contexts[key] = Matches(ctx, groups, shared)
            counts = field.counts(ctx, groups, shared, contexts.get(key))
            result.facets[name] = facet_values(field, counts, selected.get(name, ()),
                                               q.facet_limit, by_value=name in ("year", "month"))
        sort = q.sort if parsed.node is not None or q.sort != "relevance" else "newest"
        result.hits = self._page(view, final, score, sort, q, parsed)
        result.suggestion = suggestion_for(view, parsed, q.text, restored, result.total)
        result.message = " ".join(messages) or None
        # A filter the current scope and dates hold no story of would lead to an empty page ("Cà Mau" in the
        # topic scope): not offered.
        result.chips = [c for c in chips if (view.facet(c.facet).mask(view.n, (c.value,)) & universe).any()]
        return result

    def spread(self, q: SearchQuery, facet: str, across: str) -> dict[str, list[str]]:
        """For each value of `facet` among the query's matches, the `across` values its articles have
        (`UNKNOWN` left out), in Vietnamese order: the provinces each model was carried out in."""
        if facet not in KNOWN_FACETS or across not in KNOWN_FACETS:
            raise QueryError(f"Không có nhóm “{facet}” hoặc “{across}”.")
        with self._lock:
            self.refresh(force=False)
            view = self.view
            mask = self._final(dataclasses.replace(q, facets=()), view)
            field, other = view.facet(facet), view.facet(across)
            hit = mask[field.docs]
            docs, vids = field.docs[hit], field.vids[hit]
            at = mask[other.docs]
            pairs: dict[int, set[int]] = {}
            owner = np.full(view.n, -1, dtype=np.int64)  # `across` is single-valued (a province)
            owner[other.docs[at]] = other.vids[at]
            unknown = other.index.get(UNKNOWN, -2)
            for v, o in zip(vids.tolist(), owner[docs].tolist(), strict=True):
                if o >= 0 and o != unknown:
                    pairs.setdefault(v, set()).add(o)
            return {field.values[v]: vi_sorted(other.values[o] for o in os) for v, os in pairs.items()
                    if field.values[v] != UNKNOWN}

    def _final(self, q: SearchQuery, view: View) -> np.ndarray:
        """The matching documents of a query (its text, dates, scope and filters)."""
        parsed = parse(q.text)
        in_scope = view.scope_mask(q.scope)
        base = view.snap.live.copy()
        if in_scope is not None:
            base &= in_scope
        if q.date_from or q.date_to:
            base &= view.date_mask(q.date_from, q.date_to)
        if parsed.node is not None:
            ev = Evaluator(view.snap, view.typed_facet_mask, view.range_mask, restore_map(view, parsed),
                           known_words(view), view.relevance, model_names(view), base)
            base &= ev.evaluate(parsed.node)[0]
        for name, values in q.filters:
            if values:
                base &= view.facet(name).mask(view.n, values)
        return base

    def _order(self, view: View, candidates: np.ndarray, score: np.ndarray, sort: str, want: int = 0) -> np.ndarray:
        """The candidates best first; with `want`, only those that can rank among the first `want` (all at or
        above the want-th one's first sort key, ties included): sorting every match of a common word at a
        million articles cost more than the rest of the search."""
        dates = view.dates[candidates]
        if sort == "newest":
            keys = (-score[candidates], -dates)
        elif sort == "oldest":
            keys = (-score[candidates], np.where(dates > 0, dates, 99999999))
        else:
            keys = (-dates, -score[candidates])
        if 0 < want < candidates.size // 2:
            first = keys[-1]
            top = first <= np.partition(first, want)[want]
            candidates, keys = candidates[top], tuple(k[top] for k in keys)
        return candidates[np.lexsort(keys)]

    def _page(self, view: View, final: np.ndarray, score: np.ndarray, sort: str, q: SearchQuery,
              parsed: Parsed) -> list[Hit]:
        per_page = max(1, min(q.per_page, 200))
        start = (max(1, q.page) - 1) * per_page
        candidates = np.flatnonzero(final)
        want = 2 * (start + per_page) + ORDER_ROOM  # room for the copies collapsing drops
        while True:
            ordered = self._order(view, candidates, score, sort, want)
            if q.collapse and ordered.size:
                shared = view.shared[ordered]
                if shared.any():  # keep the best-ranked copy of each republished story
                    at = np.flatnonzero(shared)
                    _, first = np.unique(view.groups[ordered[at]], return_index=True)
                    keep = ~shared
                    keep[at[first]] = True
                    ordered = ordered[keep]
            if not 0 < want < candidates.size // 2 or ordered.size >= start + per_page:
                break
            want = 0  # the copies filled the room: order them all
        copies = np.bincount(view.groups[final], minlength=int(view.groups.max()) + 1) \
            if q.collapse and candidates.size else None
        page = ordered[start:start + per_page]
        terms, exact = query_terms(parsed.positive_words())
        hits = []
        for docnum in page.tolist():
            reps = int(copies[view.groups[docnum]]) - 1 if copies is not None else 0
            hits.append(self._hit(docnum, float(score[docnum]), terms, reps, exact))
        return hits

    def _hit(self, docnum: int, score: float, terms: set[str], reps: int = 0,
             exact: dict[str, frozenset[str]] | None = None) -> Hit:
        f = self._searcher.stored_fields(docnum)
        return Hit(
            id=f["id"], url=f.get("url", ""), title=f.get("title", ""),
            source=(split_values(f.get("source")) or ("",))[0],
            province=(split_values(f.get("province")) or (None,))[0],
            province_2025=(split_values(f.get("province_2025")) or (None,))[0],
            published=f.get("published") or None, snippet=snippet(f.get("text", ""), terms, exact=exact), score=score,
            models=split_values(f.get("model")), themes=split_values(f.get("theme")), republications=reps,
            summary=f.get("summary") or "",
        )

    # -- related stories -----------------------------------------------------------------------

    def _docnum(self, article_id: str) -> int | None:
        ids = self.view.snap.postings("id", article_id)[0]
        return int(ids[0]) if ids.size else None

    def more_like_this(self, article_id: str, n: int = 5) -> list[Hit]:
        """Stories sharing the article's most distinctive words (its own republications excluded)."""
        from index.related import distinctive_words

        with self._lock:
            self.refresh(force=False)
            cached = self._related.get((article_id, n))
            if cached is not None:
                return cached
            view = self.view
            docnum = self._docnum(article_id)
            if docnum is None:
                return []
            stored = self._searcher.stored_fields(docnum)
            words = distinctive_words(view.snap, f"{stored.get('title', '')}\n{stored.get('text', '')}")
            if not words:
                return []
            ev = Evaluator(view.snap, view.typed_facet_mask, view.range_mask)
            score = np.zeros(view.n, dtype=np.float32)
            for w in words:
                ev._eval(Text((w,)), score)
            score[(view.groups == view.groups[docnum]) | ~view.snap.live] = 0
            score[~view.topic & view.topic[docnum]] = 0  # a Chỉ thị 05 story: related within the topic, not gossip
            top = np.argsort(-score, kind="stable")[: n * 3]
            hits: list[Hit] = []
            seen: set[int] = set()
            for d in top.tolist():
                if score[d] <= 0 or len(hits) >= n:
                    break
                if int(view.groups[d]) in seen:
                    continue
                seen.add(int(view.groups[d]))
                hits.append(self._hit(d, float(score[d]), {fold_word(w) for w in words}))
            self._related[(article_id, n)] = hits
            if len(self._related) > 2048:
                self._related.popitem(last=False)
            return hits

    def republications(self, article_id: str) -> list[Hit]:
        """The other copies of the article's story (original included), oldest first."""
        with self._lock:
            self.refresh(force=False)
            view = self.view
            docnum = self._docnum(article_id)
            if docnum is None:
                return []
            same = np.flatnonzero((view.groups == view.groups[docnum]) & view.snap.live)
            same = same[same != docnum]
            same = same[np.argsort(np.where(view.dates[same] > 0, view.dates[same], 99999999), kind="stable")]
            return [self._hit(int(d), 0.0, set()) for d in same]


def _count(mask: np.ndarray, groups: np.ndarray | None, shared: np.ndarray | None = None) -> int:
    if groups is None:
        return int(mask.sum())
    if shared is None:
        return int(np.unique(groups[mask]).size)
    return int((mask & ~shared).sum()) + int(np.unique(groups[mask & shared]).size)
