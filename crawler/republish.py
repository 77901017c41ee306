"""Republication detection: the same story published on several sites.

Near-duplicate bodies are found with MinHash over word 5-gram shingles of the normalised text
(datasketch's "affine32" scheme, computed here in one NumPy expression), with LSH banding for
candidates (10 bands of 6 values, what datasketch's `MinHashLSH` picks for threshold 0.6 and 64
permutations) and the estimated Jaccard similarity to confirm them. In each group the earliest copy
(by publication date, then by first crawl) is the original; every other copy gets
`republication_of` = the original's id. Run after each crawl over the new or changed articles.

Everything the pass needs is kept in the archive, so its cost grows with the new articles, not with
the archive: table `minhash` holds each article's signature (keyed by id and content hash) and table
`minhash_band` one row per (band key, article id). A pass hashes the new articles, writes their
bands, and reads back only the articles that share a band with them (and, transitively, with those).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from crawler.archive import Archive, ArchiveError
from crawler.article import Article
from crawler.wordcrc import word_crcs

NUM_PERM = 64
SEED = 5
SHINGLE = 5
THRESHOLD = 0.6  # estimated Jaccard of 5-gram shingles; rewrites of one press release stay above it
MIN_WORDS = 40  # shorter texts share too many stock phrases to call them copies
BANDS, ROWS = 10, 6  # LSH banding for THRESHOLD with NUM_PERM (as datasketch's MinHashLSH chooses)
BANDS_VERSION = "1"  # meta key `republish.bands`: the band table is complete for this layout


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations (a odd, b any) for this seed, without importing it."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


_A, _B = _permutations(NUM_PERM, SEED)
_MULT = np.uint64(0x9E3779B97F4A7C15)  # 64-bit odd constant for the polynomial shingle hash
_WORD = re.compile(r"\w+")


def normalise(text: str) -> list[str]:
    """Lower-case NFC words without punctuation: what two copies of a story share."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def shingle_hashes(words: list[str]) -> np.ndarray:
    """32-bit hashes of the word 5-grams: CRC-32 of each word, combined as a polynomial in uint64."""
    crc = zlib.crc32
    # Each distinct word is hashed once (a news text repeats about half of its words), by C-level maps
    # rather than a Python loop (str.encode's default is UTF-8).
    distinct = set(words)
    table = dict(zip(distinct, map(crc, map(str.encode, distinct)), strict=True))
    return _shingles(np.fromiter(map(table.__getitem__, words), dtype=np.uint64, count=len(words)))


def _shingles(word: np.ndarray) -> np.ndarray:
    """`shingle_hashes` from the words' CRC-32s (uint64)."""
    n = len(word) - SHINGLE + 1
    acc = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):  # uint64 arithmetic wraps: that is the intended modulus 2**64
        acc = acc * _MULT + word[k:k + n]
    return (acc >> np.uint64(32)) ^ (acc & np.uint64(0xFFFFFFFF))


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (datasketch's pre-mix for the affine32 scheme)."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature (uint32[NUM_PERM]) of a body text, or None when it is too short to compare.
    Identical to `datasketch.MinHash(num_perm=64, seed=5, scheme="affine32")` fed the shingle hashes."""
    # The words' CRC-32s in a few array operations (crawler.wordcrc), the same as `normalise` then
    # `shingle_hashes` give; per word only for the texts its tables do not cover.
    word = word_crcs(unicodedata.normalize("NFC", text).lower())
    if word is None:
        words = normalise(text)
        if len(words) < MIN_WORDS:
            return None
        shingles = shingle_hashes(words)
    elif len(word) < MIN_WORDS:
        return None
    else:
        shingles = _shingles(word)
    hv = _fmix32(shingles.astype(np.uint32))
    with np.errstate(over="ignore"):  # uint32 products wrap: the intended modulus 2**32
        # One row per permutation, so that each minimum runs along contiguous memory (2.5x faster than
        # the column-wise minimum of hv[:, None] * _A + _B, the same values).
        values = np.multiply.outer(_A, hv)
        values += _B[:, None]
        return values.min(axis=1)


def signature_bytes(text: str) -> bytes:
    """`signature` as stored in the archive (little-endian uint32), b"" for a text too short to compare."""
    sig = signature(text)
    return b"" if sig is None else sig.astype("<u4").tobytes()


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per LSH band (the band number is part of the key)."""
    raw = sig.astype("<u4").tobytes()
    width = ROWS * 4
    return [int.from_bytes(hashlib.blake2b(raw[i * width:(i + 1) * width], digest_size=8,
                                           person=b"band%d" % i).digest(), "little", signed=True)
            for i in range(BANDS)]


@dataclass
class PassStats:
    """What one republication pass did: `added` new or changed articles banded, `hashed` signatures
    computed by the pass itself (the others came from the crawl), `loaded` stored signatures read back as
    candidates, `backfilled` articles given bands for the first time, `marked` copies changed."""

    added: int = 0
    hashed: int = 0
    loaded: int = 0
    backfilled: int = 0
    marked: int = 0


#: The statistics of the last pass in this process (for tests and benchmarks).
last_pass = PassStats()


def _sig_of(blob: bytes | None) -> np.ndarray | None:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32) if blob else None


class _Store:
    """Reads and writes of the `minhash` and `minhash_band` tables for one pass."""

    def __init__(self, archive: Archive, stats: PassStats) -> None:
        self.archive = archive
        self.db = archive.db
        self.stats = stats
        self.sigs: dict[str, np.ndarray | None] = {}

    def write(self, rows: list[tuple[str, str, np.ndarray | None]], replace_all: bool = False) -> None:
        """Store signatures (id, content hash, sig) and their bands, replacing earlier ones (`replace_all`: every
        earlier one, once per band layout, unless another crawl of a shared archive just did it)."""
        if not rows and not replace_all:
            return
        db = self.db
        try:
            self.archive.begin()
            if replace_all:
                if db.execute("SELECT value FROM meta WHERE key = ?", ("republish.bands",)).fetchall() == [
                        (BANDS_VERSION,)]:
                    db.execute("COMMIT")
                    return
                db.execute("DELETE FROM minhash_band")
                db.execute("DELETE FROM minhash")
            for article_id, chash, sig in rows:
                old = db.execute("SELECT sig FROM minhash WHERE id = ?", (article_id,)).fetchone()
                if old is not None and (old_sig := _sig_of(old[0])) is not None:
                    db.executemany("DELETE FROM minhash_band WHERE key = ? AND id = ?",
                                   [(k, article_id) for k in band_keys(old_sig)])
                db.execute("INSERT INTO minhash (id, content_hash, sig) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE "
                           "SET content_hash = excluded.content_hash, sig = excluded.sig",
                           (article_id, chash, None if sig is None else sig.astype("<u4").tobytes()))
                if sig is not None:
                    db.executemany("INSERT INTO minhash_band (key, id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                   [(k, article_id) for k in band_keys(sig)])
            if replace_all:
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                           "excluded.value", ("republish.bands", BANDS_VERSION))
            db.execute("COMMIT")
        except self.archive.errors as exc:
            self.archive._rollback()
            raise ArchiveError(f"cannot store signatures: {exc}") from exc

    def backfill(self, skip: set[str]) -> None:
        """Once per archive (or band layout): bands for every live article but `skip` (hashed next),
        hashing those without a current signature. Later passes never scan the archive."""
        if self.archive.get_meta("republish.bands") == BANDS_VERSION:
            return
        db = self.db
        cached = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, content_hash, sig FROM minhash")}
        rows: list[tuple[str, str, np.ndarray | None]] = []
        for article_id, chash in db.execute("SELECT id, content_hash FROM articles WHERE deleted = 0").fetchall():
            if article_id in skip:
                continue
            hit = cached.get(article_id)
            if hit and hit[0] == chash:
                sig = _sig_of(hit[1])
            else:
                article = self.archive.get(article_id)
                if article is None:
                    continue
                sig = signature(article.body)
            rows.append((article_id, chash, sig))
        self.stats.backfilled = len(rows)
        self.write(rows, replace_all=True)

    def add(self, new: list[str], known: dict[str, tuple[str, bytes]]) -> None:
        """Signatures and bands of new or changed articles: those computed during the crawl (`known`: id ->
        (content hash, signature bytes)) where the stored text is the one hashed, else hashed here."""
        rows: list[tuple[str, str, np.ndarray | None]] = []
        for start in range(0, len(new), 500):
            chunk = new[start:start + 500]
            marks = ",".join("?" * len(chunk))
            current = dict(self.db.execute(
                f"SELECT id, content_hash FROM articles WHERE deleted = 0 AND id IN ({marks})", chunk).fetchall())
            for article_id in chunk:
                chash = current.get(article_id)
                if chash is None:
                    continue
                hit = known.get(article_id)
                if hit is not None and hit[0] == chash:
                    sig = _sig_of(hit[1])
                else:
                    article = self.archive.get(article_id)
                    if article is None:
                        continue
                    sig = signature(article.body)
                    self.stats.hashed += 1
                self.sigs[article_id] = sig
                rows.append((article_id, chash, sig))
        self.write(rows)

    def candidates(self, sig: np.ndarray) -> set[str]:
        keys = band_keys(sig)
        marks = ",".join("?" * len(keys))
        return {r[0] for r in self.db.execute(f"SELECT id FROM minhash_band WHERE key IN ({marks})", keys)}

    def load(self, ids: Iterable[str]) -> None:
        """Read the stored signatures of live articles among `ids` (those not read yet)."""
        todo = [i for i in ids if i not in self.sigs]
        for start in range(0, len(todo), 500):
            chunk = todo[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT m.id, m.sig FROM minhash m JOIN articles a ON a.id = m.id "
                f"WHERE m.id IN ({marks}) AND a.deleted = 0 AND a.content_hash = m.content_hash", chunk)
            found = {r[0]: _sig_of(r[1]) for r in rows}
            for article_id in chunk:
                self.sigs[article_id] = found.get(article_id)
            self.stats.loaded += len(found)


def _order_key(article: Article, first_seen: str) -> tuple[str, str, str]:
    # Undated copies sort after dated ones: a date is the only evidence of who published first.
    return (article.published or "9999", first_seen, article.id)


def republication_pass(archive: Archive, new_ids: Iterable[str],
                       signatures: dict[str, tuple[str, bytes]] | None = None) -> PassStats:
    """Group the new (or changed) articles with their near-duplicates in the archive and mark the
    copies; the work is proportional to the new articles and the groups they fall into. `signatures`
    are those the crawl computed already (id -> (content hash, `signature_bytes`))."""
    global last_pass
    stats = last_pass = PassStats()
    new = sorted(set(new_ids))
    if not new:
        return stats
    store = _Store(archive, stats)
    store.backfill(set(new))
    store.add(new, signatures or {})
    stats.added = len(new)
    changes: dict[str, str | None] = {}
    done: set[str] = set()
    for article_id in new:
        sig = store.sigs.get(article_id)
        if article_id in done or sig is None:
            continue
        group = {article_id}
        frontier = [article_id]
        while frontier:  # the connected group: copies of copies belong to it too
            current = store.sigs[frontier.pop()]
            assert current is not None
            found = store.candidates(current) - group
            store.load(found)
            for other in found:
                other_sig = store.sigs.get(other)
                if other_sig is not None and jaccard(current, other_sig) >= THRESHOLD:
                    group.add(other)
                    frontier.append(other)
        done |= group
        if len(group) < 2:
            continue
        members = [a for i in group if (a := archive.get(i)) is not None]
        marks = ",".join("?" * len(group))
        first_seen = dict(archive.db.execute(f"SELECT id, first_seen FROM articles WHERE id IN ({marks})",
                                             sorted(group)).fetchall())
        ordered = sorted(members, key=lambda a: _order_key(a, first_seen.get(a.id, "")))
        original = ordered[0]
        if original.republication_of is not None:
            changes[original.id] = None
        for copy in ordered[1:]:
            if copy.republication_of != original.id:
                changes[copy.id] = original.id
    stats.marked = archive.set_republications(changes)
    return stats


def mark_republications(archive: Archive, new_ids: Iterable[str]) -> int:
    """`republication_pass`; returns how many copies were (re)marked as republications."""
    return republication_pass(archive, new_ids).marked
