"""underthesea's word segmenter, same output, without its slow parts (see BENCHMARKS.md "## NLP").

`underthesea.word_tokenize` spends ~80 % of its time outside the CRF itself: the Rust `CRFFeaturizer`
takes ~30 µs per token to build its 43 feature strings (it hands back Python lists of fresh strings), and
the regex tokenizer renormalises every token. Here the same 43 features are built in Python from
per-token and per-position pieces computed once (a syllable recurs dozens of times per article), and the
token normalisation is memoised; only `CRFTagger.tag` (the Viterbi search) is still underthesea's.
`tests/nlp/test_segment.py` checks the output is identical to `underthesea.word_tokenize` on real text.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

__all__ = ["segment"]

# The feature templates of the model ws_crf_vlsp2013_20230727 (its features.bin), in that order.
TEMPLATES = (
    "T[-2]", "T[-1]", "T[0]", "T[1]", "T[2]", "T[-2,-1]", "T[-1,0]", "T[0,1]", "T[1,2]", "T[-2,0]", "T[-1,1]",
    "T[0,2]", "T[-2].lower", "T[-1].lower", "T[0].lower", "T[1].lower", "T[2].lower", "T[-2,-1].lower",
    "T[-1,0].lower", "T[0,1].lower", "T[1,2].lower", "T[-1].isdigit", "T[0].isdigit", "T[1].isdigit",
    "T[-2].istitle", "T[-1].istitle", "T[0].istitle", "T[1].istitle", "T[2].istitle", "T[0,1].istitle",
    "T[0,2].istitle", "T[-2].is_in_dict", "T[-1].is_in_dict", "T[0].is_in_dict", "T[1].is_in_dict",
    "T[2].is_in_dict", "T[-2,-1].is_in_dict", "T[-1,0].is_in_dict", "T[0,1].is_in_dict", "T[1,2].is_in_dict",
    "T[-2,0].is_in_dict", "T[-1,1].is_in_dict", "T[0,2].is_in_dict",
)

# Distinct tokens memoised per process: ~3 kB each (25 feature strings), so ~50 MB at most; 1,233 articles
# use ~15,000. Cleared when full rather than frozen, so a long run over a new vocabulary keeps its hit rate.
_CACHE_TOKENS = 16_000


class _Model:
    """The loaded CRF, its dictionary and the token tables, with per-token memo tables."""

    def __init__(self) -> None:
        import joblib
        import underthesea.pipeline.word_tokenize as wt
        from underthesea.pipeline.text_normalize.text_normalizer import character_map, token_map
        from underthesea.pipeline.word_tokenize.regex_tokenize import patterns
        from underthesea_core import CRFFeaturizer, CRFTagger

        base = os.path.join(os.path.dirname(wt.__file__), "models", "ws_crf_vlsp2013_20230727")
        features = joblib.load(os.path.join(base, "features.bin"))
        if tuple(features) != TEMPLATES:
            raise RuntimeError(f"underthesea's segmentation model changed its features: {features}")
        self.dictionary: frozenset[str] = frozenset(joblib.load(os.path.join(base, "dictionary.bin")))
        self.tagger = CRFTagger()
        self.tagger.load(os.path.join(base, "models.bin"))
        # The reference featurizer, for the short sequences where hand-written boundary cases are not worth it.
        self.featurizer = CRFFeaturizer(features, set(self.dictionary))
        self.pattern = patterns
        self.character_map: dict[str, str] = dict(character_map)
        self.token_map: dict[str, str] = dict(token_map)
        self.norm_cache: dict[str, str] = {}
        self.unigram_cache: dict[str, tuple[str, ...]] = {}

    def normalize_token(self, token: str) -> str:
        """underthesea's `token_normalize` (NFC, ð → đ, a spelling table for tokens ≤ 6 characters)."""
        out = self.norm_cache.get(token)
        if out is None:
            out = token
            if len(token) <= 6:
                import unicodedata

                out = unicodedata.normalize("NFC", out)
                for src, dst in self.character_map.items():
                    out = out.replace(src, dst)
                out = self.token_map.get(out, out)
            if len(self.norm_cache) >= _CACHE_TOKENS:
                self.norm_cache.clear()
            self.norm_cache[token] = out
        return out

    def unigrams(self, token: str) -> tuple[str, ...]:
        """Per-token pieces: for each offset -2..2, "T[k]=…", lower, isdigit, istitle, is_in_dict."""
        out = self.unigram_cache.get(token)
        if out is None:
            low = token.lower()
            digit = str(_is_int32(token))
            title = str(_title(token))
            known = str(low in self.dictionary)
            pieces = []
            for k in ("-2", "-1", "0", "1", "2"):
                pieces += [f"T[{k}]={token}", f"T[{k}].lower={low}", f"T[{k}].isdigit={digit}",
                           f"T[{k}].istitle={title}", f"T[{k}].is_in_dict={known}"]
            out = tuple(pieces)
            if len(self.unigram_cache) >= _CACHE_TOKENS:
                self.unigram_cache.clear()
            self.unigram_cache[token] = out
        return out


_INT = re.compile(r"[+-]?[0-9]+")


def _is_int32(token: str) -> bool:
    # The Rust featurizer's `isdigit` is "parses as an i32": "-1" is a number, a phone number is not.
    return bool(_INT.fullmatch(token)) and -(2**31) <= int(token) < 2**31


def _title(text: str) -> bool:
    # The Rust featurizer's `istitle`: every space-separated part starts with a character that is not
    # lower case ("2023", "ĐBSCL", "TP.HCM" are titles; Python's str.istitle says otherwise).
    return all(not part[:1].islower() for part in text.split(" "))


@functools.cache
def _model() -> _Model:
    return _Model()


def _features(tokens: list[str], m: _Model) -> list[list[str]]:
    """The 43 feature strings of every token, exactly as `CRFFeaturizer.process` writes them."""
    n = len(tokens)
    if n < 5:
        return m.featurizer.process([[[t] for t in tokens]])[0]
    uni = [m.unigrams(t) for t in tokens]
    low = [u[1][len("T[-2].lower="):] for u in uni]
    title = [u[3].endswith("True") for u in uni]
    dictionary = m.dictionary
    # Pairs and triples starting at j, computed once and reused at the three positions that see them.
    bi = [f"{tokens[j]} {tokens[j + 1]}" for j in range(n - 1)]
    bi_low = [f"{low[j]} {low[j + 1]}" for j in range(n - 1)]
    bi_dict = [str(b in dictionary) for b in bi_low]
    bi_title = [title[j] and title[j + 1] for j in range(n - 1)]
    tri = [f"{bi[j]} {tokens[j + 2]}" for j in range(n - 2)]
    tri_dict = [str(f"{bi_low[j]} {low[j + 2]}" in dictionary) for j in range(n - 2)]
    out: list[list[str]] = []
    for i in range(n):
        if i < 2 or i >= n - 2:
            out.append(_edge_features(i, n, tokens, uni, bi, bi_low, bi_dict, bi_title, tri, tri_dict))
            continue
        a, b, c, d, e = uni[i - 2], uni[i - 1], uni[i], uni[i + 1], uni[i + 2]
        out.append([
            a[0], b[5], c[10], d[15], e[20],
            "T[-2,-1]=" + bi[i - 2], "T[-1,0]=" + bi[i - 1], "T[0,1]=" + bi[i], "T[1,2]=" + bi[i + 1],
            "T[-2,0]=" + tri[i - 2], "T[-1,1]=" + tri[i - 1], "T[0,2]=" + tri[i],
            a[1], b[6], c[11], d[16], e[21],
            "T[-2,-1].lower=" + bi_low[i - 2], "T[-1,0].lower=" + bi_low[i - 1], "T[0,1].lower=" + bi_low[i],
            "T[1,2].lower=" + bi_low[i + 1],
            b[7], c[12], d[17],
            a[3], b[8], c[13], d[18], e[23],
            "T[0,1].istitle=True" if bi_title[i] else "T[0,1].istitle=False",
            "T[0,2].istitle=True" if bi_title[i] and title[i + 2] else "T[0,2].istitle=False",
            a[4], b[9], c[14], d[19], e[24],
            "T[-2,-1].is_in_dict=" + bi_dict[i - 2], "T[-1,0].is_in_dict=" + bi_dict[i - 1],
            "T[0,1].is_in_dict=" + bi_dict[i], "T[1,2].is_in_dict=" + bi_dict[i + 1],
            "T[-2,0].is_in_dict=" + tri_dict[i - 2], "T[-1,1].is_in_dict=" + tri_dict[i - 1],
            "T[0,2].is_in_dict=" + tri_dict[i],
        ])
    return out


def _edge_features(i: int, n: int, tokens: list[str], uni: list[tuple[str, ...]], bi: list[str],
                   bi_low: list[str], bi_dict: list[str], bi_title: list[bool], tri: list[str],
                   tri_dict: list[str]) -> list[str]:
    """Features of the first and last two tokens: a window reaching past an end reads BOS / EOS."""

    def span(lo: int, hi: int) -> str | None:
        if i + lo < 0:
            return "BOS"
        if i + hi >= n:
            return "EOS"
        return None

    out: list[str] = []
    for template in TEMPLATES:
        name, _, attr = template.partition(".")
        offsets = [int(x) for x in name[2:-1].split(",")]
        lo, hi = offsets[0], offsets[-1]
        edge = span(lo, hi)
        if edge is not None:
            out.append(f"{template}={edge}")
            continue
        j = i + lo
        if lo == hi:
            piece = uni[j][5 * (lo + 2) + ("", "lower", "isdigit", "istitle", "is_in_dict").index(attr)]
            out.append(piece)
            continue
        width = hi - lo
        if attr == "":
            value = bi[j] if width == 1 else tri[j]
        elif attr == "lower":
            value = bi_low[j]
        elif attr == "istitle":
            value = str(bi_title[j] and (width == 1 or uni[j + 2][3].endswith("True")))
        else:
            value = bi_dict[j] if width == 1 else tri_dict[j]
        out.append(f"{template}={value}")
    return out


def tokens_of(text: str) -> list[str]:
    """underthesea's regex tokenizer (`regex_tokenize.tokenize`), token normalisation memoised."""
    m = _model()
    for src, dst in m.character_map.items():
        text = text.replace(src, dst)
    return [m.normalize_token(t.group(0)) for t in m.pattern.finditer(text)]


def segment(text: str) -> str:
    """`underthesea.word_tokenize(text, format="text")` for NFC text, several times faster.

    >>> segment("Học tập và làm theo tư tưởng Hồ Chí Minh")
    'Học_tập và làm theo tư_tưởng Hồ_Chí_Minh'
    """
    import unicodedata

    m = _model()
    text = unicodedata.normalize("NFC", text)
    tokens = tokens_of(text)
    if not tokens:
        return ""
    tags: list[Any] = m.tagger.tag(_features(tokens, m))
    words: list[str] = []
    for tag, token in zip(tags, tokens, strict=True):
        if tag == "I-W" and words:
            words[-1] = f"{words[-1]} {token}"
        else:
            words.append(token)
    return " ".join(w.replace(" ", "_") for w in words)
