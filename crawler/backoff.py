"""Retries with exponential back-off: a server answering 503 gets time to recover."""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request

BASE_DELAY = 0.5  # seconds before the first retry; doubled for each further one
MAX_DELAY = 30.0


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting BASE_DELAY * 2**n before the n-th retry goes out."""

    async def _wait(self, request: Request) -> None:
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        tries = int(request.meta.get("retry_times", 0))
        delay = min(MAX_DELAY, float(request.meta.get("retry_backoff", BASE_DELAY)) * 2 ** max(0, tries - 1))
        if tries and delay > 0:
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))  # type: ignore[arg-type]

    async def process_request(self, request: Request) -> Any:  # type: ignore[override]
        await self._wait(request)
        return None
