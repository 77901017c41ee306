"""Highlighted snippets: the body window with the most query words, escaped, then marked."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from index.analysis import fold_word, normalize
from nlp.normalize import fold_variants

_WORD = re.compile(r"\w+")
WINDOW = 240


_VARIANTS = fold_variants()


@lru_cache(maxsize=256)
def _pattern(terms: frozenset[str]) -> re.Pattern[str]:
    """Matches, in unfolded text, any word whose fold is one of `terms` ("dang" finds Đảng, đang, dáng…)."""
    def term_re(term: str) -> str:
        return "".join(f"[{re.escape(_VARIANTS[c])}]" if c in _VARIANTS else re.escape(c) for c in term)

    alternatives = "|".join(term_re(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _matches(text: str, terms: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, folded word) of each word of `text` whose fold is one of `terms`."""
    # One regex over the text, in C, instead of folding every word in Python.
    found = [(m.start(), m.end(), fold_word(m.group().lower())) for m in _pattern(terms).finditer(text)]
    return [m for m in found if m[2] in terms]  # guards against a variant class the fold would not map


def query_terms(words: list[str]) -> tuple[set[str], dict[str, frozenset[str]]]:
    """The folded terms of query words, and for those typed with diacritics the exact forms to prefer:
    "chỉ thị" should light up "Chỉ thị", not "chí" or "cuộc thi"; "chi thi" lights up every form."""
    terms: set[str] = set()
    exact: dict[str, set[str]] = {}
    plain: set[str] = set()
    for word in words:
        folded = fold_word(word.lower())
        terms.add(folded)
        if word.isascii():
            plain.add(folded)
        else:
            exact.setdefault(folded, set()).add(normalize(word).lower())
    return terms, {f: frozenset(forms) for f, forms in exact.items() if f not in plain}


def snippet(body: str, terms: set[str], window: int = WINDOW,
            exact: dict[str, frozenset[str]] | None = None) -> str:
    """HTML around the densest cluster of query words; `terms` are folded, `exact` (see `query_terms`)
    narrows a term to the forms typed when the text has them. Text is escaped first, so markup inside
    an article can never reach the page; only our <mark> tags are added."""
    text = normalize(body)
    matches = _matches(text, frozenset(terms)) if terms else []
    if exact and matches:
        strict = [m for m in matches if m[2] not in exact or text[m[0]:m[1]].lower() in exact[m[2]]]
        matches = strict or matches
    if not matches:
        cut = text[:window]
        return html.escape(cut.rsplit(" ", 1)[0] + " …" if len(text) > window else cut)
    # Best window: the most distinct terms, then the most matches, earliest first.
    best, best_key = 0, (-1, -1)
    j = 0
    for i, (start, _end, _f) in enumerate(matches):
        j = max(j, i)
        while j + 1 < len(matches) and matches[j + 1][1] - start <= window:
            j += 1
        key = (len({m[2] for m in matches[i:j + 1]}), j - i + 1)
        if key > best_key:
            best, best_key = i, key
    start = matches[best][0]
    lo = max(0, start - window // 4)
    if lo:
        space = text.rfind(" ", 0, lo)
        lo = space + 1 if space >= 0 and lo - space < 30 else lo
    hi = min(len(text), lo + window)
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo else hi
    out: list[str] = ["… " if lo else ""]
    pos = lo
    for s, e, _f in matches:
        if s < lo or e > hi:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:hi]))
    if hi < len(text):
        out.append(" …")
    return "".join(out)
