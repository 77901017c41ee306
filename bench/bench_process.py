"""`ct05 process` over the archive: full enrichment of ≥ 1,000 real articles, then a re-run that must skip
every unchanged article.

usage: python bench/bench_process.py [--corpus ../shared/corpus] [--runs 3]

Imports the shared corpus (hits + negatives) as JSON lines with `ct05 import`, then times `ct05 process`
(enrichment, 2 worker processes) and `ct05 process` again (nothing to do) as real commands.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CT05 = [sys.executable, "-c", "from webui.cli import main; main()"]


def corpus_jsonl(corpus: Path, out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for path in sorted(corpus.glob("*/*/*")):
            if path.parent.name not in ("hits", "negatives"):
                continue
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".seg":
                text = re.sub(r" ([,.;:!?)])", r"\1", text.replace("_", " "))
            title, _, body = text.strip().partition("\n")
            record = {"url": f"https://corpus.example/{path.parent.parent.name}/{path.name}", "title": title,
                      "body": body, "source": path.parent.parent.name}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds of the whole command, and the seconds the command itself reports for its work."""
    start = time.perf_counter()
    done = subprocess.run(CT05 + args, check=True, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    found = re.search(r"in ([0-9.]+)s", done.stdout)
    return wall, float(found.group(1)) if found else wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    full, skip, skip_work = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "corpus.jsonl"
        n = corpus_jsonl(args.corpus, src)
        for run in range(args.runs):
            data = Path(tmp) / f"d{run}"
            timed(["import", "--data-dir", str(data), str(src)])
            full.append(timed(["process", "--data-dir", str(data), "--workers", str(args.workers)])[0])
            wall, work = timed(["process", "--data-dir", str(data)])
            skip.append(wall)
            skip_work.append(max(work, 1e-3))
    f, s, w = statistics.median(full), statistics.median(skip), statistics.median(skip_work)
    print(f"articles: {n}")
    print(f"ct05 process (full, {args.workers} workers): median {f:.1f}s = {n / f:.1f} articles/s  "
          f"runs {[round(x, 1) for x in full]}")
    print(f"ct05 process (all unchanged):     median {s:.2f}s = {n / s:.0f} articles/s (whole command, "
          f"incl. start-up) runs {[round(x, 2) for x in skip]}")
    print(f"  of which the skip itself (as the command reports it): median {w:.3f}s = {n / w:.0f} articles/s")


if __name__ == "__main__":
    main()
