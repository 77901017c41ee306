"""Run a crawl: `crawl_sites` (Scrapy in this process) and `crawl_in_subprocess` (in a child).

A Twisted reactor cannot be restarted, so a process can call `crawl_sites` once; tests and benchmarks
use `crawl_in_subprocess`, which runs `python -m crawler.crawl` and reads the statistics back as JSON
(the pipeline starts the same entry point, `child_command` builds its command line).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from crawler.archive import Archive, ArchiveError, default_data_dir
from crawler.errors import CrawlError
from crawler.runs import begin_run, finish_run
from crawler.settings import job_dir, mark_closed, repair_job_dir, scrapy_settings
from crawler.sites import Site, SiteConfigError, load_sites
from crawler.stats import CrawlStats

__all__ = ["CrawlError", "CrawlStats", "crawl_in_subprocess", "crawl_sites", "resolve_sites"]
log = logging.getLogger(__name__)


def resolve_sites(site_ids: list[str] | None, base_urls: dict[str, str] | None) -> tuple[list[Site], dict[str, str]]:
    """The sites to crawl and the base URL of each; CrawlError for an unknown id or a missing address."""
    try:
        registry = load_sites()
    except SiteConfigError as exc:
        raise CrawlError(str(exc)) from exc
    base_urls = dict(base_urls or {})
    for site_id in base_urls:
        if site_id not in registry:
            raise CrawlError(f"unknown site id in --base-url: {site_id}")
    if site_ids:
        unknown = [s for s in site_ids if s not in registry]
        if unknown:
            raise CrawlError(f"unknown site id: {', '.join(unknown)} (see `ct05 sites list`)")
        chosen = [registry[s] for s in dict.fromkeys(site_ids)]
    else:
        # By default: every checked site that has an address (mirror entries only with --base-url); an
        # unchecked registry entry (addresses not yet confirmed by a saved page) only when named.
        chosen = [s for s in registry.values() if (s.base_url and s.checked) or s.id in base_urls]
    origins: dict[str, str] = {}
    for site in chosen:
        origin = base_urls.get(site.id) or site.base_url
        if not origin:
            raise CrawlError(f"site {site.id} has no address: give --base-url {site.id}=URL")
        if not origin.startswith(("http://", "https://")):
            raise CrawlError(f"site {site.id}: base URL must start with http:// or https://, got {origin!r}")
        origins[site.id] = origin if origin.endswith("/") else origin + "/"
    return chosen, origins


def crawl_sites(*, data_dir: Path | str | None, site_ids: list[str] | None, base_urls: dict[str, str] | None = None,
                resume: bool = False, refresh: bool = False, polite: bool = True,
                progress: bool = True, settings: dict[str, Any] | None = None,
                searches: tuple[str, ...] = ()) -> CrawlStats:
    """Crawl the sites into the archive in `data_dir`, in this process (once per process); `searches` are
    also put to the site search of each site that has one (older stories on a topic).

    `settings` are extra Scrapy settings laid over ours (e.g. a shared scheduler for distributed crawls).
    """
    sites, origins = resolve_sites(site_ids, base_urls)  # before the slow imports: fail fast on a bad id
    from scrapy.crawler import CrawlerProcess

    from crawler.progress import ProgressLine
    from crawler.republish import republication_pass
    from crawler.spider import NewsSpider
    from crawler.workers import ExtractPool

    data = Path(data_dir) if data_dir else default_data_dir()
    jobdir = job_dir(data, origins)
    if not resume and jobdir.exists():
        shutil.rmtree(jobdir, ignore_errors=True)
    elif resume and repair_job_dir(jobdir):
        log.info("resume: dropped the request queues of a killed crawl in %s (rediscovering)", jobdir)
    stats = CrawlStats()
    for site in sites:
        stats.site(site.id)
    start = time.perf_counter()
    with Archive.open(data) as archive:
        # On a shared (PostgreSQL) archive a run of another machine cannot be checked from here: it is left alone.
        archive.close_stale_runs("crawl", alive=lambda run: _running_here(run, shared=archive.postgres))
        # The record names this process from the start: a sibling crawl leaves it alone.
        run_id = stats.run_id = begin_run(archive, stats.record()).id
        since = {s.id: v for s in sites if (v := archive.get_meta(f"crawl.since:{s.id}:{origins[s.id]}"))}
        validators = json.loads(archive.get_meta("crawl.validators") or "{}")
        started_local = _local_now()
        process = CrawlerProcess({**scrapy_settings(data, sites, jobdir, polite, run_id), **(settings or {})})
        _quiet_console()
        crawler = process.create_crawler(NewsSpider)
        ticker = ProgressLine(stats, enabled=progress)
        extractor = ExtractPool()
        process.crawl(crawler, sites=sites, origins=origins, archive=archive, stats=stats, run_id=run_id,
                      refresh=refresh, since=since, validators=validators, polite=polite, extractor=extractor,
                      searches=tuple(searches))
        status = "failed"
        try:
            ticker.start()
            process.start()
            reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
            # No finish reason: the crawl never started (the error is in the log file).
            status = "finished" if reason == "finished" else str(reason or "failed")
            if _pipeline_error(crawler):  # articles the archive refused: not finished, whatever Scrapy says
                status = "archive_error"
        finally:
            if crawler.stats and crawler.stats.get_value("finish_reason"):
                mark_closed(jobdir)  # the spider closed, so did its request queues: safe to resume
            ticker.stop()
            extractor.close()
            stats.elapsed = time.perf_counter() - start
            spider = crawler.spider
            if status == "finished" and spider is not None:
                save_validators(archive, validators, spider, stats)
                for site in sites:
                    # A site with failed fetches keeps its earlier date: sitemap lastmod filtering must
                    # not hide the documents whose URLs failed this time.
                    if not stats.site(site.id).counts.get("failed", 0):
                        archive.set_meta(f"crawl.since:{site.id}:{origins[site.id]}", started_local)
                shutil.rmtree(jobdir, ignore_errors=True)
            if spider is not None and spider.new_ids:
                done = republication_pass(archive, spider.new_ids, spider.signatures)
                stats.republications = done.marked
                stats.republish = dataclasses.asdict(done)
            stats.status = status
            try:
                finish_run(archive, stats.record(), status)
            except ArchiveError as exc:  # the disk that refused the articles refuses the run record too
                log.error("%s", exc)
    if status == "archive_error":
        raise CrawlError(_pipeline_error(crawler) or f"cannot write to archive in {data}")
    return stats


def _running_here(stats: dict[str, Any], shared: bool = False) -> bool:
    """Whether a run's stats (CrawlStats.as_dict: pid, host) name a live process of this machine (`shared`: or
    any process of another machine)."""
    import socket

    from crawler.liveness import pid_alive

    pid = stats.get("pid")
    if shared and isinstance(pid, int) and stats.get("host") not in (None, socket.gethostname()):
        return True
    return isinstance(pid, int) and stats.get("host") == socket.gethostname() and pid_alive(pid)


def _pipeline_error(crawler: Any) -> str | None:
    """Why the archive writer stopped the crawl (crawler.pipeline.ArchiveWriter.error)."""
    writer = getattr(getattr(crawler, "spider", None), "writer", None)
    return getattr(writer, "error", None)


def save_validators(archive: Archive, validators: dict[str, dict[str, str]], spider: Any, stats: CrawlStats) -> None:
    """Keep this crawl's ETag / Last-Modified of sitemaps, feeds and listings for the next one. A site
    with failed fetches keeps none: its documents are fetched in full next time, so the URLs whose
    fetch failed are rediscovered (a 304 would hide them)."""
    failed = {site_id for site_id, site in stats.sites.items() if site.counts.get("failed", 0)}
    validators.update(spider.new_validators)
    for url, site_id in spider.documents.items():
        if site_id in failed:
            validators.pop(url, None)
    archive.set_meta("crawl.validators", json.dumps(validators))


def _local_now() -> str:
    from datetime import datetime

    from crawler.dates import VN_TZ

    return datetime.now(VN_TZ).replace(tzinfo=None, microsecond=0).isoformat()


def _quiet_console() -> None:
    """Scrapy logs to the file in LOG_FILE; drop any console handler a library added."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if type(handler) is logging.StreamHandler and getattr(handler, "stream", None) in (sys.stderr, sys.stdout):
            root.removeHandler(handler)


def crawl_in_subprocess(*, data_dir: Path | str | None, site_ids: list[str] | None,
                        base_urls: dict[str, str] | None = None, resume: bool = False, refresh: bool = False,
                        polite: bool = True, progress: bool = True, timeout: float | None = None,
                        searches: tuple[str, ...] = ()) -> CrawlStats:
    """`crawl_sites` in a child process (a fresh reactor each call); statistics read back as JSON."""
    resolve_sites(site_ids, base_urls)  # fail fast, in the caller's process, on a bad id
    data = Path(data_dir) if data_dir else default_data_dir()
    data.mkdir(parents=True, exist_ok=True)
    out = data / "logs" / f"crawl-stats-{time.time_ns()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = child_command(data, site_ids, base_urls, resume=resume, refresh=refresh, polite=polite,
                        progress=progress, stats_file=out, searches=searches)
    # With progress on, the child's stderr (the progress line) goes straight to ours.
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=None if progress else subprocess.PIPE,
                          text=True, timeout=timeout, check=False)
    try:
        if proc.returncode != 0:
            message = (proc.stderr or "").strip().splitlines()
            raise CrawlError(message[-1].removeprefix("error: ") if message else
                             f"crawl child exited with status {proc.returncode} (see {data / 'logs'})")
        return CrawlStats.from_dict(json.loads(out.read_text(encoding="utf-8")))
    finally:
        out.unlink(missing_ok=True)


def child_command(data: Path, site_ids: list[str] | None, base_urls: dict[str, str] | None, *, resume: bool,
                  refresh: bool, polite: bool, progress: bool, stats_file: Path | None,
                  searches: tuple[str, ...] = ()) -> list[str]:
    """The `python -m crawler.crawl` command line for these arguments."""
    cmd = [sys.executable, "-m", "crawler.crawl", "--data-dir", str(data)]
    for site_id in site_ids or ():
        cmd += ["--site", site_id]
    for site_id, url in (base_urls or {}).items():
        cmd += ["--base-url", f"{site_id}={url}"]
    cmd += ["--resume"] * resume + ["--refresh"] * refresh + ["--no-polite"] * (not polite)
    cmd += ["--no-progress"] * (not progress)
    for query in searches:
        cmd += ["--search", query]
    if stats_file:
        cmd += ["--stats-json", str(stats_file)]
    return cmd


def main(argv: list[str] | None = None) -> int:
    """`python -m crawler.crawl`: one crawl in its own process (the child of `crawl_in_subprocess` and of the
    pipeline's `ChildSteps`), or with `--redis` one worker of a shared crawl."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m crawler.crawl")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--site", action="append", dest="sites")
    parser.add_argument("--base-url", action="append", default=[])
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--refresh", action="store_true")
    parser.add_argument("--no-polite", action="store_true")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--stats-json", type=Path)
    parser.add_argument("--search", action="append", default=[])
    parser.add_argument("--redis", metavar="URL", help="one worker of a shared crawl (crawler.distributed)")
    parser.add_argument("--flush", action="store_true", help="with --redis: empty the shared frontier first")
    args = parser.parse_args(argv)
    base_urls: dict[str, Any] = dict(item.split("=", 1) for item in args.base_url)
    run = crawl_sites
    if args.redis:
        from crawler.distributed import crawl_shared, flush

        if args.flush:
            flush(args.redis)
        run = partial(crawl_shared, redis_url=args.redis)
    try:
        stats = run(data_dir=args.data_dir, site_ids=args.sites, base_urls=base_urls, resume=args.resume,
                    refresh=args.refresh, polite=not args.no_polite, progress=not args.no_progress,
                    searches=tuple(args.search))
    except CrawlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.stats_json:
        args.stats_json.write_text(json.dumps(stats.as_dict(), ensure_ascii=False), encoding="utf-8")
    else:
        print(json.dumps(stats.as_dict(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
