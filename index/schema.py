"""The Whoosh schema and the mapping from an `Article` to one index document."""

from __future__ import annotations

from typing import Any

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from crawler.article import Article
from index import docrefs
from index.analysis import SEP, exact_analyzer, folded_analyzer, pairs_analyzer, values_analyzer, words_analyzer
from index.facetdefs import FACET_DEFS
from nlp.relevance import relevance

#: Facet fields: one indexed, stored field per facet (`index.facetdefs.FACET_DEFS`), values joined with SEP.
FACET_FIELDS = tuple(f.name for f in FACET_DEFS)
#: How much of a body is kept for snippets; longer bodies are still indexed whole.
STORED_BODY_CHARS = 20_000
#: Bumped when documents change shape: an index of another version is rebuilt by `sync_index`
#: (3: the per-document topic relevance column; one docs key per mention; 4: model_done, the models an
#: article says were carried out, not only mentioned; the stored extractive summary).
SCHEMA_VERSION = "4"


def make_schema() -> Schema:
    """Exact and folded text fields, the underthesea words field, document keys and facets."""
    facets = {name: TEXT(analyzer=values_analyzer(), phrase=False, stored=True, field_boost=1.0)
              for name in FACET_FIELDS}
    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED(),
        title=TEXT(analyzer=exact_analyzer(), phrase=False, stored=True),
        title_f=TEXT(analyzer=folded_analyzer(), phrase=False),
        body=TEXT(analyzer=exact_analyzer(), phrase=False),
        body_f=TEXT(analyzer=folded_analyzer(), phrase=False),
        title_p=TEXT(analyzer=pairs_analyzer(), phrase=False),
        body_p=TEXT(analyzer=pairs_analyzer(), phrase=False),
        text=STORED(),
        summary=STORED(),
        words=TEXT(analyzer=words_analyzer(), phrase=False),
        docs=TEXT(analyzer=values_analyzer(), phrase=False),
        group=ID(stored=True, sortable=True),
        published=ID(stored=True, sortable=True),
        relevance=COLUMN(NumericColumn("f", default=0.0)),  # topic score in [0, 1], read as an array
        **facets,
    )


def _join(values: Any) -> str:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(str(v).replace(SEP, " ").strip(), None)
    return SEP.join(k for k in seen if k)


def article_to_doc(article: Article) -> dict[str, Any]:
    """The index document for an article; unprocessed articles use their source's province and have
    their topic relevance computed here from the text (the NLP stage stores it for processed ones)."""
    enr = article.enrichment
    documents = tuple(d.name for d in enr.documents) if enr else ()
    published = article.published or ""
    body = article.body
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "title_f": article.title,
        "body": body,
        "body_f": body,
        "title_p": article.title,
        "body_p": body,
        "text": body[:STORED_BODY_CHARS],
        "summary": enr.summary if enr else "",
        "words": enr.words if enr else "",
        "docs": SEP.join(k.replace(SEP, " ") for k in docrefs.article_keys(f"{article.title}\n{body}", documents)),
        "group": article.republication_of or article.id,
        "published": published,
        "relevance": float(enr.relevance) if enr else float(relevance(article.title, body)),
        **{f.name: _join(f.values(article)) for f in FACET_DEFS},
    }


def split_values(stored: str | None) -> tuple[str, ...]:
    """Stored facet values back to a tuple."""
    return tuple(v for v in (stored or "").split(SEP) if v)
