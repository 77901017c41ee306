"""Diacritics for a run of words typed without them, read off the archive's own sentences.

For each adjacent pair of bare words ("cuu hoa") a few documents holding the folded pair are read and
the written forms found at the very place the pair stands are counted ("cứu hỏa" 9, "cửu hoa" 0). A
best path through the run then picks one form per word that agrees with both its neighbours, as a
bigram language model would (Viterbi): "linh cuu hoa" → "lính cứu hỏa", although "linh cữu" (a
coffin) is the commoner pair on its own. A word no pair speaks for is left to the other rules.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import numpy as np

from index.analysis import normalize
from nlp.normalize import fold_variants

#: Documents read per pair (the ones holding it most often first): enough to outvote a rare form.
PAIR_DOCS = 12
#: Occurrences after which no more documents are read (the stored text is the costly part).
PAIR_ENOUGH = 24
#: A restored form must hold this share of its pair's occurrences (on one side at least).
PAIR_SHARE = 0.5
#: Add-k smoothing of a reading's share: one sighting of a pair weighs little, a hundred weigh much.
SMOOTH = 0.5
#: Weight of a pair across two words against one inside a word (a word's syllables predict each other).
CROSS_WEIGHT = 0.5
#: Share of mid-sentence sightings written with a capital for a suggestion to capitalise the word.
CAPITAL_SHARE = 0.8
_WORD = re.compile(r"\w+")
_VARIANTS = fold_variants()
_CACHE_MAX = 4096


def _any_form(folded: str) -> str:
    """A pattern matching every written form of a folded word ("hoa" → "[hH…][oóòỏõọôố…][aáà…]")."""
    return "".join(f"[{re.escape(_VARIANTS[c])}]" if c in _VARIANTS else re.escape(c) for c in folded)


def _starts_sentence(text: str, i: int) -> bool:
    """Whether the word at `i` opens a sentence, a line or a quotation (its capital says nothing)."""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] in '.!?:\n"“\'‘(-–'


def _text(view: Any, doc: int) -> str:
    stored = view.snap.searcher.stored_fields(int(doc))
    return f"{stored.get('title', '')}\n{stored.get('text', '')}"


def pair_forms(view: Any, a: str, b: str) -> Counter[tuple[str, str]]:
    """Written forms of the folded pair `a b` where it stands in the documents holding it (cached).

    >>> # pair_forms(view, "cuu", "hoa") → Counter({("cứu", "hỏa"): 9, ("cửu", "hoa"): 1})
    """
    key = f"pair:{a}_{b}"
    cache = view.suggest_cache
    hit = cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    tf = np.zeros(view.n, dtype=np.float32)
    for field in ("title_p", "body_p"):
        ids, weights = view.snap.postings(field, f"{a}_{b}")
        tf[ids] += weights
    docs = np.flatnonzero(tf)
    docs = docs[np.argsort(-tf[docs], kind="stable")[:PAIR_DOCS]]
    found: Counter[tuple[str, str]] = Counter()
    # Every written form of the pair in one regular expression over the stored text as it is: no
    # folding or normalising of a long body, only of the two words found.
    pattern = re.compile(rf"(?<!\w)({_any_form(a)})\W+({_any_form(b)})(?!\w)")
    capitals: Counter[str] = cache.setdefault("capitals", Counter())
    for doc in docs:
        text = _text(view, doc)
        for m in pattern.finditer(text):
            written = normalize(f"{m.group(1)} {m.group(2)}").split()
            if len(written) != 2:
                continue
            words = [w.lower() for w in written]
            found[(words[0], words[1])] += 1
            # How the archive writes the words mid-sentence ("Bác", "Hồ Chí Minh"), for the suggestion.
            first = 1 if _starts_sentence(text, m.start()) else 0
            for w, shown in list(zip(words, written, strict=True))[first:]:
                capitals[w] += 1
                capitals[f"^{w}"] += shown[:1].isupper()
        if found.total() >= PAIR_ENOUGH:  # a common pair: its first documents already settle it
            break
    if len(cache) > _CACHE_MAX:
        for old in [k for k in cache if k.startswith("pair:")][: _CACHE_MAX // 2]:
            del cache[old]
    cache[key] = found
    return found


def restore_by_pairs(view: Any, run: list[str], inside: list[bool] | None = None) -> list[str | None]:
    """One written form per bare word of a run (None where no pair speaks for it), the forms agreeing
    with their neighbours along the run. `inside[i]` says the pair (run[i], run[i + 1]) lies inside
    one multi-syllable word ("nghia tinh" in "bat gao nghia tinh nghe an"); a pair across two words
    ("tinh nghe") speaks with CROSS_WEIGHT only, so "nghĩa tình | Nghệ An", not "nghĩa tỉnh Nghệ".

    >>> # restore_by_pairs(view, ["linh", "cuu", "hoa"]) → ["lính", "cứu", "hỏa"]
    """
    n = len(run)
    if n < 2:
        return [None] * n
    shares: list[dict[tuple[str, str], float]] = []
    counts_at: list[Counter[tuple[str, str]]] = []
    total_at: list[int] = []
    for a, b in zip(run, run[1:], strict=False):
        counts = pair_forms(view, a, b)
        counts_at.append(counts)
        total = sum(counts.values())
        total_at.append(total)
        shares.append({k: (c + SMOOTH) / (total + 2 * SMOOTH) for k, c in counts.items()} if total else {})
    # Candidate forms per word: those its pairs saw (the bare word itself when none did).
    states: list[list[str]] = [[] for _ in range(n)]
    for i, share in enumerate(shares):
        for x, y in share:
            if x not in states[i]:
                states[i].append(x)
            if y not in states[i + 1]:
                states[i + 1].append(y)
    for i in range(n):
        states[i] = states[i] or [run[i]]
    # Viterbi over smoothed log shares, as a bigram model would: a reading never seen in a well-attested
    # pair costs much ("không khói thuốc" beats "không khỏi thuốc" though "không khỏi" alone is
    # commoner), one seen once in a rare pair costs little ("yên bái | nhân sự").
    best: list[dict[str, tuple[float, str]]] = [{s: (0.0, s) for s in states[0]}]
    for i in range(1, n):
        share = shares[i - 1]
        layer: dict[str, tuple[float, str]] = {}
        for y in states[i]:
            floor = SMOOTH / (total_at[i - 1] + 2 * SMOOTH)
            weight = 1.0 if inside is None or inside[i - 1] else CROSS_WEIGHT
            layer[y] = max(((value + (weight * math.log(share.get((x, y), floor)) if share else 0.0), x)
                            for x, (value, _prev) in best[-1].items()), key=lambda o: o[0])
        best.append(layer)
    path: list[str] = [""] * n
    path[-1] = max(best[-1].items(), key=lambda kv: kv[1][0])[0]
    for i in range(n - 1, 0, -1):
        path[i - 1] = best[i][path[i]][1]
    # Keep a form only where a pair clearly calls for it: among the pair's forms next to the chosen
    # neighbour, this one holds most (not a near tie with another reading).
    out: list[str | None] = []
    for i, form in enumerate(path):
        ok = False
        if i > 0:
            ok |= _given(counts_at[i - 1], (path[i - 1], form), 1) >= PAIR_SHARE
        if i < n - 1:
            ok |= _given(counts_at[i], (form, path[i + 1]), 0) >= PAIR_SHARE
        out.append(form if ok else None)
    return out


def _given(counts: Counter[tuple[str, str]], pair: tuple[str, str], known: int) -> float:
    """Share of `pair` among the pair's forms that agree with it at position `known` (the neighbour)."""
    same = sum(c for k, c in counts.items() if k[known] == pair[known])
    return counts.get(pair, 0) / same if same else 0.0


def shown_form(view: Any, form: str) -> str:
    """A restored word as the archive writes it mid-sentence: "Bác", "Hồ", when it mostly capitalises it.

    >>> # shown_form(view, "bác") → "Bác" (after pair_forms read "làm theo Bác" in the archive)
    """
    capitals = view.suggest_cache.get("capitals") or {}
    seen = capitals.get(form, 0)
    return form[:1].upper() + form[1:] if seen >= 3 and capitals.get(f"^{form}", 0) >= CAPITAL_SHARE * seen else form
