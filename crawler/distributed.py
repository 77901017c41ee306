"""Distributed crawling with scrapy-redis: several crawler processes share one frontier and one dupefilter.

    python -m crawler.crawl --redis redis://HOST:6379/0 [--flush] --data-dir DIR --site ID ...

is one worker (`ct05 crawl --redis` the same through the CLI). Each process runs the ordinary ct05 spider
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
from datetime import UTC, datetime
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
    from crawler.crawl import crawl_sites

    return crawl_sites(settings=redis_settings(redis_url), **kwargs)
