"""Party and state documents cited in an article, each under one canonical name (a facet value).

Canonical forms: "Chỉ thị 05-CT/TW" (number + official code when the issuer is known), "Nghị quyết Trung
ương 4 khóa XII", "Kế hoạch 125" (no code known), "Chỉ thị 17-CT/TU" (a provincial Party committee).
"""

from __future__ import annotations

import re
from collections import Counter

from crawler.article import Entity
from nlp.normalize import normalize

__all__ = ["extract_documents", "canonical_document", "compact_codes"]

_KINDS = {
    "chỉ thị": ("Chỉ thị", "CT"),
    "nghị quyết": ("Nghị quyết", "NQ"),
    "kết luận": ("Kết luận", "KL"),
    "quy định": ("Quy định", "QĐ"),
    "kế hoạch": ("Kế hoạch", "KH"),
    "hướng dẫn": ("Hướng dẫn", "HD"),
    "quyết định": ("Quyết định", "QĐ"),
    "chương trình hành động": ("Chương trình hành động", "CTr"),
    "thông báo": ("Thông báo", "TB"),
}
# Issuer phrase (after "của") → code suffix.
_ISSUERS = (
    (r"Bộ Chính trị|Ban Chấp hành Trung ương|BCH Trung ương|Trung ương|Ban Bí thư|BCHTW|TW", "TW"),
    (r"(?:Ban Thường vụ |BTV )?(?:Tỉnh ủy|Thành ủy)", "TU"),
    (r"(?:Ban Thường vụ |BTV )?Huyện ủy", "HU"),
    (r"Thủ tướng(?: Chính phủ)?", "TTg"),
    (r"Chính phủ", "CP"),
    (r"UBND|Ủy ban nhân dân", "UBND"),
)
_ISSUER_RE = [(re.compile(rf"^[^.;]{{0,40}}?\bcủa (?:{p})\b"), code) for p, code in _ISSUERS]
# Party documents known by number alone: the bare "Chỉ thị 05" of a Party text is 05-CT/TW.
_NATIONAL_DEFAULT = {("CT", "05"), ("CT", "03"), ("KL", "01"), ("QĐ", "101"), ("QĐ", "08"), ("CT", "06")}

_KIND_RE = "|".join(sorted((k[0].upper() + k[1:] for k in _KINDS), key=len, reverse=True))
_DOC_RE = re.compile(
    rf"\b({_KIND_RE}|{'|'.join(_KINDS)})\s+(?:số\s+)?(\d{{1,4}})"
    r"(?:\s*([-/])\s*((?:[A-ZĐ][A-Za-zĐđƯư]*)(?:[-/][A-ZĐa-z][A-Za-zĐđƯư]*)*))?"
)
# A document code written with spaces, as in word-segmented text: "05 / CT - TTg", "05- CT/TW".
_SPACED_CODE = re.compile(
    r"(?<![\w.])(\d{1,4})\s*([-/])\s*([A-ZĐ][A-ZĐa-z]{0,4})\s*([-/])\s*([A-ZĐƯ][A-Za-zĐđƯư]{0,6})\b"
)
# Spellings of an issuer's code that mean the same one: the Party's Central Committee is "TW".
_SUFFIX_SPELLING = {"TƯ": "TW", "T.Ư": "TW", "Tw": "TW"}
_NQTW_RE = re.compile(
    r"\bNghị quyết\s+(?:Hội nghị\s+)?(?:lần thứ\s+)?(?:Trung ương|TW|TƯ|T\.Ư)\s*(\d{1,2})"
    r"\s*(?:\(?\s*(?:khóa|Khóa)\s+([XVI]+)\s*\)?)?"
)


def compact_codes(text: str) -> str:
    """Document codes written with spaces joined up.

    >>> compact_codes("Chỉ thị số 05 / CT - TTg và Chỉ thị 05- CT/TW")
    'Chỉ thị số 05/CT-TTg và Chỉ thị 05-CT/TW'
    """
    if "/" not in text:
        return text
    return _SPACED_CODE.sub(r"\1\2\3\4\5", text)


def canonical_document(kind: str, number: str, sep: str | None = None, suffix: str | None = None,
                       issuer: str | None = None) -> str:
    """One name for a document however it is written.

    >>> canonical_document("chỉ thị", "05", issuer="TW"), canonical_document("Chỉ thị", "05", "/", "CT-TTg")
    ('Chỉ thị 05-CT/TW', 'Chỉ thị 05/CT-TTg')
    """
    title, abbr = _KINDS[kind.lower()]
    number = number.lstrip("0").rjust(2, "0")
    if suffix and sep:
        suffix = suffix.strip()
        head, slash, tail = suffix.partition("/")
        if slash:
            suffix = f"{head}/{_SUFFIX_SPELLING.get(tail, tail)}"
        return f"{title} {number}{sep}{suffix}"
    if issuer:
        if issuer == "TTg" or issuer == "CP" or issuer == "UBND":
            return f"{title} {number}/{abbr}-{issuer}"
        return f"{title} {number}-{abbr}/{issuer}"
    return f"{title} {number}"


def extract_documents(text: str) -> list[Entity]:
    """Documents cited in TEXT with counts, most cited first.

    >>> [d.name for d in extract_documents("Thực hiện Chỉ thị số 05-CT/TW và Chỉ thị 05 của Bộ Chính trị")]
    ['Chỉ thị 05-CT/TW']
    >>> [d.name for d in extract_documents("Chỉ thị 05/CT-TTg của Thủ tướng về an toàn giao thông")]
    ['Chỉ thị 05/CT-TTg']
    """
    text = compact_codes(normalize(text))
    found: list[tuple[int, str, str, str]] = []  # (position, canonical, surface, kind)
    explicit: dict[tuple[str, str], str] = {}
    pending: list[tuple[int, str, str, str, str]] = []
    for m in _NQTW_RE.finditer(text):
        name = f"Nghị quyết Trung ương {m.group(1)}" + (f" khóa {m.group(2)}" if m.group(2) else "")
        found.append((m.start(), name, m.group(0).strip(), "Nghị quyết"))
    matches = list(_DOC_RE.finditer(text))
    starts = [m.start() for m in matches] + [len(text)]
    for i, m in enumerate(matches):
        kind, number, sep, suffix = m.group(1), m.group(2), m.group(3), m.group(4)
        title, abbr = _KINDS[kind.lower()]
        num = number.lstrip("0").rjust(2, "0")
        if suffix and sep == "-" and suffix == abbr:
            # "Chỉ thị 05-CT" with the issuer left off: the same document as "05-CT/TW" (one facet value).
            suffix = None
        if suffix and sep:
            name = canonical_document(kind, number, sep, suffix)
            explicit.setdefault((abbr, num), name)
            found.append((m.start(), name, m.group(0), title))
            continue
        # The issuer follows within the clause, but never past the next cited document.
        after = text[m.end():min(m.end() + 80, starts[i + 1])]
        issuer = next((code for rx, code in _ISSUER_RE if rx.search(after)), None)
        pending.append((m.start(), kind, number, m.group(0), issuer or ""))
    for pos, kind, number, surface, issuer in pending:
        title, abbr = _KINDS[kind.lower()]
        num = number.lstrip("0").rjust(2, "0")
        if issuer:
            name = canonical_document(kind, number, issuer=issuer)
        elif (abbr, num) in explicit:
            # The article spells the code out elsewhere: the bare number means that document.
            name = explicit[(abbr, num)]
        elif (abbr, num) in _NATIONAL_DEFAULT:
            name = canonical_document(kind, number, issuer="TW")
        else:
            name = canonical_document(kind, number)
        found.append((pos, name, surface, title))
    counts: Counter[str] = Counter(name for _, name, _, _ in found)
    first: dict[str, tuple[int, str, str]] = {}
    for pos, name, surface, kind in sorted(found):
        first.setdefault(name, (pos, surface, kind))
    order = sorted(counts, key=lambda n: (-counts[n], first[n][0]))
    return [Entity(name=n, count=counts[n], surface=first[n][1], kind=first[n][2], key=n) for n in order]
