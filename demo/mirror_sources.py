"""Read the dev-time material in ../shared and turn it into article records for the offline mirror.

Only demo/make_mirror.py imports this module; the product and its tests never read ../shared.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# Block kinds: "lead" (sapo), "p" (paragraph), "h2" (cross-heading), "caption" (photo caption).
Block = tuple[str, str]


@dataclass
class Article:
    """One article to publish on a mirror site, plus its ground-truth labels."""

    source: str
    title: str | None
    blocks: list[Block]
    author: str | None
    topical: bool
    ct05: bool
    weak: bool = False
    seed_file: str | None = None
    site: str = ""
    category: str = ""
    published: datetime | None = None
    # The date a sitemap may carry even where the page itself shows none.
    lastmod: datetime | None = None
    path: str = ""
    num_id: int = 0
    date_in: str = "none"
    republication_of: dict[str, str] | None = None
    title_prefix: str = ""
    views: int = 0
    # Seed-specific furniture (breadcrumb, related list ...) keyed by name.
    extra: dict[str, object] = field(default_factory=dict)
    note: str | None = None

    @property
    def shown_title(self) -> str | None:
        """The headline as the page prints it (a republication may prefix it)."""
        if self.title is None:
            return None
        return f"{self.title_prefix}{self.title}"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _para_blocks(lines: list[str], captions: set[int], heads: set[int], lo: int, hi: int) -> list[Block]:
    """Blocks from 1-based seed lines lo..hi, skipping blanks; listed lines become captions/headings."""
    out: list[Block] = []
    for n in range(lo, hi + 1):
        text = lines[n - 1].strip()
        if not text:
            continue
        kind = "caption" if n in captions else "h2" if n in heads else "p"
        out.append((kind, text))
    return out


def load_seeds(shared: Path) -> dict[str, Article]:
    """The five seed pages, hand-mapped line by line onto title, body blocks, author and furniture."""
    seeds = {p.name[:3]: p for p in sorted((shared / "seeds").glob("*.txt"))}
    out: dict[str, Article] = {}

    s = _lines(seeds["000"])
    out["000"] = Article(
        source="seed", seed_file=seeds["000"].name, title=s[2].strip(),
        blocks=_para_blocks(s, {8}, set(), 6, 40), author=None, topical=True, ct05=True,
        published=datetime(2023, 6, 20, 2, 30, 43), site="yenbai", category="chinh-tri",
        extra={"weather": [s[41].strip(), s[43].strip(), s[44].strip()]},
    )
    s = _lines(seeds["001"])
    blocks = _para_blocks(s, {9}, {13, 21, 23}, 7, 31)
    blocks[0] = ("lead", blocks[0][1])
    out["001"] = Article(
        source="seed", seed_file=seeds["001"].name, title=s[4].strip(), blocks=blocks,
        author=s[32].strip(), topical=False, ct05=False,
        published=datetime(2018, 3, 24, 14, 45), site="tthue", category="xay-dung-dang",
    )
    s = _lines(seeds["002"])
    blocks = _para_blocks(s, set(), set(), 4, 16)
    blocks[0] = ("lead", blocks[0][1])
    out["002"] = Article(
        source="seed", seed_file=seeds["002"].name, title=s[2].strip(), blocks=blocks,
        author=s[17].strip(), topical=True, ct05=False,
        published=datetime(2012, 8, 27, 10, 5), site="bacninh", category="chinh-tri",
    )
    s = _lines(seeds["003"])
    blocks = _para_blocks(s, {6}, {8, 19}, 1, 27)
    blocks[0] = ("lead", blocks[0][1])
    related = [(s[n - 1].strip(), s[n + 1].strip()) for n in range(34, 57, 4)]
    out["003"] = Article(
        source="seed", seed_file=seeds["003"].name, title=None, blocks=blocks,
        author=s[28].strip(), topical=True, ct05=True, site="hoabinh", category="chinh-tri",
        extra={"related": related},
        note="the seed page shows no headline and no date: no <h1>, no date anywhere but the related list",
    )
    s = _lines(seeds["004"])
    blocks = _para_blocks(s, {9}, set(), 7, 45)
    blocks[0] = ("lead", blocks[0][1])
    out["004"] = Article(
        source="seed", seed_file=seeds["004"].name, title=s[1].strip(), blocks=blocks,
        author=s[46].strip(), topical=True, ct05=True, views=471, site="nghean", category="xay-dung-dang",
        note="the seed page shows no date of the article",
    )
    return out


_SENT = re.compile(r"(?<=[.!?…”\"])\s+(?=[A-ZĐÀÁẢÃẠÂẦẤẨẪẬĂẰẮẲẴẶÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ“\"])")


def group_sentences(sentences: list[str], rng: random.Random) -> list[str]:
    """Join sentences into paragraphs of 2-4 sentences, like a newsroom CMS would show them."""
    paras: list[str] = []
    i = 0
    while i < len(sentences):
        n = rng.randint(2, 4)
        paras.append(" ".join(sentences[i : i + n]))
        i += n
    return paras


def load_baomoi(path: Path, rng: random.Random) -> Article:
    """A baomoi-2017 file: title, lead and a one-line body split back into paragraphs."""
    title, lead, body = (path.read_text(encoding="utf-8").split("\n") + ["", ""])[:3]
    paras = group_sentences([x for x in _SENT.split(body.strip()) if x], rng)
    blocks: list[Block] = [("lead", lead.strip())] + [("p", p) for p in paras]
    return Article(source=f"baomoi-2017/{path.parent.name}/{path.name}", title=title.strip(),
                   blocks=blocks, author=None, topical=False, ct05=False)


_QUOTES = {'"', "'"}


def desegment(line: str) -> str:
    """Undo VietNews word segmentation: `_` to space, re-attach spaced punctuation (tone marks kept as found)."""
    toks = line.replace("_", " ").split()
    out = ""
    open_q: dict[str, bool] = {q: False for q in _QUOTES}
    glue_next = False
    for tok in toks:
        if tok in _QUOTES:
            if open_q[tok]:
                out += tok
            else:
                out += (" " if out else "") + tok
                glue_next = True
            open_q[tok] = not open_q[tok]
            continue
        if tok in {",", ".", ";", ":", "!", "?", ")", "”", "’", "…", "%"}:
            out += tok
        elif glue_next or not out:
            out += tok
        else:
            out += " " + tok
        glue_next = tok in {"(", "“", "‘"}
    return out


def load_vietnews(path: Path, rng: random.Random) -> Article:
    """A VietNews .seg file: title, lead, one sentence a line, then photo captions."""
    parts = [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    title = desegment(parts[0].strip())
    lead = desegment(parts[1].strip()) if len(parts) > 1 else ""
    sentences = [desegment(x) for x in parts[2].split("\n") if x.strip()] if len(parts) > 2 else []
    captions = [desegment(x) for p in parts[3:] for x in p.split("\n") if x.strip()]
    blocks: list[Block] = [("lead", lead)]
    paras = group_sentences(sentences, rng)
    if captions and paras:
        # Real pages put the photo after the opening paragraph.
        blocks += [("p", paras[0]), ("caption", captions[0])] + [("p", p) for p in paras[1:]]
        blocks += [("caption", c) for c in captions[1:]]
    else:
        blocks += [("p", p) for p in paras]
    return Article(source=f"vietnews/{path.parent.name}/{path.name}", title=title, blocks=blocks,
                   author=None, topical=False, ct05=False)


CT05_RE = re.compile(r"Chỉ thị (số )?05(?!/CT-TTg)|05-CT/TW", re.I)
