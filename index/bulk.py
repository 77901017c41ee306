"""Bulk build of a new index generation: Whoosh segments written from arrays, in parallel processes.

Whoosh's `SegmentWriter` sends every posting through a sorting pool and several Python calls (an article has
~1,000 postings across the exact, folded, pairs and words fields); that capped a 100k rebuild near 90 docs/s.
A fresh generation needs none of that machinery: `BulkSegmentWriter` counts each field's terms with
`collections.Counter` (C), keeps postings in flat arrays, sorts them once with numpy and hands each term's
postings to Whoosh's own W3 codec a block at a time. The result is an ordinary Whoosh segment (same codec,
same schema, same files); later updates use the normal writer. `build_generation` runs one such writer per
process over disjoint id ranges of the archive (a segment per `SEGMENT_ARTICLES`) and commits all their
segments in one table of contents. Writing the segment format by hand ties this module to the Whoosh release
it was written for (`WRITTEN_FOR`); under any other the segments are written by Whoosh's own writer (slower).
"""
from __future__ import annotations

import logging
import multiprocessing
import queue
import shutil
import time
import zlib
from array import array
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from pickle import dumps
from typing import Any

import numpy as np
import whoosh
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.index import TOC
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from crawler.archive import Archive
from index.analysis import list_terms
from index.schema import article_to_doc, make_schema

#: The Whoosh release (whoosh-reloaded) whose W3 segment format BulkSegmentWriter writes.
WRITTEN_FOR = (2, 7, 5)
#: Below this many articles per process a rebuild runs in this process (starting one costs ~1 s).
MIN_ARTICLES_PER_PROCESS = 1000
#: A worker starts a new segment after this many articles: a writer holds its segment's postings in memory
#: (peak ~40 KB an article while writing: 2 GB per 50,000), at the cost of more segments per term read.
SEGMENT_ARTICLES = 50_000
_PACKED = [pack_uint(i) for i in range(4096)]  # Frequency's value bytes for common counts


def _packed(freq: int) -> bytes:
    return _PACKED[freq] if freq < 4096 else pack_uint(freq)


class _ListPostings:
    """Postings of a field whose analyzer has a list form and whose format is plain Frequency."""

    def __init__(self, terms_of: Callable[[str], list[str]], scorable: bool) -> None:
        self.terms_of = terms_of
        self.scorable = scorable
        self.ids: dict[str, int] = {}
        self.tids = array("i")
        self.docs = array("i")
        self.freqs = array("i")
        self.lengths = array("i")  # by document number

    def add(self, docnum: int, value: str) -> int:
        texts = self.terms_of(value)
        counts = Counter(texts)
        ids = self.ids
        setdefault = ids.setdefault
        # len(ids) is read before each insertion, so a new term gets the next number.
        self.tids.extend([setdefault(t, len(ids)) for t in counts])
        self.freqs.extend(counts.values())
        self.docs.extend(array("i", [docnum]) * len(counts))
        length = len(texts) if self.scorable else 0
        if len(self.lengths) < docnum:
            self.lengths.extend([0] * (docnum - len(self.lengths)))
        self.lengths.append(length)
        return length

    def write(self, fw: Any, name: str, fieldobj: Any) -> None:
        if not self.ids:
            return
        tids = np.frombuffer(self.tids, dtype=np.int32)
        docs = np.frombuffer(self.docs, dtype=np.int32)
        order = np.lexsort((docs, tids))
        bounds = np.searchsorted(tids[order], np.arange(len(self.ids) + 1)).tolist()
        docs_l = docs[order].tolist()
        freqs_l = np.frombuffer(self.freqs, dtype=np.int32)[order].tolist()
        lengths = self.lengths.tolist()
        boost = float(fieldobj.format.field_boost)
        fw.start_field(name, fieldobj)
        pw = fw._postwriter
        limit = pw._blocklimit
        compression = pw._compression
        table_add = fw._tindex.add
        field_key = pack_ushort(fw._fieldid)
        for term in sorted(self.ids):  # code point order = UTF-8 byte order, as the terms table needs
            tid = self.ids[term]
            start, end = bounds[tid], bounds[tid + 1]
            if end - start == 1:
                # Most terms (word pairs above all) occur once in a segment: their posting goes inline
                # in the terms table, as Whoosh's inlinelimit intends, with no block in the postings file.
                docnum, freq = docs_l[start], freqs_l[start]
                info = W3TermInfo()
                info._weight = info._maxweight = float(freq) * boost
                info._df = 1
                info._minlength = lengths[docnum] or None
                info._maxlength = lengths[docnum]
                info._minid = info._maxid = docnum
                info.set_inlined((docnum,), (float(freq) * boost,), (_packed(freq),))
                table_add(field_key + term.encode("utf-8"), info.to_bytes())
                continue
            if end - start <= limit:
                _write_one_block(fw, field_key + term.encode("utf-8"), docs_l[start:end], freqs_l[start:end],
                                 lengths, boost, compression)
                continue
            fw.start_term(term.encode("utf-8"))
            for lo in range(start, end, limit):
                hi = min(lo + limit, end)
                ids = docs_l[lo:hi]
                freqs = freqs_l[lo:hi]
                # The block W3PostingsWriter.add_posting would have buffered, filled in one go.
                pw._ids = array("I", ids)
                pw._weights = array("f", freqs if boost == 1.0 else [f * boost for f in freqs])
                pw._values = [_packed(f) for f in freqs]
                lens = [n for n in (lengths[d] for d in ids) if n]
                pw._minlength = min(lens) if lens else None
                pw._maxlength = max(lens) if lens else 0
                pw._maxweight = max(pw._weights)
                if hi < end:
                    pw._write_block()
            fw.finish_term()
        fw.finish_field()


def _write_one_block(fw: Any, key: bytes, ids: list[int], freqs: list[int], lengths: list[int], boost: float,
                     compression: int) -> None:
    """A term whose postings fit one block: the bytes W3PostingsWriter would write, and its terms-table
    row, produced directly (the equivalence test compares what Whoosh reads back)."""
    weights = [float(f) * boost for f in freqs] if boost != 1.0 else [float(f) for f in freqs]
    first = weights[0]
    mini_weights = None if all(w == 1.0 for w in weights) else (
        first if all(w == first for w in weights) else tuple(weights))
    mini_ids = (ids[0], *[b - a for a, b in zip(ids, ids[1:], strict=False)])
    databytes = dumps((mini_ids, mini_weights, b"".join(_packed(f) for f in freqs)), 2)
    comp = compression if len(ids) > 16 else 0  # zlib on a few postings costs more than it saves
    if comp:
        databytes = zlib.compress(databytes, comp)
    lens = [n for n in (lengths[d] for d in ids) if n]
    minlength = min(lens) if lens else None
    maxlength = max(lens) if lens else 0
    maxweight = max(weights)
    infobytes = dumps((len(ids), ids[-1], maxweight, comp, length_to_byte(minlength), length_to_byte(maxlength)), 2)
    postfile = fw._postfile
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    postfile.write(pack_int(-(len(infobytes) + len(databytes))))  # negative: the last block
    postfile.write(infobytes)
    postfile.write(databytes)
    info = W3TermInfo()
    info._weight = sum(weights)
    info._df = len(ids)
    info._minlength, info._maxlength, info._maxweight = minlength, maxlength, maxweight
    info._minid, info._maxid = ids[0], ids[-1]
    info.set_extent(start, postfile.tell() - start)
    fw._tindex.add(key, info.to_bytes())


class _ItemPostings:
    """Any other field: Whoosh's own `field.index()` items, written posting by posting (ids, facets)."""

    def __init__(self, fieldobj: Any) -> None:
        self.fieldobj = fieldobj
        self.items: list[tuple[bytes, int, float, bytes]] = []
        self.lengths: dict[int, int] = {}

    def add(self, docnum: int, value: Any) -> int:
        length = 0
        for tbytes, freq, weight, vbytes in self.fieldobj.index(value):
            if self.fieldobj.scorable:
                length += freq
            self.items.append((tbytes, docnum, weight, vbytes))
        self.lengths[docnum] = length
        return length

    def write(self, fw: Any, name: str, fieldobj: Any) -> None:
        if not self.items:
            return
        self.items.sort(key=lambda item: (item[0], item[1]))
        fw.start_field(name, fieldobj)
        last: bytes | None = None
        for tbytes, docnum, weight, vbytes in self.items:
            if tbytes != last:
                if last is not None:
                    fw.finish_term()
                fw.start_term(tbytes)
                last = tbytes
            fw.add(docnum, weight, vbytes, self.lengths.get(docnum, 0))
        fw.finish_term()
        fw.finish_field()


def bulk_supported() -> bool:
    """True when the installed Whoosh is the release whose segment format this module writes."""
    return tuple(whoosh.__version__[:3]) == WRITTEN_FOR


class OneSegmentWriter(SegmentWriter):
    """Whoosh's own `SegmentWriter`, writing one segment of a generation that several writers share;
    `finish_segment()` returns it for `build_generation` to commit."""

    def _finish(self) -> None:
        # SegmentWriter._finish destroys the index's temp directory (MAIN.tmp), which every writer of
        # the generation shares: a worker finishing first would delete the column files another is
        # still writing. build_generation removes the directory once all are done.
        if self.writelock:
            self.writelock.release()
        self.is_closed = True

    def finish_segment(self) -> Any:
        """Write the segment's files and return it (or None when no document was added); no TOC."""
        try:
            segment = self._finalize_segment() if self._added else None
            if segment is None:
                self._close_segment()
        finally:
            self._finish()
        return segment


class BulkSegmentWriter(OneSegmentWriter):
    """A `SegmentWriter` for building whole segments fast (no deletions, no merging, no spelling or
    vectors, no per-document boosts); `commit()` or `finish_segment()` as with Whoosh's writer."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"bulk indexing does not support vectors or spelling (field {name!r})")
        self._postings: dict[str, _ListPostings | _ItemPostings] = {}

    def _postings_for(self, name: str, field: Any) -> _ListPostings | _ItemPostings:
        holder = self._postings.get(name)
        if holder is None:
            terms_of = list_terms(field.analyzer) if type(field.format) is formats.Frequency else None
            holder = _ListPostings(terms_of, field.scorable) if terms_of else _ItemPostings(field)
            self._postings[name] = holder
        return holder

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        perdoc = self.perdocwriter
        docnum = self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(self.schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = self.schema[name]
                length = self._postings_for(name, field).add(docnum, value) if field.indexed else 0
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fw = self.fieldwriter
        for name in sorted(self._postings):  # field numbers, and so table keys, must increase
            self._postings[name].write(fw, name, self.schema[name])
        fw.close()


def _exit_with_parent() -> None:
    """In a worker: exit once its starter is gone (killed mid-rebuild), not finish a segment nobody commits."""
    import ctypes
    import os
    import signal
    import threading

    # The starter's pid as multiprocessing recorded it: if it died while we imported, getppid() names our adopter.
    started_by = multiprocessing.parent_process()
    parent = started_by.pid if started_by is not None and started_by.pid else os.getppid()
    try:  # Linux: the kernel kills us the moment the parent dies (PR_SET_PDEATHSIG), however busy the machine
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))
    except (OSError, AttributeError):
        pass  # elsewhere the watcher below notices within half a second of CPU time
    if os.getppid() != parent:  # died before the death signal was armed
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="ct05-parent-watch", daemon=True).start()


def _build_range(archive_path: str, generation: str, after: str, until: str | None, done: Any,
                 results: Any) -> None:
    """One worker: index the archive's articles with after < id ≤ until into new segments."""
    if done is not None:  # a worker process, not the in-process build
        _exit_with_parent()
    try:
        ix = whoosh_index.open_dir(generation)
        kind = BulkSegmentWriter if bulk_supported() else OneSegmentWriter
        writer = kind(ix, _lk=False, compound=False)
        segments, count = [], 0
        with Archive(archive_path) as archive:
            for article in archive.iter_articles(after=after, until=until):
                writer.add_document(**article_to_doc(article))
                count += 1
                if count % 200 == 0 and done is not None:
                    with done.get_lock():
                        done.value += 200
                if count % SEGMENT_ARTICLES == 0:  # bound the postings held in memory
                    segments.append(writer.finish_segment())
                    writer = kind(ix, _lk=False, compound=False)
        if done is not None:
            with done.get_lock():
                done.value += count % 200
        segments.append(writer.finish_segment())
        results.put(("ok", [segment for segment in segments if segment is not None], count))
    except BaseException as exc:  # reported to the parent, which raises
        results.put(("error", f"{type(exc).__name__}: {exc}", 0))


class _Inline(list):  # type: ignore[type-arg]
    """A results queue for building in this process."""

    put = list.append


def build_generation(archive: Archive, generation: Path, procs: int = 1,
                     progress: Callable[[int], None] | None = None) -> int:
    """Index every live article of `archive` into the new, empty index directory `generation`
    with `procs` processes (a segment per `SEGMENT_ARTICLES` each); returns the number of documents."""
    if not bulk_supported():
        logging.getLogger(__name__).warning("Whoosh %s is not the release the bulk writer knows (%s): "
                                            "writing with Whoosh's own writer", whoosh.versionstring(),
                                            ".".join(map(str, WRITTEN_FOR)))
    ix = whoosh_index.create_in(str(generation), make_schema())
    procs = max(1, min(procs, archive.count() // MIN_ARTICLES_PER_PROCESS))
    ranges = archive.split_ids(procs)
    results: list[tuple[str, Any, int]] = []
    if len(ranges) == 1:
        results = _Inline()
        _build_range(archive.location, str(generation), "", None, None, results)
    else:
        results = _run_workers(archive.location, str(generation), ranges, progress)
    errors = [detail for status, detail, _n in results if status != "ok"]
    if errors:
        raise RuntimeError(f"bulk index build into {generation} failed: " + "; ".join(errors))
    segments = [segment for _status, parts, _n in results for segment in parts]
    TOC(ix.schema, segments, ix.latest_generation() + 1).write(ix.storage, ix.indexname)
    shutil.rmtree(Path(generation) / f"{ix.indexname}.tmp", ignore_errors=True)
    return sum(n for _status, _segment, n in results)


def _run_workers(archive_path: str, generation: str, ranges: list[tuple[str, str | None]],
                 progress: Callable[[int], None] | None) -> list[tuple[str, Any, int]]:
    # spawn: the caller may be a threaded process (the web admin, the scheduler); fork would copy locks.
    ctx = multiprocessing.get_context("spawn")
    done = ctx.Value("q", 0)
    out = ctx.Queue()
    workers = [ctx.Process(target=_build_range, args=(archive_path, generation, after, until, done, out),
                           daemon=True) for after, until in ranges]
    for w in workers:
        w.start()
    results: list[tuple[str, Any, int]] = []
    try:
        while len(results) < len(workers):
            try:
                results.append(out.get(timeout=2.0))
            except queue.Empty:
                if progress is not None:
                    progress(int(done.value))
                dead = [w for w in workers if not w.is_alive() and w.exitcode not in (0, None)]
                if dead and out.empty():
                    time.sleep(0.5)  # a result may still be in the pipe
                    if out.empty():
                        raise RuntimeError(f"an index worker died (exit code {dead[0].exitcode})") from None
    finally:
        for w in workers:
            w.join(timeout=30)
            if w.is_alive():
                w.kill()
    return results
