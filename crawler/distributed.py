"""Distributed crawling with scrapy-redis: several crawler processes share one frontier and one dupefilter.

    python -m crawler.distributed --redis redis://HOST:6379/0 [--flush] --data-dir DIR --site ID ...

takes the same options as `python -m crawler.crawl`. Each process runs the ordinary ct05 spider
with scrapy-redis' scheduler: requests go to a Redis queue any process may pop, and a request's
fingerprint is checked against one Redis set, so an article found by several processes (every one
reads the sitemaps) is fetched by exactly one of them. `--flush` empties the queue and the set
first: run it once per crawl generation (keys persist so a finishing process does not wipe the
frontier of the others).

The spider marks article requests `dont_filter` (a resumed single-machine crawl must refetch
what was in flight when it died); `SharedScheduler` filters articles anyway, since in the shared
mode the Redis set, not the process, decides who fetches what. Known limitation: a process killed
mid-request loses its in-flight requests (their fingerprints are already in the set); the next
crawl generation (after `--flush`) fetches them.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy_redis.scheduler import Scheduler

KEY_PREFIX = "ct05"


class SharedScheduler(Scheduler):
    """scrapy-redis' scheduler that also de-duplicates article requests marked `dont_filter`, and lists
    its process in the Redis hash `CT05_WORKERS_KEY` while it is open (`workers()` reads it)."""

    _worker: str | None = None
    _workers_key: str | None = None

    def open(self, spider: Any) -> Any:
        result = super().open(spider)
        self._workers_key = spider.crawler.settings.get("CT05_WORKERS_KEY")
        if self._workers_key:
            self._worker = f"{socket.gethostname()}:{os.getpid()}"
            started = datetime.now(UTC).replace(microsecond=0).isoformat()
            self.server.hset(self._workers_key, self._worker, json.dumps({"started": started}))
        return result

    def close(self, reason: str) -> Any:
        if self._workers_key and self._worker:
            self.server.hdel(self._workers_key, self._worker)
        return super().close(reason)

    def enqueue_request(self, request: Any) -> bool:
        if request.dont_filter and request.meta.get("kind") == "article" and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        return bool(super().enqueue_request(request))


def redis_settings(redis_url: str, prefix: str = KEY_PREFIX) -> dict[str, Any]:
    """The Scrapy settings that switch a crawl to the shared Redis frontier."""
    return {
        "SCHEDULER": f"{__name__}.SharedScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": redis_url,
        # Persist: without it the first process to finish would delete the others' frontier.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        # A process waits this long on an empty queue, so a peer still parsing a sitemap can feed it.
        "SCHEDULER_IDLE_BEFORE_CLOSE": 2,
        "CT05_WORKERS_KEY": f"{prefix}:workers",
    }


def workers(redis_url: str, prefix: str = KEY_PREFIX) -> dict[str, dict[str, Any]]:
    """The worker processes crawling now: "host:pid" → {"started": ISO time}."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        raw = client.hgetall(f"{prefix}:workers")
    finally:
        client.close()
    return {k.decode(): json.loads(v) for k, v in raw.items()}


def flush(redis_url: str, prefix: str = KEY_PREFIX) -> int:
    """Delete the shared queue and fingerprint set; return how many keys went."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        return int(client.delete(*keys)) if keys else 0
    finally:
        client.close()


def crawl_shared(*, redis_url: str, **kwargs: Any) -> Any:
    """`crawler.crawl.crawl_sites(**kwargs)` with the Redis scheduler and dupefilter (once per process)."""
    import inspect

    from crawler import crawl

    extra = redis_settings(redis_url)
    if "settings" in inspect.signature(crawl.crawl_sites).parameters:
        return crawl.crawl_sites(settings=extra, **kwargs)
    # crawl_sites has no settings hook yet: extend its settings builder in this (child) process only.
    build = crawl.scrapy_settings

    def with_redis(*args: Any, **kw: Any) -> dict[str, Any]:
        return {**build(*args, **kw), **extra}

    crawl.scrapy_settings = with_redis  # type: ignore[assignment]
    try:
        return crawl.crawl_sites(**kwargs)
    finally:
        crawl.scrapy_settings = build  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    """`python -m crawler.distributed`: one worker of a shared crawl; prints the stats as JSON."""
    import argparse
    import json

    from crawler.errors import CrawlError

    parser = argparse.ArgumentParser(prog="python -m crawler.distributed")
    parser.add_argument("--redis", required=True, metavar="URL", help="redis://host:port/db of the shared frontier")
    parser.add_argument("--flush", action="store_true", help="empty the shared frontier first")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--site", action="append", dest="sites")
    parser.add_argument("--base-url", action="append", default=[])
    parser.add_argument("--no-polite", action="store_true")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.flush:
        flush(args.redis)
    base_urls = dict(item.split("=", 1) for item in args.base_url)
    try:
        stats = crawl_shared(redis_url=args.redis, data_dir=args.data_dir, site_ids=args.sites, base_urls=base_urls,
                             polite=not args.no_polite, progress=not args.no_progress)
    except CrawlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(stats.as_dict(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
