"""Republication detection: the same story published on several sites.

Near-duplicate bodies are found with MinHash (datasketch) over word 5-gram shingles of the normalised
text, with an LSH index for candidates and the estimated Jaccard similarity to confirm them. In each
group the earliest copy (by publication date, then by first crawl) is the original; every other copy
gets `republication_of` = the original's id. Run after each crawl over the new or changed articles.
Signatures are kept in the archive (table `minhash`, keyed by id and content hash) so a later pass
only hashes what changed.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
import zlib
from collections.abc import Iterable

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from crawler.archive import Archive, ArchiveError
from crawler.article import Article

NUM_PERM = 64
SEED = 5
SHINGLE = 5
THRESHOLD = 0.6  # estimated Jaccard of 5-gram shingles; rewrites of one press release stay above it
MIN_WORDS = 40  # shorter texts share too many stock phrases to call them copies
_SCHEMA = "CREATE TABLE IF NOT EXISTS minhash (id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, sig BLOB)"


def normalise(text: str) -> list[str]:
    """Lower-case NFC words without punctuation: what two copies of a story share."""
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED)  # its permutations are reused: drawing them is slow
_MULT = np.uint64(0x9E3779B97F4A7C15)  # 64-bit odd constant for the polynomial shingle hash


def shingle_hashes(words: list[str]) -> np.ndarray:
    """32-bit hashes of the word 5-grams: CRC-32 of each word, combined as a polynomial in uint64."""
    crc = zlib.crc32
    word = np.fromiter((crc(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    n = len(words) - SHINGLE + 1
    acc = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):  # uint64 arithmetic wraps: that is the intended modulus 2**64
        acc = acc * _MULT + word[k:k + n]
    return (acc >> np.uint64(32)) ^ (acc & np.uint64(0xFFFFFFFF))


def signature(text: str) -> LeanMinHash | None:
    """The MinHash of a body text, or None when it is too short to compare."""
    words = normalise(text)
    if len(words) < MIN_WORDS:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, permutations=_TEMPLATE.permutations,
                 scheme=_TEMPLATE.scheme)
    mh.update_batch(shingle_hashes(words).tolist())
    return LeanMinHash(mh)


def _signatures(archive: Archive) -> dict[str, LeanMinHash]:
    """Signatures of every live article, computing (and storing) those missing or out of date."""
    db = archive.db
    db.execute(_SCHEMA)
    current = dict(db.execute("SELECT id, content_hash FROM articles WHERE deleted = 0").fetchall())
    cached = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, content_hash, sig FROM minhash")}
    sigs: dict[str, LeanMinHash] = {}
    todo = []
    for article_id, chash in current.items():
        hit = cached.get(article_id)
        if hit and hit[0] == chash:
            if hit[1] is not None:
                values = np.frombuffer(hit[1], dtype=_TEMPLATE.hashvalues.dtype)
                sigs[article_id] = LeanMinHash(seed=SEED, hashvalues=values, scheme=_TEMPLATE.scheme)
        else:
            todo.append(article_id)
    rows = []
    for article_id in todo:
        article = archive.get(article_id)
        if article is None:
            continue
        sig = signature(article.body)
        if sig is not None:
            sigs[article_id] = sig
        rows.append((article_id, article.content_hash,
                     None if sig is None else np.asarray(sig.hashvalues, dtype=_TEMPLATE.hashvalues.dtype).tobytes()))
    if rows:
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO minhash (id, content_hash, sig) VALUES (?, ?, ?)", rows)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            db.execute("ROLLBACK")
            raise ArchiveError(f"cannot store signatures: {exc}") from exc
    return sigs


def _order_key(article: Article, first_seen: dict[str, str]) -> tuple[str, str, str]:
    # Undated copies sort after dated ones: a date is the only evidence of who published first.
    return (article.published or "9999", first_seen.get(article.id, ""), article.id)


def mark_republications(archive: Archive, new_ids: Iterable[str]) -> int:
    """Group the new articles with their near-duplicates in the archive; returns how many copies were
    (re)marked as republications."""
    new = set(new_ids)
    if not new:
        return 0
    sigs = _signatures(archive)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for article_id, sig in sigs.items():
            session.insert(article_id, sig)
    first_seen = archive.first_seen()
    changes: dict[str, str | None] = {}
    done: set[str] = set()
    for article_id in sorted(new & sigs.keys()):
        if article_id in done:
            continue
        group = {article_id}
        frontier = [article_id]
        while frontier:  # the connected group: copies of copies belong to it too
            current = frontier.pop()
            for other in lsh.query(sigs[current]):
                if other not in group and sigs[current].jaccard(sigs[other]) >= THRESHOLD:
                    group.add(other)
                    frontier.append(other)
        done |= group
        if len(group) < 2:
            continue
        members = [a for i in group if (a := archive.get(i)) is not None]
        ordered = sorted(members, key=lambda a: _order_key(a, first_seen))
        original = ordered[0]
        if original.republication_of is not None:
            changes[original.id] = None
        for copy in ordered[1:]:
            if copy.republication_of != original.id:
                changes[copy.id] = original.id
    return archive.set_republications(changes)
