"""The republication pass: same signatures as datasketch, and work proportional to the new articles."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from datasketch import MinHash

from crawler import republish
from crawler.archive import Archive
from crawler.article import Article
from crawler.crawl import crawl_in_subprocess
from demo.server import SITE_DIR, MirrorServer

WORDS = ("xã huyện tỉnh nông dân mô hình sản xuất chăn nuôi trồng trọt hợp tác hội phụ nữ thanh niên "
         "đường giao thông trường học trạm y tế vốn vay ngân hàng chính sách giảm nghèo bền vững").split()


def body(seed: int, n: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def article(n: int, text: str, published: str) -> Article:
    return Article(url=f"http://example.vn/tin/{n}.html", source="example", title=f"Tin {n}", body=text,
                   published=published)


def test_signature_is_datasketch_affine32() -> None:
    text = body(1, 300)
    template = MinHash(num_perm=republish.NUM_PERM, seed=republish.SEED)
    reference = MinHash(num_perm=republish.NUM_PERM, seed=republish.SEED, hashfunc=int,
                        permutations=template.permutations, scheme=template.scheme)
    reference.update_batch(republish.shingle_hashes(republish.normalise(text)).tolist())
    sig = republish.signature(text)
    assert sig is not None and np.array_equal(sig, reference.hashvalues)
    assert republish.signature("quá ngắn") is None


@pytest.mark.usefixtures("archive_backend")  # the bands and signatures behave alike on SQLite and PostgreSQL
def test_second_pass_touches_only_new_articles(tmp_path: Path) -> None:
    with Archive.open(tmp_path) as archive:
        old = [article(n, body(n), f"2024-01-{1 + n % 28:02d}T08:00:00") for n in range(60)]
        archive.upsert_many(old)
        first = republish.republication_pass(archive, [a.id for a in old])
        assert first.hashed == 60 and first.backfilled == 0 and first.marked == 0

        copy = article(100, old[7].body.replace(".", " (theo Báo Yên Bái)."), "2024-02-01T08:00:00")
        fresh = article(101, body(101), "2024-02-01T09:00:00")
        archive.upsert_many([copy, fresh])
        second = republish.republication_pass(archive, [copy.id, fresh.id])
        assert second.backfilled == 0, "the band table is built once, not on every pass"
        assert second.added == second.hashed == 2
        assert second.loaded <= 2, f"read {second.loaded} stored signatures for 2 new articles"
        assert second.marked == 1
        stored = archive.get(copy.id)
        assert stored is not None and stored.republication_of == old[7].id

        # A changed text replaces its bands: the copy no longer matches once rewritten.
        archive.upsert_many([copy.replace(body=body(999))])
        third = republish.republication_pass(archive, [copy.id])
        assert third.hashed == 1 and third.loaded == 0
        count = archive.db.execute("SELECT COUNT(*) FROM minhash_band WHERE id = ?", (copy.id,)).fetchone()[0]
        assert count == republish.BANDS


@pytest.mark.crawl
def test_second_crawl_hashes_only_the_new_article(manifest: dict[str, Any], tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITE_DIR / "yenbai", root / "yenbai")
    data = tmp_path / "data"
    entries = [a for a in manifest["articles"] if a["site"] == "yenbai"]
    with MirrorServer(root=root) as mirror:
        args = {"site_ids": ["mirror-yenbai"], "base_urls": {"mirror-yenbai": mirror.urls["yenbai"]}}
        first = crawl_in_subprocess(data_dir=data, progress=False, **args)
        assert first.totals["new"] == len(entries)
        assert first.republish["added"] == len(entries)
        assert first.republish["hashed"] == 0, "signatures come from the extraction step"

        # The site publishes one more article (a copy of one it has, under a new URL).
        path = entries[0]["path"]
        new_path = re.sub(r"-(\d+)\.html$", lambda m: f"-{int(m.group(1)) + 7}.html", path)
        (root / "yenbai" / new_path.lstrip("/")).write_text(
            (root / "yenbai" / path.lstrip("/")).read_text(encoding="utf-8"), encoding="utf-8")
        sitemap = root / "yenbai" / "sitemap.xml"
        sitemap.write_text(sitemap.read_text(encoding="utf-8").replace(
            "</urlset>", f"  <url><loc>{{{{BASE}}}}{new_path}</loc></url>\n</urlset>"), encoding="utf-8")

        second = crawl_in_subprocess(data_dir=data, progress=False, **args)
    assert second.totals["new"] == 1, second.summary()
    assert second.republish["backfilled"] == 0
    assert second.republish["added"] == 1 and second.republish["hashed"] == 0
    assert second.republish["loaded"] <= 1
    assert second.republications == 1
