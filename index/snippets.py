"""Highlighted snippets: the body window with the most query words, escaped, then marked."""

from __future__ import annotations

import html
import re

from index.analysis import fold_word, normalize

_WORD = re.compile(r"\w+")
WINDOW = 240


def snippet(body: str, terms: set[str], window: int = WINDOW) -> str:
    """HTML around the densest cluster of query words; `terms` are folded. Text is escaped first,
    so markup inside an article can never reach the page; only our <mark> tags are added."""
    text = normalize(body)
    matches = [(m.start(), m.end(), f) for m in _WORD.finditer(text)
               if (f := fold_word(m.group().lower())) in terms] if terms else []
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
