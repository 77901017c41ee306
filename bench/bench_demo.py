"""Time `ct05 demo --no-serve` on a fresh data dir and again on the same data dir (nothing new).

Usage: python bench/bench_demo.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_demo(data_dir: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from webui.cli import main; main()", "demo", "--data-dir",
                    str(data_dir), "--no-serve"], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    fresh, again = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            fresh.append(run_demo(Path(tmp)))
            again.append(run_demo(Path(tmp)))
    print(f"fresh data dir: median {statistics.median(fresh):.1f}s  runs {[round(x, 1) for x in fresh]}")
    print(f"second run:     median {statistics.median(again):.1f}s  runs {[round(x, 1) for x in again]}")


if __name__ == "__main__":
    main()
