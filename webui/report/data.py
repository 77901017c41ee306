"""The report as data: every figure comes from `SearchIndex.search` with the page's own `SearchQuery`.

`build_report(idx, archive, query)` returns a plain JSON-able dict that the page, the printable view, the
Word document and the CLI all render, so they cannot disagree with each other or with the search page:
the headline total is the search page's total, each province row is its facet count, the months are the
timeline's counts. What the index does not hold (whether a model was carried out or only named, people and
units, phrases) is read from the archive for a bounded sample of the result set, and the report says so.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import datetime
from typing import Any

from crawler.archive import Archive
from crawler.article import Article
from index.facets import UNKNOWN
from index.types import FACETS, FacetValue, SearchQuery, SearchResult
from nlp.collation import vi_key
from nlp.model_grammar import IMPLEMENTED
from webui.charts import MILESTONES, fill_months
from webui.helpers import source_name
from webui.phrases import phrase_counts

#: Articles read from the archive for people, units, phrases (the newest of the result set).
SAMPLE = 2000
#: Stories of one model read to see where it was carried out.
MODEL_SAMPLE = 200
TOP_MODELS = 10
TOP_NAMES = 15
#: Titles of the officials who speak, visit or direct (leaders, ministers, generals, "đồng chí"): a story
#: names them by office, not as examples held up; the report's people held up leave them out.
OFFICIAL_TITLES = ("tổng bí thư", "chủ tịch", "phó chủ tịch", "thủ tướng", "phó thủ tướng", "bộ trưởng",
                   "thứ trưởng", "bí thư", "phó bí thư", "trưởng ban", "phó trưởng ban", "tổng thống", "giám đốc",
                   "phó giám đốc", "đại tướng", "thượng tướng", "trung tướng", "thiếu tướng", "ủy viên",
                   "đồng chí", "chủ nhiệm", "cục trưởng", "vụ trưởng", "chánh", "trưởng phòng", "thường trực")
FACET_TITLES = {"province": "Tỉnh, thành (trước 1/7/2025)", "province_2025": "Tỉnh, thành (sau 1/7/2025)",
                "model": "Mô hình", "theme": "Chủ đề", "document": "Văn bản", "year": "Năm", "source": "Nguồn",
                "month": "Tháng"}
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»)]?\s+(?=[\"“«(]?[A-ZÀ-Ỹ0-9Đ])")


def era_facet(era: str) -> str:
    """`province` (63 provinces, at publication time) or `province_2025` (34, after the 2025 merger)."""
    return "province_2025" if era in ("2025", "34") else "province"


def lead_summary(body: str, sentences: int = 2, max_chars: int = 360) -> str:
    """The story's short summary: its first sentences (an extractive stand-in until stories carry one)."""
    first = next((p.strip() for p in body.split("\n\n") if len(p.strip()) > 40), body.strip())
    parts = _SENTENCE_END.split(" ".join(first.split()))
    out = ""
    for part in parts[:sentences]:
        if out and len(out) + len(part) + 1 > max_chars:
            break
        out = f"{out} {part}".strip()
    if len(out) > max_chars:
        cut = out[:max_chars].rsplit(" ", 1)[0]
        out = cut.rstrip(",;:") + " …"
    return out


def _values(result: SearchResult, facet: str, query: SearchQuery | None = None) -> list[FacetValue]:
    """A facet's values within the result set. The search page counts a filtered facet disjunctively (its
    other values as if added to the filter); in a report only the selected values are in the result set."""
    values = [v for v in result.facets.get(facet, []) if v.value != UNKNOWN]  # the report counts it apart
    chosen = query.selected(facet) if query is not None else ()
    return [v for v in values if v.value in chosen and v.count] if chosen else values


def _with(query: SearchQuery, facet: str, values: tuple[str, ...]) -> SearchQuery:
    filters = tuple(f for f in query.filters if f[0] != facet) + ((facet, values),)
    return dataclasses.replace(query, filters=filters)


def _count_only(query: SearchQuery, **changes: Any) -> SearchQuery:
    return dataclasses.replace(query, page=1, per_page=1, facets=(), **changes)


def build_report(idx: Any, archive: Archive, query: SearchQuery, *, era: str = "", sample: int = SAMPLE,
                 top_models: int = TOP_MODELS, now: datetime | None = None) -> dict[str, Any]:
    """The report for `query` (its text, filters, dates and scope; page and sort ignored)."""
    facet = era_facet(era)
    base = dataclasses.replace(query, page=1, per_page=1, sort="newest" if not query.text else query.sort,
                               collapse=True)
    # The search page's own query: total and every facet (collapsed: republications counted once).
    main = idx.search(dataclasses.replace(base, facets=(*FACETS, "month"), facet_limit=0))
    copies = idx.search(dataclasses.replace(base, collapse=False, facets=(facet,), facet_limit=0))
    provinces = _province_table(idx, base, main, copies, facet)
    picked = {name: _values(main, name, base) for name in (*FACETS, "month")}
    months = _months(idx, base, main)
    reader = _Reader(archive)
    models = [_model(idx, reader, base, v, facet) for v in picked["model"][:top_models]]
    people = _sample(idx, reader, base, sample)
    headline = {
        "stories": copies.total, "unique": main.total, "republications": copies.total - main.total,
        "sources": len(picked["source"]), "provinces": len(picked[facet]), "models": len(picked["model"]),
        "undated": months["undated"], "unplaced": provinces["unknown"]["unique"],
    }
    return {
        "generated": (now or datetime.now()).isoformat(timespec="minutes"),
        "scope": describe(query, facet),
        "query": {"text": query.text, "filters": [[k, list(v)] for k, v in query.filters], "scope": query.scope,
                  "date_from": query.date_from, "date_to": query.date_to, "era": "2025" if facet == "province_2025"
                  else "2016"},
        "headline": headline,
        "months": months,
        "provinces": provinces,
        "models": models,
        "themes": [{"name": v.value, "count": v.count} for v in picked["theme"][:TOP_NAMES]],
        "documents": [{"name": v.value, "count": v.count} for v in picked["document"][:TOP_NAMES]],
        "sources": [{"name": v.value, "count": v.count} for v in picked["source"][:TOP_NAMES]],
        **people,
    }


def describe(query: SearchQuery, facet: str) -> dict[str, Any]:
    """The scope in words, for the document's heading and its first section."""
    def dmy(iso: str) -> str:
        return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"

    parts = []
    for name, values in query.filters:
        parts.append(f"{FACET_TITLES.get(name, name)}: {', '.join(values)}")
    if query.text:
        parts.append(f"Từ khóa: “{query.text}”")
    if query.date_from and query.date_to:
        period = f"từ ngày {dmy(query.date_from)} đến ngày {dmy(query.date_to)}"
    elif query.date_from:
        period = f"từ ngày {dmy(query.date_from)} đến nay"  # an open period, as a report writes it
    elif query.date_to:
        period = f"đến ngày {dmy(query.date_to)}"
    else:
        period = "toàn bộ thời gian lưu trữ"
    places = dict(query.filters).get(facet) or dict(query.filters).get("province") \
        or dict(query.filters).get("province_2025")
    return {
        "period": period,
        "place": ", ".join(places) if places else "các tỉnh, thành trong lưu trữ",
        "topic": query.scope == "topic",
        "scope_label": "chỉ bài về Chỉ thị 05" if query.scope == "topic" else "tất cả bài trong lưu trữ",
        "conditions": parts,
        "era_label": "34 tỉnh, thành sau sắp xếp 1/7/2025" if facet == "province_2025"
        else "63 tỉnh, thành trước 1/7/2025",
    }


def _province_table(idx: Any, base: SearchQuery, main: SearchResult, copies: SearchResult,
                    facet: str) -> dict[str, Any]:
    """One row per province (stories and articles), "Không rõ" for the stories no province was found for.

    An article has at most one province, so the article column adds up to the article total exactly; a
    story republished in two provinces counts once in each, and `overlap` says by how much that column
    exceeds the story total.
    """
    unique = {v.value: v.count for v in _values(main, facet, base)}
    articles = {v.value: v.count for v in _values(copies, facet, base)}
    placed = idx.search(_count_only(_with(base, facet, tuple(unique)))).total if unique else 0
    rows = [{"name": name, "unique": count, "articles": articles.get(name, 0)}
            for name, count in sorted(unique.items(), key=lambda kv: (-kv[1], vi_key(kv[0])))]
    unknown = {"name": UNKNOWN, "unique": main.total - placed,
               "articles": copies.total - sum(articles.values())}
    return {
        "facet": facet, "rows": rows, "unknown": unknown,
        "total": {"unique": main.total, "articles": copies.total},
        "overlap": sum(unique.values()) + unknown["unique"] - main.total,
    }


def _months(idx: Any, base: SearchQuery, main: SearchResult) -> dict[str, Any]:
    """Stories per month (the timeline's counts) with the milestones; undated stories counted apart."""
    counts = {v.value: v.count for v in _values(main, "month", base)}
    # A period's months all show, the empty ones too (a year report has twelve bars).
    first = base.date_from[:7] if base.date_from else None
    last = base.date_to[:7] if base.date_to else None
    series = fill_months(counts, first, last)
    # Undated stories match no period: count them in the same scope with the period left out.
    undated_base = dataclasses.replace(base, date_from=None, date_to=None)
    every = idx.search(dataclasses.replace(undated_base, facets=("month",), facet_limit=0)) \
        if (base.date_from or base.date_to) else main
    all_months = tuple(v.value for v in _values(every, "month"))
    dated = idx.search(_count_only(_with(undated_base, "month", all_months))).total if all_months else 0
    first, last = (series[0][0], series[-1][0]) if series else ("", "")
    return {
        "series": [[m, c] for m, c in series],
        "years": _years(series),
        "undated": every.total - dated,
        "period_excludes_undated": bool(base.date_from or base.date_to),
        "milestones": [{"date": d, "label": label, "in_range": bool(series) and first <= d[:7] <= last}
                       for d, label in MILESTONES],
        "peak": max(series, key=lambda mc: mc[1]) if series else None,
    }


def _years(series: list[tuple[str, int]]) -> list[list[Any]]:
    per_year: Counter[str] = Counter()
    for month, count in series:
        per_year[month[:4]] += count
    return [[y, per_year[y]] for y in sorted(per_year)]


class _Reader:
    """Archive reads, each article once per report."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.cache: dict[str, Article | None] = {}

    def get(self, article_id: str) -> Article | None:
        if article_id not in self.cache:
            self.cache[article_id] = self.archive.get(article_id)
        return self.cache[article_id]


def _hits(idx: Any, query: SearchQuery, limit: int) -> tuple[list[Any], int]:
    """The first `limit` hits of a query (newest first unless it has words), and its total."""
    hits: list[Any] = []
    page, total = 1, 0
    size = min(200, max(1, limit))
    while len(hits) < limit:
        res = idx.search(dataclasses.replace(query, page=page, per_page=size, facets=()))
        total = res.total
        hits.extend(res.hits)
        if not res.hits or page * size >= res.total:
            break
        page += 1
    return hits[:limit], total


def _model(idx: Any, reader: _Reader, base: SearchQuery, value: FacetValue, facet: str) -> dict[str, Any]:
    """A top model: its stories, where it was carried out or only named, and its best stories."""
    hits, total = _hits(idx, _with(base, "model", (value.value,)), MODEL_SAMPLE)
    done: Counter[str] = Counter()
    named: Counter[str] = Counter()
    ranked = []
    for i, hit in enumerate(hits):
        article = reader.get(hit.id)
        entity = None
        if article is not None and article.enrichment is not None:
            entity = next((e for e in article.enrichment.models
                           if e.name == value.value or idx.facet_value("model", e.name) == value.value), None)
        place = (hit.province_2025 if facet == "province_2025" else hit.province) or UNKNOWN
        implemented = entity is not None and entity.kind == IMPLEMENTED
        (done if implemented else named)[place] += 1
        ranked.append(((not implemented, -(entity.count if entity else 0), hit.published is None, i), hit, article))
    ranked.sort(key=lambda r: r[0])
    examples = [_story(hit, article) for _key, hit, article in ranked[:2]]
    return {
        "name": value.value, "count": value.count, "read": len(hits),
        "implemented_in": _places(done), "mentioned_in": _places(named),
        "examples": examples, "total": total,
    }


def _places(counts: Counter[str]) -> list[dict[str, Any]]:
    """Provinces, most stories first, "Không rõ" last: it is no place, and first it read as the main one."""
    order = sorted(counts.items(), key=lambda nc: (nc[0] == UNKNOWN, -nc[1], vi_key(nc[0])))
    return [{"name": n, "count": c} for n, c in order]


def _story(hit: Any, article: Article | None) -> dict[str, Any]:
    return {"id": hit.id, "title": hit.title, "source": hit.source, "source_name": source_name(hit.source),
            "published": hit.published, "url": hit.url,
            "province": hit.province, "summary": _summary(article)}


def _summary(article: Article | None) -> str:
    """The NLP stage's extractive summary (nlp.summary); the lead sentences for an article processed before it."""
    if article is None:
        return ""
    return (article.enrichment.summary if article.enrichment else "") or lead_summary(article.body)


def _sample(idx: Any, reader: _Reader, base: SearchQuery, limit: int) -> dict[str, Any]:
    """People, units and phrases over the newest `limit` stories of the result set (each story once)."""
    hits, total = _hits(idx, base, limit)
    persons: Counter[str] = Counter()
    units: Counter[str] = Counter()
    texts = []
    for hit in hits:
        article = reader.get(hit.id)
        if article is None or article.enrichment is None:
            continue
        e = article.enrichment
        persons.update({p.name for p in e.persons if p.name and not (p.kind or "").lower().startswith(OFFICIAL_TITLES)})
        units.update({o.name for o in e.organizations if o.name})
        if e.words:
            texts.append(e.words)
    phrases = phrase_counts(texts, 100, sizes=(2, 3))[:TOP_NAMES] if texts else []
    return {
        "people": [{"name": n, "count": c} for n, c in persons.most_common(TOP_NAMES)],
        "units": [{"name": n, "count": c} for n, c in units.most_common(TOP_NAMES)],
        "phrases": [{"name": p["phrase"], "count": p["count"], "articles": p["articles"]} for p in phrases],
        "sample": {"read": len(hits), "of": total, "with_words": len(texts)},
    }
