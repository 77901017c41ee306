"""Diacritic restoration and "did you mean" from what the index itself knows.

Restoration maps a word typed without diacritics to its dominant written form, preferring the
underthesea words field (so "dang uy" becomes "đảng ủy" as a unit, not "đang ủy"), then single words.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from index.analysis import fold_word
from index.query import And, Parsed, Text

#: A form must account for this share of its folded spelling's occurrences to be restored.
DOMINANT = 0.6
_MAX_LEXICON = 2_000_000


def _dominant_forms(view: Any, field: str) -> dict[str, str]:
    """folded term → its dominant exact form, for one field's lexicon (cached per snapshot)."""
    key = f"forms:{field}"
    cached = view.suggest_cache.get(key)
    if cached is not None:
        return dict(cached)
    totals: dict[str, int] = defaultdict(int)
    best: dict[str, tuple[int, str]] = {}
    reader = view.snap.reader
    for i, (term, info) in enumerate(reader.iter_field(field)):
        if i >= _MAX_LEXICON:
            break
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        f = fold_word(text)
        if f == text and "_" not in text:
            totals[f] += info.doc_frequency()
            continue
        df = info.doc_frequency()
        totals[f] += df
        if df > best.get(f, (0, ""))[0]:
            best[f] = (df, text)
    forms = {f: form for f, (df, form) in best.items() if df >= DOMINANT * totals[f]}
    view.suggest_cache[key] = forms
    return forms


def _plain_words(parsed: Parsed) -> list[str]:
    node = parsed.node
    items = node.items if isinstance(node, And) else (node,) if node is not None else ()
    out: list[str] = []
    for item in items:
        if isinstance(item, Text):
            out.extend(item.words)
    return out


def restore_map(view: Any, parsed: Parsed) -> dict[str, str]:
    """Word typed without diacritics → dominant form, when the index knows one."""
    words = _plain_words(parsed)
    bare = [w for w in words if fold_word(w) == w and w.isalpha()]
    if not bare:
        return {}
    restored: dict[str, str] = {}
    multi = _dominant_forms(view, "words")
    i = 0
    while i < len(words):
        for size in (3, 2):
            chunk = words[i:i + size]
            if len(chunk) == size and all(fold_word(w) == w for w in chunk):
                form = multi.get("_".join(chunk))
                if form and form.count("_") == size - 1:
                    restored.update(zip(chunk, form.split("_"), strict=True))
                    i += size
                    break
        else:
            i += 1
    single = _dominant_forms(view, "body")
    for w in bare:
        if w not in restored and w in single:
            restored[w] = single[w]
    return {w: f for w, f in restored.items() if f != w}


def suggestion_for(view: Any, parsed: Parsed, text: str, restored: dict[str, str], total: int) -> str | None:
    """The query with diacritics restored, or with misspelled words corrected when nothing matched."""
    words = _plain_words(parsed)
    if not words:
        return None
    fixed = dict(restored)
    if total == 0:
        corrector = view.snap.searcher.corrector("body_f")
        single = _dominant_forms(view, "body")
        for w in words:
            f = fold_word(w)
            if 2 < len(f) <= 20 and view.snap.doc_frequency("body_f", f) == 0:
                options = corrector.suggest(f, limit=1, maxdist=2)
                if options:
                    fixed[w] = single.get(options[0], options[0]) if f == w else options[0]
    if not fixed:
        return None
    out = " ".join(fixed.get(w, w) for w in words)
    return out if out != " ".join(words) else None
