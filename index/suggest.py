"""Diacritic restoration and "did you mean" from what the index itself knows.

Restoration maps a word typed without diacritics to its written form, read first where its pairs
stand in the archive's sentences (`index.restore`: "linh cuu hoa" → "lính cứu hỏa"), then from the
underthesea words field (so "dang uy" becomes "đảng ủy" as a unit, not "đang ủy"), then single words.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from typing import Any

import numpy as np

from index.analysis import fold_word, normalize
from index.facets import UNKNOWN
from index.query import And, Parsed, Text, Words
from index.ranking import cut_units
from index.restore import restore_by_pairs, shown_form
from nlp.segment import compounds

_WORD = re.compile(r"\w+")
#: A form must account for this share of its folded spelling's occurrences to be restored.
DOMINANT = 0.6
#: A bare word's form must be in this share of the documents holding the word in context (its run, or
#: the pair with a restored neighbour); forms within NEAR_SLACK of the best share compete on rarity.
NEAR_COVER = 0.6
NEAR_SLACK = 0.1
_MAX_LEXICON = 2_000_000
#: The longest Vietnamese syllable ("nghiêng", "khuỷu"): a longer unknown word is a foreign word or a
#: name, and the nearest indexed word is no correction of it ("unclosed" is not "unclos").
MAX_SYLLABLE = 7


def _forms(view: Any, field: str) -> dict[str, list[tuple[int, str]]]:
    """folded term → its written forms with document frequencies, most frequent first (cached)."""
    key = f"forms:{field}"
    cached = view.suggest_cache.get(key)
    if cached is not None:
        return dict(cached)
    # Segment by segment, summed here: the whole index's iter_field looks every term up in every segment
    # (a random read each), which grew with the number of segments of a large rebuild.
    frequency: dict[Any, int] = defaultdict(int)
    for leaf, _offset in view.snap.leaves:
        for i, (term, info) in enumerate(leaf.iter_field(field)):
            if i >= _MAX_LEXICON:
                break
            frequency[term] += info.doc_frequency()
    forms: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for term, df in frequency.items():
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        forms[fold_word(text)].append((df, text))
    for variants in forms.values():
        variants.sort(reverse=True)
    view.suggest_cache[key] = forms
    return forms


def _dominant_forms(view: Any, field: str) -> dict[str, str]:
    """folded term → the form that accounts for most of its documents, when one does."""
    key = f"dominant:{field}"
    cached = view.suggest_cache.get(key)
    if cached is None:
        cached = {f: v[0][1] for f, v in _forms(view, field).items()
                  if v[0][0] >= DOMINANT * sum(df for df, _t in v)}
        view.suggest_cache[key] = cached
    return dict(cached)


def known_words(view: Any) -> set[str]:
    """Folded multi-syllable words ("hoc_sinh"): the index's own (segmented in at least two documents)
    and underthesea's dictionary (cached)."""
    cached = view.suggest_cache.get("known")
    if cached is None:
        cached = {f for f, forms in _forms(view, "words").items() if sum(df for df, _t in forms) >= 2}
        cached |= compounds()
        view.suggest_cache["known"] = cached
    return cached  # type: ignore[no-any-return]


def model_names(view: Any) -> set[tuple[str, ...]]:
    """The model facet's names and variants as folded word tuples ("3", "khong"), cached."""
    cached = view.suggest_cache.get("models")
    if cached is None:
        field = view.facet("model")
        cached = {tuple(_WORD.findall(fold_word(v.lower()))) for v in field.index if v != UNKNOWN}
        view.suggest_cache["models"] = cached
    return cached  # type: ignore[no-any-return]


def _association(view: Any, a: str, b: str) -> float:
    """How strongly two written words go together: Ochiai over the documents containing them."""
    ids_a = view.snap.postings("body", a)[0]
    ids_b = view.snap.postings("body", b)[0]
    if not ids_a.size or not ids_b.size:
        return 0.0
    small, big = (ids_a, ids_b) if ids_a.size < ids_b.size else (ids_b, ids_a)
    both = int(np.isin(small, big, assume_unique=True).sum())
    return both / math.sqrt(ids_a.size * ids_b.size)


def _restore_run(view: Any, run: list[str]) -> list[str]:
    """The written forms of a run of words typed without diacritics: read off the documents holding the
    run (all its folded pairs), else the forms that co-occur best."""
    docs = np.ones(view.n, dtype=bool)
    for a, b in zip(run, run[1:], strict=False):
        docs &= view.snap.mask("body_p", f"{a}_{b}") | view.snap.mask("title_p", f"{a}_{b}")
    if docs.any():
        return [_form_in(view, w, [docs]) for w in run]
    forms = _forms(view, "body")
    options = [[t for _df, t in forms.get(w, [(0, w)])[:3]] or [w] for w in run]
    best, best_score = run, -1.0
    for combo in itertools.islice(itertools.product(*options), 81):
        score = sum(_association(view, combo[i], combo[i + 1]) for i in range(len(combo) - 1))
        if score > best_score:
            best, best_score = list(combo), score
    return best


def _restore_near(view: Any, words: list[str], i: int, restored: dict[str, str]) -> str:
    """The written form of the bare word `words[i]` left between restored ones, read off the documents
    holding it next to a neighbour (the folded pair) in the neighbour's written form."""
    word = words[i]
    contexts = []
    for j in (i - 1, i + 1):
        if 0 <= j < len(words) and words[j] in restored:
            pair = f"{words[j]}_{word}" if j < i else f"{word}_{words[j]}"
            docs = view.snap.mask("body_p", pair) | view.snap.mask("title_p", pair)
            docs &= view.snap.mask("body", restored[words[j]]) | view.snap.mask("title", restored[words[j]])
            if docs.any():
                contexts.append(docs)
    return _form_in(view, word, contexts)


def _form_in(view: Any, word: str, contexts: list[np.ndarray]) -> str:
    """The form of a bare word that documents holding it in context (masks) call for. Those documents hold
    the word's true form: of the forms found in (nearly) all of them, the least common one in the archive
    ("hien mau" → "hiến", which they hold as surely as the everyday "hiện"); the bare word when no form
    is found in most of them."""
    if not contexts:
        return word
    scored = []
    for df, form in _forms(view, "body").get(word, [])[:8]:
        has = view.snap.mask("body", form) | view.snap.mask("title", form)
        cover = sum(int((docs & has).sum()) / int(docs.sum()) for docs in contexts) / len(contexts)
        scored.append((cover, df, form))
    top = max((c for c, _df, _f in scored), default=0.0)
    if top < NEAR_COVER:
        return word
    return min((df, form) for c, df, form in scored if c >= top - NEAR_SLACK)[1]


def _plain_words(parsed: Parsed) -> list[str]:
    node = parsed.node
    items = node.items if isinstance(node, And) else (node,) if node is not None else ()
    out: list[str] = []
    for item in items:
        if isinstance(item, Text | Words):
            out.extend(item.words)
    return out


def _inside(view: Any, run: list[str]) -> list[bool]:
    """For each adjacent pair of the run, whether it lies inside one multi-syllable word."""
    inside: list[bool] = []
    for unit in cut_units(tuple(run), known_words(view)):
        inside.extend([True] * (len(unit.syllables) - 1) + [False])
    return inside[:-1]


def _bare_runs(words: list[str], bare: list[str]) -> list[list[str]]:
    """Maximal runs of two or more consecutive bare words."""
    runs: list[list[str]] = []
    run: list[str] = []
    for w in [*words, ""]:
        if w and w in bare:
            run.append(w)
            continue
        if len(run) >= 2:
            runs.append(run)
        run = []
    return runs


def restore_map(view: Any, parsed: Parsed) -> dict[str, str]:
    """Word typed without diacritics → dominant form, when the index knows one. Only for a query typed
    wholly without diacritics (inside an accented query a bare "Thanh" or "Di" is a name, not "Thành"
    or "Đi"), and by context: each run read where its pairs stand in the archive (a bigram path,
    `index.restore`), then known multi-syllable words, then runs read off the documents holding them,
    then a word left between restored ones by its neighbours; a word alone is restored only when it is
    the whole query."""
    words = _plain_words(parsed)
    bare = [w for w in words if fold_word(w) == w and w.isalpha()]
    if not bare or any(fold_word(w) != w for w in words):
        return {}
    restored: dict[str, str] = {}
    # First the archive's sentences: each run of bare words read where its pairs stand.
    clash: set[str] = set()
    for run in _bare_runs(words, bare + [w for w in words if w.isdigit()]):  # "3 khong" reads "3 không"
        for w, form in zip(run, restore_by_pairs(view, run, _inside(view, run)), strict=True):
            if form is None:
                continue
            if restored.get(w, form) != form:
                clash.add(w)
            restored[w] = form
    multi = _dominant_forms(view, "words")
    i = 0
    while i < len(words):
        for size in (3, 2):
            chunk = words[i:i + size]
            if len(chunk) == size and all(fold_word(w) == w and w not in restored for w in chunk):
                form = multi.get("_".join(chunk))
                if form and form.count("_") == size - 1:
                    restored.update(zip(chunk, form.split("_"), strict=True))
                    i += size
                    break
        else:
            i += 1
    # Runs of two to four bare words the words field did not know: pick forms that co-occur.
    run: list[str] = []
    for w in [*words, ""]:
        if w and w in bare and w not in restored and len(run) < 4:
            run.append(w)
            continue
        if len(run) >= 2:
            restored.update(zip(run, _restore_run(view, run), strict=True))
        run = [w] if w and w in bare and w not in restored else []
    # A word left alone between restored ones ("mo hinh dan van kheo": "kheo"): the form that goes
    # best with its restored neighbours.
    for i, w in enumerate(words):
        if w in bare and w not in restored and len(words) > 1:
            restored[w] = _restore_near(view, words, i, restored)
    if len(words) == 1 and words[0] in bare:
        single = _dominant_forms(view, "body")
        if words[0] in single:
            restored[words[0]] = single[words[0]]
    # A word read two ways in two places stays bare: it matches both.
    return {w: f for w, f in restored.items() if f != w and w not in clash}


def _correct(view: Any, word: str) -> str:
    """The most frequent indexed (folded) word within one, else two, edits of a misspelled word, keeping
    its first letter (Elasticsearch's term suggester defaults: prefix length 1; one edit only for a word of
    four letters, none below: a short word is one edit from too many others, "qwe" from "que")."""
    if len(word) < 4:
        return word
    corrector = view.snap.searcher.corrector("body_f")
    for dist in (1, 2) if len(word) > 4 else (1,):
        options = corrector.suggest(word, limit=8, maxdist=dist, prefix=1)
        if options:
            return max(options, key=lambda o: view.snap.doc_frequency("body_f", o))
    return word


def suggestion_for(view: Any, parsed: Parsed, text: str, restored: dict[str, str], total: int) -> str | None:
    """The query with diacritics restored, or with misspelled words corrected when nothing matched."""
    words = _plain_words(parsed)
    if not words:
        return None
    fixed = dict(restored)
    if total == 0:
        corrected = []
        for w in words:
            f = fold_word(w)
            if 2 < len(f) <= MAX_SYLLABLE and view.snap.doc_frequency("body_f", f) == 0:
                corrected.append(_correct(view, f))
            else:
                corrected.append(fixed.get(w, w))
        typed_bare = all(fold_word(w) == w for w in words)
        if typed_bare:  # read the corrected run afresh: its words' forms depend on the corrected ones
            corrected = [fold_word(c) for c in corrected]
        bare = [c for c in corrected if fold_word(c) == c]
        if len(bare) == len(corrected) and len(corrected) >= 2:
            guess = _restore_run(view, corrected[:4]) + corrected[4:]
            read = restore_by_pairs(view, corrected, _inside(view, corrected))
            corrected = [r or g for r, g in zip(read, guess, strict=True)]
        else:
            single = _dominant_forms(view, "body")
            corrected = [single.get(c, c) if fold_word(c) == c else c for c in corrected]
        if any(fold_word(w) != w for w in words):  # inside an accented query a bare word the index has is
            corrected = [w if fold_word(w) == w and view.snap.doc_frequency("body_f", w) else c  # meant (restore_map)
                         for w, c in zip(words, corrected, strict=True)]
        fixed.update(zip(words, corrected, strict=True))
    fixed = {w: f for w, f in fixed.items() if f != w}
    if not fixed:
        return None
    out = _WORD.sub(lambda m: _shown(view, m.group(), fixed), normalize(text))
    return out if out != normalize(text) else None


def _shown(view: Any, typed: str, fixed: dict[str, str]) -> str:
    """A corrected word in the suggestion: capitalised as typed, else as the archive writes it ("Bác")."""
    form = fixed.get(typed.lower())
    if form is None:  # a word typed right ("minh" in "ho chi minh"), capitalised like its neighbours
        return shown_form(view, typed) if typed.islower() else typed
    if typed[:1].isupper():
        return form.upper() if typed.isupper() and len(typed) > 1 else form[:1].upper() + form[1:]
    return shown_form(view, form)
