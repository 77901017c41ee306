"""Load test of the web UI: N concurrent clients for T seconds against `ct05 serve` on loopback.

    python bench/bench_web.py DATA_DIR                      # mixed pages, 50 clients, 60 s
    python bench/bench_web.py DATA_DIR --mix search         # the search page only (the 100k target)
    python bench/bench_web.py DATA_DIR --no-cache           # with the web layer's result cache off
    python bench/bench_web.py DATA_DIR --workers 2 --client wrk   # `ct05 serve --workers 2`, wrk as client

The server runs in its own process (werkzeug, threaded, as `ct05 serve --workers 1` runs it; or
`--workers N`: the pre-forked server `ct05 serve` runs by default) so the clients do not share its GIL.
Clients: `python` threads with keep-alive connections, or `wrk` (C, event loop: 2 threads, N
connections) replaying the same random request mix; both send requests back to back (no think time:
the harshest closed loop). Prints medians and percentiles (per page kind for the python client), errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["chỉ thị 05", "làm theo Bác", "dân vận khéo", "mô hình", "cải cách hành chính", "thanh niên",
           "nêu gương", "tiết kiệm", "đạo đức công vụ", "chi bộ", "lam theo bac", "học tập và làm theo",
           "phong cách Hồ Chí Minh", '"dân vận khéo"', "Yên Bái", "Nghệ An", "phụ nữ", "nông thôn mới",
           "cán bộ đảng viên", "gương điển hình", "an sinh xã hội", "kết luận 01", "hành chính công", ""]
SERVER = """
import sys
from werkzeug.serving import make_server
from webui import create_app
config = {"DATA_DIR": sys.argv[1]}
if sys.argv[2] == "0":
    config["SEARCH_CACHE_SECONDS"] = config["PAGE_CACHE_SECONDS"] = 0
app = create_app(config)
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""
PREFORK = """
import sys
from webui import create_app
from webui.server import limited, serve_prefork
config = {"DATA_DIR": sys.argv[1]}
if sys.argv[2] == "0":
    config["SEARCH_CACHE_SECONDS"] = config["PAGE_CACHE_SECONDS"] = 0
serve_prefork(lambda: limited(create_app(config), int(sys.argv[5])), "127.0.0.1", int(sys.argv[3]),
              int(sys.argv[4]))
"""
WRK_SCRIPT = """
local paths = {%s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end
function init(args)
  i = offset
  bad = 0
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Accept-Encoding"] = "identity"})
end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%.1f %%.1f %%.1f %%.1f\\n", summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data: Path, cache: bool, workers: int, concurrency: int) -> tuple[subprocess.Popen[str], int]:
    """The server under test, in its own process(es); returns it and its port once it answers."""
    if workers <= 1:
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(data), "1" if cache else "0"], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        return proc, int((proc.stdout.readline() if proc.stdout else "").strip())
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", PREFORK, str(data), "1" if cache else "0", str(port),
                             str(workers), str(concurrency)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.1)


def run_wrk(port: int, mix: str, found: dict[str, list[str]], clients: int, duration: float) -> dict[str, object]:
    """Replay the same request mix with wrk; overall latency percentiles and errors."""
    rng = random.Random(7)
    paths = [pick(rng, mix, found)[1] for _ in range(5000)]
    script = WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{int(duration)}s", "--timeout", "30s", "-s", f.name,
                              f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    finally:
        Path(f.name).unlink()
    m = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    if not m:
        raise SystemExit("wrk printed no result:\n" + out)
    n, sock_errors, status_errors = (int(m.group(i)) for i in (1, 2, 3))
    p50, p95, p99, top = (float(m.group(i)) for i in (4, 5, 6, 7))
    return {"requests": n, "errors": sock_errors + status_errors, "rps": round(n / duration, 1),
            "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "max_ms": top, "kinds": {}}


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    res = conn.getresponse()
    return res.status, res.read()


def discover(port: int) -> dict[str, list[str]]:
    """Article ids, models and provinces to visit, read from the API."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    status, body = get(conn, "/api/search?per_page=100")
    assert status == 200, body[:300]
    ids = [h["id"] for h in json.loads(body)["hits"]]
    status, body = get(conn, "/api/facets?facet=model&facet=province&facet=year&facet_limit=40")
    facets = json.loads(body)["facets"]
    conn.close()
    return {"ids": ids, "models": [v["value"] for v in facets.get("model", [])],
            "provinces": [v["value"] for v in facets.get("province", [])],
            "years": [v["value"] for v in facets.get("year", [])]}


def search_path(rng: random.Random, found: dict[str, list[str]], base: str = "/search") -> str:
    params: list[tuple[str, str]] = [("q", rng.choice(QUERIES))]
    if rng.random() < 0.3 and found["provinces"]:
        params.append(("province", rng.choice(found["provinces"])))
    if rng.random() < 0.15 and found["years"]:
        params.append(("year", rng.choice(found["years"])))
    if rng.random() < 0.2:
        params.append(("page", str(rng.randint(2, 4))))
    if rng.random() < 0.2:
        params.append(("sort", "newest"))
    return base + "?" + urlencode(params)


def pick(rng: random.Random, mix: str, found: dict[str, list[str]]) -> tuple[str, str]:
    """(kind, path) of the next request."""
    if mix == "search":
        return "search", search_path(rng, found)
    r = rng.random()
    if r < 0.40:
        return "search", search_path(rng, found)
    if r < 0.55:
        return "api_search", search_path(rng, found, "/api/search")
    if r < 0.75 and found["ids"]:
        return "article", "/article/" + rng.choice(found["ids"])
    if r < 0.82 and found["models"]:
        return "model", "/models/" + quote(rng.choice(found["models"]))
    if r < 0.89 and found["provinces"]:
        return "province", "/provinces/" + quote(rng.choice(found["provinces"]))
    if r < 0.95:
        return "feed", search_path(rng, found, "/feed")
    return "static", "/static/style.css"


def client(port: int, seed: int, mix: str, found: dict[str, list[str]], stop: float,
           out: list[tuple[str, float, bool]]) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop:
        kind, path = pick(rng, mix, found)
        start = time.perf_counter()
        try:
            status, _ = get(conn, path)
            ok = status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        out.append((kind, (time.perf_counter() - start) * 1000, ok))
    conn.close()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="data dir with archive.sqlite3 and index/")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--mix", choices=["all", "search"], default="all")
    ap.add_argument("--no-cache", action="store_true", help="turn the web layer's result cache off")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--workers", type=int, default=1, help="server processes (>1: the pre-forked server)")
    ap.add_argument("--client", choices=["python", "wrk"], default="python")
    ap.add_argument("--concurrency", type=int, default=2,
                    help="with --workers > 1: requests each worker runs at once (`ct05 serve --concurrency`)")
    args = ap.parse_args()
    if args.client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    server, port = start_server(args.data, not args.no_cache, args.workers, args.concurrency)
    wrk_report: dict[str, object] | None = None
    try:
        found = discover(port)
        # Warm up: open the index and fill the OS cache before measuring.
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for q in QUERIES[:5]:
            get(warm, "/search?" + urlencode({"q": q}))
        warm.close()
        if args.client == "wrk":
            wrk_report = run_wrk(port, args.mix, found, args.clients, args.duration)
        samples: list[tuple[str, float, bool]] = []
        stop = time.monotonic() + args.duration
        threads = [threading.Thread(target=client, args=(port, i, args.mix, found, stop, samples))
                   for i in range(args.clients if wrk_report is None else 0)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(10)

    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, ms, _ in samples:
        by_kind[kind].append(ms)
    every = [ms for _, ms, _ in samples]
    report = {
        "clients": args.clients, "duration_s": args.duration, "mix": args.mix, "cache": not args.no_cache,
        "requests": len(samples), "errors": sum(1 for *_, ok in samples if not ok),
        "rps": round(len(samples) / args.duration, 1),
        "p50_ms": round(statistics.median(every), 1) if every else 0, "p95_ms": round(pct(every, 95), 1),
        "p99_ms": round(pct(every, 99), 1),
        "kinds": {k: {"n": len(v), "p50_ms": round(statistics.median(v), 1), "p95_ms": round(pct(v, 95), 1)}
                  for k, v in sorted(by_kind.items())},
    }
    report.update(workers=args.workers, client=args.client, concurrency=args.concurrency)
    if wrk_report is not None:
        report.update(wrk_report)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"{report['requests']} requests in {args.duration:.0f}s from {args.clients} clients "
          f"({report['rps']}/s), errors {report['errors']}, cache {'on' if report['cache'] else 'off'}")
    print(f"all: p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, p99 {report['p99_ms']} ms")
    for kind, v in report["kinds"].items():  # type: ignore[union-attr]
        print(f"  {kind:11} n={v['n']:6}  p50 {v['p50_ms']:7.1f} ms  p95 {v['p95_ms']:7.1f} ms")


if __name__ == "__main__":
    main()
