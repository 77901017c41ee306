"""The NLP stage over the archive: enrich every article not processed by this NLP version, in batches."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from crawler.archive import Archive
from nlp.enrich import NLP_VERSION, enrich_many


@dataclass
class ProcessReport:
    """What one pass of the NLP stage did."""

    done: int = 0
    skipped: int = 0  # unchanged since the last pass
    seconds: float = 0.0

    def summary(self) -> str:
        return f"processed {self.done} articles, skipped {self.skipped} unchanged, in {self.seconds:.1f}s"


def pending(archive: Archive) -> int:
    """Articles waiting for the NLP stage (new, changed, or processed by an older NLP version)."""
    return archive.count_unprocessed(NLP_VERSION)


def process_archive(archive: Archive, *, workers: int | None = None, batch: int = 200,
                    on_batch: Callable[[int], None] | None = None) -> ProcessReport:
    """Enrich the pending articles and save them `batch` at a time; `on_batch(n)` after each save."""
    todo, total = pending(archive), archive.count()
    start = time.perf_counter()
    report = ProcessReport(skipped=total - todo)
    waiting = []
    for article in enrich_many(archive.unprocessed(NLP_VERSION), workers=workers):
        waiting.append(article)
        if len(waiting) >= batch:
            report.done += archive.save_enriched(waiting)
            if on_batch:
                on_batch(len(waiting))
            waiting = []
    if waiting:
        report.done += archive.save_enriched(waiting)
        if on_batch:
            on_batch(len(waiting))
    report.seconds = time.perf_counter() - start
    return report
