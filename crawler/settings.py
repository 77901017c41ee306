"""Scrapy settings for a crawl: politeness per site, limits, logging to data_dir/logs."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path
from typing import Any

from crawler import __name__ as _pkg
from crawler.sites import Site

USER_AGENT = "ct05-crawler/0.1 (+https://github.com/ct05/ct05; news archive research; polite)"
MAX_PAGE_BYTES = 8 * 1024 * 1024  # no news article is larger; a bigger response is a broken page


def job_dir(data_dir: Path, origins: dict[str, str]) -> Path:
    """Scrapy JOBDIR for this set of sites and addresses (a resumed crawl must use the same one)."""
    key = hashlib.sha1(repr(sorted(origins.items())).encode()).hexdigest()[:12]
    return data_dir / "jobs" / f"crawl-{key}"


#: Written into the JOBDIR by a crawl that closed (finished, stopped, failed) rather than died.
CLOSED_MARK = "ct05-closed"


def mark_closed(jobdir: Path) -> None:
    """Note that Scrapy closed this JOBDIR's request queues (they hold their record counts and index)."""
    if jobdir.is_dir():
        (jobdir / CLOSED_MARK).touch()


def repair_job_dir(jobdir: Path) -> bool:
    """Make a JOBDIR safe to resume; True when its request queues were dropped.

    Scrapy writes the queue index (`requests.queue/active.json`) and each disk queue's record count
    only when it closes; after SIGKILL the queue files are orphaned or torn, and a resumed scheduler
    may crash on them. So the queues are kept only when the last crawl closed them (`CLOSED_MARK`)
    and dropped otherwise, without reading queuelib's private file format. Dropping them loses nothing:
    a resumed crawl rediscovers from its sitemaps and listings, article requests bypass the seen-set,
    and the archive skips what it already stored. `requests.seen` and the spider state stay.
    """
    mark = jobdir / CLOSED_MARK
    closed = mark.exists()
    mark.unlink(missing_ok=True)  # this crawl may die in its turn
    queues = jobdir / "requests.queue"
    if closed or not queues.is_dir():
        return False
    shutil.rmtree(queues, ignore_errors=True)
    return True


def crawl_log_name(sites: list[Site], run_id: int | None) -> str:
    """`crawl-<site>-<run id>.log`: one file per crawl run, named by what it crawled (a few sites joined with
    "+", more counted), so parallel crawls never share a file and an operator finds a site's runs by name."""
    ids = [s.id for s in sites]
    what = "+".join(ids) if len(ids) <= 3 else f"{ids[0]}+{len(ids) - 1}-more"
    run = str(run_id) if run_id is not None else time.strftime("%Y%m%d-%H%M%S")
    return f"crawl-{what}-{run}.log"


def _base_without(name: str, suffix: str) -> dict[str, int]:
    """Scrapy's default component dict `name` without the entry whose path ends with `suffix`."""
    from scrapy.settings import default_settings

    return {path: order for path, order in getattr(default_settings, name).items() if not path.endswith(suffix)}


def scrapy_settings(data_dir: Path, sites: list[Site], jobdir: Path, polite: bool,
                    run_id: int | None = None) -> dict[str, Any]:
    """The settings dict for `CrawlerProcess`; `run_id` (the archive's run) names the log file."""
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    slots: dict[str, dict[str, Any]] = {}
    for site in sites:
        p = site.politeness
        slots[site.id] = {
            # Impolite mode is for loopback mirrors: a stdlib HTTP server's listen backlog is 5.
            "concurrency": max(1, p.concurrency if polite else 8),
            "delay": p.delay if polite else 0.0,
            "jitter": 0.5 if polite and p.delay else 0.0,
        }
    throttle = polite and any(s.politeness.autothrottle for s in sites)
    return {
        "BOT_NAME": "ct05",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            f"{_pkg}.backoff.BackoffRetryMiddleware": 550,
        },
        # Scrapy imports every component its *_BASE settings name, even one set to None: the two ours never
        # uses are taken out of the base lists. Cookies are off (COOKIES_ENABLED below): its module imports
        # tldextract and requests (~55 ms of CPU per crawl). The remote control is an HTTP server on localhost
        # that runs any Python code sent to it with the token it writes to the user's profile directory; a
        # crawler of the archive has no use for it, and its module imports aiohttp (~140 ms per crawl).
        "DOWNLOADER_MIDDLEWARES_BASE": _base_without("DOWNLOADER_MIDDLEWARES_BASE", ".CookiesMiddleware"),
        "EXTENSIONS_BASE": _base_without("EXTENSIONS_BASE", ".RemoteControl"),
        "REMOTE_CONTROL_ENABLED": False,
        "DOWNLOAD_SLOTS": slots,
        "CONCURRENT_REQUESTS": 32 if polite else 64,
        # Scrapy runs this many asyncio tasks over each callback's output; the spider's outputs are requests
        # handled synchronously (articles are stored by the spider), so one is enough (the default 100
        # doubled the reactor thread's CPU, measured).
        "CONCURRENT_ITEMS": 1,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2 if polite else 16,
        # The default slot serves robots.txt; it paces like the most patient chosen site.
        "DOWNLOAD_DELAY": min((s.politeness.delay for s in sites), default=1.0) if polite else 0.0,
        "AUTOTHROTTLE_ENABLED": throttle,
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_MAXSIZE": MAX_PAGE_BYTES,
        "DOWNLOAD_WARNSIZE": MAX_PAGE_BYTES // 2,
        "DOWNLOAD_TIMEOUT": 30,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "REDIRECT_MAX_TIMES": 5,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "JOBDIR": str(jobdir),
        # Scrapy's default, with each emptied disk queue kept open instead of deleted and made again
        # for the next request (a mkdir, open, unlink and rmdir per request, profiled).
        "SCHEDULER_PRIORITY_QUEUE": f"{_pkg}.queues.KeptQueues",
        # ... each holding its newest requests in memory, on disk past 4,096 of them or at close.
        "SCHEDULER_DISK_QUEUE": f"{_pkg}.queues.HeldLifoDiskQueue",
        "LOG_FILE": str(logs / crawl_log_name(sites, run_id)),
        "LOG_FILE_APPEND": True,
        "LOG_LEVEL": "INFO",
        "LOG_FORMATTER": f"{_pkg}.pipeline.QuietLogFormatter",
        "LOG_INSTALL_ROOT_HANDLER": True,
        "LOGSTATS_INTERVAL": 30.0,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "DEPTH_LIMIT": 0,  # the spider bounds listing depth and page counts per site itself
        # ... so Scrapy's depth middleware, one more async layer around every callback output, is off.
        "SPIDER_MIDDLEWARES": {"scrapy.spidermiddlewares.depth.DepthMiddleware": None},
        "HTTPCACHE_ENABLED": False,
    }
