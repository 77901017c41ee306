"""The JOBDIR queues (crawler/queues.py) hand out requests in Scrapy's own order, across a close and a
resume, whether the requests were held in memory or written to disk."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import scrapy
from scrapy.pqueues import ScrapyPriorityQueue
from scrapy.squeues import PickleLifoDiskQueue
from scrapy.utils.test import get_crawler

import crawler.queues
from crawler.queues import HeldLifoDiskQueue, KeptPriorityQueue


class _Spider(scrapy.Spider):
    name = "queues"


def _run(queue_cls: type, downstream: type, key: Path, seed: int) -> list[str]:
    """Push and pop at random over three priorities, close half-way, reopen from the JOBDIR state,
    and pop the rest: the URLs in the order they came out."""
    crawler = _crawler()
    rng = random.Random(seed)
    queue = queue_cls(crawler, downstream, str(key))
    out: list[str] = []
    n = 0
    for _ in range(300):
        if rng.random() < 0.6:
            queue.push(scrapy.Request(f"http://example.org/{n}", priority=rng.choice((0, 10, 30))))
            n += 1
        elif (request := queue.pop()) is not None:
            out.append(request.url)
    active = queue.close()
    out.append("-- closed --")
    queue = queue_cls(_crawler(), downstream, str(key), active)
    while (request := queue.pop()) is not None:
        out.append(request.url)
    queue.close()
    return out


def _crawler() -> scrapy.crawler.Crawler:
    crawler = get_crawler(_Spider)
    crawler.spider = _Spider()
    return crawler


@pytest.mark.parametrize("held", [4096, 4])
def test_held_and_kept_queues_keep_scrapys_order_across_a_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 held: int) -> None:
    monkeypatch.setattr(crawler.queues, "HELD_REQUESTS", held)  # 4: most requests go through the disk
    for seed in range(3):
        ours = _run(KeptPriorityQueue, HeldLifoDiskQueue, tmp_path / f"ours-{held}-{seed}", seed)
        scrapys = _run(ScrapyPriorityQueue, PickleLifoDiskQueue, tmp_path / f"scrapy-{held}-{seed}", seed)
        assert ours == scrapys
        assert len(ours) > 100


def test_a_closed_held_queue_is_on_disk_and_an_empty_one_leaves_no_file(tmp_path: Path) -> None:
    queue = HeldLifoDiskQueue(_crawler(), str(tmp_path / "q"))
    for n in range(3):
        queue.push(scrapy.Request(f"http://example.org/{n}"))
    assert not (tmp_path / "q").exists()  # held in memory while the crawl runs
    queue.close()
    assert (tmp_path / "q").exists()
    again = HeldLifoDiskQueue(_crawler(), str(tmp_path / "q"))
    assert len(again) == 3
    assert [again.pop().url for _ in range(3)] == [f"http://example.org/{n}" for n in (2, 1, 0)]  # type: ignore[union-attr]
    again.close()
    assert not (tmp_path / "q").exists()
