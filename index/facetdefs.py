"""Every facet, declared once: its field, where its values come from, its query prefixes and its names.

The index schema (`index.schema`: one stored field per facet, filled by `values`), the facets the UI,
the URL parameters and the API accept (`index.types.FACETS`), the query prefixes (`index.query`), the
web UI's sidebar and heading labels, its filter chips, the CLI's
filter suggestions and the help page's prefix table are all read from `FACET_DEFS`. Adding a facet is
one `FacetDef` here (and a `SCHEMA_VERSION` bump in `index.schema`; see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crawler.article import Article
from nlp.model_grammar import IMPLEMENTED

__all__ = ["FACET_DEFS", "FacetDef", "by_name", "chip_labels", "hidden", "labels", "prefixes", "shown", "url_filters"]


@dataclass(frozen=True)
class FacetDef:
    """One facet: `name` is the index field, the URL parameter and the API key."""

    name: str
    values: Callable[[Article], Iterable[str | None]]  # the article's values (empty: the "Không rõ" bucket)
    label: str | None = None  # Vietnamese heading in the sidebar, tables, feeds and errors (None: never named)
    prefixes: tuple[str, ...] = ()  # query prefixes, the Vietnamese one first (`tinh:"Nghệ An"`)
    shown: bool = True  # counted by default, in the sidebar, accepted as a URL parameter and by the API
    url_filter: bool = True  # a URL may filter on it (`model_done=…`) even when it is not shown
    chip: str | None = None  # its name in a "Lọc theo …" chip, when a query can suggest it
    help: str = ""  # what the prefix finds, for the help page


def _province(a: Article) -> list[str | None]:
    enr = a.enrichment
    return [(enr.province if enr else None) or a.source_province or ""]


def _year(a: Article) -> list[str]:
    published = a.published or ""
    return [published[:4]] if published[:4].isdigit() else []


def _month(a: Article) -> list[str]:
    published = a.published or ""
    return [published[:7]] if len(published) >= 7 and published[:4].isdigit() else []


#: In the order of the sidebar (the shown ones) and of the index schema's facet fields.
FACET_DEFS: tuple[FacetDef, ...] = (
    FacetDef("province", _province, "Tỉnh, thành (trước 7/2025)", ("tinh", "province"), chip="tỉnh, thành",
             help="bài của một tỉnh, theo địa giới lúc đăng bài"),
    FacetDef("province_2025", lambda a: [a.enrichment.province_2025 if a.enrichment else None],
             "Tỉnh, thành (từ 7/2025)", ("tinh_moi", "province_2025"), chip="tỉnh, thành mới (từ 7/2025)",
             help="bài của một tỉnh, theo địa giới từ 1/7/2025"),
    FacetDef("model", lambda a: [m.name for m in a.enrichment.models] if a.enrichment else [],
             "Mô hình điển hình", ("mo_hinh", "model"), chip="mô hình", help="bài nêu một mô hình điển hình"),
    FacetDef("model_done", lambda a: [m.name for m in a.enrichment.models if m.kind == IMPLEMENTED]
             if a.enrichment else [], "Mô hình thực hiện", shown=False),
    FacetDef("theme", lambda a: a.enrichment.themes if a.enrichment else [], "Chủ đề", ("chu_de", "theme"),
             help="bài thuộc một chủ đề"),
    FacetDef("document", lambda a: [d.name for d in a.enrichment.documents] if a.enrichment else [], "Văn bản",
             ("van_ban", "document"), help="bài nhắc một văn bản"),
    FacetDef("year", _year, "Năm", ("nam", "year"), chip="năm", help="bài đăng trong một năm"),
    FacetDef("source", lambda a: [a.source], "Nguồn", ("nguon", "source"), help="bài của một trang tin"),
    FacetDef("month", _month, "Tháng", shown=False, url_filter=False),
)
#: The order chips are listed in (a chip names the place first, then the year, then the model).
_CHIP_ORDER = ("province", "province_2025", "year", "model")


def by_name(name: str) -> FacetDef:
    """The facet called `name` (KeyError for an unknown one)."""
    return _BY_NAME[name]


def shown() -> tuple[str, ...]:
    """The facets counted by default and shown, in sidebar order."""
    return tuple(f.name for f in FACET_DEFS if f.shown)


def url_filters() -> tuple[str, ...]:
    """The facets a URL may filter on: the shown ones, then the others that allow it."""
    return (*shown(), *(f.name for f in FACET_DEFS if f.url_filter and not f.shown))


def hidden() -> tuple[str, ...]:
    """The facets a query may filter on or count that are not shown (the months, the carried-out models)."""
    return tuple(f.name for f in FACET_DEFS if not f.shown)


def prefixes() -> dict[str, str]:
    """Query prefix → facet."""
    return {p: f.name for f in FACET_DEFS for p in f.prefixes}


def labels() -> dict[str, str]:
    """Facet → its Vietnamese heading."""
    return {f.name: f.label for f in FACET_DEFS if f.label}


def chip_labels() -> dict[str, str]:
    """Facet → its name in a filter chip, for the facets a query can suggest, in chip order."""
    chips = {f.name: f.chip for f in FACET_DEFS if f.chip}
    return {name: chips[name] for name in sorted(chips, key=lambda n: (_CHIP_ORDER + (n,)).index(n))}


_BY_NAME = {f.name: f for f in FACET_DEFS}
