"""How well ct05 restores diacritics to a query typed without them, on phrases it did not index.

Phrases are cut from the titles of articles that are NOT in the index (a JSON-lines file of held-out
articles, e.g. every other line of the search-dev corpus, the rest imported into the data dir), folded
(diacritics and "đ" removed) and restored with `index.suggest.restore_map`, the function search uses.
Each word is then right (the form the title has), left bare (search matches every form: no harm, no
help) or wrong (search prefers another word's form: the harm to avoid).

    python bench/restore_quality.py --data-dir /tmp/halfdd --held-out /tmp/half_b.jsonl [--phrases 400]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from index.analysis import fold_word, normalize  # noqa: E402
from index.query import parse  # noqa: E402
from index.store import SearchIndex  # noqa: E402
from index.suggest import restore_map  # noqa: E402

_WORD = re.compile(r"[^\W\d_]+")


def phrases(path: Path, count: int, seed: int = 5) -> list[list[str]]:
    """Runs of 2–6 words (letters only, lower case, normalised) from held-out titles, at random."""
    rng = random.Random(seed)
    out: list[list[str]] = []
    lines = path.read_text(encoding="utf-8").split("\n")  # not splitlines: U+2028 sits inside strings
    rng.shuffle(lines)
    for line in lines:
        if not line.strip():
            continue
        title = json.loads(line).get("title", "")
        for part in re.split(r"[,:;.!?\"'‘’“”()\-–]", normalize(title).lower()):
            words = _WORD.findall(part)
            if len(words) >= 2 and any(fold_word(w) != w for w in words):
                size = rng.randint(2, min(6, len(words)))
                start = rng.randint(0, len(words) - size)
                out.append(words[start:start + size])
                break
        if len(out) >= count:
            break
    return out


def score(index_dir: Path, runs: list[list[str]], show: int = 0) -> dict[str, float]:
    right = bare = wrong = plain = 0
    shown = 0
    started = time.perf_counter()
    with SearchIndex.open(index_dir) as idx:
        view = idx.view
        for words in runs:
            typed = [fold_word(w) for w in words]
            restored = restore_map(view, parse(" ".join(typed)))
            out = [restored.get(t, t) for t in typed]
            bad = False
            for want, got, t in zip(words, out, typed, strict=True):
                if want == t:
                    if got != t:
                        wrong += 1
                        bad = True
                    else:
                        plain += 1
                elif got == want:
                    right += 1
                elif got == t:
                    bare += 1
                else:
                    wrong += 1
                    bad = True
            if bad and shown < show:
                shown += 1
                print(f"  {' '.join(words)!r} → {' '.join(out)!r}")
    elapsed = time.perf_counter() - started
    total = right + bare + wrong + plain
    return {"phrases": len(runs), "words": total, "right": right, "bare": bare, "wrong": wrong,
            "wrong_share": wrong / max(1, total),
            "ms_per_phrase": 1000 * elapsed / max(1, len(runs))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--held-out", type=Path, required=True, help="JSON lines of articles not in the index")
    ap.add_argument("--phrases", type=int, default=400)
    ap.add_argument("--show", type=int, default=0, help="print this many phrases with a wrong word")
    args = ap.parse_args(argv)
    runs = phrases(args.held_out, args.phrases)
    s = score(args.data_dir / "index", runs, args.show)
    accented_words = sum(1 for r in runs for w in r if fold_word(w) != w)
    print(f"{s['phrases']} phrases, {s['words']} words ({accented_words} with diacritics): "
          f"right {s['right']} ({s['right'] / max(1, accented_words):.1%} of those), left bare {s['bare']}, "
          f"wrong {s['wrong']} ({s['wrong_share']:.1%} of all words); {s['ms_per_phrase']:.1f} ms a phrase")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
