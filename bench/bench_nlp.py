"""NLP benchmark: enrichment throughput (vs underthesea `ner`), fold speed, relevance precision/recall.

usage: python bench/bench_nlp.py [CORPUS | --corpus ../shared/corpus] [--workers 2] [--runs 3] [--ner-sample 40]
       [--before] [--check-segmentation] [--rounds 3 [--only-rounds]]

--rounds N: N alternating wall-clock rounds of full enrichment (`enrich_many`) and underthesea `word_tokenize`
alone over the whole corpus, with the median and worst round and the load average of each.

Needs the shared corpus (hits + negatives); without it, only the five test seeds are used (replicated
to 1,000 articles) and relevance precision/recall is skipped.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.article import Article  # noqa: E402
from nlp.documents import extract_documents  # noqa: E402
from nlp.enrich import enrich_many  # noqa: E402
from nlp.normalize import fold, normalize  # noqa: E402
from nlp.relevance import relevance  # noqa: E402

# A rough, rule-based "judged relevant" label for corpus hits (the corpus has no labels): the article
# names the directive or its campaign at least twice, or in its title. Other hits are "weak hits"
# (another issuer's Chỉ thị 05, a passing phrase) and count as negatives, like the true negatives.
_JUDGE = re.compile(
    r"05-ct/tw|chi thi (so )?05(?![-/])|lam theo tu tuong,? dao duc,? phong cach ho chi minh"
    r"|lam theo tam guong dao duc ho chi minh|(hoc tap va )?lam theo (loi )?bac"
)


def load_corpus(root: Path) -> list[tuple[str, str, str, bool]]:
    """(id, title, body, is_hit) for every corpus file."""
    out = []
    for path in sorted(root.glob("*/*/*")):
        if path.parent.name not in ("hits", "negatives"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".seg":
            text = re.sub(r" ([,.;:!?)])", r"\1", text.replace("_", " "))
        title, _, body = text.strip().partition("\n")
        out.append((path.name, title.strip(), body.strip(), path.parent.name == "hits"))
    return out


def judged(title: str, body: str, is_hit: bool) -> bool:
    if not is_hit:
        return False
    head, text = fold(title), fold(body)
    other = "05/ct-" in text
    hits = [m.group(0) for m in _JUDGE.finditer(text) if not (other and m.group(0).startswith("chi thi"))]
    return bool(_JUDGE.search(head)) or len(hits) >= 2


def pr(scores: list[float], labels: list[bool], threshold: float) -> tuple[float, float]:
    tp = sum(s >= threshold and y for s, y in zip(scores, labels, strict=True))
    fp = sum(s >= threshold and not y for s, y in zip(scores, labels, strict=True))
    fn = sum(s < threshold and y for s, y in zip(scores, labels, strict=True))
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def bench_relevance(docs: list[tuple[str, str, str, bool]]) -> None:
    scores = [relevance(t, b, extract_documents(f"{t}\n{b}")) for _, t, b, _ in docs]
    hits = [h for *_, h in docs]
    strong = [judged(t, b, h) for _, t, b, h in docs]
    print(f"relevance: {sum(hits)} hits ({sum(strong)} judged relevant, {sum(hits) - sum(strong)} weak), "
          f"{len(hits) - sum(hits)} negatives")
    judged_med = statistics.median([s for s, y in zip(scores, strong, strict=True) if y])
    weak_med = statistics.median([s for s, y, h in zip(scores, strong, hits, strict=True) if h and not y] or [0])
    neg_med = statistics.median([s for s, h in zip(scores, hits, strict=True) if not h])
    print(f"  median score: judged {judged_med:.3f}, weak hits {weak_med:.3f}, negatives {neg_med:.3f}")
    for threshold in (0.2, 0.3, 0.4, 0.5, 0.6):
        p1, r1 = pr(scores, hits, threshold)
        p2, r2 = pr(scores, strong, threshold)
        print(f"  threshold {threshold:.1f}: all hits vs negatives P {p1:.3f} R {r1:.3f} | "
              f"judged relevant vs weak+negatives P {p2:.3f} R {r2:.3f}")


def bench_throughput(articles: list[Article], workers: int, runs: int) -> float:
    times = []
    for _ in range(runs):
        print(f"  run start: {load()}")
        t0 = time.perf_counter()
        n = sum(1 for _ in enrich_many(articles, workers=workers))
        times.append(time.perf_counter() - t0)
        assert n == len(articles)
    med = statistics.median(times)
    print(f"enrich_many workers={workers}: {len(articles)} articles, runs {[round(t, 1) for t in times]} s, "
          f"median {med:.1f} s = {len(articles) / med:.1f} articles/s")
    return len(articles) / med


def check_segmentation(articles: list[Article]) -> None:
    """nlp/_crf.py must segment exactly like underthesea's `word_tokenize`: compare on every article."""
    from underthesea import word_tokenize

    from nlp.segment import word_tokenize_batch

    texts = [f"{a.title}\n\n{a.body}" for a in articles]
    ours = word_tokenize_batch(texts)
    same = sum(o == word_tokenize(normalize(t), format="text") for o, t in zip(ours, texts, strict=True))
    print(f"segmentation identical to underthesea word_tokenize: {same} / {len(texts)} articles")


def reference_segmenter() -> None:
    """Segment with underthesea's own `word_tokenize` (the code before nlp/_crf.py), for before/after figures.

    Worker processes are forked, so they inherit the swap."""
    from underthesea import word_tokenize

    import nlp.segment

    nlp.segment._tokenizer = lambda: (lambda text: word_tokenize(text, format="text"))  # type: ignore[assignment]


def bench_cpu(articles: list[Article], n: int = 400) -> float:
    """Articles per CPU-second in one process (robust to a busy machine); ×2 estimates 2 idle cores."""
    subset = articles[:n]
    t0 = time.process_time()
    sum(1 for _ in enrich_many(subset, workers=1))
    rate = len(subset) / (time.process_time() - t0)
    print(f"enrich_many, CPU time, 1 process, {len(subset)} articles: {rate:.1f} articles per CPU-second "
          f"(×2 cores: {2 * rate:.1f}/s) ({load()})")
    return rate


def load() -> str:
    """The machine's load average (1, 5, 15 min): the machine is shared, so every figure carries it."""
    return "load " + " / ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_side_by_side(articles: list[Article], sample: int) -> float:
    """Per-article seconds on the same SAMPLE articles, one process: our enrichment, underthesea's own
    `word_tokenize` (what segmentation cost before nlp/_crf.py), and `ner` on every sentence."""
    from underthesea import ner, sent_tokenize, word_tokenize

    from nlp.enrich import enrich

    subset = articles[:: max(1, len(articles) // sample)][:sample]  # spread over hits and negatives
    enrich(subset[0])  # models loaded before timing
    ner("Hà Nội")
    times: dict[str, list[float]] = {"enrich": [], "word_tokenize": [], "ner": []}
    for a in subset:
        t0 = time.perf_counter()
        enrich(a)
        t1 = time.perf_counter()
        word_tokenize(normalize(f"{a.title}\n\n{a.body}"), format="text")
        t2 = time.perf_counter()
        for sentence in sent_tokenize(normalize(f"{a.title}. {a.body}")):
            ner(sentence)
        t3 = time.perf_counter()
        times["enrich"].append(t1 - t0)
        times["word_tokenize"].append(t2 - t1)
        times["ner"].append(t3 - t2)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"side by side, {len(subset)} articles (subsample), 1 process, median seconds per article ({load()}):")
    for k, v in med.items():
        print(f"  {k:14s} {v * 1000:8.1f} ms  = {1 / v:7.1f} articles/s per core")
    print(f"  ratio ner / full enrichment: {med['ner'] / med['enrich']:.1f}x; "
          f"underthesea word_tokenize alone / full enrichment: {med['word_tokenize'] / med['enrich']:.2f}x")
    return med["ner"] / med["enrich"]


def _word_tokenize_chunk(texts: list[str]) -> int:
    """underthesea's own `word_tokenize` over TEXTS (normalised as enrichment does); the number of texts."""
    from underthesea import word_tokenize

    for t in texts:
        word_tokenize(normalize(t), format="text")
    return len(texts)


def _word_tokenize_many(texts: list[str], workers: int, chunk: int = 32) -> int:
    """underthesea `word_tokenize` alone, in the same process-pool shape as `enrich_many` (chunks of 32)."""
    from concurrent.futures import ProcessPoolExecutor

    chunks = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(_word_tokenize_chunk, chunks))


def _cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished children (the pool's workers)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def bench_alternating(articles: list[Article], workers: int, rounds: int) -> tuple[float, float]:
    """Wall-clock articles/s, full enrichment (`enrich_many`, as `ct05 process` runs it) and underthesea
    `word_tokenize` alone, in alternating rounds of the same run; median and worst round, load per round."""
    texts = [f"{a.title}\n\n{a.body}" for a in articles]
    rates: dict[str, list[float]] = {"enrich_many": [], "word_tokenize": []}
    print(f"alternating rounds, {len(articles)} articles, {workers} workers, wall clock:")
    for r in range(1, rounds + 1):
        for kind in rates:
            before = load()
            cpu0 = _cpu_seconds()
            t0 = time.perf_counter()
            n = sum(1 for _ in enrich_many(articles, workers=workers)) if kind == "enrich_many" \
                else _word_tokenize_many(texts, workers)
            elapsed = time.perf_counter() - t0
            cpu = _cpu_seconds() - cpu0
            assert n == len(articles)
            rates[kind].append(n / elapsed)
            print(f"  round {r} {kind:13s} {elapsed:6.2f} s = {n / elapsed:6.1f} articles/s wall; "
                  f"{cpu:5.1f} CPU-s (workers + parent) = {n / cpu:5.1f} articles per CPU-second "
                  f"({before} at start, {load()} at end)")
    for kind, v in rates.items():
        print(f"  {kind:13s} median {statistics.median(v):6.1f}/s, worst {min(v):6.1f}/s, "
              f"rounds {[round(x, 1) for x in v]}")
    med = {k: statistics.median(v) for k, v in rates.items()}
    print(f"  full enrichment / word_tokenize alone: {med['enrich_many'] / med['word_tokenize']:.2f}x; "
          f"goal ≥ 100 articles/s on 2 cores: {'met' if med['enrich_many'] >= 100 else 'NOT met'}")
    return med["enrich_many"], min(rates["enrich_many"])


def bench_fold(articles: list[Article]) -> None:
    tokens = [t for a in articles[:300] for t in f"{a.title} {a.body}".split()]
    t0 = time.perf_counter()
    for t in tokens:
        fold(t)
    elapsed = time.perf_counter() - t0
    print(f"fold per token: {len(tokens)} tokens in {elapsed:.2f} s = {len(tokens) / elapsed / 1e6:.2f} M tokens/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus_path", nargs="?", type=Path, help="the corpus directory (same as --corpus)")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--rounds", type=int, default=0,
                    help="alternating wall-clock rounds of full enrichment and underthesea word_tokenize alone")
    ap.add_argument("--only-rounds", action="store_true", help="run the alternating rounds only")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ner-sample", type=int, default=40)
    ap.add_argument("--check-segmentation", action="store_true",
                    help="compare nlp/_crf.py with underthesea's word_tokenize on every article (~1 min)")
    ap.add_argument("--before", action="store_true",
                    help="also time enrichment with underthesea's word_tokenize (the pre-_crf.py code)")
    args = ap.parse_args()
    args.corpus = args.corpus_path or args.corpus
    if args.only_rounds and args.corpus.is_dir():
        docs = load_corpus(args.corpus)
        articles = [Article(url=f"bench://{i}", source="bench", title=t or "-", body=b or "-")
                    for i, (_, t, b, _) in enumerate(docs)]
        bench_alternating(articles, args.workers, args.rounds or 3)
        return
    if args.corpus.is_dir():
        docs = load_corpus(args.corpus)
        bench_relevance(docs)
    else:
        print(f"{args.corpus} not found: using the test seeds, relevance precision/recall skipped")
        seeds = sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt"))
        docs = [(p.name, "", p.read_text(encoding="utf-8"), True) for p in seeds] * 200
    articles = [Article(url=f"bench://{i}", source="bench", title=t or "-", body=b or "-")
                for i, (_, t, b, _) in enumerate(docs)]
    bench_fold(articles)
    if args.check_segmentation:
        check_segmentation(articles)
    bench_cpu(articles)
    if args.rounds:
        bench_alternating(articles, args.workers, args.rounds)
    ours = bench_throughput(articles, args.workers, args.runs)
    print(f"throughput goal: ≥ 30 articles/s wall with 2 workers: {'met' if ours >= 30 else 'NOT met'}")
    bench_side_by_side(articles, args.ner_sample)
    if args.before:
        print("before (underthesea word_tokenize for segmentation):")
        reference_segmenter()
        bench_cpu(articles)
        bench_throughput(articles, args.workers, args.runs)


if __name__ == "__main__":
    main()
