"""The small interface every search engine behind ct05 implements: queries in, hits and facets out.

`index.store.SearchIndex` (Whoosh) implements it; another engine (OpenSearch) could sit behind the
same types later. The web UI and the CLI only speak these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.facetdefs import shown

#: Facet names, in the order the UI shows them (declared in `index.facetdefs`). Values are stored per
#: article by the index.
FACETS = shown()

SORTS = ("relevance", "newest", "oldest")
#: "topic": only articles about Chỉ thị 05 (topic relevance ≥ nlp.relevance.TOPIC_THRESHOLD); "all": every article.
SCOPES = ("topic", "all")


class QueryError(ValueError):
    """A query or filter the engine cannot run; the message is shown to the user (Vietnamese)."""


@dataclass(kw_only=True, frozen=True)
class SearchQuery:
    """What a user asked for. Empty `text` lists everything (newest first unless sorted otherwise)."""

    text: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (facet, selected values): OR within, AND across
    date_from: str | None = None  # ISO date "2020-01-01" inclusive
    date_to: str | None = None  # ISO date inclusive
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: tuple[str, ...] = FACETS  # which facet counts to compute
    facet_limit: int = 30
    collapse: bool = True  # fold republications of one story into one hit
    scope: str = "topic"  # one of SCOPES: applied to hits and every facet count alike

    def selected(self, facet: str) -> tuple[str, ...]:
        for name, values in self.filters:
            if name == facet:
                return values
        return ()


@dataclass(kw_only=True, frozen=True)
class Hit:
    """One result: enough to render a result row without touching the archive."""

    id: str
    url: str
    title: str
    source: str
    province: str | None
    province_2025: str | None
    published: str | None
    snippet: str  # HTML: text escaped, matches wrapped in <mark>
    score: float = 0.0
    models: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    republications: int = 0  # other copies of the same story folded into this hit
    summary: str = ""  # 2–3 sentences that say what the story is (computed by the NLP stage)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "url": self.url, "title": self.title, "source": self.source,
            "province": self.province, "province_2025": self.province_2025, "published": self.published,
            "snippet": self.snippet, "score": round(self.score, 4), "models": list(self.models),
            "themes": list(self.themes), "republications": self.republications, "summary": self.summary,
        }


@dataclass(kw_only=True, frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass(kw_only=True, frozen=True)
class Chip:
    """A filter recognised in the query's words ("Nghệ An", "2020", a known model), offered to the user.

    Applying it means searching `query` (the text with the recognised words taken out, or kept for a
    model) with `value` added to facet `facet`; `text` is the words as typed, at `start:end` of the query.
    """

    facet: str
    value: str
    text: str
    start: int
    end: int
    query: str

    def as_dict(self) -> dict[str, object]:
        return {"facet": self.facet, "value": self.value, "text": self.text, "start": self.start,
                "end": self.end, "query": self.query}


@dataclass(kw_only=True)
class SearchResult:
    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean" / diacritics restored, when better than the query
    message: str | None = None  # a note for the user about a query that was repaired
    took_ms: float = 0.0
    chips: list[Chip] = field(default_factory=list)  # filters recognised in the query text, not applied yet
    outside_scope: int = 0  # stories matching the query that the topic scope left out

    def as_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "hits": [h.as_dict() for h in self.hits],
            "facets": {
                name: [{"value": v.value, "count": v.count} for v in values]
                for name, values in self.facets.items()
            },
            "suggestion": self.suggestion,
            "message": self.message,
            "took_ms": round(self.took_ms, 1),
            "chips": [c.as_dict() for c in self.chips],
            "outside_scope": self.outside_scope,
        }
