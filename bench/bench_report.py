"""Báo cáo on a large index: one province over one year, as the web page and `ct05 report` build it.

usage: python bench/bench_report.py DATA_DIR [--province P] [--year Y|all] [--rounds 3]

DATA_DIR holds an archive and its index (`python bench/make_corpus.py corpus DATA_DIR -n 100000` then
`ct05 index --data-dir DATA_DIR`). Each round runs in a fresh process: open the index, build the report
(cold: the first query builds the index's facet and date arrays), build it again (warm: a serving
process), then write the DOCX. Rounds alternate the topic scope and the whole archive. The province and
year default to the largest of the topic scope. Each round checks the report's figures against the same
`SearchIndex.search` the search API runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROUND = r"""
import json, sys, time
from pathlib import Path
from crawler.archive import Archive
from index.store import SearchIndex
from index.types import SearchQuery
from webui.report.data import build_report
from webui.report.word import report_docx

data, province, year, scope = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
period = {} if year == "all" else {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
query = SearchQuery(filters=(("province", (province,)),), scope=scope, **period)
t0 = time.perf_counter()
idx = SearchIndex.open(data / "index")
archive = Archive.open(data, readonly=True)
t1 = time.perf_counter()
cold = build_report(idx, archive, query)
t2 = time.perf_counter()
warm = build_report(idx, archive, query)
t3 = time.perf_counter()
docx = report_docx(warm)
t4 = time.perf_counter()
api = idx.search(query)
assert warm["headline"]["unique"] == api.total, (warm["headline"], api.total)
assert cold["headline"] == warm["headline"]
print(json.dumps({"open": t1 - t0, "cold": t2 - t1, "warm": t3 - t2, "docx": t4 - t3, "bytes": len(docx),
                  "stories": warm["headline"]["unique"], "articles": warm["headline"]["stories"],
                  "sample": warm["sample"]["read"], "models": len(warm["models"]), "docs": idx.doc_count()}))
"""


def biggest(data: Path) -> tuple[str, str]:
    """The topic scope's largest province and year."""
    code = ("import sys, json; from pathlib import Path; from index.store import SearchIndex; "
            "from index.types import SearchQuery; idx = SearchIndex.open(Path(sys.argv[1]) / 'index'); "
            "r = idx.search(SearchQuery(per_page=1, facets=('province', 'year'), facet_limit=0)); "
            "known = lambda vs: [v for v in vs if v.value != 'Không rõ'] or vs; "
            "years = known(r.facets['year']); "
            "print(json.dumps([known(r.facets['province'])[0].value, "
            "max(years, key=lambda v: v.count).value if years[0].value != 'Không rõ' else 'all']))")
    out = subprocess.run([sys.executable, "-c", code, str(data)], check=True, capture_output=True, text=True,
                         cwd=ROOT)
    province, year = json.loads(out.stdout)
    return province, year


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("--province")
    parser.add_argument("--year")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    province, year = biggest(args.data)
    province, year = args.province or province, args.year or year
    rows: dict[str, list[dict[str, float]]] = {"topic": [], "all": []}
    for i in range(args.rounds * 2):
        scope = ("topic", "all")[i % 2]
        done = subprocess.run([sys.executable, "-c", ROUND, str(args.data), province, year, scope], check=True,
                              capture_output=True, text=True, cwd=ROOT)
        row = json.loads(done.stdout)
        row["load"] = os.getloadavg()[0]
        rows[scope].append(row)
        print(scope, json.dumps(row), file=sys.stderr)
    print(f"{province}, {year}; {rows['topic'][0]['docs']} documents in the index")
    print("| scope | stories (articles) | open | first report (cold) | report (warm) | DOCX | worst cold+docx | load |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for scope, runs in rows.items():
        med = {k: statistics.median(r[k] for r in runs) for k in ("open", "cold", "warm", "docx", "load")}
        worst = max(r["open"] + r["cold"] + r["docx"] for r in runs)
        print(f"| {scope} | {runs[0]['stories']} ({runs[0]['articles']}) | {med['open']:.2f} s | {med['cold']:.2f} s "
              f"| {med['warm']:.2f} s | {med['docx']:.2f} s | {worst:.2f} s | {med['load']:.1f} |")


if __name__ == "__main__":
    main()
