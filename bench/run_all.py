"""Run every benchmark in turn (`make bench`), printing each one's figures.

Benchmarks that read the shared corpus expect it at ../shared (beside the repository). The 100k
index corpus is built once into /tmp/ct05bench/data. Expect well over half an hour on 2 cores.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATA = Path("/tmp/ct05bench/data")

STEPS: list[list[str]] = [
    ["bench/bench_demo.py"],
    ["bench/bench_extract.py"],
    ["bench/bench_crawl.py", "--rounds", "3"],
    ["bench/bench_nlp.py", "--workers", "2", "--runs", "3", "--ner-sample", "40"],
    ["bench/bench_process.py", "--runs", "3"],
    ["bench/make_corpus.py", "corpus", str(BENCH_DATA), "-n", "100000"],
    ["bench/bench_index.py", str(BENCH_DATA)],
    ["bench/bench_web.py", str(BENCH_DATA), "--mix", "search"],
]


def main() -> None:
    failed = []
    for step in STEPS:
        print(f"\n=== {' '.join(step)}", flush=True)
        if step[0].endswith("make_corpus.py") and (BENCH_DATA / "archive.sqlite3").exists():
            print("(exists, not rebuilt)")
            continue
        if subprocess.run([sys.executable, *step], cwd=ROOT).returncode:
            failed.append(step[0])
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
