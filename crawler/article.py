"""The one document model that flows through every stage: crawl → archive → NLP → index → UI.

`Article` is what the crawler extracts; `Enrichment` is what `nlp.enrich` adds. Both are plain
dataclasses with keyword-only fields, immutable defaults and a lossless `as_dict()` / `from_dict()`
round trip through JSON (the archive stores that JSON; `ct05 import` reads it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, fields
from typing import Any

#: Where `Article.published` came from.
DATE_SOURCES = ("metadata", "byline", "url", "import", "none")
#: What no stored text may hold: C0/C1 controls but tab and newlines, DEL, lone surrogates, the two
#: noncharacters XML forbids, and invisible format marks (soft hyphens, zero-width and bidi controls, BOM).
#: One NUL in a title makes every Atom feed holding it invalid XML; one \x0b makes lxml refuse a page.
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b-\u200f"
                     "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\ufffe\uffff]")
#: Whitespace controls XML forbids, as the whitespace they stand for.
_SPACES = str.maketrans({"\x0b": " ", "\x0c": " ", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"})
_SPACE_CONTROLS = re.compile("[\x0b\x0c\x85\u2028\u2029]")


def strip_unsafe(text: str) -> str:
    """Text without the characters no stored text may hold (see `_UNSAFE`); CR LF and CR become LF."""
    if text.isprintable():  # the common case: nothing to do (Vietnamese letters are printable)
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Every character of _UNSAFE and _SPACE_CONTROLS is unprintable (a test checks): a text printable but
    # for line breaks, tabs and no-break spaces (a page's source) holds none, which four C-level replaces
    # and one scan tell faster than the two regex scans below (48 -> 29 us on a 8 kB page).
    if text.replace("\n", "").replace("\t", "").replace("\xa0", "").isprintable():
        return text
    # Searched first: str.translate with a dict table looks up every character (7 ms on a 170 kB page).
    if _SPACE_CONTROLS.search(text):
        text = text.translate(_SPACES)
    return _UNSAFE.sub("", text) if _UNSAFE.search(text) else text


def clean_text(text: str) -> str:
    """The one sanitiser of text entering the archive (crawl, import, analyze): NFC, `strip_unsafe`."""
    return unicodedata.normalize("NFC", strip_unsafe(text))


def fold_spaces(text: str) -> str:
    """`" ".join(text.split())`: one space between words, none at the ends; without building a string per
    word where a line is folded already (the paragraphs of an extracted body all are)."""
    out: list[str] = []
    for line in text.split("\n"):
        # A printable line holds no whitespace but " " (every other str.isspace character is a control or
        # a separator, which str.isprintable refuses; a test checks every code point).
        if line.isprintable():
            line = line.strip()
            if "  " in line:
                line = " ".join(line.split())
        else:
            line = " ".join(line.split())
        if line:
            out.append(line)
    return " ".join(out)


def content_hash(title: str, body: str) -> str:
    """A stable hash of what the reader sees: NFC, whitespace folded, title and body."""
    text = unicodedata.normalize("NFC", f"{title}\n{body}")
    # str.split() splits on exactly what the regex \s matches (str.isspace): `fold_spaces` gives the same
    # text as re.sub(r"\s+", " ", text).strip(), in a fraction of the time.
    return hashlib.sha1(fold_spaces(text).encode("utf-8")).hexdigest()


def article_id(url: str) -> str:
    """The short, URL-safe id of an article: a hash of its canonical URL."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


@dataclass(kw_only=True, frozen=True)
class Entity:
    """A named thing found in the text: a model, person, organisation or document."""

    name: str  # canonical (normalised) name, the facet value
    count: int = 1
    surface: str = ""  # one form as written in the article
    kind: str = ""  # e.g. "mô hình" / "phong trào" for models, a title for persons
    key: str = ""  # grouping key (variants of one model share it)


@dataclass(kw_only=True, frozen=True)
class Enrichment:
    """What the NLP stage adds to an article. Tuples keep it immutable and hashable."""

    province: str | None = None  # main province at publication time
    province_2025: str | None = None  # the same after the 1 July 2025 merger
    provinces: tuple[Entity, ...] = ()  # every province the article is about, with counts
    models: tuple[Entity, ...] = ()
    persons: tuple[Entity, ...] = ()
    organizations: tuple[Entity, ...] = ()
    documents: tuple[Entity, ...] = ()
    themes: tuple[str, ...] = ()
    relevance: float = 0.0
    summary: str = ""  # 2–3 sentences of the article that say what it is about (nlp.summary)
    words: str = ""  # underthesea word segmentation of title + body, words joined with "_"
    version: str = ""  # version of the NLP pipeline that produced it

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Enrichment:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key in ("provinces", "models", "persons", "organizations", "documents"):
                value = tuple(Entity(**v) if isinstance(v, dict) else Entity(name=str(v)) for v in value or ())
            elif key == "themes":
                value = tuple(value or ())
            values[key] = value
        return cls(**values)


@dataclass(kw_only=True, frozen=True)
class Article:
    """A clean news article, keyed by its canonical URL."""

    url: str  # canonical URL
    source: str  # site id from the registry (or the importer's source name)
    title: str
    body: str  # paragraphs separated by a blank line, NFC, whitespace-normalised
    source_province: str | None = None  # the publishing site's province at publication time
    published: str | None = None  # ISO 8601 local time (Asia/Ho_Chi_Minh), e.g. "2023-06-20T02:30:43"
    published_source: str = "none"  # one of DATE_SOURCES
    author: str | None = None
    fetched_at: str | None = None  # ISO 8601 UTC
    dateline: str | None = None  # dateline prefix removed from the body start, e.g. "TTH"
    content_hash: str = ""  # filled from title + body when empty
    previous_hashes: tuple[str, ...] = ()  # hashes of earlier versions of this article
    republication_of: str | None = None  # id of the earliest copy when this is a republished story
    enrichment: Enrichment | None = None  # None until `ct05 process` has run
    extra: tuple[tuple[str, str], ...] = field(default=())  # free key/value metadata (e.g. og:image)

    def __post_init__(self) -> None:
        if self.published_source not in DATE_SOURCES:
            raise ValueError(f"published_source must be one of {DATE_SOURCES}, not {self.published_source!r}")
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.title, self.body))

    @property
    def id(self) -> str:
        return article_id(self.url)

    @property
    def year(self) -> int | None:
        return int(self.published[:4]) if self.published else None

    def replace(self, **changes: Any) -> Article:
        """A copy with some fields changed (the content hash follows title/body changes)."""
        if ("title" in changes or "body" in changes) and "content_hash" not in changes:
            changes["content_hash"] = ""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["previous_hashes"] = list(self.previous_hashes)
        data["extra"] = dict(self.extra)
        data["enrichment"] = self.enrichment.as_dict() if self.enrichment else None
        data["id"] = self.id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Build an article from `as_dict()` output; unknown keys are ignored, missing ones defaulted."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for required in ("url", "source", "title", "body"):
            if not isinstance(values.get(required), str) or not values[required].strip():
                raise ValueError(f"article field {required!r} is missing or empty")
        if "previous_hashes" in values:
            values["previous_hashes"] = tuple(values["previous_hashes"] or ())
        if "extra" in values:
            extra = values["extra"] or {}
            values["extra"] = tuple(sorted((str(k), str(v)) for k, v in dict(extra).items()))
        if values.get("enrichment") is not None:
            values["enrichment"] = Enrichment.from_dict(values["enrichment"])
        return cls(**values)
