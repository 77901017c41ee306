"""Numbered Party and State documents ("Chỉ thị số 05-CT/TW", "CT05", "Nghị quyết 35-NQ/TW").

Every form a document is written in maps to index keys: "ct:5" (type and number) and "ct:5:tw"
(with the issuer code). Articles get keys from `Enrichment.documents` and from their own text; queries
get the same keys, so "chi thi 05", "Chỉ thị số 05-CT/TW", "CT05" and "CT 05" meet in the docs field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.analysis import fold

_TYPES = {"chi thi": "ct", "nghi quyet": "nq", "ket luan": "kl", "quy dinh": "qd"}
_ABBR = {"ct": "ct", "nq": "nq", "kl": "kl", "qd": "qd"}
#: The issuer assumed for a bare "Chỉ thị 05" when the article names none: this archive is about
#: Party documents, so a bare number is the Central Committee's (CT/TW) unless the text says otherwise.
DEFAULT_ISSUER = "tw"

_FULL = re.compile(
    r"\b(chi thi|nghi quyet|ket luan|quy dinh)\s+(?:so\s*)?(\d{1,4})(?![\d.,]\d)"
    r"(?:\s*[-/]\s*(?:\d{4}\s*[-/]\s*)?([a-z]{1,4})\s*[-/]\s*([a-z]{1,6})\b)?"
)
_SHORT = re.compile(
    r"\b(ct|nq|kl|qd)\s*[-.]?\s*(\d{1,4})\b(?![.,]\d)"
    r"(?:\s*[-/]\s*([a-z]{1,4})\s*[-/]\s*([a-z]{1,6})\b)?"
)
_ISSUER_HINT = re.compile(r"\W*(?:cua\s+)?(bo chinh tri|ban bi thu|trung uong|thu tuong)")
_HINT_CODE = {"bo chinh tri": "tw", "ban bi thu": "tw", "trung uong": "tw", "thu tuong": "ttg"}


@dataclass(frozen=True)
class DocRef:
    """One mention: type code, number without leading zeros, issuer code or "" and where it was."""

    kind: str
    number: str
    issuer: str
    start: int
    end: int

    @property
    def generic(self) -> str:
        return f"{self.kind}:{self.number}"

    @property
    def key(self) -> str:
        return f"{self.generic}:{self.issuer}" if self.issuer else self.generic


def _issuer(code: str | None, tail: str | None, folded: str, end: int) -> str:
    if tail:
        return tail
    hint = _ISSUER_HINT.match(folded, end, min(len(folded), end + 40))
    return _HINT_CODE[hint.group(1)] if hint else ""


def find_refs(text: str, *, short_forms: bool = True, folded: bool = False) -> list[DocRef]:
    """Every document mention in a text, in order; spans index the folded text."""
    f = text if folded else fold(text)
    refs: list[DocRef] = []
    for m in _FULL.finditer(f):
        refs.append(DocRef(kind=_TYPES[m.group(1)], number=str(int(m.group(2))),
                           issuer=_issuer(m.group(3), m.group(4), f, m.end()), start=m.start(), end=m.end()))
    if short_forms:
        taken = [(r.start, r.end) for r in refs]
        for m in _SHORT.finditer(f):
            if any(s <= m.start() < e for s, e in taken):
                continue
            refs.append(DocRef(kind=_ABBR[m.group(1)], number=str(int(m.group(2))),
                               issuer=_issuer(m.group(3), m.group(4), f, m.end()), start=m.start(), end=m.end()))
        refs.sort(key=lambda r: r.start)
    return refs


def article_keys(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """Index keys for an article, one per mention (so the docs field's term frequency counts how often
    the article cites a document: a review of Chỉ thị 05 cites it again and again, a passing mention
    once), plus one for each of the NLP's canonical document names.

    A bare mention inherits the issuer the article gives the same number elsewhere, or the default.
    """
    refs = find_refs(text, short_forms=False)
    for name in names:
        refs.extend(find_refs(name))
    issuers: dict[str, set[str]] = {}
    for ref in refs:
        if ref.issuer:
            issuers.setdefault(ref.generic, set()).add(ref.issuer)
    keys: list[str] = []
    for ref in refs:
        keys.append(ref.generic)
        if ref.issuer:
            keys.append(ref.key)
        else:
            known = issuers.get(ref.generic)
            keys.extend(f"{ref.generic}:{i}" for i in sorted(known or {DEFAULT_ISSUER}))
    return sorted(keys)
