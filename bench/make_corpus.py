"""Build search-index corpora from the real texts in /work/shared (never read by the product or tests).

    python bench/make_corpus.py fixtures           # tests/data/index/articles.json (small, committed)
    python bench/make_corpus.py corpus OUT_DIR -n 100000   # an archive of recombined real paragraphs
    # grow a copy of it to 300,000 (articles 100000..299999, their own seed; the first 100k unchanged):
    cp -r OUT_DIR OUT_300K && python bench/make_corpus.py corpus OUT_300K -n 200000 --start 100000
    # the same in 3 processes (parts generated apart, then merged into OUT_300K):
    ... corpus OUT_300K -n 200000 --start 100000 --jobs 3

The benchmark corpus recombines real titles and paragraphs at random (seeded), so term statistics
look like Vietnamese news; enrichment values (province, models, themes, documents) are drawn from
small real lists so the facets have realistic cardinalities.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.archive import Archive  # noqa: E402
from crawler.article import Article, Enrichment, Entity  # noqa: E402
from nlp.relevance import relevance  # noqa: E402

SHARED = Path("/work/shared")
FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "data" / "index" / "articles.json"
PROVINCES = [("Yên Bái", "Lào Cai"), ("Thừa Thiên Huế", "Huế"), ("Bắc Ninh", "Bắc Ninh"),
             ("Hòa Bình", "Phú Thọ"), ("Nghệ An", "Nghệ An"), ("Hà Nội", "Hà Nội"),
             ("Thanh Hóa", "Thanh Hóa"), ("Bắc Giang", "Bắc Ninh"), ("Quảng Nam", "Đà Nẵng"),
             ("Cần Thơ", "Cần Thơ"), ("Đắk Lắk", "Đắk Lắk"), ("Lâm Đồng", "Lâm Đồng")]
SOURCES = ["baoyenbai", "baothuathienhue", "baobacninh", "baohoabinh", "baonghean", "hanoimoi",
           "baothanhhoa", "baobacgiang", "baoquangnam", "baocantho", "baodaklak", "baolamdong"]
MODELS = ["Dân vận khéo", "Mỗi tuần một lời hay, ý đẹp", "Tuyến đường nở hoa", "Chi bộ 4 tốt",
          "Học Bác mỗi ngày", "Thắp sáng đường quê", "Ngôi nhà nhân ái", "Tiết kiệm giúp nhau giảm nghèo"]
THEMES = ["xây dựng Đảng", "đạo đức công vụ", "nêu gương", "an sinh xã hội", "nông thôn mới", "cải cách hành chính"]
CT05 = re.compile(r"Chỉ thị (?:số )?05(?!/CT-TTg)|05-CT/TW")


@dataclass
class Text:
    title: str
    body: str
    words: str  # "_"-joined segmentation when the source has one
    hit: bool
    name: str


def _baomoi(kind: str) -> list[Text]:
    out = []
    for path in sorted((SHARED / "corpus/baomoi-2017" / kind).glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        if len(lines) >= 3:
            out.append(Text(lines[0].strip(), "\n\n".join(x.strip() for x in lines[1:] if x.strip()), "",
                            kind == "hits", path.name))
    return out


def _vietnews(kind: str) -> list[Text]:
    out = []
    for path in sorted((SHARED / "corpus/vietnews" / kind).glob("*.seg")):
        parts = [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        if len(parts) < 3:
            continue
        seg_title, seg_body = parts[0].strip(), "\n".join(parts[1:]).strip()

        def plain(s: str) -> str:
            s = s.replace("_", " ")
            s = re.sub(r" ([,.;:!?)\]])", r"\1", s)
            return re.sub(r"([(\[]) ", r"\1", s)

        body = "\n\n".join(plain(line) for line in seg_body.split("\n") if line.strip())
        out.append(Text(plain(seg_title), body, f"{seg_title}\n{seg_body}", kind == "hits", path.name))
    return out


def _seeds() -> list[Text]:
    out = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        lines = [x.strip() for x in path.read_text(encoding="utf-8").split("\n") if x.strip()]
        title = max(lines[:6], key=len)
        out.append(Text(title, "\n\n".join(lines[lines.index(title) + 1:]), "", True, path.name))
    return out


def _article(t: Text, i: int, rng: random.Random, body: str | None = None, with_words: bool = True) -> Article:
    p = i % len(PROVINCES)
    body = body if body is not None else t.body
    docs = ("Chỉ thị 05-CT/TW",) if CT05.search(f"{t.title} {body}") else ()
    models = tuple(Entity(name=m) for m in rng.sample(MODELS, rng.randint(0, 2))) if t.hit else ()
    themes = tuple(rng.sample(THEMES, rng.randint(1, 2))) if t.hit else ()
    year = rng.choice([2017, 2019, 2021, 2023, 2024, 2025])
    published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T08:00:00"
    documents = tuple(Entity(name=d) for d in docs)
    enr = Enrichment(province=PROVINCES[p][0], province_2025=PROVINCES[p][1], models=models,
                     documents=documents, themes=themes, relevance=relevance(t.title, body, documents),
                     words=t.words if with_words else "", version="fixture")
    return Article(url=f"https://{SOURCES[p]}.vn/bai-{i}-{t.name}", source=SOURCES[p], title=t.title,
                   body=body, source_province=PROVINCES[p][0], published=published,
                   published_source="metadata", enrichment=enr)


def fixtures() -> None:
    """A few dozen real articles: Chỉ thị 05 hits, a 05/CT-TTg hard negative, negatives, seeds."""
    rng = random.Random(5)
    bm_hits, bm_neg = _baomoi("hits"), _baomoi("negatives")
    vn_hits, vn_neg = _vietnews("hits"), _vietnews("negatives")
    chosen = [t for t in bm_hits if "05/CT-TTg" in t.body][:1]
    chosen += [t for t in bm_hits if CT05.search(t.body) and t not in chosen][:6]
    chosen += [t for t in bm_hits if "Đảng ủy" in t.body and t not in chosen][:3]
    chosen += bm_neg[:8]
    chosen += [t for t in vn_hits if "Đảng_uỷ" in t.words][:6] + [t for t in vn_hits if "Chỉ_thị 05" in t.words][:3]
    chosen += vn_neg[:6] + _seeds()
    articles = []
    for i, t in enumerate(chosen):
        articles.append(_article(t, i, rng, body=t.body[:3500]))
    original = articles[-1]  # a seed republished by two other sites
    for k in (1, 2):
        articles.append(Article(url=f"https://{SOURCES[k]}.vn/dang-lai-{k}", source=SOURCES[k], title=original.title,
                                body=original.body, source_province=PROVINCES[k][0],
                                published=f"2023-07-0{k}T08:00:00", published_source="metadata",
                                republication_of=original.id, enrichment=original.enrichment))
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps([a.as_dict() for a in articles], ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{len(articles)} articles, {FIXTURE.stat().st_size // 1024} KB → {FIXTURE}")


def paragraphs() -> tuple[list[str], list[tuple[str, str]]]:
    """Real titles and (paragraph, segmented paragraph) pairs from every source."""
    titles: list[str] = []
    paras: list[tuple[str, str]] = []
    for t in _baomoi("hits") + _baomoi("negatives") + _seeds():
        titles.append(t.title)
        paras.extend((p, "") for p in t.body.split("\n\n") if len(p) > 40)
    for t in _vietnews("hits") + _vietnews("negatives"):
        titles.append(t.title)
        seg = [s for s in t.words.split("\n")[1:] if s.strip()]
        plain = [p for p in t.body.split("\n\n") if p.strip()]
        paras.extend((p, s) for p, s in zip(plain, seg, strict=False) if len(p) > 40)
    return titles, paras


def corpus(out: Path, n: int, seed: int = 5, start: int = 0) -> None:
    """An archive of n articles, each a real title and 4–12 real paragraphs drawn at random.

    ``start`` numbers the articles from there (their URLs stay distinct), so a copy of a smaller corpus
    can be grown into a larger one; the seed then defaults to ``5 + start``.
    """
    rng = random.Random(seed + start)
    titles, paras = paragraphs()
    out.mkdir(parents=True, exist_ok=True)
    batch: list[Article] = []
    with Archive.open(out) as archive:
        for i in range(n):
            picked = rng.sample(paras, rng.randint(4, 12))
            body = "\n\n".join(p for p, _s in picked)
            words = "\n".join(s for _p, s in picked if s)
            t = Text(rng.choice(titles), body, words, rng.random() < 0.3, f"{start + i}")
            art = _article(t, rng.randrange(10**6), rng)
            if i and rng.random() < 0.03:  # a republication of an earlier story
                orig = batch[-1] if batch else art
                art = art.replace(title=orig.title, body=orig.body, republication_of=orig.id)
            batch.append(art)
            if len(batch) >= 2000:
                archive.upsert_many(batch)
                batch = []
                if (i + 1) % 50_000 == 0:
                    print(f"{start + i + 1}", file=sys.stderr, flush=True)
        archive.upsert_many(batch)
        print(f"{archive.count()} articles in {out}")


def _part(args: tuple[Path, int, int]) -> None:
    corpus(*args[:2], start=args[2])


def corpus_jobs(out: Path, n: int, start: int, jobs: int) -> None:
    """`corpus` in `jobs` processes, each into its own archive (articles start + k·n/jobs on), then copied
    into `out` by SQL with their change numbers after those already there (one generator process wrote
    ~600 articles/s; a million took most of an hour on a busy machine)."""
    import sqlite3
    from multiprocessing import Pool

    cuts = [start + n * k // jobs for k in range(jobs + 1)]
    parts = [(out / f".part-{k}", cuts[k + 1] - cuts[k], cuts[k]) for k in range(jobs)]
    with Pool(jobs) as pool:
        pool.map(_part, parts)
    with Archive.open(out) as archive:
        archive.count()  # the schema exists
    db = sqlite3.connect(out / "archive.sqlite3")
    for path, _n, _start in parts:
        db.execute("ATTACH DATABASE ? AS part", (str(path / "archive.sqlite3"),))
        db.execute("INSERT INTO articles SELECT id, url, source, published, content_hash, data, nlp_key, "
                   "seq + (SELECT COALESCE(MAX(seq), 0) FROM main.articles), deleted, first_seen, updated_at "
                   "FROM part.articles")
        db.commit()
        db.execute("DETACH DATABASE part")
        for f in path.glob("archive.sqlite3*"):
            f.unlink()
        path.rmdir()
    print(f"{db.execute('SELECT COUNT(*) FROM articles').fetchone()[0]} articles in {out}")
    db.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("fixtures")
    c = sub.add_parser("corpus")
    c.add_argument("out", type=Path)
    c.add_argument("-n", type=int, default=100_000)
    c.add_argument("--start", type=int, default=0, help="number of the first article (grow an existing corpus)")
    c.add_argument("--jobs", type=int, default=1, help="generator processes (their parts are then merged)")
    args = ap.parse_args()
    if args.cmd == "fixtures":
        fixtures()
    else:
        if args.jobs > 1:
            corpus_jobs(args.out, args.n, args.start, args.jobs)
        else:
            corpus(args.out, args.n, start=args.start)


if __name__ == "__main__":
    main()
