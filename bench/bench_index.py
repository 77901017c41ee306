"""Search-index figures, side by side with SQLite FTS5 on the same documents and queries.

    python bench/make_corpus.py corpus /tmp/ct05bench/data -n 100000
    python bench/bench_index.py /tmp/ct05bench/data [--procs 2] [--queries 240] [--rounds 3] [--out r.json]

Reports build docs/s, the build workers' peak RSS and the sizes on disk (archive, index, FTS5), query
latency p50/p95 (no facets / all facets / all facets with a filter) and the RSS of a process that holds
the open index and serves the queries (after the warm-up query, after the run, and its peak). With
`--rounds N` the query part runs N times alternating engines (whoosh, fts5, whoosh, ...), each round a
fresh process, and the report adds the median and worst round; the load average is recorded with
every figure (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.archive import Archive  # noqa: E402
from index.analysis import fold  # noqa: E402
from index.types import FACETS  # noqa: E402

WORDS = ["đảng", "chỉ thị", "học tập", "làm theo", "tư tưởng", "đạo đức", "phong cách", "cán bộ",
         "đảng viên", "nhân dân", "kinh tế", "phát triển", "nông thôn", "giáo dục", "thanh niên", "chính quyền",
         "Hồ Chí Minh", "xây dựng", "kiểm tra", "doanh nghiệp", "bệnh viện", "học sinh", "môi trường", "an ninh",
         "Đảng ủy", "ủy ban", "Hòa Bình", "Thanh Hóa", "mô hình", "nêu gương", "tiết kiệm", "giảm nghèo"]


def _queries(n: int, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    for i in range(n):
        k = rng.randint(1, 3)
        text = " ".join(rng.sample(WORDS, k)) if k > 1 else rng.choice(WORDS)
        if i % 4 == 1:
            text = fold(text)
        elif i % 4 == 2:
            text = f'"{rng.choice(WORDS)}"'
        elif i % 8 == 3:
            text = rng.choice(["chỉ thị 05", "CT05", "Chỉ thị số 05-CT/TW", "chi thi 05"])
        out.append({"text": text, "kind": ["words", "folded", "phrase", "docs"][i % 4]})
    return out


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _load() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` shows them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _status_mb(key: str) -> float:
    """VmRSS / VmHWM of this process in MB (VmHWM, not ru_maxrss: the latter carries the parent's peak
    across fork/exec)."""
    status = Path("/proc/self/status").read_text()
    if f"{key}:" not in status:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(status.split(f"{key}:")[1].split()[0]) / 1024


def build_fts(data: Path, out: Path) -> dict[str, float]:
    out.unlink(missing_ok=True)
    db = sqlite3.connect(out)
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    db.execute("CREATE TABLE meta (rowid INTEGER PRIMARY KEY, province TEXT, province_2025 TEXT, model TEXT,"
               " theme TEXT, document TEXT, year TEXT, source TEXT, published TEXT)")
    started = time.perf_counter()
    n = 0
    with Archive.open(data) as archive:
        db.execute("BEGIN")
        for a in archive.iter_articles():
            n += 1
            e = a.enrichment
            db.execute("INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)", (n, a.title, a.body))
            db.execute("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (
                n, e.province if e else a.source_province, e.province_2025 if e else None,
                (e.models[0].name if e and e.models else None), (e.themes[0] if e and e.themes else None),
                (e.documents[0].name if e and e.documents else None), (a.published or "")[:4], a.source,
                a.published))
        db.execute("COMMIT")
    db.close()
    secs = time.perf_counter() - started
    return {"docs": n, "seconds": secs, "docs_per_s": n / secs, "bytes": out.stat().st_size}


def serve(args: argparse.Namespace) -> None:
    """Child process: open the engine, run the queries, print latencies and RSS as JSON."""
    queries = _queries(args.queries)
    modes = {"no_facets": (), "all_facets": FACETS, "facets_filter": FACETS}
    lat: dict[str, list[float]] = {m: [] for m in modes}
    # CPU time of this process per query too: on a shared, saturated machine the wall time mostly measures
    # the wait for a core; the CPU time is what the query costs on a core of its own.
    cpu: dict[str, list[float]] = {m: [] for m in modes}
    if args.engine == "whoosh":
        from index.store import SearchIndex
        from index.types import SearchQuery
        idx = SearchIndex.open(args.data / "index")
        rss_open = _status_mb("VmRSS")
        t0 = time.perf_counter()
        idx.search(SearchQuery(text="đảng", facets=FACETS))  # first query builds the per-snapshot caches
        warm = time.perf_counter() - t0
        rss_warm = _status_mb("VmRSS")
        for mode, facets in modes.items():
            for q in queries:
                filters = (("province", ("Hòa Bình", "Yên Bái")), ("year", ("2023",))) \
                    if mode == "facets_filter" else ()
                t, c = time.perf_counter(), time.process_time()
                # scope="all": the same documents FTS5 searches (the topic scope only adds one mask AND).
                idx.search(SearchQuery(text=str(q["text"]), facets=facets, filters=filters, scope="all"))
                lat[mode].append((time.perf_counter() - t) * 1000)
                cpu[mode].append((time.process_time() - c) * 1000)
    else:
        db = sqlite3.connect(args.data / "fts.sqlite3")
        rss_open = rss_warm = _status_mb("VmRSS")
        warm = 0.0
        for mode, facets in modes.items():
            for q in queries:
                text = str(q["text"]).replace('"', "")
                match = f'"{text}"' if q["kind"] == "phrase" else " AND ".join(f'"{w}"' for w in text.split())
                where = " AND m.province IN ('Hòa Bình','Yên Bái') AND m.year = '2023'" \
                    if mode == "facets_filter" else ""
                t, c = time.perf_counter(), time.process_time()
                db.execute(f"SELECT m.rowid FROM fts JOIN meta m ON m.rowid = fts.rowid WHERE fts MATCH ?{where}"
                           " ORDER BY bm25(fts) LIMIT 20", (match,)).fetchall()
                for f in facets:
                    db.execute(f"SELECT m.{f}, COUNT(*) FROM fts JOIN meta m ON m.rowid = fts.rowid "
                               f"WHERE fts MATCH ?{where} GROUP BY m.{f}", (match,)).fetchall()
                lat[mode].append((time.perf_counter() - t) * 1000)
                cpu[mode].append((time.process_time() - c) * 1000)
    kinds: dict[str, list[float]] = {}
    for q, ms in zip(queries * len(modes), [x for m in modes for x in lat[m]], strict=True):
        kinds.setdefault(str(q["kind"]), []).append(ms)
    print(json.dumps({"warm_s": warm, "rss_open_mb": rss_open, "rss_warm_mb": rss_warm,
                      "rss_after_mb": _status_mb("VmRSS"), "rss_mb": _status_mb("VmHWM"), "load": _load(), **{
        m: {"p50": statistics.median(v), "p95": _pct(v, 95), "n": len(v),
            **({"cpu_p50": statistics.median(cpu[m]), "cpu_p95": _pct(cpu[m], 95)} if m in cpu else {})}
        for m, v in (*lat.items(), *kinds.items())}}))


def _rounds_summary(rounds: list[dict[str, object]]) -> dict[str, object]:
    """Median and worst round of each figure (p50, p95 per mode; RSS) over the rounds of one engine."""
    out: dict[str, object] = {}
    first = rounds[0]
    for key, value in first.items():
        if isinstance(value, dict):
            for stat in ("p50", "p95", "cpu_p50", "cpu_p95"):
                if stat not in value:
                    continue
                vals = [float(r[key][stat]) for r in rounds]  # type: ignore[index]
                out[f"{key}.{stat}"] = {"median": statistics.median(vals), "worst": max(vals)}
        elif key.startswith("rss") or key == "warm_s":
            vals = [float(r[key]) for r in rounds]  # type: ignore[arg-type]
            out[key] = {"median": statistics.median(vals), "worst": max(vals)}
    out["load"] = [r["load"] for r in rounds]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--queries", type=int, default=240)
    ap.add_argument("--rounds", type=int, default=1, help="query rounds, alternating engines")
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--build", choices=["both", "whoosh", "fts5"], default="both")
    ap.add_argument("--out", type=Path, help="also write the report here (JSON)")
    ap.add_argument("--serve", choices=["whoosh", "fts5"], dest="engine")
    args = ap.parse_args()
    if args.engine:
        serve(args)
        return
    report: dict[str, object] = {"archive_bytes": (args.data / "archive.sqlite3").stat().st_size}
    if not args.skip_build and args.build in ("both", "whoosh"):
        from index.sync import sync_index
        load_before = _load()
        with Archive.open(args.data) as archive:
            t = time.perf_counter()
            r = sync_index(archive, args.data / "index", rebuild=True, procs=args.procs, progress=True)
            secs = time.perf_counter() - t
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        from index import layout
        gen = layout.current_dir(args.data / "index")
        report["whoosh_build"] = {"docs": r.added, "seconds": secs, "docs_per_s": r.added / secs,
                                  "bytes": _dir_size(gen) if gen else 0, "load_before": load_before,
                                  "load_after": _load(), "parent_rss_mb": _status_mb("VmHWM"),
                                  # the largest worker (spawned children: their own peaks), and the CPU
                                  # seconds of all (what a dedicated machine needs, whatever the load)
                                  "worker_rss_mb": children.ru_maxrss / 1024,
                                  "cpu_s": children.ru_utime + children.ru_stime + resource.getrusage(
                                      resource.RUSAGE_SELF).ru_utime}
    if not args.skip_build and args.build in ("both", "fts5"):
        load_before = _load()
        report["fts5_build"] = {**build_fts(args.data, args.data / "fts.sqlite3"), "load_before": load_before,
                                "load_after": _load()}
    from index import layout
    gen = layout.current_dir(args.data / "index")
    fts = args.data / "fts.sqlite3"
    report["index_bytes"] = _dir_size(gen) if gen else 0
    report["fts5_bytes"] = fts.stat().st_size if fts.exists() else 0
    rounds: dict[str, list[dict[str, object]]] = {"whoosh": [], "fts5": []}
    for _ in range(args.rounds):
        for engine in rounds:
            out = subprocess.run([sys.executable, __file__, str(args.data), "--serve", engine,
                                  "--queries", str(args.queries)], capture_output=True, text=True, check=True)
            rounds[engine].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"{engine} round {len(rounds[engine])}: all facets p95 "
                  f"{rounds[engine][-1]['all_facets']['p95']:.1f} ms, load {_load()}",  # type: ignore[index]
                  file=sys.stderr, flush=True)
    for engine, runs in rounds.items():
        if runs:
            report[f"{engine}_queries"] = runs[0] if len(runs) == 1 else {"rounds": runs,
                                                                         "summary": _rounds_summary(runs)}
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
