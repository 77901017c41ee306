"""Quoted spans of real-world text, where quote marks are mixed, doubled, single or unbalanced.

`normalize` has already made every curly or angled double quote a plain '"'. Here, per paragraph:
- a doubled single quote ("''" or "' '", common in word-segmented text) is a double quote;
- a single-quoted span that opens a capitalised phrase ("đoàn 'Sáng mãi niềm tin'") is a quoted span,
  while apostrophes inside words ("H'Kem", "US's") are not quotes;
- each '"' is classed as opening (space before, a letter after), closing (a letter before, a space or
  punctuation after) or either (spaces on both sides, as in segmented text); an unpaired stray quote is
  skipped instead of shifting the pairing of every later quote in the paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quote", "quote_spans", "unify_quotes"]

_DOUBLED = re.compile(r"''|(?<=\s)' '(?=\s)")
_SINGLE = re.compile(r"(?<![\w'])'\s?([A-ZĐ\u00C0-\u00DE\u1EA0-\u1EF8][^'\"\n]{1,100}?)\s?'(?![\w'])")
_OPENERS = " \t([{:/-"
_MARK = re.compile('"')


@dataclass(frozen=True)
class Quote:
    """One quoted span: START/END of the marks in the text, INNER the stripped content."""

    start: int
    end: int
    inner: str
    surface: str


def unify_quotes(text: str) -> str:
    """The text with doubled and single quotes written as '"' (same length, so offsets survive)."""
    if "'" not in text:
        return text
    text = _DOUBLED.sub(lambda m: '"' + " " * (len(m.group(0)) - 1), text)
    return _SINGLE.sub(lambda m: '"' + m.group(0)[1:-1] + '"', text)


def quote_spans(text: str) -> list[Quote]:
    """Quoted spans of TEXT in order.

    >>> [q.inner for q in quote_spans('đoàn \\'Sáng mãi niềm tin\\' và CLB " Kết nối " của H\\'Kem')]
    ['Sáng mãi niềm tin', 'Kết nối']
    >>> [q.inner for q in quote_spans('câu "A", "B; "C" và "D"')]
    ['A', 'C', 'D']
    """
    text = unify_quotes(text)
    out: list[Quote] = []
    base = 0
    for para in text.split("\n"):
        if '"' not in para:
            base += len(para) + 1
            continue
        marks = [m.start() for m in _MARK.finditer(para)]
        kinds = []
        for i in marks:
            before = para[i - 1] if i > 0 else " "
            after = para[i + 1] if i + 1 < len(para) else " "
            if (before in _OPENERS) and not (after.isspace() or after in ".,;:!?)…"):
                kinds.append("open")
            elif not before.isspace() and (after.isspace() or not after.isalnum()):
                kinds.append("close" if before not in _OPENERS else "either")
            else:
                kinds.append("either")
        j = 0
        while j + 1 < len(marks):
            if kinds[j] != "close" and kinds[j + 1] != "open":
                a, b = marks[j], marks[j + 1]
                inner = para[a + 1:b].strip()
                if inner:
                    out.append(Quote(base + a, base + b + 1, inner, para[a:b + 1]))
                j += 2
            else:
                j += 1
        base += len(para) + 1
    return out
