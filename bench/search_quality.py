"""nDCG@10, P@5 and recall@20 of ct05 search on judged queries, in-process (fast to iterate on).

The judged queries (`bench/searchdev/queries.json`, `qrels.json`) come from the shared search-dev set.
Run it over a data dir built from the shared corpus (see bench/searchdev/README.md):

    python bench/search_quality.py --data-dir /tmp/sd [--show M01] [--json-out m.json]

`tests/index/test_search_quality.py` runs the same metrics over the judged sample in tests/data.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from index.store import SearchIndex  # noqa: E402
from index.types import SearchQuery  # noqa: E402

KINDS = ("model", "no-diacritics", "province", "concept")
URL_PREFIX = "https://corpus.example/"


def dcg(gains: list[int]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def metrics(ranked: list[str], judged: dict[str, int]) -> dict[str, float]:
    """nDCG@10, P@5, recall@20 exactly as the shared eval script computes them."""
    ideal = dcg(sorted(judged.values(), reverse=True)[:10])
    ndcg = dcg([judged.get(d, 0) for d in ranked[:10]]) / ideal if ideal else 0.0
    p5 = sum(1 for d in ranked[:5] if judged.get(d, 0) >= 1) / 5
    rel = {d for d, g in judged.items() if g >= 1}
    r20 = len(rel & set(ranked[:20])) / len(rel) if rel else 0.0
    unjudged = sum(1 for d in ranked[:10] if d not in judged)
    return {"ndcg10": ndcg, "p5": p5, "r20": r20, "unjudged10": unjudged}


def run(index_dir: Path, queries: list[dict], qrels: dict[str, dict[str, int]],
        **query_kw: object) -> dict[str, dict[str, float]]:
    """Per-query metrics of ct05 over an index."""
    out: dict[str, dict[str, float]] = {}
    with SearchIndex.open(index_dir) as idx:
        for q in queries:
            res = idx.search(SearchQuery(text=q["query"], per_page=20, facets=(), **query_kw))  # type: ignore[arg-type]
            ranked = [h.url.removeprefix(URL_PREFIX) for h in res.hits]
            out[q["id"]] = metrics(ranked, qrels.get(q["id"], {})) | {"ranked": ranked}  # type: ignore[dict-item]
    return out


def story_keys(data_dir: Path) -> dict[str, str]:
    """doc key → a key shared by identical copies (the archive's content hash), for per-story figures."""
    import sqlite3

    con = sqlite3.connect(f"file:{data_dir / 'archive.sqlite3'}?mode=ro", uri=True)
    try:
        return {url.removeprefix(URL_PREFIX): h for url, h in con.execute("SELECT url, content_hash FROM articles")}
    finally:
        con.close()


def per_story(per: dict[str, dict], qrels: dict[str, dict[str, int]], keys: dict[str, str]) -> dict[str, dict]:
    """The same metrics with identical copies counted as one story (judged once, ranked once)."""
    out = {}
    for qid, m in per.items():
        judged: dict[str, int] = {}
        for d, g in qrels.get(qid, {}).items():
            k = keys.get(d, d)
            judged[k] = max(g, judged.get(k, 0))
        ranked = list(dict.fromkeys(keys.get(d, d) for d in m["ranked"]))
        out[qid] = metrics(ranked, judged) | {"ranked": ranked}
    return out


def summary(queries: list[dict], per: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    groups = {"all": queries} | {k: [q for q in queries if q["kind"] == k] for k in KINDS}
    return {name: {m: sum(per[q["id"]][m] for q in qs) / len(qs) for m in ("ndcg10", "p5", "r20")}
            for name, qs in groups.items() if qs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--queries", type=Path, default=HERE / "searchdev" / "queries.json")
    ap.add_argument("--qrels", type=Path, default=HERE / "searchdev" / "qrels.json")
    ap.add_argument("--show", action="append", default=[], help="print the top 20 of these query ids")
    ap.add_argument("--json-out", type=Path)
    ap.add_argument("--scope", default="topic", choices=("topic", "all"))
    ap.add_argument("--per-story", action="store_true", help="count identical copies as one story")
    args = ap.parse_args(argv)
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    qrels = json.loads(args.qrels.read_text(encoding="utf-8"))
    per = run(args.data_dir / "index", queries, qrels, scope=args.scope)
    if args.per_story:
        per = per_story(per, qrels, story_keys(args.data_dir))
    for q in queries:
        m = per[q["id"]]
        rel = qrels.get(q["id"], {})
        n_rel = sum(1 for g in rel.values() if g >= 1)
        print(f"{q['id']} {q['kind']:14} {n_rel:3}  {m['ndcg10']:.2f} / {m['p5']:.2f} / {m['r20']:.2f}"
              f"  ?{int(m['unjudged10'])}  {q['query']}")
        if q["id"] in args.show:
            for i, d in enumerate(m["ranked"], 1):  # type: ignore[arg-type]
                print(f"     {i:2} {rel.get(d, '?')} {d}")
            missing = [d for d, g in rel.items() if g >= 1 and d not in m["ranked"]]  # type: ignore[operator]
            for d in missing:
                print(f"     -- {rel[d]} {d}")
    for name, s in summary(queries, per).items():
        print(f"{name:14} nDCG@10 {s['ndcg10']:.3f}  P@5 {s['p5']:.3f}  R@20 {s['r20']:.3f}")
    if args.json_out:
        args.json_out.write_text(json.dumps({"per_query": per, "summary": summary(queries, per)}, ensure_ascii=False,
                                            indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
