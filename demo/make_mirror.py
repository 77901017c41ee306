"""Generate the bundled offline mirror of five provincial news sites (dev time only).

Reads ../shared (seeds and corpus) relative to the repo and writes demo/site/<site_id>/ plus
demo/manifest.json. Deterministic: a fixed random seed drives every choice.

    python -m demo.make_mirror [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from demo.mirror_pages import (
    CSS,
    SVG,
    about_page,
    admin_page,
    article_page,
    home_page,
    listing_pages,
    robots_txt,
    rss_xml,
    sitemap_xml,
)
from demo.mirror_sites import SITES, article_path
from demo.mirror_sources import CT05_RE, Article, load_baomoi, load_seeds, load_vietnews

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "demo"
SEED = 20160516  # the day Chỉ thị 05-CT/TW was signed

# Hand-picked from the corpus after reading them: clearly about học tập và làm theo Bác / Chỉ thị 05 / named models.
BAOMOI_TOPICAL = [
    "22308329", "22307548", "22701996", "22455850", "22302904", "22302789", "22244169", "21471105",
    "22330745", "21511469", "22558989", "22488667", "22689612", "21491519", "22546159", "22500074",
]
VIETNEWS_TOPICAL = [
    "test_002159", "train_013457", "train_010144", "train_009896", "train_072261", "train_068572",
    "val_002318", "train_102017", "train_013673", "train_018800", "val_015330", "train_080414",
    "test_017465", "train_020845", "train_067029",
]
# Weak hits: another "Chỉ thị 05" (05/CT-TTg) or a passing mention; hard negatives for the relevance filter.
BAOMOI_WEAK = ["21480063", "21512447", "22720671"]
N_NEG_BAOMOI = 10
N_NEG_VIETNEWS = 10
AUTHORS = ["Minh Châu", "Thu Hà", "Quang Huy", "Lan Anh", "Đức Trung", "Hồng Nhung", "Văn Thành", "Phương Thảo",
           "Ngọc Mai", "Hải Đăng", "Thanh Tùng", "Bảo Ngọc"]
# House datelines that open the lead, as in seeds 001 and 003.
DATELINES = {"tthue": "TTH - ", "hoabinh": "(HBĐT) - "}
REPUBLISHED = "22455850"  # original on tthue, republished on bacninh a day later


def rand_date(rng: random.Random, lo: datetime, hi: datetime) -> datetime:
    """A random minute between lo and hi, during newsroom hours."""
    d = lo + timedelta(days=rng.randrange((hi - lo).days + 1))
    return d.replace(hour=rng.randint(6, 21), minute=rng.randrange(60), second=rng.randrange(60))


def pick_negatives(folder: Path, n: int, rng: random.Random, lo: int, hi: int) -> list[Path]:
    """n short-to-medium unrelated articles (size in [lo, hi] bytes), chosen by the seeded rng."""
    files = sorted(p for p in folder.iterdir() if lo <= p.stat().st_size <= hi)
    return rng.sample(files, n)


def collect(shared: Path, rng: random.Random) -> tuple[dict[str, Article], list[Article]]:
    """Seeds (already placed on their sites) and the corpus articles still to place."""
    seeds = load_seeds(shared)
    seeds["001"].weak = True  # party building with a named motto, no explicit campaign mention
    corpus: list[Article] = []
    bm, vn = shared / "corpus" / "baomoi-2017", shared / "corpus" / "vietnews"
    for key in BAOMOI_TOPICAL + BAOMOI_WEAK:
        a = load_baomoi(bm / "hits" / f"{key}.txt", rng)
        a.topical = key in BAOMOI_TOPICAL
        a.weak = not a.topical
        corpus.append(a)
    for key in VIETNEWS_TOPICAL:
        a = load_vietnews(vn / "hits" / f"{key}.txt.seg", rng)
        a.topical = True
        corpus.append(a)
    for p in pick_negatives(bm / "negatives", N_NEG_BAOMOI, rng, 1500, 4500):
        corpus.append(load_baomoi(p, rng))
    for p in pick_negatives(vn / "negatives", N_NEG_VIETNEWS, rng, 1500, 4500):
        corpus.append(load_vietnews(p, rng))
    for a in corpus:
        text = " ".join(t for _, t in a.blocks)
        a.ct05 = bool(CT05_RE.search(text))
        a.author = rng.choice(AUTHORS)
        if a.source.startswith("baomoi"):
            a.published = rand_date(rng, datetime(2017, 2, 1), datetime(2017, 7, 31))
        else:
            a.published = rand_date(rng, datetime(2016, 1, 1), datetime(2019, 12, 31))
    return seeds, corpus


def hoabinh_related(seed: Article) -> list[Article]:
    """Stub pages for the seed 003 'Các tin khác' items, so its related links resolve."""
    rel = seed.extra["related"]
    assert isinstance(rel, list)
    out = []
    for i, (title, lead) in enumerate(rel):
        d = datetime(2024, 4, 27 if i == 0 else 26, 17 - i, 10 + 7 * i)
        out.append(Article(source="seed-003-related", title=title, blocks=[("lead", lead)], author="PV",
                           topical=False, ct05=False, published=d, site="hoabinh",
                           category="chinh-tri" if i % 2 == 0 else "xa-hoi"))
    return out


def place(seeds: dict[str, Article], corpus: list[Article], rng: random.Random) -> list[Article]:
    """Deal corpus articles to sites and categories, add the republication, assign ids and paths."""
    arts = list(seeds.values()) + hoabinh_related(seeds["003"])
    per_site = {s: sum(a.site == s for a in arts) for s in SITES}
    rng.shuffle(corpus)
    origin = next(a for a in corpus if a.source.endswith(f"/{REPUBLISHED}.txt"))
    origin.site = "tthue"
    per_site["tthue"] += 1
    # Deal topical stories first so each site gets its share of them, then fill up with the rest.
    topical = {s: sum(a.site == s and a.topical for a in arts) for s in SITES}
    topical["tthue"] += 1
    for a in sorted(corpus, key=lambda a: not a.topical):
        if not a.site:
            count = topical if a.topical else per_site
            a.site = min(count, key=lambda s: (count[s], s))
            per_site[a.site] += 1
            topical[a.site] += a.topical
        cats = list(SITES[a.site].cats)
        a.category = cats[0] if a.topical else rng.choice(cats[1:])
        if a.site in DATELINES:
            a.blocks[0] = ("lead", DATELINES[a.site] + a.blocks[0][1])
    copy = Article(source=origin.source, title=origin.title, blocks=list(origin.blocks), author=origin.author,
                   topical=origin.topical, ct05=origin.ct05, site="bacninh", category="chinh-tri",
                   title_prefix="Hà Tĩnh: ", extra={"origin_name": "Báo Thừa Thiên Huế"})
    assert origin.published is not None
    copy.published = origin.published + timedelta(days=1, hours=2)
    arts += corpus + [copy]
    for s in SITES:
        site_arts = sorted((a for a in arts if a.site == s), key=lambda a: a.published or datetime(2023, 6, 1))
        base = rng.randint(100000, 500000)
        for i, a in enumerate(site_arts):
            a.num_id = base + i * rng.randint(40, 400) + rng.randrange(30)
    for a in arts:
        site = SITES[a.site]
        if site.id == "nghean":
            # The portal prints no date at all; the CMS still knows one for the sitemap.
            a.lastmod, a.published = (a.published, None)
            a.views = a.views or rng.randint(80, 2500)
        else:
            a.lastmod = a.published
        a.date_in = "none" if a.published is None else "metadata" if site.metadata != "none" else "byline"
        a.path = article_path(site, a)
    copy.republication_of = {"site": origin.site, "path": origin.path}
    for a in arts:
        if a.seed_file in {"003_0e35b4ad4c568c82.txt", "004_a373861fe9b57045.txt"}:
            a.lastmod = None  # gold: no known date for these two
    return arts


def write_site(site_id: str, arts: list[Article], tracked: Article | None) -> None:
    """Write every file of one site."""
    site = SITES[site_id]
    root = OUT / "site" / site_id
    files: dict[str, str] = {}
    newest = sorted(arts, key=lambda a: (a.published or a.lastmod or datetime(2023, 6, 1)), reverse=True)
    hb = {a.title: a for a in arts if a.source == "seed-003-related"}
    for a in arts:
        if "related" in a.extra:
            rel = a.extra["related"]
            assert isinstance(rel, list)
            a.extra["related_links"] = [(t, lead, hb[t].path, hb[t].published) for t, lead in rel]
        others = [o for o in newest if o is not a and o.category == a.category]
        files[a.path] = article_page(site, a, others)
    for cat in [site.all_key, *site.cats]:
        in_cat = newest if cat == site.all_key else [a for a in newest if a.category == cat]
        files.update(listing_pages(site, cat, in_cat, tracked))
        if site.rss:
            files[f"/rss/{cat}.rss"] = rss_xml(site, cat, in_cat)
    files["/"] = home_page(site, newest, tracked)
    files["/gioi-thieu.html"] = about_page(site)
    files["/admin/"] = admin_page(site)
    files["/robots.txt"] = robots_txt(site)
    files["/sitemap.xml"] = sitemap_xml(newest)
    files["/static/style.css"] = CSS
    for name in ("logo", "banner", "ad", "photo"):
        files[f"/static/{name}.svg"] = SVG
    for path, text in files.items():
        target = root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def manifest_row(a: Article, tracked: Article | None) -> dict[str, object]:
    """Ground-truth record of one article for other components' tests."""
    row: dict[str, object] = {
        "site": a.site, "path": a.path, "title": a.shown_title,
        "published": a.published.isoformat() if a.published else None, "date_in": a.date_in,
        "lastmod": a.lastmod.isoformat() if a.lastmod else None, "category": a.category,
        "topical": a.topical, "ct05": a.ct05, "weak_hit": a.weak, "author": a.author,
        "seed": a.seed_file, "source": a.source, "republication_of": a.republication_of,
    }
    if a is tracked:
        row["variants"] = [a.path + "?utm_source=facebook&utm_medium=social&utm_campaign=tin-noi-bat",
                           a.path + "#comments"]
    if a.note:
        row["note"] = a.note
    return row


def main(argv: list[str] | None = None) -> int:
    """Build the mirror and its manifest."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args(argv)
    rng = random.Random(SEED)
    seeds, corpus = collect(args.shared, rng)
    arts = place(seeds, corpus, rng)
    # The newest topical nghean story, so it sits on page 1 of both of its listings.
    tracked = max((a for a in arts if a.site == "nghean" and a.topical and a.seed_file is None),
                  key=lambda a: a.lastmod or datetime.min)
    if (OUT / "site").exists():
        shutil.rmtree(OUT / "site")
    for s in SITES:
        write_site(s, [a for a in arts if a.site == s], tracked if s == "nghean" else None)
    rows = [manifest_row(a, tracked) for a in sorted(arts, key=lambda a: (a.site, a.path))]
    about = ("Every article of the offline mirror (demo/site). published: the date the page shows "
             "(byline or metadata, local time UTC+7, null if the page shows none); date_in: where it is "
             "(metadata = machine-readable <meta>/JSON-LD and the visible byline, byline = visible only, none); "
             "lastmod: the sitemap date; republication_of: {site, path} of the original.")
    doc = {"about": about, "sites": {s.id: {"name": s.name, "metadata": s.metadata, "rss": s.rss} for s in
                                     SITES.values()}, "articles": rows}
    (OUT / "manifest.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(rows)} articles written to {OUT / 'site'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
