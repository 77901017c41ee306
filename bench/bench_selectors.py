"""Site rules with lxml + cssselect (what ct05 uses) vs beautifulsoup4 + soupsieve, on the mirror pages.

Per page: parse the HTML and run the site's selectors (title, date, body, author and its drop list),
as `extract_html` does with site rules. Median of `--rounds` passes over the 66 mirror article pages.

    .venv/bin/python bench/bench_selectors.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bs4 import BeautifulSoup  # noqa: E402

from crawler import htmltext as ht  # noqa: E402
from crawler.sites import load_sites  # noqa: E402
from demo.server import MANIFEST, SITE_DIR  # noqa: E402


def selectors(site) -> list[str]:  # noqa: ANN001
    s = site.selectors
    return [x for x in (s.title, s.date, s.body, s.author, *s.drop) if x]


def with_lxml(data: bytes, sels: list[str]) -> int:
    root = ht.parse(ht.decode_html(data))
    return sum(len(ht.select(root, sel)) for sel in sels)


def with_bs4(data: bytes, sels: list[str]) -> int:
    soup = BeautifulSoup(data, "lxml")
    return sum(len(soup.select(sel)) for sel in sels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sites = load_sites()
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    pages = [((SITE_DIR / a["site"] / a["path"].lstrip("/")).read_bytes(), selectors(sites[f"mirror-{a['site']}"]))
             for a in manifest["articles"]]
    assert all(with_lxml(d, s) == with_bs4(d, s) for d, s in pages), "the two find different elements"
    times: dict[str, list[float]] = {"lxml + cssselect (ct05)": [], "beautifulsoup4 (lxml parser) + soupsieve": []}
    for _ in range(args.rounds):
        for name, fn in zip(times, (with_lxml, with_bs4), strict=True):
            start = time.perf_counter()
            for data, sels in pages:
                fn(data, sels)
            times[name].append((time.perf_counter() - start) / len(pages) * 1000)
    print(f"{len(pages)} mirror article pages, {args.rounds} rounds; ms per page (median, worst)")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.2f} | {max(values):.2f} |")


if __name__ == "__main__":
    main()
