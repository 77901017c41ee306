"""The JOBDIR request queues, kept open while the crawl runs.

Scrapy's default priority queue (`DownloaderAwarePriorityQueue`, one `ScrapyPriorityQueue` per download
slot, one disk queue per priority) closes a disk queue the moment it is empty and deletes its file and
the slot's directory; the next request for that slot and priority creates them again. On a crawl whose
downloads keep pace with discovery the queues empty all the time: about one mkdir, file open, unlink
and rmdir per request on the reactor thread (profiled: ~1,000 of each for 2,080 pages, rmdir alone
several seconds on a busy disk). Here an emptied queue stays open for the next request instead; what
is written to the JOBDIR at close, and so what a resumed crawl reads, is the same as Scrapy's.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.pqueues import DownloaderAwarePriorityQueue, QueueProtocol, ScrapyPriorityQueue, _path_safe


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
