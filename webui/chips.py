"""Filter chips on the search page: what the query's words were understood to name (index.understand).

A pending chip links to the same search with its facet value added (and, for a province or a year, its
words taken out of the text); an applied one shows with a link that removes it. Plain links: the state
is the query string, no JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.facetdefs import FACET_DEFS, chip_labels
from index.types import SearchQuery, SearchResult
from nlp.gazetteer import lookup, provinces
from webui.helpers import search_url, toggle_url
from webui.params import query_args

#: Facets a chip can name, with their label in "Lọc theo …".
CHIP_LABELS = chip_labels()  # declared with each facet in index.facetdefs
#: Filters a link may set that have no list in the sidebar (`model_done=`, from a model page): shown as
#: applied chips too, or nothing on the page says the list is narrowed, nor offers to undo it.
UNLISTED_LABELS = {f.name: f.label[:1].lower() + f.label[1:] for f in FACET_DEFS
                   if not f.shown and f.url_filter and f.label}


@dataclass(frozen=True)
class ChipLink:
    label: str  # "tỉnh, thành"
    value: str  # "Nghệ An"
    note: str  # "“Yên Bái” nay thuộc Lào Cai", or ""
    url: str
    facet: str
    typed: str  # the words as typed


def _note(facet: str, value: str, typed: str) -> str:
    """For a 2025 province: the old province that was typed and now belongs to it, or the ones it joins."""
    if facet != "province_2025":
        return ""
    old = lookup(typed)
    if old is not None and old.name != value:
        return f"{old.name} nay thuộc {value}"
    return "gồm " + ", ".join(p.name for p in provinces() if p.name_2025 == value)


def pending(query: SearchQuery, result: SearchResult) -> list[ChipLink]:
    """The chips the result offers, each linking to the search with it applied."""
    kept = [(k, v) for k, v in query_args(query) if k != "q"]
    out = []
    for chip in result.chips:
        params: dict[str, list[str]] = {"q": [chip.query]} if chip.query else {}
        for k, v in [*kept, (chip.facet, chip.value)]:
            params.setdefault(k, []).append(v)
        out.append(ChipLink(label=CHIP_LABELS.get(chip.facet, chip.facet), value=chip.value,
                            note=_note(chip.facet, chip.value, chip.text), url=search_url(**params),
                            facet=chip.facet, typed=chip.text))
    return out


def applied(query: SearchQuery) -> list[ChipLink]:
    """The filters of the kinds chips offer that are set, each with the link that removes it."""
    return [ChipLink(label=label, value=value, note="", url=toggle_url(facet, value), facet=facet, typed="")
            for facet, label in {**CHIP_LABELS, **UNLISTED_LABELS}.items() for value in query.selected(facet)]
