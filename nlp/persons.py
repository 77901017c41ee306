"""People named in an article, by rules over a name lexicon (no slow NER model).

A person is a run of 2-4 capitalised syllables that starts with a Vietnamese family name and either
follows an honorific/position ("ông", "đồng chí", "Bí thư Đảng ủy", "Chủ tịch UBND huyện") or has a
middle name ("Văn", "Thị", …) or three or more syllables. Right after a title, a name with a family name
the lexicon does not know (ethnic-minority and foreign names: "chị Rơ Land H'Kem", "người đồng cấp Úc Julia
Bishop") is taken whole. A name coordinated with a person ("tác giả: Vu Hướng Đông - Hác Hiểu Tĩnh, Lý Tuệ")
is a person; one coordinated with a street or school ("đường Mã Lò, Tân Kỳ Tân Quý, Lê Văn Quới") is not.
Runs that are places ("Hà Nội", "Mai Châu", "thị xã Thái Hòa"), photo credits ("Ảnh: Trần Lê Lâm/TTXVN"),
historical namesakes without a title ("Quân y xá Trần Quốc Toản") and the topic itself ("Hồ Chí Minh") are not.
underthesea `ner` is not used: it is ~20× slower than the whole pipeline and tags "phong cách Hồ Chí
Minh" as a location (see BENCHMARKS.md).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from crawler.article import Entity
from nlp.gazetteer import districts, places, provinces
from nlp.names import lexicon
from nlp.normalize import fold, normalize

__all__ = ["extract_persons"]

# Upper- and lower-case Vietnamese letters (the Latin Extended Additional block alternates the two).
_UP = "".join(c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper() and c.isalpha())
_LO = "".join(c for c in map(chr, range(0xDF, 0x1EFA)) if c.islower() and c.isalpha())
_SYL = rf"[A-Z{_UP}][a-z{_LO}]*(?:'[A-Z{_UP}][a-z{_LO}]+)?"
_RUN = re.compile(rf"(?<![\w.'])({_SYL}(?: {_SYL}){{1,5}})(?![\w'])")
# A Vietnamese syllable, accents folded: a name with a syllable outside it is foreign ("Julia", "Bishop").
_VI_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")
# Things named after people: streets, schools, units, companies, awards ("các tuyến đường như Kha Vạn Cân").
_NOT_BEFORE = re.compile(
    r"\b(?:đường|Đường|đại lộ|Đại lộ|phố|Phố|ngã ba|ngã tư|trường|Trường|THPT|THCS|Tiểu học|tiểu học|cầu|chợ|tàu|"
    r"giải|Giải|giải thưởng|Giải thưởng|công ty|Công ty|nhãn hiệu|khu phức hợp|Khu phức hợp|nhà máy|Nhà máy|"
    r"khu di tích|Khu di tích|đền|chùa|nhà thờ|bệnh viện|Bệnh viện|tập đoàn|Tập đoàn|Quỹ|quỹ|xá|"
    r"Nhà văn hóa|Học viện|học viện|Đại học|đại học|ĐH|Đoàn TNCS|tên)"
    # up to two more words: "trường tiểu học", "khu phức hợp ôtô", "phố đi bộ", "các tuyến đường như"
    r"(?:\s+(?!(?:ông|bà|anh|chị|em|cô|thầy|đồng chí|thật|là|gọi)\b)"
    r"(?:[a-zđ\u00E0-\u1EF9]+|THCS|THPT|Chuyên|Tiểu học|Mầm non)){0,2}"
    r"\s*:?\s*$"
)
_LIST_SEP = re.compile(r"\s*(?:,|-|–|và|;)\s*")
# A photo credit or byline: "Ảnh: Trần Lê Lâm/TTXVN", "Ảnh : Ban tuyên giáo".
_CREDIT_AFTER = re.compile(r"/|\s*\((?:TTXVN|VNA|TTXVN/[A-Z]+|PV|CTV)\)")
_CREDIT_BEFORE = re.compile(r"Ảnh\s*:\s*$|Ảnh\s*:\s*[^.\n]{0,40},\s*$")

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


@functools.cache
def _adjacent_title_re() -> re.Pattern[str]:
    """A title right before a name, maybe with a country and a colon ("tác giả Trung Quốc :")."""
    lex = lexicon()
    words = sorted({*lex.honorifics, *(h[0].upper() + h[1:] for h in lex.honorifics), *lex.positions},
                   key=len, reverse=True)
    countries = "|".join(re.escape(c) for c in sorted(lex.countries, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{'|'.join(re.escape(w) for w in words)})(?:\s+(?:{countries}))?\s*:?\s*$")


# The most frequent family names (~75 % of the population): one of them later in a run starts the name
# ("Bí thư Tỉnh ủy Kiên Giang Nguyễn Thanh Nghị", "Đoàn Bùi Quang Huy" after a body's name).
_TOP_SURNAMES = frozenset("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split())
# Capitalised words that start the next noun phrase, not a given name ("Trần Đại Quang Báo …").
# (Only words that are never given names: "Thành", "Quân", "Trung", "Trường", "Công" are.)
_BREAKERS = frozenset("Báo Đảng Nhà Bộ Sở Ban Tỉnh Huyện Ủy UBND HĐND Chủ Phó Bí Giám Cục Viện Bệnh Tại Theo "
                      "Trong Ngày Tháng Ảnh".split())


def _split_name(run: str) -> str | None:
    """The person's name inside a capitalised run ("Chi bộ Tổng hợp Nguyễn Văn A" → "Nguyễn Văn A")."""
    lex = lexicon()
    syl = run.split()
    for k in range(2, len(syl)):  # the name ends before a word that starts the next phrase
        if syl[k] in _BREAKERS:
            syl = syl[:k]
            break
    for i, s in enumerate(syl):
        if s in lex.surnames and 2 <= len(syl) - i <= 4:
            # "Và Nguyễn Văn A": a weak family name followed by a real one is a word.
            if s in lex.weak_surnames and i + 1 < len(syl) and syl[i + 1] in lex.surnames - lex.weak_surnames:
                continue
            later = next((j for j in range(i + 1, len(syl) - 1) if syl[j] in _TOP_SURNAMES), None)
            if s not in _TOP_SURNAMES and later is not None:
                return " ".join(syl[later:])
            return " ".join(syl[i:])
    return None


def _whole_name(run: str) -> str | None:
    """A name of unknown family right after a title: the run without a leading honorific or country.

    Vietnamese syllables alone are a stage name, a nickname or a body ("NSND Thu Hiền", "anh Tám Đậu",
    "Chủ nhiệm Tổng Cục Chính trị"); a foreign syllable or an apostrophe makes a name ("Julia Bishop",
    "Rơ Land H'Kem").
    """
    lex = lexicon()
    syl = run.split()
    honor = {h[0].upper() + h[1:] for h in lex.honorifics if " " not in h}
    while syl and (syl[0] in honor or syl[0] in lex.countries):
        syl = syl[1:]
    if not 2 <= len(syl) <= 4:
        return None
    if all(_VI_SYLLABLE.fullmatch(fold(w)) for w in syl):
        return None
    return " ".join(syl)


def extract_persons(text: str) -> list[Entity]:
    """People named in TEXT with mention counts, in order of first mention.

    >>> [p.name for p in extract_persons("Ông Hoàng Ngọc Khanh, Bí thư Đảng ủy cho biết. Bà La Thị Ngọc Tình chia sẻ.")]
    ['Hoàng Ngọc Khanh', 'La Thị Ngọc Tình']
    >>> extract_persons("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh tại huyện Mai Châu.")
    []
    >>> [p.name for p in extract_persons("Chị Rơ Land H'Kem và người đồng cấp Úc Julia Bishop gặp nhau.")]
    ["Rơ Land H'Kem", 'Julia Bishop']
    """
    text = normalize(text)
    lex = lexicon()
    known_places = _places()
    title_re = _title_re()
    adjacent_re = _adjacent_title_re()
    counts: Counter[str] = Counter()
    titles: dict[str, str] = {}
    surface: dict[str, str] = {}
    blocked_end = person_end = -10
    for m in _RUN.finditer(text):
        run = m.group(1)
        after_blocked = m.start() - blocked_end <= 4 and bool(_LIST_SEP.fullmatch(text[blocked_end:m.start()]))
        after_person = m.start() - person_end <= 4 and bool(_LIST_SEP.fullmatch(text[person_end:m.start()]))
        left_all = text[max(0, m.start() - 70):m.start()]
        if after_blocked or _NOT_BEFORE.search(left_all) or _CREDIT_BEFORE.search(left_all):
            blocked_end = m.end()
            continue
        if _CREDIT_AFTER.match(text, m.end()):  # "Trần Lê Lâm/TTXVN", "Nguyễn Xuân Dự (TTXVN)": a credit
            continue
        name = _split_name(run)
        adjacent = bool(adjacent_re.search(left_all)) or run.split()[0] in {"Chị", "Anh", "Ông", "Bà"}
        if name is None and adjacent:
            name = _whole_name(run)
        if name is None or name in lex.not_persons:
            continue
        start = m.start() + run.index(name)
        left = text[max(0, start - 70):start]
        syl = name.split()
        title = title_re.search(left)
        titled = (bool(title) and not re.search(r"[,(]", left[title.start():]) if title else False) or after_person
        # A place needs its title right before it to be a person ("Phó Thủ tướng Trương Hòa Bình").
        if (name in known_places or name in districts() or " ".join(syl[:2]) in known_places) and not (
                titled and adjacent_re.search(left)):
            continue
        # "Đoàn Hà Tĩnh" is the Youth Union; "Trần Hải Dương" is a man.
        if not titled and syl[0] in lex.org_surnames and " ".join(syl[1:]) in known_places:
            continue
        if not titled and name in lex.namesakes:
            continue
        # Without a title, want a middle name or a long name: "Lê Lợi" alone is as often a street.
        if not titled and not (len(syl) >= 3 or syl[1] in lex.middle):
            continue
        if _ADMIN_BEFORE.search(left) and (len(syl) == 2 and not titled or name in districts()):
            continue
        counts[name] += 1
        person_end = m.end()
        surface.setdefault(name, run)
        if title and name not in titles:
            titles[name] = title.group(1)
    return [Entity(name=n, count=c, surface=surface[n], kind=titles.get(n, ""), key=n) for n, c in counts.items()]
