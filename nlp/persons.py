"""People named in an article, by rules over a name lexicon (no slow NER model).

A person is a run of 2-4 capitalised syllables that starts with a Vietnamese family name and either
follows an honorific/position ("ông", "đồng chí", "Bí thư Đảng ủy", "Chủ tịch UBND huyện") or has a
middle name ("Văn", "Thị", …) or three or more syllables. Runs that are places ("Hà Nội",
"Mai Châu"), street or school names ("đường Lê Lợi") and the topic itself ("Hồ Chí Minh") are not.
underthesea `ner` is not used: it is ~20× slower than the whole pipeline and tags "phong cách Hồ Chí
Minh" as a location (see BENCHMARKS.md).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from crawler.article import Entity
from nlp.gazetteer import places, provinces
from nlp.names import lexicon
from nlp.normalize import normalize

__all__ = ["extract_persons"]

_SYL = r"[A-ZĐ\u00C0-\u00DE\u1EA0-\u1EF8][a-zđ\u00DF-\u00FF\u0100-\u024F\u1EA1-\u1EF9]*"
_RUN = re.compile(rf"(?<![\w.])({_SYL}(?: {_SYL}){{1,5}})(?![\w])")
_NOT_BEFORE = re.compile(
    r"\b(?:đường|Đường|phố|Phố|trường|Trường|THPT|THCS|Tiểu học|cầu|chợ|tàu|giải|Giải|giải thưởng|Giải thưởng|"
    r"công ty|Công ty|nhãn hiệu|"
    r"khu di tích|Khu di tích|đền|chùa|nhà thờ|bệnh viện|Bệnh viện|tập đoàn|Tập đoàn|Quỹ|quỹ|"
    r"Nhà văn hóa|Học viện|học viện|Đại học|đại học|Đoàn TNCS|tên)\s*$"
)

# Communes and districts named after people exist but are rare with a middle name ("xã Văn Lang").
_ADMIN_BEFORE = re.compile(r"\b(?:xã|phường|huyện|quận|thị xã|thị trấn|tỉnh|thành phố|TP\.?|thôn|ấp|bản)\s*$")


@functools.cache
def _places() -> frozenset[str]:
    names: set[str] = set(places())
    for p in provinces():
        names.add(p.name)
        names.update(p.aliases)
    return frozenset(names)


@functools.cache
def _title_re() -> re.Pattern[str]:
    lex = lexicon()
    words = sorted({*lex.honorifics, *(h[0].upper() + h[1:] for h in lex.honorifics), *lex.positions},
                   key=len, reverse=True)
    return re.compile(rf"(?<![\w])({'|'.join(re.escape(w) for w in words)})(?![\w])[^.;:!?\n]{{0,60}}$")


def _split_name(run: str) -> str | None:
    """The person's name inside a capitalised run ("Chi bộ Tổng hợp Nguyễn Văn A" → "Nguyễn Văn A")."""
    lex = lexicon()
    syl = run.split()
    for i, s in enumerate(syl):
        if s in lex.surnames and 2 <= len(syl) - i <= 4:
            return " ".join(syl[i:])
    return None


def extract_persons(text: str) -> list[Entity]:
    """People named in TEXT with mention counts, in order of first mention.

    >>> [p.name for p in extract_persons("Ông Hoàng Ngọc Khanh, Bí thư Đảng ủy cho biết. Bà La Thị Ngọc Tình chia sẻ.")]
    ['Hoàng Ngọc Khanh', 'La Thị Ngọc Tình']
    >>> extract_persons("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh tại huyện Mai Châu.")
    []
    """
    text = normalize(text)
    lex = lexicon()
    known_places = _places()
    title_re = _title_re()
    counts: Counter[str] = Counter()
    titles: dict[str, str] = {}
    surface: dict[str, str] = {}
    for m in _RUN.finditer(text):
        name = _split_name(m.group(1))
        if name is None or name in lex.not_persons:
            continue
        start = m.start() + m.group(1).index(name)
        left = text[max(0, start - 70):start]
        if _NOT_BEFORE.search(left):
            continue
        syl = name.split()
        title = title_re.search(left)
        titled = bool(title) and not re.search(r"[,(]", left[title.start():]) if title else False
        if (name in known_places or " ".join(syl[1:]) in known_places) and not titled:
            continue
        # Without a title, want a middle name or a long name: "Lê Lợi" alone is as often a street.
        if not titled and not (len(syl) >= 3 or syl[1] in lex.middle):
            continue
        if len(syl) == 2 and not titled and _ADMIN_BEFORE.search(left):
            continue
        counts[name] += 1
        surface.setdefault(name, m.group(1))
        if title and name not in titles:
            titles[name] = title.group(1)
    return [Entity(name=n, count=c, surface=surface[n], kind=titles.get(n, ""), key=n) for n, c in counts.items()]
