"""Which provinces an article is about, its main province, and that province after the 2025 merger.

Evidence and weights (comments in `_weigh` say why):
prefixed mention ("tỉnh Yên Bái", "Báo Nghệ An") 2, bare name 1 (0.5 when the name is also a word or a
person's name: "Hòa Bình", "Thái Bình"), a district/city of the province 1, the paper's dateline 3,
the publishing site's province 3. Names inside a longer proper name ("xã Hoà Bình Phước",
"Nhà hát Hòa Bình", "Trương Hòa Bình", "phường Vĩnh Phúc") do not count. The lead's event place
("Ngày 8-6 tại TP Đà Lạt, …") decides the main province (a capital only when the lead does not make the story a
national one: "Hội nghị toàn quốc", "Ban Bí thư … tổ chức"); a single mention outside the lead cannot be it.
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
    commune_names,
    communes,
    datelines,
    districts,
    lookup,
    places,
    provinces,
    to_2025,
)
from nlp.names import lexicon
from nlp.normalize import fold, normalize

__all__ = ["UNKNOWN_PROVINCE", "detect_provinces", "to_2025", "all_provinces", "all_provinces_2025", "lookup",
           "province_in_ascii"]

#: What an article that names no province (and has no publisher prior) is filed under.
UNKNOWN_PROVINCE = "Không rõ"

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
# A credit line ("Theo Báo Thừa Thiên Huế", "Nguồn: Cổng TTĐT Nghệ An") names the source, not the subject.
_CREDIT_BEFORE = re.compile(r"(?:^|\n|[.(]\s*)(?:Theo|Nguồn\s*:?|Ảnh\s*:?)\s+(?:\S+\s+){0,4}$")
# A person's position ("Bí thư Thành ủy Hà Nội", "Chủ tịch UBND tỉnh …") introduces an attendee: weak evidence.
_POSITION_BEFORE = re.compile(
    r"\b(?:Bí thư|Chủ tịch|Giám đốc|Trưởng ban|Ủy viên|Tư lệnh|Chính ủy|Trưởng|Đại biểu)\s+"
    r"(?:(?:Ban Thường vụ|Đảng ủy|Tỉnh ủy|Thành ủy|UBND|HĐND|Ủy ban nhân dân|Công an|Sở|Đoàn ĐBQH)\s+)*"
    r"(?:tỉnh|thành phố|TP\.?)?\s*$"
)
_PLACE_BEFORE = re.compile(
    r"\b(?:huyện|Huyện|thị xã|Thị xã|TX\.?|thành phố|Thành phố|TP\.?|quận|Quận|Q\.|Huyện ủy|Thành ủy|Thị ủy)\s*$"
)
# A spelling that carries its own unit ("TP.HCM", "TP. Hồ Chí Minh", "Thủ đô Hà Nội") names the place explicitly.
_PREFIXED_FORM = re.compile(r"(?:TP|Tp|tp|thành phố|Thành phố|Thủ đô|tỉnh|Tỉnh)\b")


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
    """Is the match the end of a person's name ("Trương Hòa Bình", "Nguyễn Gia Thái Bình")?

    Name grammar: the capitalised run right before it starts with a family name, or is one middle name.
    """
    if not left.endswith(" "):
        return False
    run: list[str] = []
    for word in reversed(left.split(" ")[:-1][-3:]):
        if not word or not word[0].isupper() or not word.replace("'", "").isalpha():
            break
        run.insert(0, word)
    if not run:
        return False
    lex = lexicon()
    # "Trường THPT Nguyễn Thái Bình": a family name anywhere in the run starts a name.
    return any(w in lex.surnames for w in run) or (len(run) == 1 and run[0] in lex.middle)


def _weigh(text: str, start: int, end: int, province: Province, how: str) -> float:
    left = text[max(0, start - 40):start]
    if _CREDIT_BEFORE.search(left):
        return 0.0
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
        return 0.5 if _POSITION_BEFORE.search(text[max(0, start - 70):start]) else 2.0
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


# A district named after its unit word: "huyện Tương Dương", "Q. 12", "TX. Chí Linh".
_DISTRICT_RE = re.compile(
    r"(?<![\w.])(?:huyện|Huyện|quận|Quận|Q\.|thị xã|Thị xã|TX\.?|thành phố|Thành phố|TP\.?|Tp\.?)\s*"
    r"(\d{1,2}(?!\d)|[A-ZĐ\u00C0-\u00DE\u1EA0-\u1EF8]\w*(?: [A-ZĐ\u00C0-\u00DE\u1EA0-\u1EF8]\w*){0,3})"
)
# A commune named after its unit word: "xã Nhôn Mai", "phường Bình Hòa", "đặc khu Côn Đảo" (since 2025; not the
# "xã" of "thị xã").
_COMMUNE_RE = re.compile(
    r"(?<![\w])(?<!thị )(?<!Thị )(?:xã|Xã|phường|Phường|thị trấn|Thị trấn|TT\.|đặc khu|Đặc khu)\s+"
    r"([A-ZĐ\u00C0-\u00DE\u1EA0-\u1EF8]\w*(?: [A-ZĐ\u00C0-\u00DE\u1EA0-\u1EF8]\w*){0,3}(?: \d{1,2}(?!\d))?)"
)
# What separates the parts of one address: "xã A, huyện B, tỉnh C", "TP Vinh ( Nghệ An )" — not "và".
_ADDRESS_GAP = re.compile(r"[\s,(–-]*(?:(?:huyện|quận|thị xã|thành phố|TP\.?|tỉnh|Tỉnh)\s*)?")
# The lead (title, sapo, first paragraph) says where the reported event happens: "Ngày 8-6 tại TP Đà Lạt, …".
_LEAD_LINES = 3
_LEAD_MAX = 700  # characters: a long first paragraph is not all lead
# A locative cue earlier in the same sentence: "tổ chức tại Quảng trường Hồ Chí Minh ( TP Vinh )".
_LOCATIVE_BEFORE = re.compile(r"(?<![\w])(?:tại|ở|Tại|Ở)\s+(?:\S+\s+){0,8}$")
# Where a person lives or comes from, not where the event happens: "quê ở", "trú tại", "sinh ra và lớn lên tại".
_HOME_BEFORE = re.compile(r"(?<![\w])(?:quê|Quê|trú|ngụ|sống|sinh|lớn lên)\s+(?:\S+\s+){0,2}$")
# National events are held in the capitals: the lead's venue there is where the story is set only when the lead
# does not make the story a national one, by its scope ("Hội nghị toàn quốc", "chung kết toàn quốc", "cả nước") or
# a central body ("Ban Bí thư Trung ương Đảng tổ chức", "Bộ Quốc phòng tổ chức họp báo"; not a provincial
# "Bộ Chỉ huy Quân sự"). Only the lead: a local story may compare itself with "cả nước" further down.
_CAPITALS = frozenset({"Hà Nội", "Hồ Chí Minh"})
_NATIONAL = re.compile(
    r"(?<![\w])(?:toàn quốc|Toàn quốc|cả nước|Cả nước|Trung ương|trung ương|T\.Ư|TƯ|Quốc hội|Chính phủ|"
    r"Ban Bí thư|Thủ tướng|Chủ tịch nước|Tổng Bí thư|Tổng bí thư|Tổng cục|"
    r"Bộ (?!Tư lệnh|Chỉ huy)[A-ZĐ\u00C0-\u00DE\u1EA0-\u1EF8]\w*)(?![\w])"
)
# Where a sentence ends: not at the dot of an abbreviated unit ("Q. Thủ Đức", "TP. HCM", "TX. Chí Linh").
_SENTENCE_END = re.compile(r"[;!?\n]|(?<![\w])(?:\w{3,}|[a-zđ]\w?|\d+)\.(?=\s|$)|\.\.\.")
# A line that is a menu of provinces (a site's navigation) says nothing about the article.
_MENU_MIN = 4  # distinct provinces on the line


def _district_mentions(text: str) -> list[tuple[int, int, Province, str]]:
    known = districts()
    curated = places()
    out = []
    named, every = communes(), commune_names()
    for m in _COMMUNE_RE.finditer(text):
        words = m.group(1).split()
        # The longest run that is a commune; an ambiguous one names none, and a shorter run is read only when it
        # has two words or more ("xã Đông Dư" is not "xã Đông").
        for n in range(len(words), 0 if len(words) == 1 else 1, -1):
            name = " ".join(words[:n])
            if name in named:
                out.append((m.start(1), m.start(1) + len(name), named[name], "commune"))
            if name in every:
                break
    for m in _DISTRICT_RE.finditer(text):
        words = m.group(1).split()
        for n in range(len(words), 0, -1):  # the longest run that is a district
            name = " ".join(words[:n])
            if name in known and name not in curated:
                if lookup(name) is None or n < len(words):  # "thành phố Hà Tĩnh": the province pass has it
                    out.append((m.start(1), m.start(1) + len(name), known[name], "place"))
                break
    return out


def _menu_lines(text: str, matches: list[re.Match[str]]) -> list[tuple[int, int]]:
    """Spans of lines made of province names only (a navigation menu), from the matches over TEXT."""
    by_line: dict[int, list[re.Match[str]]] = {}
    for m in matches:
        by_line.setdefault(text.rfind("\n", 0, m.start()), []).append(m)
    spans = []
    for nl, found in by_line.items():
        if len({m.group(0) for m in found}) < _MENU_MIN:
            continue
        end = text.find("\n", nl + 1)
        end = len(text) if end < 0 else end
        line = text[nl + 1:end]
        named = sum(sum(c.isalpha() for c in m.group(0)) for m in found)
        if sum(c.isalpha() for c in line) - named <= 0.3 * sum(c.isalpha() for c in line):
            spans.append((nl + 1, end))
    return spans


def _lead_end(text: str) -> int:
    """Where the lead ends: after the first _LEAD_LINES non-empty lines, at most _LEAD_MAX characters."""
    end, seen = 0, 0
    for m in re.finditer(r"[^\n]+", text):
        if m.group(0).strip():
            end, seen = m.end(), seen + 1
            if seen == _LEAD_LINES:
                break
    return min(end, _LEAD_MAX)


def _lead_place(text: str, mentions: list[tuple[int, int, Province, float, str]]) -> tuple[str, bool] | None:
    """The one province the lead names as the event's place ("tại", "ở" before it), and whether it is named
    explicitly there ("TP. HCM", "tỉnh Nghệ An"); None when the lead names none or several.

    A lead placing the story in several provinces ("vụ bắt vợ tại Nghệ An, Hà Giang, …", a weather report)
    has none; a person's home ("quê ở", "trú tại") is not the event's place; a capital is not the place of a
    story the lead makes national (see _NATIONAL).
    """
    lead_end = _lead_end(text)
    found: dict[str, bool] = {}
    for start, end, province, weight, _how in mentions:
        if start >= lead_end:
            break
        window = text[max(0, start - 60):start]
        sentence = window[max((m.end() for m in _SENTENCE_END.finditer(window)), default=0):]
        cue = _LOCATIVE_BEFORE.search(sentence)
        if weight > 0 and cue and not _HOME_BEFORE.search(sentence[:cue.start()]):
            explicit = bool(_PREFIXED_FORM.match(text, start, end) or _STRONG_BEFORE.search(window))
            found[province.name] = found.get(province.name, False) or explicit
    if len(found) != 1:
        return None
    name, explicit = found.popitem()
    if name in _CAPITALS and _NATIONAL.search(text, 0, lead_end):
        return None
    return name, explicit


def detect_provinces(
    text: str, source_province: str | None = None, dateline: str | None = None
) -> tuple[str | None, str | None, list[Entity]]:
    """(main province, its 2025 province, every province mentioned with counts), strongest first.

    The main province is the one the article is set in: it needs two mentions' worth of evidence and must
    outweigh all the others together by half again (a national story or one spread over several provinces
    has none), and be named more than once or in the lead. A province the lead names as the event's place
    ("Ngày 8-6 tại TP Đà Lạt, …") is the main province whatever the rest of the text names (profiles of
    people from elsewhere, guests), when the text names it twice or the lead names it explicitly ("tại … TP. HCM"),
    unless it is a capital and the lead makes the story national (national events are held in the capitals).

    >>> main, main_2025, found = detect_provinces("Đảng bộ tỉnh Yên Bái phát động phong trào thi đua.")
    >>> main, main_2025, [e.name for e in found]
    ('Yên Bái', 'Lào Cai', ['Yên Bái'])
    """
    text = normalize(text)
    pattern, forms = _matcher()
    matches = list(pattern.finditer(text))
    menus = _menu_lines(text, matches)
    mentions: list[tuple[int, int, Province, float, str]] = []
    for m in matches:
        if any(a <= m.start() < b for a, b in menus):
            continue
        province, how = forms[m.group(0)]
        mentions.append((m.start(), m.end(), province, _weigh(text, m.start(), m.end(), province, how), how))
    for start, end, province, how in _district_mentions(text):
        if not any(a <= start < b for a, b in menus):
            mentions.append((start, end, province, 1.0, how))
    mentions.sort(key=lambda x: x[0])
    # "xã Trung Hóa, huyện Kiên Lương": a commune followed by a district or province of another province is
    # another commune of the same name (the official list is older than some renamings): the district decides.
    for i, (start, end, province, _weight, how) in enumerate(mentions):
        nxt = next((x for x in mentions[i + 1:] if x[3] > 0), None)
        if how == "commune" and nxt is not None and nxt[0] - end <= 40 and nxt[2] != province:
            mentions[i] = (start, end, province, 0.0, how)
    score: Counter[str] = Counter()
    count: Counter[str] = Counter()
    first: dict[str, int] = {}
    surface: dict[str, str] = {}
    by_name = {p.name: p for p in provinces()}
    chain: tuple[str, int, float] = ("", -100, 0.0)  # (province, end, weight counted) of the last address
    named_otherwise: set[str] = set()
    for start, end, province, weight, how in mentions:
        if weight <= 0:
            continue
        if how != "commune":
            named_otherwise.add(province.name)
        name = province.name
        if name == chain[0] and start - chain[1] <= 25 and _ADDRESS_GAP.fullmatch(text, chain[1], start):
            # "xã Tam Lộc, huyện Phú Ninh, tỉnh Quảng Nam": one address is one mention, at its strongest part.
            weight, counted = max(0.0, weight - chain[2]), max(weight, chain[2])
        else:
            counted = weight
        chain = (name, end, counted)
        score[name] += weight
        count[name] += 1
        first.setdefault(name, start)
        surface.setdefault(name, text[start:end])
    # Commune names are many and the official list older than some renamings: a province known from communes
    # alone counts only when the text names no province or district at all.
    if named_otherwise:
        for name in [n for n in score if n not in named_otherwise]:
            del score[name]
    # The publisher and the dateline are priors, used when the text names no province.
    if not score:
        for prior in (lookup(source_province), dateline_province(dateline)):
            if prior is not None:
                score[prior.name] += 3.0
                first.setdefault(prior.name, -1)
    ranked = sorted(score, key=lambda n: (-score[n], first.get(n, 0)))
    main = None
    if ranked and score[ranked[0]] >= 2.0 and score[ranked[0]] >= 1.5 * sum(score[n] for n in ranked[1:]):
        main = ranked[0]
        # One passing mention deep in the text ("cán bộ PC50 Công an Hà Nội") is not where the story is set.
        if count[main] < 2 and first.get(main, 0) >= _lead_end(text):
            main = None
    place = _lead_place(text, mentions)
    # The lead's place decides when the text names it twice or the lead names it explicitly ("tại … TP. HCM").
    if place is not None and (score.get(place[0], 0.0) >= 2.0 or (place[1] and score.get(place[0], 0.0) > 0)):
        main = place[0]
    entities = [
        Entity(name=n, count=count[n], surface=surface.get(n, n), kind=by_name[n].kind, key=by_name[n].code)
        for n in ranked
    ]
    return main, to_2025(main), entities
