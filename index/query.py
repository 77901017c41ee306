"""Parse what users type into a small query tree; never raises.

Syntax: words (implicit AND), "quoted phrases", AND / OR / NOT (also VÀ / HOẶC, and a leading "-"),
parentheses, field prefixes in Vietnamese or English (tieu_de:/title:, tinh:/province:, mo_hinh:/model:,
chu_de:/theme:, van_ban:/document:, nguon:/source:, nam:/year:, ngay:/published:), date ranges
(ngay:2020..2023, published:[2020-01-01 TO 2023-12-31]) and numbered documents in any common form
("Chỉ thị số 05-CT/TW", "CT05"). Anything broken is repaired and reported in `messages`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from index import docrefs
from index.analysis import exact_terms, fold, normalize
from index.facetdefs import prefixes

MAX_CHARS = 1000
MAX_LEAVES = 24
MAX_DEPTH = 8  # nested brackets and NOTs: deeper ones are dropped (the parser recurses)

TEXT_PREFIX = {"tieu_de": "title", "tieude": "title", "title": "title",
               "noi_dung": "body", "body": "body"}
FACET_PREFIX = prefixes()  # tinh:, mo_hinh:, nam:, … (index.facetdefs)
DATE_PREFIX = {"ngay", "date", "published"}
OPERATORS = {"AND": "AND", "VÀ": "AND", "&&": "AND", "OR": "OR", "HOẶC": "OR", "||": "OR",
             "NOT": "NOT", "KHÔNG": "NOT"}
#: Function words: optional in an unquoted query (they still tie its words together). Content words
#: that are frequent in this domain ("người", "theo", "năm", "ngày", "về": "làm theo Bác") are not here.
STOP_WORDS = frozenset(
    "và của là các những có được cho với trong thì mà này đó để một đã sẽ cũng như khi tại"
    " ở nên do bị nhưng hay hoặc rất".split()
)

_TOKEN = re.compile(
    r"""(?P<lp>\()|(?P<rp>\))
      |(?P<neg>-)?(?P<fname>[^\W\d][\w]*):(?P<fval>"[^"]*"?|\[[^\]]*\]?|[^\s()"]+)?
      |(?P<qneg>-)?(?P<phrase>"[^"]*"?)
      |(?P<word>[^\s()"]+)""",
    re.X,
)
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True)
class Text:
    """A word (one term) or a phrase (several), in exact form; field "all", "title" or "body"."""

    words: tuple[str, ...]
    field: str = "all"


@dataclass(frozen=True)
class Words:
    """An unquoted run of plain words, in the order typed: matched softly (every word wanted, the
    closer together the better), not as a strict AND of syllables."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Doc:
    ref: docrefs.DocRef
    surface: tuple[str, ...]  # the words as typed, for snippets


@dataclass(frozen=True)
class Facet:
    facet: str
    typed: str


@dataclass(frozen=True)
class DateRange:
    lo: str | None
    hi: str | None


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Text | Words | Doc | Facet | DateRange | And | Or | Not


@dataclass
class Parsed:
    node: Node | None
    messages: list[str] = field(default_factory=list)

    def positive_words(self) -> list[str]:
        """Exact-form words the user wants to see (for snippets and suggestions)."""
        out: list[str] = []

        def walk(n: Node | None) -> None:
            if isinstance(n, Text | Words):
                out.extend(n.words)
            elif isinstance(n, Doc):
                out.extend(n.surface)
            elif isinstance(n, And | Or):
                for item in n.items:
                    walk(item)

        walk(self.node)
        return out


def _date_bound(text: str, upper: bool) -> str | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:  # "2020-13-01" or "2021-02-30" is not a date: said so, not searched for as 0 stories
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    if upper:
        return f"{year}-{int(month or 12):02d}-{int(day or 31):02d}"
    return f"{year}-{int(month or 1):02d}-{int(day or 1):02d}"


def parse_dates(value: str) -> DateRange | None:
    """"2020..2023", "[2020-01-01 TO 2023-12-31]", "2021" or "2021-06" as an inclusive range."""
    v = value.strip().strip("[]{}").strip()
    parts = re.split(r"\s*(?:\.\.|\bTO\b|\bto\b|\bđến\b)\s*", v, maxsplit=1)
    lo_s, hi_s = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], parts[0])
    lo = _date_bound(lo_s, upper=False) if lo_s.strip() not in ("", "*") else None
    hi = _date_bound(hi_s, upper=True) if hi_s.strip() not in ("", "*") else None
    if (lo_s.strip() not in ("", "*") and lo is None) or (hi_s.strip() not in ("", "*") and hi is None):
        return None
    return DateRange(lo, hi)


def _unquote(value: str) -> str:
    return value.strip().strip('"').strip()


def _words_node(text: str, fieldname: str = "all") -> Text | None:
    words = tuple(exact_terms(text))
    return Text(words, fieldname) if words else None


class _Parser:
    def __init__(self, text: str) -> None:
        self.messages: list[str] = []
        self.items: list[object] = []
        self.leaves = 0
        self.depth = 0
        self._tokenize(text)
        self.pos = 0

    def _tokenize(self, text: str) -> None:
        plain: list[str] = []  # a run of plain words, scanned for document numbers when it ends
        for m in _TOKEN.finditer(text):
            if m.group("word") is not None and m.group("word") not in OPERATORS:
                plain.append(m.group("word"))
                continue
            self._flush(plain)
            if m.group("lp"):
                self.items.append("(")
            elif m.group("rp"):
                self.items.append(")")
            elif m.group("word") is not None:
                self.items.append(OPERATORS[m.group("word")])
            elif m.group("phrase") is not None:
                raw = m.group("phrase")
                if raw.count('"') == 1:
                    self.messages.append("Thiếu dấu ngoặc kép đóng; đã tự thêm.")
                node = _words_node(_unquote(raw))
                if node is not None:
                    self.items.append(Not(node) if m.group("qneg") else node)
            else:
                self._field(m.group("fname"), m.group("fval") or "", bool(m.group("neg")))
        self._flush(plain)

    def _flush(self, plain: list[str]) -> None:
        if not plain:
            return
        joined = " ".join(plain)
        starts, pos = [], 0
        for w in plain:
            starts.append(pos)
            pos += len(w) + 1
        refs = docrefs.find_refs(joined)
        i = 0
        for ref in refs:
            first = next((k for k, s in enumerate(starts) if s + len(plain[k]) > ref.start), len(plain))
            last = max(k for k, s in enumerate(starts) if s < ref.end) if ref.end > 0 else first
            while i < first:
                self._word(plain[i])
                i += 1
            if first >= i:
                self.items.append(Doc(ref, tuple(exact_terms(" ".join(plain[first:last + 1])))))
                i = last + 1
        while i < len(plain):
            self._word(plain[i])
            i += 1
        plain.clear()

    def _word(self, word: str) -> None:
        neg = word.startswith("-") and len(word) > 1
        node = _words_node(word[1:] if neg else word)
        if node is None:
            if word.strip("*?"):
                return
            self.messages.append(f"Đã bỏ qua ký tự “{word}” không tìm được.")
            return
        self.items.append(Not(node) if neg else node)

    def _field(self, name: str, value: str, neg: bool) -> None:
        key = fold(name)
        node: Node | None = None
        if key in TEXT_PREFIX:
            node = _words_node(_unquote(value), TEXT_PREFIX[key])
        elif key in FACET_PREFIX:
            if _unquote(value):
                node = Facet(FACET_PREFIX[key], _unquote(value))
        elif key in DATE_PREFIX:
            node = parse_dates(value)
            if node is None:
                self.messages.append(f"Không hiểu khoảng ngày “{value}” (ví dụ: ngay:2020..2023).")
        else:
            node = _words_node(f"{name} {value}")
        if node is not None:
            self.items.append(Not(node) if neg else node)

    # -- recursive descent over items ------------------------------------------------------

    def _peek(self) -> object:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def parse(self) -> Node | None:
        node = self._or()
        while self.pos < len(self.items):  # a stray ")" or operator: skip it and go on
            self.pos += 1
            self.messages.append("Dấu ngoặc hoặc toán tử không cân đối; đã bỏ qua.")
            rest = self._or()
            node = _and([node, rest])
        return node

    def _or(self) -> Node | None:
        parts = [self._and()]
        while self._peek() == "OR":
            self.pos += 1
            parts.append(self._and())
        kept = [p for p in parts if p is not None]
        if len(parts) > 1 and len(kept) < len(parts):
            self.messages.append("Toán tử OR thiếu vế; đã bỏ qua.")
        return kept[0] if len(kept) == 1 else (Or(tuple(kept)) if kept else None)

    def _and(self) -> Node | None:
        parts: list[Node | None] = []
        while True:
            tok = self._peek()
            if tok is None or tok in (")", "OR"):
                break
            if tok == "AND":
                self.pos += 1
                continue
            parts.append(self._unary())
        return _and(parts)

    def _unary(self) -> Node | None:
        tok = self._peek()
        if tok in ("NOT", "(") and self.depth >= MAX_DEPTH:
            self.pos += 1
            note = f"Quá nhiều ngoặc hoặc NOT lồng nhau; đã bỏ qua những cái sâu hơn {MAX_DEPTH} mức."
            if note not in self.messages:
                self.messages.append(note)
            return None
        self.depth += 1
        try:
            return self._nested(tok)
        finally:
            self.depth -= 1

    def _nested(self, tok: object) -> Node | None:
        if tok == "NOT":
            self.pos += 1
            inner = self._unary()
            return Not(inner) if inner is not None else None
        if tok == "(":
            self.pos += 1
            inner = self._or()
            if self._peek() == ")":
                self.pos += 1
            else:
                self.messages.append("Thiếu dấu ngoặc đóng; đã tự thêm.")
            return inner
        self.pos += 1
        if isinstance(tok, Text | Doc | Facet | DateRange | Not):
            self.leaves += 1
            return tok if self.leaves <= MAX_LEAVES else None
        return None


def _and(parts: list[Node | None]) -> Node | None:
    kept = [p for p in parts if p is not None]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else And(tuple(kept))


def _plain(n: Node) -> bool:
    return isinstance(n, Text) and n.field == "all" and len(n.words) == 1


def _gather_words(node: Node | None) -> Node | None:
    """The plain words of an AND (or a lone word) become one `Words` run; phrases, fields, documents
    and negations stay as they are. Inside OR, each alternative is gathered on its own."""
    if node is None:
        return None
    if _plain(node):
        return Words(node.words)  # type: ignore[union-attr]
    if isinstance(node, Or):
        return Or(tuple(_gather_words(item) or item for item in node.items))
    if not isinstance(node, And):
        return node
    plain = [n for n in node.items if _plain(n)]
    if not plain:
        return And(tuple(_gather_words(item) or item for item in node.items))
    run = Words(tuple(n.words[0] for n in plain))  # type: ignore[union-attr]
    rest = [_gather_words(n) for n in node.items if not _plain(n)]
    return _and([run, *rest])


def parse(text: str) -> Parsed:
    """The query tree of a user's text (None for an empty query) and notes about repairs."""
    messages: list[str] = []
    # NFKC first: full-width letters and digits from an East Asian keyboard ("ＢÁＣ", "０５") are the
    # plain ones; Vietnamese letters are unchanged by it.
    text = normalize(unicodedata.normalize("NFKC", text or ""))
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit(" ", 1)[0]
        messages.append(f"Truy vấn quá dài; chỉ dùng {MAX_CHARS} ký tự đầu.")
    if text.count('"') % 2:
        text += '"'
        messages.append("Thiếu dấu ngoặc kép đóng; đã tự thêm.")
    parser = _Parser(text)
    node = parser.parse()
    messages.extend(m for m in parser.messages if m not in messages)
    if parser.leaves > MAX_LEAVES:
        messages.append(f"Truy vấn có quá nhiều từ; chỉ dùng {MAX_LEAVES} từ đầu.")
    node = _gather_words(node)
    return Parsed(node, messages)
