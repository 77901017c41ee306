"""Generic extraction on real pages: ct05's no-site-rules path vs trafilatura's default, in one run.

Takes the folder of the Scrapinghub article-extraction benchmark (181 real news and blog pages,
`html/<id>.html.gz` and `ground-truth.json`). Body F1: lower-cased NFC `\\w+` tokens compared as
multisets with the gold `articleBody`; a page rejected as "not an article" or with an empty body scores 0.
Both extractors get the same bytes; each page is extracted by both, alternating which goes first, and
the time per page is the median of `--repeat` timings (the page's best-of run is reported too).

Dates: the gold has none, so the day is compared where the page's URL states a full date
(/yyyy/mm/dd/ and the like, a publisher's own stamp), for ct05 and for
`htmldate.find_date(html, original_date=True)`, once with the URL and once with it withheld from both
(both read the URL first); and the agreement between the two on every page.

    .venv/bin/python bench/bench_extraction_real.py ../shared/extraction/scrapinghub [--repeat 3] [--worst 10]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import htmldate  # noqa: E402
import trafilatura  # noqa: E402

from crawler.dates import date_from_url  # noqa: E402
from crawler.extract import extract_html  # noqa: E402


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", unicodedata.normalize("NFC", text).lower()))


def f1(found: str, gold: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of word multisets; nothing found scores 0."""
    f, g = words(found), words(gold)
    common = sum((f & g).values())
    if not common:
        return 0.0, 0.0, 0.0
    p, r = common / sum(f.values()), common / sum(g.values())
    return p, r, 2 * p * r / (p + r)


def ours(html: bytes, url: str) -> tuple[str, str | None]:
    article = extract_html(html, url)
    return (article.body, article.published) if article else ("", None)


def theirs(html: bytes, url: str) -> tuple[str, str | None]:
    return trafilatura.extract(html) or "", None


def timed(fn, html: bytes, url: str) -> tuple[float, tuple[str, str | None]]:  # noqa: ANN001
    start = time.perf_counter()
    out = fn(html, url)
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, help="the scrapinghub benchmark folder (html/, ground-truth.json)")
    parser.add_argument("--repeat", type=int, default=3, help="timings per page and extractor (median kept)")
    parser.add_argument("--worst", type=int, default=10, help="list this many of ct05's worst pages")
    parser.add_argument("--only", help="comma-separated page ids (debugging)")
    args = parser.parse_args()
    gold = json.loads((args.folder / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(gold) if not args.only else args.only.split(",")
    rows = []
    dates = Counter()
    extractors = {"ct05": ours, "trafilatura": theirs}
    for n, page_id in enumerate(ids):
        html = gzip.decompress((args.folder / "html" / f"{page_id}.html.gz").read_bytes())
        url = gold[page_id]["url"]
        order = list(extractors) if n % 2 == 0 else list(reversed(extractors))
        times: dict[str, list[float]] = {k: [] for k in extractors}
        outs: dict[str, tuple[str, str | None]] = {}
        for _ in range(args.repeat):
            for name in order:
                seconds, outs[name] = timed(extractors[name], html, url)
                times[name].append(seconds)
        row = {"id": page_id, "url": url}
        for name in extractors:
            body = outs[name][0]
            row[name] = {"f1": f1(body, gold[page_id]["articleBody"]), "empty": not body.strip(),
                         "time": statistics.median(times[name])}
        rows.append(row)
        # Dates: the day our path and htmldate give, against the URL's own date where it states one.
        hd = htmldate.find_date(html.decode("utf-8", "replace"), original_date=True, url=url)
        mine = (outs["ct05"][1] or "")[:10] or None
        want = (date_from_url(url) or "")[:10] or None
        dates["pages"] += 1
        dates["agree"] += mine is not None and mine == hd
        dates["ours_dated"] += mine is not None
        dates["htmldate_dated"] += hd is not None
        if want:
            dates["url_gold"] += 1
            dates["ours_right"] += mine == want
            dates["htmldate_right"] += hd == want
            # The same with the URL withheld from both (htmldate reads the URL first; so does ct05).
            blind = extract_html(html, "http://page.invalid/")
            dates["ours_blind"] += bool(blind and (blind.published or "")[:10] == want)
            dates["htmldate_blind"] += htmldate.find_date(html.decode("utf-8", "replace"), original_date=True,
                                                          url="") == want
    total = len(rows)
    print(f"{total} pages of {args.folder}; body F1 on lower-cased \\w+ token multisets; empty/rejected = 0")
    print("| extractor | mean F1 | median F1 | mean P | mean R | empty | ms/page (median of per-page medians) "
          "| ms/page (mean) |")
    print("|---|---|---|---|---|---|---|---|")
    for name in extractors:
        f = [r[name]["f1"][2] for r in rows]
        p = [r[name]["f1"][0] for r in rows]
        rc = [r[name]["f1"][1] for r in rows]
        t = [r[name]["time"] * 1000 for r in rows]
        print(f"| {name} | **{statistics.mean(f):.3f}** | {statistics.median(f):.3f} | {statistics.mean(p):.3f} | "
              f"{statistics.mean(rc):.3f} | {sum(r[name]['empty'] for r in rows)} | {statistics.median(t):.1f} | "
              f"{statistics.mean(t):.1f} |")
    better = sum(r["ct05"]["f1"][2] > r["trafilatura"]["f1"][2] + 0.01 for r in rows)
    worse = sum(r["ct05"]["f1"][2] < r["trafilatura"]["f1"][2] - 0.01 for r in rows)
    print(f"pages where ct05 is better / worse than trafilatura by > 0.01 F1: {better} / {worse}")
    print(f"dates: {dates['url_gold']} pages state a full date in the URL; day right: ct05 {dates['ours_right']}, "
          f"htmldate {dates['htmldate_right']}; dated pages: ct05 {dates['ours_dated']}, htmldate "
          f"{dates['htmldate_dated']} of {dates['pages']}; same day as htmldate: {dates['agree']}")
    print(f"dates with the URL withheld from both, same {dates['url_gold']} pages: day right ct05 "
          f"{dates['ours_blind']}, htmldate {dates['htmldate_blind']}")
    print(f"\nct05's {args.worst} worst pages (F1 ct05 / trafilatura, empty):")
    for r in sorted(rows, key=lambda r: r["ct05"]["f1"][2] - r["trafilatura"]["f1"][2])[:args.worst]:
        print(f"  {r['id'][:12]} {r['ct05']['f1'][2]:.3f} / {r['trafilatura']['f1'][2]:.3f}"
              f"{' EMPTY' if r['ct05']['empty'] else ''}  {r['url'][:90]}")


if __name__ == "__main__":
    main()
