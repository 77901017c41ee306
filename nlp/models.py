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

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crawler.article import Entity
from nlp._data import DataError, load_toml, require
from nlp.normalize import fold, normalize

__all__ = ["extract_models", "group_models", "model_key"]

_MAX_NAME = 160  # a longer "name" is a passage
_L = r"a-zA-Z0-9\u00C0-\u024F\u1E00-\u1EFF"
_QUOTED = re.compile(r'"([^"\n]{2,200})"')
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
        match = bool(entry.get("match", True))
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

    return _Lexicon(
        {normalize(k): v for k, v in triggers.items()}, frozenset(words("unquoted")),
        frozenset(words("unquoted_lowercase")), frozenset(words("capital_only")), frozenset(words("stop_words")),
        frozenset(words("stop_bigrams")),
        frozenset(words("plural")), frozenset(words("generic")), tuple(words("bad_first")),
        tuple(words("attribution")), tuple(known), trigger_re, known_re, alias_to_name,
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


def _unquoted_name(after: str, lex: _Lexicon, lowercase_ok: bool) -> str | None:
    """The name right after a trigger, if the words there form one."""
    after = after.lstrip()
    m = re.match(r"(\d+\s+[a-zđ\u00E0-\u1EF9]+(?:\s+\d+\s+[a-zđ\u00E0-\u1EF9]+)*)", after)
    if m:  # "3 không", "5 không 3 sạch"
        return m.group(1)
    words: list[str] = []
    capital = bool(after) and after[0].isupper()
    if not capital and not lowercase_ok:
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
        words.append(tok)
        if len(words) >= 10:
            break
    if len(words) < 2:
        return None
    phrase = " ".join(words)
    low = phrase.lower()
    if any(low == b or low.startswith(b + " ") for b in lex.bad_first):
        return None
    if sum(1 for w in low.split() if w not in lex.generic) < (1 if capital else 2):
        return None
    return phrase


_HONORIFIC_STOP = frozenset({"Ông", "Bà", "Anh", "Chị", "Đồng", "Theo", "Tại", "Trong", "Với"})
_VI_LETTER = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)


def _plausible(inner: str) -> bool:
    """Is a quoted string plausibly a Vietnamese name? (not a film title in English, not a number)"""
    return bool(_VI_LETTER.search(inner)) or (inner.isupper() and len(inner) <= 12)


def _is_plural(before: str, lex: _Lexicon) -> bool:
    prev = re.findall(rf"[{_L}]+", before[-30:])
    return bool(prev) and prev[-1].lower() in lex.plural


def extract_models(text: str) -> list[Entity]:
    """Named models / movements / mottos in TEXT, one entity per catalogue key, in order of appearance.

    >>> text = 'Đảng bộ xây dựng mô hình “Thân thiện và trách nhiệm” và mô hình Dân vận khéo.'
    >>> [m.name for m in extract_models(text)]
    ['Thân thiện và trách nhiệm', 'Dân vận khéo']
    >>> extract_models("Phát hiện những mô hình hay, các mô hình điểm.")
    []
    """
    text = normalize(text)
    lex = _lexicon()
    found: list[tuple[int, str, str, str]] = []  # (position, name, surface, kind)
    quotes = list(_QUOTED.finditer(text))
    used_quotes: set[int] = set()

    def take_quote(i: int, kind: str) -> None:
        q = quotes[i]
        inner = _clean(q.group(1))
        if not _plausible(inner) or (kind in lex.capital_only and not inner[:1].isupper()):
            return
        tail = text[q.end():q.end() + 30]
        if any(tail.lstrip(" ,").startswith(a) for a in lex.attribution):
            return
        if len(inner) > _MAX_NAME or len(inner.split()) > 25 or len(inner) < 2:
            return
        used_quotes.add(i)
        found.append((q.start(), inner, q.group(0), kind))
        # Chained quotes: “A”, “B” và “C” name siblings of the same kind.
        j = i + 1
        while j < len(quotes) and re.fullmatch(r"\s*(?:,|và|,\s*và|;)\s*", text[quotes[j - 1].end():quotes[j].start()]):
            if j not in used_quotes:
                inner_j = _clean(quotes[j].group(1))
                if 2 <= len(inner_j) <= _MAX_NAME and len(inner_j.split()) <= 25 and _plausible(inner_j):
                    used_quotes.add(j)
                    found.append((quotes[j].start(), inner_j, quotes[j].group(0), kind))
            j += 1

    for m in lex.trigger_re.finditer(text):
        kind = m.group(1).lower()
        window = lex.triggers.get(kind, -1)
        if window < 0:
            continue
        before = text[max(0, m.start() - 30):m.start()]
        after = text[m.end():m.end() + 300]
        # A quote opening within WINDOW words, in the same clause.
        qi = next((i for i, q in enumerate(quotes) if q.start() >= m.end()), None)
        if qi is not None and qi not in used_quotes:
            gap = text[m.end():quotes[qi].start()]
            if not re.search(r"[.;!?\n]", gap) and len(_WORD.findall(gap)) <= window:
                take_quote(qi, kind)
        if kind in lex.unquoted and not _is_plural(before, lex) and not after.startswith((" \"", "\"")):
            name = _unquoted_name(after, lex, kind in lex.unquoted_lowercase)
            if name:
                found.append((m.start(), name, text[m.start():m.end() + 1 + len(name)], kind))
    # A quote that itself starts with a trigger word: «đăng ký xây dựng “Mô hình điển hình …”».
    for i, q in enumerate(quotes):
        if i in used_quotes:
            continue
        inner = _clean(q.group(1))
        head = lex.trigger_re.match(inner)
        if head and head.group(1).lower() in lex.unquoted and len(inner) <= _MAX_NAME:
            found.append((q.start(), inner, q.group(0), head.group(1).lower()))
    if lex.known_re is not None:
        for m in lex.known_re.finditer(text):
            name = lex.alias_to_name.get(_bare_key(m.group(0)), m.group(0))
            found.append((m.start(), name, m.group(0), "mô hình"))

    merged: dict[str, Entity] = {}
    for _pos, name, surface, kind in sorted(found):
        key = model_key(name)
        if not key:
            continue
        if key in merged:
            e = merged[key]
            merged[key] = Entity(name=e.name, count=e.count + 1, surface=e.surface, kind=e.kind, key=key)
        else:
            merged[key] = Entity(name=name, count=1, surface=surface, kind=kind, key=key)
    return list(merged.values())


def _clauses(name: str) -> list[str]:
    """The comma/semicolon-separated clauses of a name, each as a folded key."""
    return [k for k in (_bare_key(part) for part in re.split(r"[,;]", name)) if k]


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
    groups: dict[str, list[str]] = {}
    for key in by_key:
        root = key
        while root in parent:  # a chain of ever longer forms ends at the longest one
            root = parent[root]
        groups.setdefault(root, []).extend(by_key[key])
    out: dict[str, str] = {}
    for root, members in groups.items():
        # The full form names the group (a UI shows the whole slogan), in its most used spelling.
        best = max(by_key[root], key=lambda m: (counts[m], len(m), m))
        for m in members:
            out[m] = best
    return out
