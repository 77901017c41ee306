"""Named models, movements, mottos and slogans an article presents, grouped by a variant-proof key.

Three rules, all driven by nlp/data/models.toml:
1. a quote right after a trigger ("mô hình “Thân thiện và trách nhiệm”", "phương châm “…”"), and the
   quotes chained to it by commas ("như “Bát cháo tình thương”, “Áo ấm mùa đông”");
2. an unquoted name after "mô hình" / "phong trào" / "cuộc vận động" that is a proper name
   ("mô hình Dân vận khéo"), starts with a number ("mô hình 3 không") or is a specific lowercase
   phrase ("mô hình bát gạo nghĩa tình"), generic phrases left out ("mô hình hay", "các mô hình");
3. nationally known models wherever they are named ("mỗi xã một sản phẩm (OCOP)").
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crawler.article import Entity
from nlp._data import DataError, load_toml, require
from nlp.model_grammar import IMPLEMENTED, MENTIONED, list_items
from nlp.model_grammar import role as role_at
from nlp.normalize import fold, normalize, tidy_punctuation
from nlp.quotes import quote_spans, unify_quotes

__all__ = ["IMPLEMENTED", "MENTIONED", "extract_models", "group_models", "model_key"]

_MAX_NAME = 160  # a longer "name" is a passage
_L = r"a-zA-Z0-9\u00C0-\u024F\u1E00-\u1EFF"
_WORD = re.compile(rf"[{_L}]+(?:[-/][{_L}]+)*")


@dataclass(frozen=True)
class _Lexicon:
    triggers: dict[str, int]
    unquoted: frozenset[str]
    unquoted_lowercase: frozenset[str]
    capital_only: frozenset[str]
    stop_words: frozenset[str]
    stop_bigrams: frozenset[str]
    plural: frozenset[str]
    generic: frozenset[str]
    bad_first: tuple[str, ...]
    attribution: tuple[str, ...]
    list_stop: frozenset[str]
    work_themes: tuple[str, ...]
    lowercase_openers: tuple[str, ...]
    known: tuple[tuple[str, tuple[str, ...], bool], ...]  # (name, aliases, match in text)
    trigger_re: re.Pattern[str]
    known_re: re.Pattern[str] | None
    alias_to_name: dict[str, str]


@functools.cache
def _lexicon() -> _Lexicon:
    data = load_toml("models.toml")
    where = "nlp/data/models.toml"
    triggers = require(data, "triggers", dict, where)
    for k, v in triggers.items():
        if not isinstance(v, int):
            raise DataError(f"{where}: triggers.{k!r} must be an integer window, not {v!r}")
    known = []
    alias_to_name: dict[str, str] = {}
    patterns: list[str] = []
    for i, entry in enumerate(require(data, "known", list, where)):
        name = require(entry, "name", str, f"{where}: known[{i}]")
        aliases = tuple(normalize(a) for a in require(entry, "aliases", list, f"{where}: known[{i}] {name!r}"))
        match = bool(entry["match"])  # default in nlp._data.KNOWN
        known.append((normalize(name), aliases, match))
        for a in (name, *aliases):
            alias_to_name[_bare_key(a)] = normalize(name)
        if match:
            for a in aliases:
                patterns.append(re.escape(a))
                if len(a.split()) >= 3 and a != a.lower():
                    patterns.append(re.escape(a.lower()))
    trig = sorted(triggers, key=len, reverse=True)
    trigger_re = re.compile(rf"(?<![{_L}])({'|'.join(re.escape(t) for t in trig)})(?![{_L}])", re.IGNORECASE)
    known_re = re.compile(rf"(?<![{_L}])(?:{'|'.join(patterns)})(?![{_L}])") if patterns else None

    def words(key: str) -> list[str]:
        return [normalize(w) for w in require(data, key, list, where)]

    def lower(key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in words(key))

    return _Lexicon(
        {normalize(k).lower(): v for k, v in triggers.items()}, lower("unquoted"),
        lower("unquoted_lowercase"), lower("capital_only"), frozenset(words("stop_words")),
        frozenset(words("stop_bigrams")),
        frozenset(words("plural")), frozenset(words("generic")), tuple(words("bad_first")),
        tuple(words("attribution")), frozenset(words("list_stop")),
        tuple(w.lower() for w in words("work_themes")), tuple(words("lowercase_openers")),
        tuple(known), trigger_re, known_re, alias_to_name,
    )


_LEADING = re.compile(r"^(?:mô hình|phong trào|cuộc vận động|phương châm|khẩu hiệu|chương trình|bộ phận)\s+")


def _bare_key(name: str) -> str:
    key = fold(name)
    key = re.sub(r"[\"'“”‘’«»()\[\]:.,;!?…]", " ", key)
    key = re.sub(r"\s+", " ", key).strip(" -")
    return key


def model_key(name: str) -> str:
    """Grouping key: variants in spelling, quotes, case, tone placement or a known short/long form agree.

    >>> model_key("Mô hình “Dân vận khéo”") == model_key("dân vận khéo")
    True
    >>> model_key("OCOP") == model_key("Mỗi xã một sản phẩm")
    True
    """
    key = _bare_key(name)
    for _ in range(2):  # "phong trào thi đua …" drops both words
        key = _LEADING_FOLDED.sub("", key)
    lex = _lexicon()
    if key in lex.alias_to_name:
        return _bare_key(lex.alias_to_name[key])
    return key


_LEADING_FOLDED = re.compile(r"^(?:mo hinh|phong trao|cuoc van dong|phuong cham|khau hieu|chuong trinh|bo phan"
                             r"|thi dua)\s+")


def _clean(name: str) -> str:
    return name.strip(" .,;:-\"'")


_LOW = r"a-zđ\u00DF-\u00FF\u0101-\u024F\u1EA1-\u1EF9"
_NUMBERED = re.compile(rf"(\d+\s+[{_LOW}]+(?:\s+\d+\s+[{_LOW}]+)*)")
# A numbered slogan is a model wherever it is quoted: "4 an", "5 xây, 3 chống", "3 không".
_NUMBERED_SLOGAN = re.compile(rf"\d+\s+[{_LOW}]+(?:\s+[{_LOW}]+)?(?:\s*[,;-]?\s*\d+\s+[{_LOW}]+(?:\s+[{_LOW}]+)?)*")
# A lowercase name followed by its own acronym: "phong trào thi đua quyết thắng (TĐQT)".
_ACRONYM = re.compile(rf"((?:[{_LOW}]+ ){{1,9}}?[{_LOW}]+) ?\( ?([A-ZĐ]{{2,8}}) ?\)")
# A quote followed by what it is: "“tâm trong, trí sáng, hoài bão lớn” - tiêu chí của thanh niên", "“…” là phương châm".
_NAMED_AFTER = re.compile(r"\s*(?:-|–|,)?\s*(?:là|chính là)?\s*(?:tiêu chí|phương châm|khẩu hiệu|phong trào|mô hình)\b")
_CODE = re.compile(r"[A-Z]+-?\d+[A-Z\d]*")  # "MH370": an aircraft, not a model


def _acronym_name(after: str) -> str | None:
    m = _ACRONYM.match(after)
    if not m:
        return None
    words, abbr = m.group(1).split(), m.group(2)
    if len(words) < len(abbr):
        return None
    tail = words[-len(abbr):]
    if all(fold(w)[0] == fold(c) for w, c in zip(tail, abbr, strict=True)):
        return " ".join(tail)
    return None


def _unquoted_name(after: str, lex: _Lexicon, lowercase_ok: bool) -> str | None:
    """The name right after a trigger, if the words there form one, on the trigger's line (not title + body)."""
    after = after.lstrip(" \t").split("\n", 1)[0]
    m = _NUMBERED.match(after)
    if m:  # "3 không", "5 không 3 sạch"
        return m.group(1)
    words: list[str] = []
    capital = bool(after) and after[0].isupper()
    opener = False
    if not capital:
        named = _acronym_name(after)
        if named:
            return named
        low = after.lower()
        # "phong trào toàn dân PCCC": a few openers make a lowercase phrase a movement's name.
        opener = any(low.startswith(o + " ") for o in lex.lowercase_openers)
        if not lowercase_ok and not opener:
            return None
    tokens = [w.group(0) for w in re.finditer(rf"[{_L}]+|[^\s{_L}]", after[:120])]
    for i, tok in enumerate(tokens):
        if not tok[0].isalnum():
            break
        if f"{tok} {tokens[i + 1] if i + 1 < len(tokens) else ''}".lower() in lex.stop_bigrams:
            break
        if tok.lower() in lex.stop_words and not (capital and tok[0].isupper()):
            break
        if tok in _HONORIFIC_STOP:  # "phong trào tiết kiệm Ông Trần Quốc Vượng": a person follows
            break
        if len(tok) == 1 and tok.isupper() and tokens[i + 1:i + 2] == ["."]:  # "Q. Tân Bình": a place follows
            break
        words.append(tok)
        if len(words) >= 10:
            break
    if len(words) < 2:
        return None
    phrase = " ".join(words)
    low = phrase.lower()
    # "Thi đua Quyết thắng": a generic opener followed by capitalised words is a proper name.
    proper = capital and any(w[0].isupper() for w in words[1:])
    if not proper and any(low == b or low.startswith(b + " ") for b in lex.bad_first):
        return None
    if sum(1 for w in low.split() if w not in lex.generic) < (1 if capital or opener else 2):
        return None
    if capital and not _VI_LETTER.search(phrase):  # "Flipped Classroom": a foreign method's name
        return None
    return phrase


_HONORIFIC_STOP = frozenset({"Ông", "Bà", "Anh", "Chị", "Đồng", "Theo", "Tại", "Trong", "Với"})
_VI_LETTER = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)


def _plausible(inner: str) -> bool:
    """Is a quoted string plausibly a Vietnamese name? (not a film title in English, not a number)"""
    if _CODE.fullmatch(inner):
        return False
    return bool(_VI_LETTER.search(inner)) or (inner.isupper() and len(inner) <= 12)


def _is_plural(before: str, lex: _Lexicon) -> bool:
    prev = re.findall(rf"[{_L}]+", before[-30:])
    return bool(prev) and (prev[-1].lower() in lex.plural or prev[-1].isdigit())


_CHAIN = re.compile(r"\s*(?:,|và|,\s*và|;|hay|hoặc)\s*")


def extract_models(text: str) -> list[Entity]:
    """Named models / movements / mottos in TEXT, one entity per catalogue key, in order of appearance.

    >>> text = 'Đảng bộ xây dựng mô hình “Thân thiện và trách nhiệm” và mô hình Dân vận khéo.'
    >>> [m.name for m in extract_models(text)]
    ['Thân thiện và trách nhiệm', 'Dân vận khéo']
    >>> extract_models("Phát hiện những mô hình hay, các mô hình điểm.")
    []
    """
    text = unify_quotes(normalize(text))
    lex = _lexicon()
    found: list[tuple[int, str, str, str]] = []  # (position, name, surface, kind)
    quotes = quote_spans(text)
    used_quotes: set[int] = set()

    def ok_inner(inner: str) -> bool:
        return len(inner) <= _MAX_NAME and 2 + inner[:1].islower() <= len(inner.split()) <= 25 and _plausible(inner)

    def take_quote(i: int, kind: str) -> None:
        q = quotes[i]
        inner = _clean(q.inner)
        if not ok_inner(inner) or (kind in lex.capital_only and not (inner[:1].isupper() or inner[:1].isdigit())):
            return
        if kind == "chủ đề" and inner.lower().startswith(lex.work_themes):
            return
        tail = text[q.end:q.end + 30]
        if any(tail.lstrip(" ,").startswith(a) for a in lex.attribution):
            return
        used_quotes.add(i)
        found.append((q.start, inner, q.surface, kind))
        # Chained quotes: “A”, “B” và “C” name siblings of the same kind.
        j = i + 1
        while j < len(quotes) and _CHAIN.fullmatch(text[quotes[j - 1].end:quotes[j].start]):
            if j not in used_quotes:
                inner_j = _clean(quotes[j].inner)
                if ok_inner(inner_j):
                    used_quotes.add(j)
                    found.append((quotes[j].start, inner_j, quotes[j].surface, kind))
            j += 1

    starts = [q.start for q in quotes]
    for m in lex.trigger_re.finditer(text):
        kind = m.group(1).lower()
        window = lex.triggers.get(kind, -1)
        if window < 0:
            continue
        before = text[max(0, m.start() - 30):m.start()]
        after = text[m.end():m.end() + 400]
        # A quote opening within WINDOW words, in the same clause.
        qi = bisect.bisect_left(starts, m.end())
        if qi < len(quotes) and qi not in used_quotes:
            gap = text[m.end():quotes[qi].start]
            if not re.search(r"[.;!?\n]", gap) and len(_WORD.findall(gap)) <= window:
                take_quote(qi, kind)
        if kind not in lex.unquoted or after.lstrip().startswith('"'):
            continue
        plural = _is_plural(before, lex)
        items = list_items(after, plural, lex)
        if items:
            for item in items:
                pos = m.end() + after.find(item)
                found.append((pos, item, item, kind))
            continue
        if not plural:
            name = _unquoted_name(after, lex, kind in lex.unquoted_lowercase)
            if name:
                found.append((m.start(), name, text[m.start():m.end() + 1 + len(name)], kind))
    for i, q in enumerate(quotes):
        if i in used_quotes:
            continue
        inner = _clean(q.inner)
        # A quote that itself starts with a trigger word: «đăng ký xây dựng “Mô hình điển hình …”».
        head = lex.trigger_re.match(inner)
        if head and head.group(1).lower() in lex.unquoted and len(inner) <= _MAX_NAME:
            found.append((q.start, inner, q.surface, head.group(1).lower()))
        elif _NUMBERED_SLOGAN.fullmatch(inner):
            found.append((q.start, inner, q.surface, "khẩu hiệu"))
        elif _NAMED_AFTER.match(text, q.end) and ok_inner(inner):
            found.append((q.start, inner, q.surface, "khẩu hiệu"))
    if lex.known_re is not None:
        for m in lex.known_re.finditer(text):
            name = lex.alias_to_name.get(_bare_key(m.group(0)), m.group(0))
            found.append((m.start(), name, m.group(0), "mô hình"))

    merged: dict[str, Entity] = {}
    for pos, name, surface, _trigger in sorted(found):
        key = model_key(name)
        if not key:
            continue
        role = role_at(text, pos)
        if key in merged:
            e = merged[key]
            role = IMPLEMENTED if IMPLEMENTED in (e.kind, role) else MENTIONED
            merged[key] = Entity(name=e.name, count=e.count + 1, surface=e.surface, kind=role, key=key)
        else:
            merged[key] = Entity(name=name, count=1, surface=surface, kind=role, key=key)
    return list(merged.values())


def _clauses(name: str) -> list[str]:
    """The comma/semicolon-separated clauses of a name, each as a folded key."""
    return [k for k in (_bare_key(part) for part in re.split(r"[,;]", name)) if k]


# Function words a slogan may gain or lose between two wordings of it.
_FILLER = frozenset("lam chu ma thi la va cua nhung cac de voi ".split())


def _content_key(key: str) -> str:
    return " ".join(w for w in key.split() if w not in _FILLER)


def group_models(names: Iterable[str] | Mapping[str, int]) -> dict[str, str]:
    """Variant → catalogue name, for every distinct name in NAMES (repeat a name once per article using it,
    or give a mapping name → number of articles).

    Names with the same `model_key` are one model; besides, a short form that is the leading or trailing
    clause run of exactly one longer slogan in the catalogue is that slogan ("xứng danh Bộ đội Cụ Hồ" is
    the end of "Phát huy truyền thống, cống hiến tài năng, xứng danh Bộ đội Cụ Hồ"). Only whole clauses
    count, and at least two words, so "Dân vận" is not folded into "Dân vận khéo". The catalogue name of a
    group is its longest form in its most frequent spelling.

    >>> g = group_models(["xứng danh Bộ đội Cụ Hồ", "Xứng danh Bộ đội Cụ Hồ",
    ...                   "Phát huy truyền thống, cống hiến tài năng, xứng danh Bộ đội Cụ Hồ", "Dân vận khéo"])
    >>> g["xứng danh Bộ đội Cụ Hồ"]
    'Phát huy truyền thống, cống hiến tài năng, xứng danh Bộ đội Cụ Hồ'
    >>> g["Dân vận khéo"]
    'Dân vận khéo'
    >>> group_models(["Hết việc, không hết giờ", "Làm hết việc chứ không làm hết giờ"])["Hết việc, không hết giờ"]
    'Làm hết việc chứ không làm hết giờ'
    """
    pairs = names.items() if isinstance(names, Mapping) else Counter(names).items()
    counts: Counter[str] = Counter({n: c for n, c in pairs if n and n.strip()})
    by_key: dict[str, list[str]] = {}
    for name in counts:
        by_key.setdefault(model_key(name), []).append(name)
    # Every leading and trailing run of whole clauses of a multi-clause name points to that name's key.
    parts: dict[str, set[str]] = {}
    for key, members in by_key.items():
        clauses = max((_clauses(m) for m in members), key=len)
        for i in range(1, len(clauses)):
            for run in (" ".join(clauses[:i]), " ".join(clauses[i:])):
                if len(run.split()) >= 2 and run != key:
                    parts.setdefault(run, set()).add(key)
    parent: dict[str, str] = {}
    for key in by_key:
        owners = parts.get(key, set())
        if len(owners) == 1:  # a clause shared by two different slogans names neither
            parent[key] = next(iter(owners))
    # A reworded variant with the same content words is the same slogan: "Hết việc, không hết giờ" is
    # "Làm hết việc chứ không làm hết giờ" without its filler words. The longer wording names both.
    by_content: dict[str, list[str]] = {}
    for key in by_key:
        content = _content_key(key)
        if len(content.split()) >= 3:
            by_content.setdefault(content, []).append(key)
    for keys in by_content.values():
        longest = max(keys, key=lambda k: (len(k), k))
        for key in keys:
            if key != longest and key not in parent:
                parent[key] = longest
    groups: dict[str, list[str]] = {}
    for key in by_key:
        root = key
        while root in parent:  # a chain of ever longer forms ends at the longest one
            root = parent[root]
        groups.setdefault(root, []).extend(by_key[key])
    out: dict[str, str] = {}
    for root, members in groups.items():
        # The full form names the group (a UI shows the whole slogan), in its most used spelling, printed
        # tidily: a spaced-out comma ("tư tưởng , đạo đức") made a spelling longer and so the name.
        best = tidy_punctuation(max(by_key[root], key=lambda m: (counts[m], len(tidy_punctuation(m)), m)))
        for m in members:
            out[m] = best
    return out
