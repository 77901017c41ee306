"""Extraction quality: our extractor vs trafilatura's default output, side by side.

Body text: word-level F1 against the gold body of the five seed pages. The gold body of a seed is the
article text of the seed page without its furniture: the paragraphs, cross-headings and photo captions
that demo/mirror_sources.py maps out of the seed text line by line (title, date line, breadcrumb,
author line, weather widget, related list, ads and statistics left out), with the house dateline
("TTH -", "(HBĐT) -") removed because the Article model keeps it apart from the body. F1 is computed
on the multiset of lower-cased NFC word tokens (precision = share of extracted words that are in the
gold, recall = share of gold words extracted).

Title and date: exact-match accuracy against demo/manifest.json over every mirror article
(byline-only dates compared to the minute, which is all the page shows).

    .venv/bin/python bench/bench_extract.py
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.extract import extract_html  # noqa: E402
from crawler.sites import load_sites  # noqa: E402
from demo.mirror_sources import load_seeds  # noqa: E402
from demo.server import MANIFEST, SITE_DIR  # noqa: E402

BASE = "http://127.0.0.1:8000"
DATELINE = re.compile(r"^(\([A-ZĐ]{2,8}\)|TTH)\s*-\s*")


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", unicodedata.normalize("NFC", text).lower()))


def f1(found: str, gold: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of word multisets."""
    f, g = words(found), words(gold)
    common = sum((f & g).values())
    p = common / max(1, sum(f.values()))
    r = common / max(1, sum(g.values()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def page(site: str, path: str) -> bytes:
    return (SITE_DIR / site / path.lstrip("/")).read_bytes().replace(b"{{BASE}}", BASE.encode())


def gold_bodies() -> dict[str, str]:
    """Seed file name -> gold body text."""
    out = {}
    for seed in load_seeds(ROOT / "tests" / "data").values():
        texts = [text for _kind, text in seed.blocks]
        texts[0] = DATELINE.sub("", texts[0])
        out[seed.seed_file or ""] = "\n\n".join(texts)
    return out


def trafilatura_date(html: bytes) -> str | None:
    meta = trafilatura.extract_metadata(html.decode("utf-8"))
    return meta.date if meta and meta.date else None


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    sites = load_sites()
    gold = gold_bodies()
    records = {a["file"]: a for a in json.loads((ROOT / "tests" / "data" / "gold_seeds.json").read_text(
        encoding="utf-8"))["articles"]}
    leaks = Counter()
    rows = []
    for entry in sorted((a for a in manifest["articles"] if a.get("seed")), key=lambda a: a["seed"]):
        html = page(entry["site"], entry["path"])
        ours = extract_html(html, BASE + entry["path"], sites[f"mirror-{entry['site']}"])
        generic = extract_html(html, BASE + entry["path"])
        traf = trafilatura.extract(html.decode("utf-8")) or ""
        g = gold[entry["seed"]]
        for furniture in records[entry["seed"]]["not_in_body"]:
            leaks["ours"] += furniture in (ours.body if ours else "")
            leaks["trafilatura"] += furniture in traf
        leaks["total"] += len(records[entry["seed"]]["not_in_body"])
        rows.append((entry["seed"][:3], entry["site"], f1(ours.body if ours else "", g),
                     f1(generic.body if generic else "", g), f1(traf, g)))

    titles = Counter()
    dates = Counter()
    for entry in manifest["articles"]:
        html = page(entry["site"], entry["path"])
        ours = extract_html(html, BASE + entry["path"], sites[f"mirror-{entry['site']}"])
        meta = trafilatura.extract_metadata(html.decode("utf-8"))
        want_date = entry["published"]
        cut = 16 if entry["date_in"] == "byline" else 19
        titles["ours"] += bool(ours and (entry["title"] is None or ours.title == entry["title"]))
        titles["trafilatura"] += bool(meta and entry["title"] is not None and meta.title == entry["title"])
        titles["trafilatura"] += bool(entry["title"] is None and meta and not meta.title)
        ours_date = ours.published if ours else None
        dates["ours"] += (ours_date or "")[:cut] == (want_date or "")[:cut]
        traf_date = meta.date if meta and meta.date else None
        dates["trafilatura"] += (traf_date or "")[:10] == (want_date or "")[:10]
    n = len(manifest["articles"])

    lines = ["| seed | site | ours P / R / F1 | ours, no site rules F1 | trafilatura default P / R / F1 |",
             "|---|---|---|---|---|"]
    for seed, site, o, gen, t in rows:
        lines.append(f"| {seed} | {site} | {o[0]:.3f} / {o[1]:.3f} / **{o[2]:.3f}** | {gen[2]:.3f} | "
                     f"{t[0]:.3f} / {t[1]:.3f} / {t[2]:.3f} |")
    med = [statistics.median(r[i][2] for r in rows) for i in (2, 3, 4)]
    lines.append(f"| median | | **{med[0]:.3f}** | {med[1]:.3f} | {med[2]:.3f} |")
    lines += ["", f"Gold `not_in_body` furniture strings leaking into the body: {leaks['ours']}/{leaks['total']} "
              f"(ours) vs {leaks['trafilatura']}/{leaks['total']} (trafilatura default).",
              "", f"Over all {n} mirror articles: title exact {titles['ours']}/{n} (ours) vs "
              f"{titles['trafilatura']}/{n} (trafilatura metadata); date right {dates['ours']}/{n} (ours, to the "
              f"second or the minute the page shows) vs {dates['trafilatura']}/{n} (trafilatura/htmldate, day only)."]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
