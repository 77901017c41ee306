"""A one-line progress display on stderr while a crawl runs (the details go to the log file)."""

from __future__ import annotations

import sys
import time

from crawler.stats import CrawlStats


class ProgressLine:
    """Rewrites one terminal line every half second with the crawl's running totals."""

    def __init__(self, stats: CrawlStats, enabled: bool = True, interval: float = 0.5) -> None:
        self.stats = stats
        self.enabled = enabled
        self.interval = interval
        self.started = time.perf_counter()
        self._loop = None

    def start(self) -> None:
        if not self.enabled:
            return
        from twisted.internet import task

        self._loop = task.LoopingCall(self.show)
        self._loop.start(self.interval, now=True)

    def show(self) -> None:
        t = self.stats.totals
        elapsed = time.perf_counter() - self.started
        line = (f"\rcrawling: {t['pages']} pages ({t['pages'] / max(elapsed, 1e-6):.0f}/s), {t['new']} new, "
                f"{t['updated']} updated, {t['skipped']} known, {t['failed']} failed  ")
        sys.stderr.write(line)
        sys.stderr.flush()

    def stop(self) -> None:
        if self._loop is not None:
            if self._loop.running:
                self._loop.stop()
            self.show()
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._loop = None
