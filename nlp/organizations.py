"""Organisations named in an article (Party, state and mass organisations), abbreviations expanded."""

from __future__ import annotations

import re
from collections import Counter

from crawler.article import Entity
from nlp.normalize import normalize

__all__ = ["extract_organizations"]

# Abbreviations expanded so that "UBND tỉnh" and "Ủy ban nhân dân tỉnh" are one facet value (one pass over the
# text: this runs on every article).
_EXPANSIONS = {
    "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "BTV": "Ban Thường vụ", "BCH": "Ban Chấp hành",
    "MTTQ": "Mặt trận Tổ quốc", "UBKT": "Ủy ban Kiểm tra", "CCQ": "các cơ quan", "LHPN": "Liên hiệp Phụ nữ",
    "TƯ": "Trung ương", "T.Ư": "Trung ương",
}
_ABBREVIATION = re.compile(r"\b(?:UBND|HĐND|BTV|BCH|MTTQ|UBKT|CCQ|LHPN|TƯ|T\.Ư|GDĐT|GD\s?(?:-|&|và)\s?ĐT)\b")
_HEADS = (
    "Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương", "Ban Tuyên giáo", "Ban Tổ chức", "Ban Dân vận",
    "Ban Thường vụ", "Ủy ban Kiểm tra", "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Đảng ủy Khối", "Đảng ủy", "Đảng bộ",
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Mặt trận Tổ quốc", "Văn phòng", "Sở", "Bộ", "Ban", "Hội",
    "Trung tâm", "Kho bạc Nhà nước", "Bảo hiểm xã hội", "Công an", "Tỉnh đoàn", "Tỉnh Đoàn", "Đoàn Thanh niên",
    "Liên đoàn Lao động", "Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Hội Cựu chiến binh", "Học viện",
    "Trường Đại học", "Bệnh viện", "Chi bộ", "Báo", "Đài Phát thanh và Truyền hình",
)
_UP = "".join(c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper() and c.isalpha())
_LO = "".join(c for c in map(chr, range(0xDF, 0x1EFA)) if c.islower() and c.isalpha())
_LOWER = rf"[a-z{_LO}]+"
# One capitalised word of a name ("Bộ GD-ĐT", "TP.HCM" kept whole), optionally with one lowercase syllable
# ("Tài nguyên", "Môi trường").
_CAP = rf"[A-Z{_UP}](?:\w|[-&.](?=[A-Z{_UP}]))*(?: (?!(?:và|của|tại|với)\b){_LOWER}(?![\w]))?"
_HEAD_ALT = "|".join(re.escape(h) for h in sorted(_HEADS, key=len, reverse=True))
_ORG_RE = re.compile(
    rf"(?<![\w])(?:{_HEAD_ALT})"
    # "và" joins two parts of one name ("Tài nguyên và Môi trường"), not two organisations.
    rf"(?: (?:{_CAP}|[A-ZĐ]{{2,}}|và(?! (?:{_HEAD_ALT}))|các|cơ quan|nhân dân|nhà nước|xã hội|hành chính công)){{0,6}}"
    r"(?: (?:tỉnh|huyện|thành phố|xã|phường)(?: " + _CAP + r"){0,3})?"
)
# A head alone is not a name ("Sở", "Ban", "Hội"); these may stand alone.
_ALONE_OK = {"Bộ Chính trị", "Ban Bí thư", "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Kho bạc Nhà nước",
             "Bảo hiểm xã hội", "Ban Chấp hành Trung ương", "Mặt trận Tổ quốc"}

# Function words a name never ends with (the optional lowercase syllable caught a verb).
_TRAILING = re.compile(r"(?: (?:và|các|cơ quan|có|đã|với|vẫn|là|được|sẽ|đang|cũng|thì|tổ|cho|đến|tại|trong|"
                       r"về|nhằm|để|luôn|tiếp|phối|chỉ|lãnh|tổ chức|triển|ban|xây|tập|thực|phát|giao))+$")


def expand_abbreviations(text: str) -> str:
    """Spell out the usual administrative abbreviations.

    >>> expand_abbreviations("Văn phòng UBND tỉnh, Bộ GD-ĐT")
    'Văn phòng Ủy ban nhân dân tỉnh, Bộ Giáo dục và Đào tạo'
    """
    return _ABBREVIATION.sub(lambda m: _EXPANSIONS.get(m.group(0), "Giáo dục và Đào tạo"), text)


_NATIONAL = ("Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương")
_CAP_RUN_LOWER = re.compile(rf"((?:[A-Z{_UP}]\w* )+[A-Z{_UP}]\w*) {_LOWER}$")


_COMMITTEE_PERSON = re.compile(
    rf"(?:ủy|Ủy ban nhân dân(?: \w+)*?|Hội đồng nhân dân(?: \w+)*?) "
    rf"((?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Ngô)(?: [A-Z{_UP}]\w*){{1,3}})$"
)


def _trim(name: str) -> str:
    """Cut what ran on past the organisation: a person after a national body or a committee ("Ban Bí thư Trần
    Quốc Vượng", "Đảng ủy Hoàng Ngọc Khanh"), the verb after a place name ("Công an TP Cam Ranh xác")."""
    from nlp.gazetteer import districts, lookup
    from nlp.names import lexicon

    for head in _NATIONAL:
        rest = name[len(head):].split()
        if name.startswith(head) and rest and rest[0] in lexicon().surnames:
            return head
    # A lowercase syllable after three capitalised words, or after a place's name, is the next word of the
    # sentence ("Tỉnh ủy Thái Bình họp"); after one capitalised word it is part of the name ("Sở Tài nguyên").
    m = _CAP_RUN_LOWER.search(name)
    if m is not None and (len(m.group(1).split()) >= 3 or lookup(m.group(1)) or m.group(1) in districts()):
        name = name[:m.end(1)]
    m = _COMMITTEE_PERSON.search(name)
    if m:
        return name[:m.start(1)].rstrip()
    # A person named right after the organisation's place ("Hội Liên hiệp Phụ nữ Hà Nội Trần Thị Phương
    # Hoa"): two words or more opening with a surname, not a place themselves nor with the place before
    # them ("xã Vinh Hà"), are not part of it.
    words = name.split()
    for i in range(1, len(words) - 1):
        for size in (3, 2, 1):
            place, rest = " ".join(words[i:i + size]), words[i + size:]
            if len(rest) >= 2 and rest[0] in lexicon().surnames and all(w[:1].isupper() for w in rest) \
                    and (lookup(place) or place in districts()) \
                    and not lookup(" ".join(rest)) and not lookup(f"{place} {rest[0]}"):
                return " ".join(words[:i + size])
    return name


def extract_organizations(text: str) -> list[Entity]:
    """Organisations named in TEXT with counts, most mentioned first.

    >>> [o.name for o in extract_organizations("Đảng bộ Văn phòng UBND tỉnh thực hiện Chỉ thị của Bộ Chính trị")]
    ['Đảng bộ Văn phòng Ủy ban nhân dân tỉnh', 'Bộ Chính trị']
    """
    text = expand_abbreviations(normalize(text))
    counts: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for m in _ORG_RE.finditer(text):
        name = _trim(_TRAILING.sub("", m.group(0).strip()))
        if name in _HEADS and name not in _ALONE_OK:
            continue
        if len(name.split()) < 2:
            continue
        counts[name] += 1
        surface.setdefault(name, m.group(0))
    return [Entity(name=n, count=c, surface=surface[n], kind="", key=n) for n, c in counts.most_common()]
