"""The archive on SQLite vs PostgreSQL: upsert throughput and a `ct05 index` rebuild, alternating rounds.

    python bench/make_corpus.py corpus /tmp/corpus -n 10000     # a SQLite archive of generated articles
    python bench/bench_archive.py /tmp/corpus --rounds 3 [--batch 25] [--no-index] [--pg-sync off]
    python bench/bench_archive.py /tmp/corpus --rounds 6 --sqlite-before REV   # SQLite: this code against REV's

Each round, on each backend in turn: a fresh archive (new SQLite file, new PostgreSQL database) takes every
article of the corpus through `Archive.upsert_many` in batches of `--batch` (the crawl stores 25 at a
time), then `ct05 index --procs 2` builds a new index from it (a child process, timed from start to exit).
The PostgreSQL server is started here (initdb in a temporary directory, loopback port, Debian's default
durability: fsync and synchronous_commit on; `--pg-sync off` waives the WAL flush at each commit, the
durability of SQLite's WAL with synchronous=NORMAL) and stopped at the end.
"""

from __future__ import annotations

import argparse
import glob
import os
import platform
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.archive import ARCHIVE_FILE, Archive  # noqa: E402


@contextmanager
def postgres(sync: str = "on") -> Iterator[str]:
    """A PostgreSQL server of our own on a loopback port; yields the URL of its `postgres` database."""
    import psycopg

    bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
    user = pwd.getpwnam("nobody") if os.geteuid() == 0 else None  # postgres refuses to run as root
    root = Path(tempfile.mkdtemp(prefix="ct05-bench-pg-"))
    data = root / "data"
    data.mkdir()
    as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []} if user else {}
    if user:
        os.chown(root, user.pw_uid, user.pw_gid)
        os.chown(data, user.pw_uid, user.pw_gid)
    env = {**os.environ, "LC_ALL": "C"}
    subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--locale=C"], check=True, stdout=subprocess.DEVNULL, env=env, cwd=root, **as_user)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1", "-k", "",
                             "-c", f"synchronous_commit={sync}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=root, **as_user)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        for _ in range(300):
            try:
                psycopg.connect(url).close()
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(2)
        proc.wait(timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def fresh_pg(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


@contextmanager
def per_row(active: bool) -> Iterator[None]:
    """PostgreSQL upserts as first written: each row read with its own query, no pipeline."""
    from crawler import archive_pg

    saved = archive_pg.current_rows, archive_pg.pipeline
    if active:
        archive_pg.current_rows = lambda db, urls: None  # type: ignore[assignment,return-value]
        archive_pg.pipeline = lambda db: nullcontext()  # type: ignore[assignment]
    try:
        yield
    finally:
        archive_pg.current_rows, archive_pg.pipeline = saved


def one_round(location: str, articles: list, batch: int, work: Path, index: bool = True) -> tuple[float, float]:
    """(articles stored per second, seconds of `ct05 index`) on a new archive at `location`."""
    with Archive(location) as archive:
        start = time.perf_counter()
        for i in range(0, len(articles), batch):
            archive.upsert_many(articles[i:i + batch])
        upsert = len(articles) / (time.perf_counter() - start)
        assert archive.count() == len(articles)
    if not index:
        return upsert, 0.0
    shutil.rmtree(work / "index", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from webui.cli import main; main()", "index", "--procs", "2",
                    "--archive", location, "--data-dir", str(work)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return upsert, time.perf_counter() - start


def sqlite_before(rev: str, articles: list, rounds: int, batch: int) -> None:
    """SQLite upserts of `crawler/archive.py` at git revision `rev` against today's, alternating; CPU seconds of
    this process (steadier than wall time on a shared machine)."""
    import importlib.util

    with tempfile.TemporaryDirectory(prefix="ct05-bench-archive-") as tmp:
        old_file = Path(tmp) / "archive_before.py"
        old_file.write_text(subprocess.run(["git", "show", f"{rev}:crawler/archive.py"], cwd=ROOT, check=True,
                                           capture_output=True, text=True).stdout)
        spec = importlib.util.spec_from_file_location("archive_before", old_file)
        assert spec and spec.loader
        old = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(old)
        rates: dict[str, list[float]] = {rev: [], "now": []}
        for r in range(rounds):
            for name in (rev, "now") if r % 2 == 0 else ("now", rev):
                with (old.Archive if name == rev else Archive)(Path(tmp) / f"{name}-{r}.sqlite3") as archive:
                    start = time.process_time()
                    for i in range(0, len(articles), batch):
                        archive.upsert_many(articles[i:i + batch])
                    rates[name].append(len(articles) / (time.process_time() - start))
                print(f"round {r + 1} {name:10} {rates[name][-1]:8.0f} articles per CPU second   load "
                      f"{os.getloadavg()[0]:.2f}", flush=True)
    for name, values in rates.items():
        print(f"{name:10} median {statistics.median(values):.0f} (worst {min(values):.0f}) articles per CPU second")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="a data dir whose SQLite archive holds the articles")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=25)
    ap.add_argument("--no-index", dest="index", action="store_false", help="measure the upserts only")
    ap.add_argument("--pg-sync", choices=["on", "off"], default="on", help="PostgreSQL's synchronous_commit")
    ap.add_argument("--sqlite-before", metavar="REV", help="only SQLite: today's archive code against REV's")
    ap.add_argument("--pg-per-row", action="store_true",
                    help="also PostgreSQL with a round trip per row (no batched reads, no pipeline), for comparison")
    args = ap.parse_args()
    # Stopped early (SIGTERM, or SIGINT even when started in the background): the server is still shut down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.environ.pop("CT05_ARCHIVE", None)
    with Archive(args.corpus / ARCHIVE_FILE, readonly=True) as src:
        articles = list(src.iter_articles())
    if args.sqlite_before:
        return sqlite_before(args.sqlite_before, articles, args.rounds, args.batch)
    print(f"{len(articles)} articles, batches of {args.batch}, synchronous_commit={args.pg_sync}, "
          f"{platform.node()}, load {os.getloadavg()[0]:.2f}")
    backends = ["sqlite", "postgresql", *(["pg-per-row"] if args.pg_per_row else [])]
    results: dict[str, list[tuple[float, float]]] = {b: [] for b in backends}
    with postgres(args.pg_sync) as server, tempfile.TemporaryDirectory(prefix="ct05-bench-archive-") as tmp:
        work = Path(tmp)
        for r in range(args.rounds):
            for backend in backends if r % 2 == 0 else backends[::-1]:
                if backend == "sqlite":
                    (work / ARCHIVE_FILE).unlink(missing_ok=True)
                    location = str(work / ARCHIVE_FILE)
                else:
                    location = fresh_pg(server, f"bench{r}{backend[:4].replace('-', '')}")
                with per_row(backend == "pg-per-row"):
                    upsert, index = one_round(location, articles, args.batch, work, args.index)
                results[backend].append((upsert, index))
                timed = f"   ct05 index {index:6.1f} s" if args.index else ""
                print(f"round {r + 1} {backend:10} upsert {upsert:8.0f} articles/s{timed}   load "
                      f"{os.getloadavg()[0]:.2f}", flush=True)
    for backend, rows in results.items():
        ups, idx = [u for u, _ in rows], [i for _, i in rows]
        timed = f"; ct05 index median {statistics.median(idx):.1f} s (worst {max(idx):.1f} s)" if args.index else ""
        print(f"{backend:10} upsert median {statistics.median(ups):.0f}/s (worst {min(ups):.0f}/s){timed}")


if __name__ == "__main__":
    main()
