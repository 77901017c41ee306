"""Calibrate the topic scope's threshold (nlp.relevance.TOPIC_THRESHOLD) on judged articles.

    python bench/calibrate_topic.py --data-dir /tmp/topic-sd \
        --qrels ../shared/search-dev/qrels.json --gold ../shared/gold/dev.json

The data dir is the search-dev archive (`eval_search.py --build`, articles imported with
url = "https://corpus.example/" + path under the corpus folder). For each candidate threshold it prints the
share of judged-relevant articles kept in scope (search-dev grade ≥ 1; gold `relevant`), of the corpus
negatives folders left out, and of the gold hard negatives left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.archive import Archive  # noqa: E402
from nlp.relevance import TOPIC_THRESHOLD  # noqa: E402

PREFIX = "https://corpus.example/"
CANDIDATES = (0.01, 0.05, 0.09, 0.1, 0.15, 0.2, 0.25, 0.3, 0.37, 0.4, 0.5)


def share(values: list[float], keep: bool, t: float) -> str:
    n = sum((v >= t) == keep for v in values)
    return f"{n}/{len(values)} ({n / max(1, len(values)):.1%})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--qrels", type=Path, required=True)
    ap.add_argument("--gold", type=Path)
    args = ap.parse_args()
    rel: dict[str, float] = {}
    with Archive.open(args.data_dir) as archive:
        for art in archive.iter_articles():
            rel[art.url.removeprefix(PREFIX)] = art.enrichment.relevance if art.enrichment else 0.0
    best: dict[str, int] = {}
    for judged in json.loads(args.qrels.read_text(encoding="utf-8")).values():
        for key, grade in judged.items():
            best[key] = max(best.get(key, 0), grade)
    relevant = [rel[k] for k, g in best.items() if g >= 1 and k in rel]
    negatives = [v for k, v in rel.items() if "/negatives/" in k]
    gold_pos: list[float] = []
    gold_neg: list[float] = []
    if args.gold:
        for a in json.loads(args.gold.read_text(encoding="utf-8"))["articles"]:
            value = rel.get(a["path"].removeprefix("corpus/"))
            if value is not None:
                (gold_pos if a["relevant"] else gold_neg).append(value)
    print(f"current TOPIC_THRESHOLD = {TOPIC_THRESHOLD}; {len(rel)} articles")
    print("| threshold | search-dev relevant kept | negatives folders out | gold relevant kept | gold negatives out |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for t in sorted({*CANDIDATES, TOPIC_THRESHOLD}):
        print(f"| {t:g} | {share(relevant, True, t)} | {share(negatives, False, t)} | "
              f"{share(gold_pos, True, t)} | {share(gold_neg, False, t)} |")
    lost = sorted((rel[k], k) for k, g in best.items() if g >= 1 and k in rel and rel[k] < TOPIC_THRESHOLD)
    print(f"judged relevant, out of scope at {TOPIC_THRESHOLD}: " + ", ".join(f"{k} ({v:.3f})" for v, k in lost))


if __name__ == "__main__":
    main()
