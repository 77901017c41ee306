"""Which provinces an article is about, its main province, and that province after the 2025 merger.

Evidence and weights (comments in `_weigh` say why):
prefixed mention ("tỉnh Yên Bái", "Báo Nghệ An") 2, bare name 1 (0.5 when the name is also a word or a
person's name: "Hòa Bình", "Thái Bình"), a district/city of the province 1, the paper's dateline 3,
the publishing site's province 3. Names inside a longer proper name ("xã Hoà Bình Phước",
"Nhà hát Hòa Bình", "Trương Hòa Bình", "phường Vĩnh Phúc") do not count.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from crawler.article import Entity
from nlp.gazetteer import (
    Province,
    all_provinces,
    all_provinces_2025,
    datelines,
    lookup,
    places,
    provinces,
    to_2025,
)
from nlp.names import lexicon
from nlp.normalize import fold, normalize

__all__ = ["detect_provinces", "to_2025", "all_provinces", "all_provinces_2025", "lookup",
           "province_in_ascii"]

_L = r"a-zA-Z0-9\u00C0-\u024F\u1E00-\u1EFF"
_UPPER = re.compile(r"[A-ZĐ\u00C0-\u00DE\u0100-\u024F\u1E00-\u1EFF]")

# A prefix that makes a mention explicit: the administrative unit or a provincial body.
_STRONG_BEFORE = re.compile(
    r"(?:\b(?:tỉnh|Tỉnh|TỈNH|thành phố|Thành phố|THÀNH PHỐ|TP\.?|Tp\.?|tp\.?)"
    r"|\b(?:Tỉnh ủy|Thành ủy|Tỉnh Đoàn|Tỉnh đoàn|UBND|HĐND|Báo|báo|Đài PT-TH|Đài|Công an|Đảng bộ|"
    r"Ủy ban nhân dân|Hội đồng nhân dân|MTTQ|Mặt trận Tổ quốc|Bảo hiểm xã hội|Cổng thông tin điện tử))"
    r"\s*$"
)
# A prefix that makes it some other place or thing that merely bears the name.
_BLOCK_BEFORE = re.compile(
    r"\b(?:xã|Xã|phường|Phường|quận|Quận|huyện|Huyện|thị xã|Thị xã|thị trấn|Thị trấn|thôn|Thôn|ấp|"
    r"bản|làng|khu phố|khu|tổ|đường|Đường|phố|Phố|cầu|Cầu|chợ|Chợ|sông|Sông|hồ|Hồ|núi|Núi|bến|"
    r"Nhà hát|nhà hát|Khách sạn|khách sạn|Công viên|công viên|Quảng trường|quảng trường|Cung|Rạp|"
    r"rạp|Sân vận động|sân vận động|Công ty|công ty|Tập đoàn|Ngân hàng|Hợp tác xã|HTX|Giải|giải|"
    r"chiến thắng|Chiến thắng|chiến dịch|Chiến dịch|nhãn hiệu|thương hiệu|giống)\s*$"
)
_PLACE_BEFORE = re.compile(
    r"\b(?:huyện|Huyện|thị xã|Thị xã|thành phố|Thành phố|TP\.?|quận|Quận|Huyện ủy|Thành ủy|Thị ủy)\s*$"
)


@functools.cache
def _matcher() -> tuple[re.Pattern[str], dict[str, tuple[Province, str]]]:
    """One alternation over every written form; value: (province, "province" | "place" | "bare-place")."""
    forms: dict[str, tuple[Province, str]] = {}
    for name, (p, bare) in places().items():
        forms[name] = (p, "bare-place" if bare else "place")
    for p in provinces():
        if p.bare:
            forms[p.name] = (p, "province")
        for alias in p.aliases:
            forms[alias] = (p, "province")
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![{_L}])(?:{alternation})(?![{_L}])"), forms


def _person_before(left: str) -> bool:
    """Is the word right before the match part of a person's name ("Trương Hòa Bình")?"""
    m = re.search(rf"([{_L}]+)\s$", left)
    if not m:
        return False
    word = m.group(1)
    lex = lexicon()
    return word in lex.surnames or word in lex.middle


def _weigh(text: str, start: int, end: int, province: Province, how: str) -> float:
    left = text[max(0, start - 40):start]
    right = text[end:end + 3]
    # A following capitalised word means the match is the head of a longer name ("Hòa Bình Phước").
    continues = bool(re.match(r" [A-ZĐ\u00C0-\u00DE\u1E00-\u1EFF]", right)) and not re.match(r" [A-Z]{2,}", right)
    if how in ("place", "bare-place"):
        if _PLACE_BEFORE.search(left):
            return 1.0
        if how == "bare-place" and not _BLOCK_BEFORE.search(left) and not _person_before(left) and not continues:
            return 1.0
        return 0.0
    if _STRONG_BEFORE.search(left):
        return 2.0
    if _BLOCK_BEFORE.search(left) or continues or _person_before(left):
        return 0.0
    # Ambiguous bare names are half-weight: "Hòa Bình" is also peace, "Thái Bình" a person.
    return 0.5 if province.ambiguous else 1.0


def dateline_province(dateline: str | None) -> Province | None:
    """The province a paper's dateline code names ("TTH" → Thừa Thiên Huế)."""
    if not dateline:
        return None
    code = normalize(dateline).strip("() -")
    return datelines().get(code)


def province_in_ascii(text: str) -> str | None:
    """A province named in text without diacritics, e.g. a banner "Bao dien tu Bac Ninh".

    >>> province_in_ascii("Bao dien tu Bac Ninh")
    'Bắc Ninh'
    """
    key = f" {re.sub(r'[^a-z0-9]+', ' ', fold(text))} "
    best: tuple[int, str] | None = None
    for p in provinces():
        for form in ((p.name,) if p.bare else ()) + p.aliases:
            f = f" {re.sub(r'[^a-z0-9]+', ' ', fold(form)).strip()} "
            if len(f) > 4 and f in key and (best is None or len(f) > best[0]):
                best = (len(f), p.name)
    return best[1] if best else None


def detect_provinces(
    text: str, source_province: str | None = None, dateline: str | None = None
) -> tuple[str | None, str | None, list[Entity]]:
    """(main province, its 2025 province, every province mentioned with counts), strongest first.

    >>> main, main_2025, found = detect_provinces("Đảng bộ tỉnh Yên Bái phát động phong trào thi đua.")
    >>> main, main_2025, [e.name for e in found]
    ('Yên Bái', 'Lào Cai', ['Yên Bái'])
    """
    text = normalize(text)
    pattern, forms = _matcher()
    score: Counter[str] = Counter()
    count: Counter[str] = Counter()
    first: dict[str, int] = {}
    surface: dict[str, str] = {}
    by_name = {p.name: p for p in provinces()}
    for m in pattern.finditer(text):
        province, how = forms[m.group(0)]
        weight = _weigh(text, m.start(), m.end(), province, how)
        if weight <= 0:
            continue
        score[province.name] += weight
        count[province.name] += 1
        first.setdefault(province.name, m.start())
        surface.setdefault(province.name, m.group(0))
    # The publisher and the dateline are strong priors: local papers rarely name their own province.
    for prior in (lookup(source_province), dateline_province(dateline)):
        if prior is not None:
            score[prior.name] += 3.0
            first.setdefault(prior.name, -1)
    ranked = sorted(score, key=lambda n: (-score[n], first.get(n, 0)))
    main = ranked[0] if ranked and score[ranked[0]] >= 1.0 else None
    entities = [
        Entity(name=n, count=count[n], surface=surface.get(n, n), kind=by_name[n].kind, key=by_name[n].code)
        for n in ranked
    ]
    return main, to_2025(main), entities
