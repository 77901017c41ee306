"""The JOBDIR request queues, kept open while the crawl runs.

Scrapy's default priority queue (`DownloaderAwarePriorityQueue`, one `ScrapyPriorityQueue` per download
slot, one disk queue per priority) closes a disk queue the moment it is empty and deletes its file and
the slot's directory; the next request for that slot and priority creates them again. On a crawl whose
downloads keep pace with discovery the queues empty all the time: about one mkdir, file open, unlink
and rmdir per request on the reactor thread (profiled: ~1,000 of each for 2,080 pages, rmdir alone
several seconds on a busy disk). Here an emptied queue stays open for the next request instead.

Each (slot, priority) queue also keeps its most recent requests in memory (`HeldLifoDiskQueue`) and
writes them to Scrapy's disk queue only past `HELD_REQUESTS` of them or when the crawl closes: a request
is no longer turned into a dict, pickled, written, read back and rebuilt on its way through the
scheduler. What a closed crawl leaves in the JOBDIR is what Scrapy's queues leave, in the same order. A
crawl killed with SIGKILL loses the held requests, as it loses Scrapy's queue index: its queues are
dropped on resume anyway (`crawler.settings.repair_job_dir`) and the crawl rediscovers from its sitemaps.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.pqueues import DownloaderAwarePriorityQueue, QueueProtocol, ScrapyPriorityQueue, _path_safe
from scrapy.squeues import PickleLifoDiskQueue

log = logging.getLogger(__name__)
#: Requests a queue holds in memory before it writes its oldest half to disk.
HELD_REQUESTS = 4096


class HeldLifoDiskQueue:
    """Scrapy's `PickleLifoDiskQueue` (set as `SCHEDULER_DISK_QUEUE`) with the top of the stack in memory.

    The stack is the disk queue (bottom, oldest) then `held` (top, newest): pops take from `held` first,
    and when `held` is full its oldest half goes onto the disk queue, so the order is Scrapy's LIFO order.
    """

    def __init__(self, crawler: Crawler, key: str) -> None:
        self.crawler, self.key = crawler, key
        self.held: list[Request] = []
        # What a closed crawl left here (resume): read from disk as the stack empties.
        self.disk: Any = PickleLifoDiskQueue(crawler, key) if Path(key).exists() else None

    @classmethod
    def from_crawler(cls, crawler: Crawler, key: str, *args: Any, **kwargs: Any) -> HeldLifoDiskQueue:
        return cls(crawler, key)

    def _spill(self, requests: list[Request]) -> list[Request]:
        """Push requests onto the disk queue; those that cannot be serialised are returned."""
        if self.disk is None:
            self.disk = PickleLifoDiskQueue(self.crawler, self.key)
        kept = []
        for request in requests:
            try:
                self.disk.push(request)
            except ValueError:  # Scrapy's scheduler keeps such a request in memory too
                kept.append(request)
        return kept

    def push(self, request: Request) -> None:
        self.held.append(request)
        if len(self.held) >= HELD_REQUESTS:
            half = HELD_REQUESTS // 2
            self.held[:half] = self._spill(self.held[:half])

    def pop(self) -> Request | None:
        if self.held:
            return self.held.pop()
        return self.disk.pop() if self.disk is not None else None

    def peek(self) -> Request | None:
        if self.held:
            return self.held[-1]
        return self.disk.peek() if self.disk is not None else None

    def __len__(self) -> int:
        return len(self.held) + (len(self.disk) if self.disk is not None else 0)

    def close(self) -> None:
        held, self.held = self.held, []
        lost = self._spill(held) if held else []
        if lost:
            log.warning("%d requests could not be written to the JOBDIR (not serialisable)", len(lost))
        if self.disk is not None:
            self.disk.close()  # an empty disk queue removes its file


class _Held:
    """A disk queue whose `close` parks it in its owner (for the next request of that priority) until
    the owner itself closes."""

    __slots__ = ("key", "owner", "queue")

    def __init__(self, queue: QueueProtocol, owner: KeptPriorityQueue, key: int) -> None:
        self.queue, self.owner, self.key = queue, owner, key

    def push(self, request: Request) -> None:
        self.queue.push(request)

    def pop(self) -> Request | None:
        return self.queue.pop()

    def peek(self) -> Request | None:
        return self.queue.peek()  # type: ignore[attr-defined,no-any-return]

    def __len__(self) -> int:
        return len(self.queue)

    def close(self) -> None:
        if self.owner.closing:
            self.queue.close()
        else:
            self.owner.parked[self.key] = self


class KeptPriorityQueue(ScrapyPriorityQueue):
    """`ScrapyPriorityQueue` that keeps an emptied disk queue open for the next request of its priority."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.parked: dict[int, _Held] = {}
        self.closing = False
        super().__init__(*args, **kwargs)

    def qfactory(self, key: int) -> QueueProtocol:
        held = self.parked.pop(key, None)
        return held if held is not None else _Held(super().qfactory(key), self, key)

    def close(self) -> list[int]:
        self.closing = True
        active = super().close()  # the non-empty queues: their priorities go to the JOBDIR, as Scrapy's
        for held in self.parked.values():
            held.queue.close()  # empty: the disk queue removes its file
        self.parked.clear()
        return active


class KeptQueues(DownloaderAwarePriorityQueue):
    """`DownloaderAwarePriorityQueue` whose per-slot queues stay open when empty (set as
    `SCHEDULER_PRIORITY_QUEUE`): the slot with the fewest active downloads among those with requests
    is served first, as in Scrapy's."""

    def pqfactory(self, slot: str, startprios: Any = ()) -> ScrapyPriorityQueue:
        return KeptPriorityQueue(self.crawler, self.downstream_queue_cls, self.key + "/" + _path_safe(slot),
                                 startprios, start_queue_cls=self._start_queue_cls)

    def _waiting(self) -> list[str]:
        return [slot for slot, queue in self.pqueues.items() if len(queue)]

    def pop(self) -> Request | None:
        stats = self._downloader_interface.stats(self._waiting())
        if not stats:
            return None
        return self.pqueues[self._next_slot(stats, update_state=True)].pop()

    def peek(self) -> Request | None:
        stats = self._downloader_interface.stats(self._waiting())
        if not stats:
            return None
        return self.pqueues[self._next_slot(stats, update_state=False)].peek()

    def close(self) -> dict[str, list[int]]:
        active = {slot: queue.close() for slot, queue in self.pqueues.items()}
        self.pqueues.clear()
        if self.key:
            for slot, prios in active.items():
                if not prios:  # as Scrapy does for a slot it empties: its directory goes
                    with suppress(OSError):
                        Path(self.key, _path_safe(slot)).rmdir()
        return {slot: prios for slot, prios in active.items() if prios}
