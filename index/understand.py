"""Queries understood: a province, a year or a known model typed in plain words, offered as filter chips.

"bát gạo nghĩa tình Nghệ An 2020" → province = Nghệ An, year = 2020. Matching follows the words as typed:
a span typed without any diacritics ("nghe an") matches every accented form; a span typed with them
must match exactly (tone placement and case aside). An old province name also offers its 2025 province
when that is wider ("Yên Bái" → Lào Cai). Models are recognised only when the model facet holds the name
(variants included). A chip is only offered for a value the index holds, and never for a filter already
applied.

Applying a province or year chip takes its words out of the text: local papers rarely name their own
province and a 2020 story need not print "2020", so keeping them would drop exactly the articles the
facet adds. A model chip keeps its words: the facet comes from the phrase itself, and the phrase keeps
the ranking meaningful.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from index.facets import UNKNOWN
from index.types import Chip
from index.view import View
from nlp.gazetteer import Province, provinces
from nlp.names import lexicon
from nlp.normalize import fold, normalize

T = TypeVar("T")
_TOKEN = re.compile(r"[^\W_]+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_QUOTES = frozenset('"“”„')
_OPERATORS = frozenset({"OR", "AND", "NOT"})
MAX_WORDS = 12  # the longest name matched, in syllables
MIN_MODEL_WORDS = 2  # a one-syllable "model" is too often an ordinary word
_PREFIXES = ("tỉnh", "thành phố", "tp")
# A word before the name that makes it some other place or thing bearing the name ("phường Vĩnh Phúc").
_BLOCK = frozenset({"xã", "phường", "quận", "huyện", "thị xã", "thị trấn", "thôn", "ấp", "làng", "đường", "phố",
                    "cầu", "chợ", "sông", "công ty", "nhà hát", "khách sạn", "ngân hàng", "hợp tác xã", "giải"})
#: Ambiguous province names that are also common words (folded): recognised only when capitalised.
_COMMON = frozenset({"hoa binh", "thai binh", "hai duong", "binh dinh"})
_BLOCK_FOLDED = frozenset(fold(w) for w in _BLOCK if len(fold(w)) > 3)  # "xa", "pho", "cho" are other words too


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    raw: str
    exact: str  # normalised, lower case
    folded: str
    free: bool  # plain word: not an operator, a field prefix or a negated word
    quoted: bool


@dataclass(frozen=True)
class _Place:
    province: Province
    explicit: bool  # written with a prefix or as an alias ("tỉnh Hòa Bình", "TP.HCM"), never a common word


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    quoted, pos = False, 0
    for m in _TOKEN.finditer(text):
        if sum(ch in _QUOTES for ch in text[pos:m.start()]) % 2:
            quoted = not quoted
        pos = m.end()
        word = m.group(0)
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        negated = before == "-" and (m.start() < 2 or text[m.start() - 2].isspace())
        free = word not in _OPERATORS and ":" not in (before, after) and not negated
        out.append(_Tok(m.start(), m.end(), word, normalize(word).lower(), fold(word), free, quoted))
    return out


def _keys(form: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(folded words, exact words) of a name."""
    return tuple(_TOKEN.findall(fold(form))), tuple(_TOKEN.findall(normalize(form).lower()))


class _Names(Generic[T]):
    """Names by their words: `by[0]` folded (for words typed without diacritics), `by[1]` exact; `prefixes`
    holds every leading run of words of both, so a scan stops as soon as no name can continue."""

    def __init__(self) -> None:
        self.by: tuple[dict[tuple[str, ...], T], dict[tuple[str, ...], T]] = ({}, {})
        self.prefixes: set[tuple[str, ...]] = set()

    def add(self, form: str, value: T, folded: bool = True) -> None:
        f, e = _keys(form)
        for table, key in ((0, f), (1, e)) if folded else ((1, e),):
            self.by[table].setdefault(key, value)
            self.prefixes.update(key[:n] for n in range(1, len(key) + 1))


@functools.cache
def _places() -> _Names[_Place]:
    """Every written form of the 63 provinces."""
    names: _Names[_Place] = _Names()
    for p in provinces():
        forms = [(p.name, False)] if p.bare else []  # "Hồ Chí Minh" alone is the President
        forms += [(a, True) for a in p.aliases] + [(f"{pre} {p.name}", True) for pre in _PREFIXES]
        for form, explicit in forms:
            # Unaccented "tinh" is as often "tình" ("nghia tinh nghe an"): "tỉnh" only as typed.
            names.add(form, _Place(p, explicit), folded=not form.startswith("tỉnh "))
    return names


@functools.cache
def _merged() -> Counter[str]:
    """How many old provinces each 2025 province joins."""
    return Counter(p.name_2025 for p in provinces())


@functools.cache
def _name_words() -> tuple[frozenset[str], frozenset[str]]:
    """Surnames and middle names: (folded, exact lower case)."""
    lex = lexicon()
    words = (*lex.surnames, *lex.middle)
    return frozenset(fold(w) for w in words), frozenset(normalize(w).lower() for w in words)


_MODELS: weakref.WeakKeyDictionary[View, _Names[str]] = weakref.WeakKeyDictionary()


def _models(view: View) -> _Names[str]:
    """The model facet's names and variants → catalogue name, per snapshot."""
    names = _MODELS.get(view)
    if names is None:
        field = view.facet("model")
        names = _MODELS[view] = _Names()
        for form, i in field.index.items():
            if form == UNKNOWN:
                continue
            value, words = field.values[i], len(_TOKEN.findall(form))
            # Short lower-case catalogue entries are often ordinary words the detector took ("làm theo",
            # "đồ chơi"); a named model is written capitalised ("Dân vận khéo", "3 không") or is longer.
            if MIN_MODEL_WORDS <= words <= MAX_WORDS and (words >= 4 or value[:1].isupper() or value[:1].isdigit()):
                names.add(form, value)
    return names


def _held(view: View, facet: str, value: str) -> bool:
    """Does a live document have this facet value?"""
    docs = view.facet(facet).docs_of(value)
    return bool(docs.size) and bool(view.snap.live[docs].any())


def _without(text: str, start: int, end: int) -> str:
    return " ".join(f"{text[:start]} {text[end:]}".split())


def _word_before(toks: list[_Tok], i: int, n: int) -> tuple[str, str] | None:
    """The n words before token i (exact, folded), or None."""
    if i - n < 0:
        return None
    words = toks[i - n:i]
    return " ".join(t.exact for t in words), " ".join(t.folded for t in words)


def _place_ok(toks: list[_Tok], i: int, j: int, place: _Place) -> bool:
    """Is the span a mention of the province, not a namesake (a commune, a street, a person)?"""
    for n in (1, 2):
        before = _word_before(toks, i, n)
        if before and (before[0] in _BLOCK or (before[0] == before[1] and before[1] in _BLOCK_FOLDED)):
            return False
    if place.explicit or not place.province.ambiguous:
        return True
    # A common word ("hòa bình" is peace) counts only capitalised.
    if " ".join(t.folded for t in toks[i:j]) in _COMMON and not all(t.raw[:1].isupper() for t in toks[i:j]):
        return False
    # Ambiguous names are also given names: not after a surname or middle name ("Trương Hòa Bình"), compared
    # as typed ("dân vận Quảng Ninh" is no "Văn").
    if i == 0:
        return True
    prev = toks[i - 1]
    folded, exact = _name_words()
    return (prev.folded not in folded) if prev.folded == prev.exact else (prev.exact not in exact)


def _year_ok(text: str, tok: _Tok) -> bool:
    """A standalone year, not part of a date or a document number ("19/5/2020", "05-CT/TW-2016")."""
    before = text[tok.start - 1] if tok.start else " "
    after = text[tok.end] if tok.end < len(text) else " "
    return tok.free and not tok.quoted and bool(_YEAR.fullmatch(tok.raw)) and not {before, after} & set("/-.:,")


def _year_word(toks: list[_Tok], i: int) -> bool:
    """Is token i the word "năm" (year) before a year? Unaccented "nam" but not the one of "Viet Nam"."""
    if i < 0 or not toks[i].free:
        return False
    return toks[i].exact == "năm" or (toks[i].raw == "nam" and (i == 0 or toks[i - 1].folded != "viet"))


def understand(text: str, view: View, filters: Iterable[tuple[str, Iterable[str]]] = ()) -> list[Chip]:
    """The filters recognised in the query text, in text order, leaving out those already applied."""
    text = unicodedata.normalize("NFC", text or "")
    toks = _tokens(text)
    if not toks:
        return []
    applied = {(facet, v) for facet, values in filters for v in values}
    places, models = _places(), _models(view)
    found: list[tuple[int, int, int, int, object]] = []  # (-words, start token, kind, end token, payload)
    for i in range(len(toks)):
        folded: tuple[str, ...] = ()
        exact: tuple[str, ...] = ()
        plain = True  # typed without diacritics: any accents match
        for j in range(i + 1, min(len(toks), i + MAX_WORDS) + 1):
            t = toks[j - 1]
            if not t.free or t.quoted != toks[i].quoted:
                break
            folded, exact, plain = folded + (t.folded,), exact + (t.exact,), plain and t.folded == t.exact
            key = folded if plain else exact
            if key not in places.prefixes and key not in models.prefixes:
                break
            place = places.by[not plain].get(key)
            if place is not None and not t.quoted and _place_ok(toks, i, j, place):
                found.append((i - j, i, 0, j, place))
            model = models.by[not plain].get(key)
            if model is not None and j - i >= MIN_MODEL_WORDS:
                found.append((i - j, i, 1, j, model))
        if _year_ok(text, toks[i]):
            found.append((-1, i, 2, i + 1, toks[i].raw))
    taken: set[int] = set()
    offered: set[tuple[str, str]] = set()
    chips: list[Chip] = []
    for _, i, kind, j, payload in sorted(found, key=lambda c: c[:3]):  # longest first, then leftmost
        if taken & set(range(i, j)):
            continue
        if kind == 2 and _year_word(toks, i - 1) and i - 1 not in taken:
            i -= 1  # "năm 2020" goes as a whole
        taken |= set(range(i, j))
        start, end = toks[i].start, toks[j - 1].end
        rest = _without(text, start, end)
        if kind == 0:
            assert isinstance(payload, _Place)
            p = payload.province
            offers = [("province", p.name, rest)]
            if _merged()[p.name_2025] > 1:  # the 2025 province is wider than the old one
                offers.append(("province_2025", p.name_2025, rest))
        elif kind == 1:
            offers = [("model", str(payload), text)]
        else:
            offers = [("year", str(payload), rest)]
        if any((facet, value) in applied for facet, value, _ in offers):
            continue
        for facet, value, query in offers:
            if (facet, value) not in offered and _held(view, facet, value):
                offered.add((facet, value))
                chips.append(Chip(facet=facet, value=value, text=text[start:end], start=start, end=end, query=query))
    chips.sort(key=lambda c: c.start)
    return chips


def places(chips: Iterable[Chip], view: View) -> dict[tuple[str, ...], np.ndarray]:
    """The provinces the query names, as the folded words typed ("da", "nang"), each with the documents
    of that province (facet): ranking counts the name as present in those even where the text does not
    print it, and weighs it above an ordinary word (`index.ranking.PLACE_WEIGHT`).

    >>> # places(understand("xây dựng Đảng Đà Nẵng", view), view) → {("da", "nang"): mask of Đà Nẵng}
    """
    out: dict[tuple[str, ...], np.ndarray] = {}
    for c in chips:
        if c.facet == "province":
            out[tuple(fold(w) for w in _TOKEN.findall(c.text))] = view.facet(c.facet).mask(view.n, (c.value,))
    return out
