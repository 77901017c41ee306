"""Storing articles in the archive as they come, in small batches. The spider calls it directly: Scrapy's
item path cost the reactor thread more per page than the store itself.

A crash loses at most one batch; the next crawl fetches those articles again because their URLs are
not in the archive yet.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter

from crawler.archive import ArchiveError
from crawler.article import Article
from crawler.runs import save_run

log = logging.getLogger(__name__)
BATCH_SIZE = 25


class ArchiveWriter:
    """Collects the spider's articles and writes them with `Archive.upsert_many`, in batches."""

    def __init__(self, spider: Any) -> None:
        self.spider = spider
        self.batch: list[Article] = []
        self.minhash: dict[str, bytes] = {}  # signature bytes by URL, from the extraction step
        self.stored: set[str] = set()  # URLs written in this run: a re-fetched copy is not stored twice
        self.error: str | None = None  # why the archive refused a batch (full or read-only disk)

    def add(self, article: Article, minhash: bytes | None) -> None:
        if article.url in self.stored:
            self.spider.stats.site(article.source).bump("unchanged")
            return
        self.stored.add(article.url)
        self.batch.append(article)
        if isinstance(minhash, bytes):
            self.minhash[article.url] = minhash
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        """Write the pending batch and the run's running statistics."""
        if not self.batch:
            return
        spider = self.spider
        batch, self.batch = self.batch, []
        if self.error is not None:
            return
        try:
            outcomes = spider.archive.upsert_many(batch)
        except ArchiveError as exc:
            # Stop the crawl rather than fetch pages that cannot be stored; the run is not "finished",
            # so no sitemap date moves on and the next crawl fetches these articles again.
            self.error = str(exc)
            log.error("%s", exc)
            from scrapy.utils.defer import deferred_from_coro

            engine = getattr(getattr(spider, "crawler", None), "engine", None)
            if engine is not None and engine.spider is not None:
                deferred_from_coro(engine.close_spider_async(reason="archive_error"))
            return
        for article, outcome in zip(batch, outcomes, strict=True):
            spider.stats.site(article.source).bump(outcome)
            sig = self.minhash.pop(article.url, None)
            if outcome != "unchanged":
                spider.new_ids.append(article.id)
                if sig is not None:
                    spider.signatures[article.id] = (article.content_hash, sig)
        if spider.run_id:
            save_run(spider.archive, spider.stats.record())
        log.info("stored %d articles (%s)", len(batch), ", ".join(sorted(set(outcomes))))


class QuietLogFormatter(LogFormatter):
    """No per-page "Crawled" / "Scraped" records: they are DEBUG lines the INFO log file drops anyway,
    but each was still built (a LogRecord and the item's repr) for every page."""

    def crawled(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        return None

    def scraped(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        return None
