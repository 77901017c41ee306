"""The NLP stage: one `Article` in, the same article with its `Enrichment` out."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

from crawler.article import Article, Enrichment
from nlp.documents import extract_documents
from nlp.models import extract_models
from nlp.normalize import normalize
from nlp.organizations import extract_organizations
from nlp.persons import extract_persons
from nlp.provinces import detect_provinces
from nlp.relevance import relevance
from nlp.segment import word_tokenize_batch
from nlp.summary import summarize
from nlp.themes import detect_themes

__all__ = ["NLP_VERSION", "enrich", "enrich_many"]

#: Bump when any rule or data file changes the output: archived enrichments of another version are redone.
NLP_VERSION = "nlp-6"


def enrich(article: Article, *, words: str | None = None) -> Article:
    """The article with `enrichment` filled in (WORDS: its precomputed segmentation, if any).

    >>> a = Article(url="https://baoyenbai.com.vn/1", source="yb", title="Làm theo Bác",
    ...             body="Đảng bộ tỉnh Yên Bái thực hiện Chỉ thị 05-CT/TW với mô hình “Dân vận khéo”.")
    >>> e = enrich(a, words="").enrichment
    >>> e.province, e.province_2025, [m.name for m in e.models], e.relevance > 0.5
    ('Yên Bái', 'Lào Cai', ['Dân vận khéo'], True)
    """
    title, body = normalize(article.title), normalize(article.body)
    text = f"{title}\n\n{body}"
    documents = extract_documents(text)
    main, main_2025, provinces = detect_provinces(text, article.source_province, article.dateline)
    if words is None:
        words = word_tokenize_batch([text])[0]
    models = tuple(extract_models(text))
    enrichment = Enrichment(
        province=main,
        province_2025=main_2025,
        provinces=tuple(provinces),
        models=models,
        persons=tuple(extract_persons(body)),
        organizations=tuple(extract_organizations(text)),
        documents=tuple(documents),
        themes=tuple(detect_themes(body, title)),
        relevance=relevance(title, body, documents),
        summary=summarize(title, body, [m.name for m in models]),
        words=words,
        version=NLP_VERSION,
    )
    return article.replace(enrichment=enrichment)


def _enrich_chunk(articles: list[Article]) -> list[Article]:
    words = word_tokenize_batch(f"{a.title}\n\n{a.body}" for a in articles)
    return [enrich(a, words=w) for a, w in zip(articles, words, strict=True)]


def enrich_many(articles: Iterable[Article], workers: int | None = None, chunk: int = 32) -> Iterator[Article]:
    """Enrich many articles, in input order, segmenting in batches; WORKERS > 1 uses a process pool.

    WORKERS defaults to the number of CPUs (segmentation is CPU-bound and holds the GIL).
    """
    workers = workers or os.cpu_count() or 1
    it = iter(articles)
    chunks = iter(lambda: list(islice(it, chunk)), [])
    if workers <= 1:
        for c in chunks:
            yield from _enrich_chunk(c)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # Bounded look-ahead: at most 2 chunks per worker in flight, so memory stays flat on big archives.
        pending = []
        for c in chunks:
            pending.append(pool.submit(_enrich_chunk, c))
            if len(pending) >= 2 * workers:
                yield from pending.pop(0).result()
        for f in pending:
            yield from f.result()
