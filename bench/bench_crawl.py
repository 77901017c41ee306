"""Crawl throughput on a loopback mirror of >= 2,000 pages: our crawler vs a bare Scrapy CrawlSpider.

The pages are made by recombining the bundled mirror pages in a temporary directory: each new
article page is a mirror article page of the same site with a new URL, a numbered headline and a body
of paragraphs drawn at random from that site's articles (so the republication pass sees few copies).
Each site's sitemap lists every page. Both crawlers run with politeness off (no delay, no
AutoThrottle, 8 concurrent requests per site, one download slot per site), each in a fresh child
process, alternating, three rounds; figures are medians. "pages" are HTTP responses received
(sitemaps, feeds, listings and articles).
The bare spider only saves each page's HTML to a file; ours extracts, stores in the archive in batches
and runs the republication pass.

    .venv/bin/python bench/bench_crawl.py [--copies 80] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo.server import MANIFEST, SITE_DIR, MirrorServer  # noqa: E402

BODY = re.compile(r'(<div class="article-body">)(.*?)(</div>\s*</article>)', re.S)
TITLE = re.compile(r'(<h1 class="title">)(.*?)(</h1>)', re.S)
PARA = re.compile(r"<p>.*?</p>", re.S)


def new_path(site: str, path: str, n: int) -> str:
    """The path of copy n of an article, in the site's own URL scheme."""
    if site == "hoabinh":
        parts = path.split("/")
        parts[2] = str(int(parts[2]) + n * 1_000_000)
        return "/".join(parts)
    return re.sub(r"(\d+)(\.html?)$", lambda m: f"{int(m.group(1)) + n * 1_000_000}{m.group(2)}", path)


def build(root: Path, copies: int, seed: int = 5) -> int:
    """Copy the mirror to root and add `copies` recombined copies of every article; returns article count."""
    rng = random.Random(seed)
    shutil.copytree(SITE_DIR, root)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    by_site: dict[str, list[dict[str, Any]]] = {}
    for entry in manifest["articles"]:
        by_site.setdefault(entry["site"], []).append(entry)
    total = 0
    for site, entries in by_site.items():
        pages = {e["path"]: (root / site / e["path"].lstrip("/")).read_text(encoding="utf-8") for e in entries}
        pool = [p for html in pages.values() if (m := BODY.search(html)) for p in PARA.findall(m.group(2))]
        urls = [e["path"] for e in entries]
        for n in range(1, copies + 1):
            for entry in entries:
                html = pages[entry["path"]]
                if not BODY.search(html) or not pool:
                    continue
                body = "\n".join(rng.sample(pool, min(len(pool), 8)))
                html = BODY.sub(lambda m, b=body: m.group(1) + b + m.group(3), html, count=1)
                html = TITLE.sub(lambda m, k=n: f"{m.group(1)}{m.group(2)} ({k}){m.group(3)}", html, count=1)
                path = new_path(site, entry["path"], n)
                target = root / site / path.lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(html, encoding="utf-8")
                urls.append(path)
        locs = "\n".join(f"  <url><loc>{{{{BASE}}}}{u}</loc></url>" for u in urls)
        (root / site / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{locs}\n</urlset>\n", encoding="utf-8")
        total += len(urls)
    return total


BARE = '''
import json, resource, sys, time, hashlib
from pathlib import Path
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule
from scrapy import Request
from lxml import etree

urls, out = json.loads(sys.argv[1]), Path(sys.argv[2])
PER_SITE = 8  # as ct05's crawl with polite=False

class Bare(CrawlSpider):
    name = "bare"
    start_urls = [u + "sitemap.xml" for u in urls]
    rules = (Rule(LinkExtractor(), callback="save", follow=True, process_request="per_site"),)

    def per_site(self, request, response):
        # One download slot per site (host:port), as ours has: Scrapy keys slots by host only.
        request.meta["download_slot"] = request.url.split("/")[2]
        return request

    def parse_start_url(self, response):
        root = etree.fromstring(response.body)
        for loc in root.iter("{*}loc"):
            yield self.per_site(Request(loc.text, callback=self.save_and_follow), response)

    def save_and_follow(self, response):
        self.save(response)
        yield from self._requests_to_follow(response)

    def save(self, response):
        name = hashlib.sha1(response.url.encode()).hexdigest()
        (out / name).write_bytes(response.body)

settings = {"LOG_FILE": str(out / "bare.log"), "LOG_LEVEL": "INFO", "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": PER_SITE, "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False, "TELNETCONSOLE_ENABLED": False, "COOKIES_ENABLED": False}
process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
cpu = time.process_time()
start = time.perf_counter()
process.crawl(crawler)
process.start()
elapsed = time.perf_counter() - start
pages = crawler.stats.get_value("downloader/response_count")
print(json.dumps({"pages": pages, "elapsed": elapsed, "cpu_s": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''

OURS = '''
import json, resource, sys, time
from crawler.crawl import crawl_sites
import crawler.spider, crawler.republish, crawler.workers, scrapy.crawler  # imports are not timed (nor the bare's)
extra = {"JOBDIR": None} if sys.argv[3] == "nojob" else None
urls, data = json.loads(sys.argv[1]), sys.argv[2]
cpu = time.process_time()
start = time.perf_counter()
stats = crawl_sites(data_dir=data, site_ids=[f"mirror-{s}" for s in urls],
                    base_urls={f"mirror-{s}": u for s, u in urls.items()}, polite=False, progress=False,
                    settings=extra)
elapsed = time.perf_counter() - start
cpu = time.process_time() - cpu
main_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"pages": stats.totals["pages"], "elapsed": elapsed, "new": stats.totals["new"],
                  "cpu_s": cpu + crawler.workers.last_worker_cpu_s, "main_cpu_s": cpu,
                  "worker_cpu_s": crawler.workers.last_worker_cpu_s,
                  "rss_mb": (main_kb + crawler.workers.last_worker_peak_rss_kb) / 1024,
                  "main_rss_mb": main_kb / 1024}))
'''


def run(kind: str, urls: dict[str, str], work: Path) -> dict[str, Any]:
    out = work / f"{kind}-{time.time_ns()}"
    out.mkdir()
    ours = kind.startswith("ours")
    arg = json.dumps(urls if ours else list(urls.values()))
    cmd = [sys.executable, "-c", OURS if ours else BARE, arg, str(out)] + (["nojob" if "nojob" in kind else "job"]
                                                                          if ours else [])
    env = {**os.environ, "CT05_EXTRACT_WORKERS": "0"} if "inline" in kind else None
    server_cpu = time.process_time()  # this process: the mirror server's threads (and the wait)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True, env=env)
    server_cpu = time.process_time() - server_cpu
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["server_cpu_s"] = server_cpu
    result["pages_per_s"] = result["pages"] / result["elapsed"]
    shutil.rmtree(out, ignore_errors=True)
    return result


def _load() -> str:
    """The 1, 5 and 15-minute load averages (as `uptime` shows them)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default="bare,ours,ours-nojob",
                        help="comma-separated: bare, ours, ours-nojob, ours-inline (extraction in the crawl process)")
    args = parser.parse_args()
    # The stdlib server listens with a backlog of 5: bursts of new connections from either crawler
    # overflow it and the kernel's SYN retries (1 s, 3 s, ...) would dominate the timings.
    ThreadingHTTPServer.request_queue_size = 256
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="ct05-bench-crawl-") as tmp:
        work = Path(tmp)
        articles = build(work / "site", args.copies)
        results: dict[str, list[dict[str, Any]]] = {k: [] for k in args.kinds.split(",")}
        with MirrorServer(root=work / "site") as mirror:
            for _ in range(args.rounds):
                for kind in results:
                    results[kind].append(run(kind, mirror.urls, work))
                    print(kind, json.dumps(results[kind][-1]), flush=True)
    med = {k: {m: statistics.median(r.get(m, 0.0) for r in v)
               for m in ("pages", "pages_per_s", "rss_mb", "elapsed", "cpu_s", "server_cpu_s")}
           for k, v in results.items()}
    print(f"{articles} article pages on 5 loopback sites; {args.rounds} rounds; medians")
    print("| crawler | pages | seconds | pages/s | peak RSS (MB) |")
    print("|---|---|---|---|---|")
    labels = {"bare": "bare Scrapy CrawlSpider (save HTML only)", "ours": "ct05 crawl_sites (resumable: JOBDIR)",
              "ours-nojob": "ct05 crawl_sites without JOBDIR",
              "ours-inline": "ct05 crawl_sites, JOBDIR, extraction inline (no worker)"}
    for kind, label in labels.items():
        if kind not in med:
            continue
        m = med[kind]
        print(f"| {label} | {m['pages']:.0f} | {m['elapsed']:.1f} | {m['pages_per_s']:.0f} | {m['rss_mb']:.0f} |")
    if "bare" in med:
        for kind in (k for k in med if k != "bare"):
            print(f"| ratio {kind} / bare | | | **{med[kind]['pages_per_s'] / med['bare']['pages_per_s']:.2f}×** | "
                  f"{med[kind]['rss_mb'] / med['bare']['rss_mb']:.2f}× |")
        ratios = [o["pages_per_s"] / b["pages_per_s"] for o, b in zip(results.get("ours", []), results["bare"],
                                                                      strict=False)]
        if ratios:
            print(f"per-round ratios ours / bare: {', '.join(f'{r:.2f}' for r in ratios)}")
    # CPU seconds of the crawler's own processes over the timed span (ours: crawl process + extraction
    # workers, their start included), and of this process (the mirror server's threads) meanwhile.
    print("CPU s per crawl (median): " + ", ".join(
        f"{k} {m['cpu_s']:.2f} (server {m['server_cpu_s']:.2f})" for k, m in med.items()))
    first = next(iter(v for k, v in results.items() if k != "bare"), None)
    if first:
        print(f"ours stored {first[0].get('new')} new articles per run")
    print("load average before / after:", load_before, "/", _load())

if __name__ == "__main__":
    main()
