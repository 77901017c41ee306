"""Republication detection: the same story published on several sites.

Near-duplicate bodies are found with MinHash (datasketch) over word 5-gram shingles of the normalised
text, with an LSH index for candidates and the estimated Jaccard similarity to confirm them. In each
group the earliest copy (by publication date, then by first crawl) is the original; every other copy
gets `republication_of` = the original's id. Run after each crawl over the new or changed articles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from datasketch import LeanMinHash, MinHash, MinHashLSH

from crawler.archive import Archive
from crawler.article import Article

NUM_PERM = 128
SHINGLE = 5
THRESHOLD = 0.6  # estimated Jaccard of 5-gram shingles; rewrites of one press release stay above it
MIN_WORDS = 40  # shorter texts share too many stock phrases to call them copies


def normalise(text: str) -> list[str]:
    """Lower-case NFC words without punctuation: what two copies of a story share."""
    text = unicodedata.normalize("NFC", text).lower()
    return re.findall(r"\w+", text)


def signature(article: Article) -> LeanMinHash | None:
    """The MinHash of an article's body, or None when it is too short to compare."""
    words = normalise(article.body)
    if len(words) < MIN_WORDS:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=5)
    mh.update_batch([" ".join(words[i:i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)])
    return LeanMinHash(mh)


def _order_key(article: Article, first_seen: dict[str, str]) -> tuple[str, str, str]:
    # Undated copies sort after dated ones: a date is the only evidence of who published first.
    return (article.published or "9999", first_seen.get(article.id, ""), article.id)


def mark_republications(archive: Archive, new_ids: Iterable[str]) -> int:
    """Group the new articles with their near-duplicates in the archive; returns how many copies were
    (re)marked as republications."""
    new = set(new_ids)
    if not new:
        return 0
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    sigs: dict[str, LeanMinHash] = {}
    articles: dict[str, Article] = {}
    for article in archive.iter_articles():
        sig = signature(article)
        if sig is None:
            continue
        sigs[article.id] = sig
        articles[article.id] = article
        lsh.insert(article.id, sig)
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
        ordered = sorted((articles[i] for i in group), key=lambda a: _order_key(a, first_seen))
        original = ordered[0]
        if original.republication_of is not None:
            changes[original.id] = None
        for copy in ordered[1:]:
            if copy.republication_of != original.id:
                changes[copy.id] = original.id
    return archive.set_republications(changes)
