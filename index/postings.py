"""Fast access to one index snapshot's postings and field lengths as numpy arrays.

Whoosh scores through Python matcher objects, one call per document; at 100k articles that is far too
slow for facets over every match. Here postings are read block by block into arrays (global document
numbers), cached per snapshot, so matching, scoring and facet counting run vectorised.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

_BYTE_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_W = np.zeros(0, dtype=np.float32)


def _read_leaf(reader: Any, field: str, term: str) -> tuple[Any, Any]:
    """Raw ids and weights of a term in one segment (deleted documents included), as arrays.

    Whoosh's block matcher decodes ids with a Python generator (one call per posting); at 300,000 articles
    that was most of a search's time. The block's pickled (delta) ids and weights are decoded here with
    numpy instead; any other matcher (an inlined term, another codec) goes through the public, slower path."""
    fieldobj = reader.schema[field]
    tbytes = fieldobj.to_bytes(term)
    if reader.doc_frequency(field, tbytes) == 0:
        return _EMPTY_IDS, _EMPTY_W
    m = reader._terms.matcher(field, tbytes, fieldobj.format)
    try:
        if m._byteids:  # string ids (term vectors), never document postings
            raise AttributeError("_byteids")
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        while True:
            if m._data is None:
                m._read_data()
            raw_ids, raw_w = m._data[0], m._data[1]
            block = np.cumsum(np.asarray(raw_ids, dtype=np.int64))  # stored as deltas
            ids.append(block)
            if raw_w is None or isinstance(raw_w, float):
                weights.append(np.full(block.size, 1.0 if raw_w is None else raw_w, dtype=np.float32))
            else:
                weights.append(np.asarray(raw_w, dtype=np.float32))
            if m._lastblock:
                break
            m._next_block()
        return np.concatenate(ids), np.concatenate(weights)
    except AttributeError:  # not a W3 block matcher
        m = reader.postings(field, tbytes)
        out_ids, out_w = [], []
        while m.is_active():
            out_ids.append(m.id())
            out_w.append(m.weight())
            m.next()
        return np.asarray(out_ids, dtype=np.int64), np.asarray(out_w, dtype=np.float32)


def _numeric(reader: Any, count: int, dtype: Any) -> np.ndarray | None:
    """A Whoosh `NumericColumn` reader's values for a segment's `count` documents in one read (its
    `__getitem__` costs a Python call and a struct unpack per document: seconds at a million), or None
    for any other reader. The column stores values up to the last non-default one; the rest are default."""
    try:
        typecode, fixedlen, stored = reader._typecode, reader._fixedlen, reader._count
        raw = reader._dbfile.get(reader._basepos, stored * fixedlen) if stored else b""
        default = reader._default
    except AttributeError:
        return None
    out = np.full(count, default, dtype=dtype)
    stored = min(stored, count)
    out[:stored] = np.frombuffer(raw, dtype=np.dtype(typecode).newbyteorder(">"), count=stored)
    return out


class Snapshot:
    """One searcher's view: live documents, postings and lengths as arrays, cached."""

    #: Postings kept decoded (LRU). 96 MB held the bench's query mix at 100k but not at 300k, where re-reading
    #: the evicted blocks (zlib + pickle per 128 postings) made the all-facets p95 207 ms of CPU; 512 MB: 40 ms.
    CACHE_BYTES = 256 * 2**20

    def __init__(self, searcher: Any, cache_bytes: int | None = None) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves: list[tuple[Any, int]] = list(self.reader.leaf_readers())
        self.n = self.reader.doc_count_all()
        live = np.ones(self.n, dtype=bool)
        for leaf, offset in self.leaves:
            deleted = getattr(leaf, "deleted_docs_set", None)
            if deleted is None:
                deleted = [d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)]
            if deleted:
                live[np.fromiter(deleted, dtype=np.int64) + offset] = False
        self.live = live
        self.doc_count = int(live.sum())
        self._terms: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        # bounds memory: common terms hold ~8 bytes per document
        self._cache_bytes = self.CACHE_BYTES if cache_bytes is None else cache_bytes
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(doc numbers, weights) of live documents containing the term."""
        key = (field, term)
        hit = self._terms.get(key)
        if hit is not None:
            self._terms.move_to_end(key)
            return hit
        all_ids: list[np.ndarray] = []
        all_w: list[np.ndarray] = []
        for leaf, offset in self.leaves:
            ids, weights = _read_leaf(leaf, field, term)
            if ids.size:
                all_ids.append(np.asarray(ids, dtype=np.int32) + offset)
                all_w.append(np.asarray(weights, dtype=np.float32))
        if all_ids:
            ids_a = np.concatenate(all_ids)
            w_a = np.concatenate(all_w)
            keep = self.live[ids_a]
            if not keep.all():
                ids_a, w_a = ids_a[keep], w_a[keep]
        else:
            ids_a, w_a = _EMPTY_IDS, _EMPTY_W
        self._terms[key] = (ids_a, w_a)
        self._cached += ids_a.nbytes + w_a.nbytes
        while self._cached > self._cache_bytes and len(self._terms) > 1:
            _k, (old_ids, old_w) = self._terms.popitem(last=False)
            self._cached -= old_ids.nbytes + old_w.nbytes
        return ids_a, w_a

    def doc_frequency(self, field: str, term: str) -> int:
        return int(self.postings(field, term)[0].size)

    def mask(self, field: str, term: str) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        out[self.postings(field, term)[0]] = True
        return out

    def lengths(self, field: str) -> np.ndarray:
        """Per-document token count of a field (Whoosh's one-byte approximation)."""
        arr = self._lengths.get(field)
        if arr is not None:
            return arr
        arr = np.zeros(self.n, dtype=np.float32)
        for leaf, offset in self.leaves:
            count = leaf.doc_count_all()
            try:
                col = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
            except AttributeError:  # another codec: one call per document
                col = None
            raw = _numeric(col, count, np.uint8) if col is not None else None
            if raw is not None:
                arr[offset:offset + count] = _BYTE_LENGTH[raw]
            elif col is None and hasattr(leaf, "_perdoc"):  # no document has this field in the segment
                arr[offset:offset + count] = 0
            else:
                arr[offset:offset + count] = [leaf.doc_field_length(d, field, 0) for d in range(count)]
        self._lengths[field] = arr
        return arr

    def avg_length(self, field: str) -> float:
        total = self.reader.field_length(field)
        return max(1.0, total / max(1, self.n))

    def numeric_column(self, field: str, dtype: Any) -> np.ndarray:
        """A numeric column (`NumericColumn`) for every document, as one array (global numbering)."""
        out = np.empty(self.n, dtype=dtype)
        for leaf, offset in self.leaves:
            count = leaf.doc_count_all()
            reader = leaf.column_reader(field, translate=False)  # the stored numbers as they are
            values = _numeric(reader, count, dtype)
            out[offset:offset + count] = values if values is not None else np.fromiter(reader, dtype=dtype,
                                                                                        count=count)
        return out

    def column(self, field: str) -> list[Any]:
        """A sortable field's values for every document (global numbering)."""
        values: list[Any] = []
        for leaf, _offset in self.leaves:
            values.extend(leaf.column_reader(field))
        return values

    def lexicon(self, field: str) -> list[str]:
        """Every term of a field (decoded), across segments."""
        return [t.decode("utf-8") if isinstance(t, bytes) else t for t in self.reader.lexicon(field)]
