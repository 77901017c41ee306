"""crawler.wordcrc: the vectorised word CRCs equal the per-word ones, so MinHash signatures do not change."""

from __future__ import annotations

import random
import re
import zlib
from pathlib import Path

import numpy as np

from crawler import republish
from crawler.wordcrc import MAX_WORD_BYTES, word_crcs

WORD = re.compile(r"\w+")
SEEDS = Path(__file__).resolve().parents[1] / "data"


def per_word(text: str) -> list[int]:
    return [zlib.crc32(w.encode()) for w in WORD.findall(text)]


def test_every_bmp_character_alone_and_between_letters() -> None:
    # Each BMP code point (surrogates excepted) as a word of its own and inside a word: the \w table and
    # the UTF-8 lengths of one, two and three bytes.
    points = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    for chunk in range(0, len(points), 4096):
        part = points[chunk:chunk + 4096]
        for text in (" ".join(part), "".join(f"a{c}b " for c in part), "".join(f"{c}ệ," for c in part)):
            result = word_crcs(text)
            assert result is not None and result.dtype == np.uint64
            assert result.tolist() == per_word(text)


def test_random_mixed_text() -> None:
    rng = random.Random(14)
    alphabet = [chr(c) for c in [*range(0x80), *range(0xC0, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00),
                                 0xA0, 0x2028, 0x3000, 0xFEFF, 0x4E00, 0xAC00, 0x0E01, 0xFFFF]]
    covered = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        result = word_crcs(text)
        if result is None:  # only for a word longer than the tables
            assert max(len(w.encode()) for w in WORD.findall(text)) > MAX_WORD_BYTES
            continue
        covered += 1
        assert result.tolist() == per_word(text)
    assert covered > 2500


def test_texts_the_tables_do_not_cover_give_none() -> None:
    assert word_crcs("").tolist() == []  # type: ignore[union-attr]
    assert word_crcs(" ,. ").tolist() == []  # type: ignore[union-attr]
    assert word_crcs("x" * MAX_WORD_BYTES).tolist() == per_word("x" * MAX_WORD_BYTES)  # type: ignore[union-attr]
    assert word_crcs("x" * (MAX_WORD_BYTES + 1)) is None
    assert word_crcs("ệ" * (MAX_WORD_BYTES // 3 + 1)) is None
    assert word_crcs("chữ 😀") is None  # outside the BMP
    assert word_crcs("chữ \ud800") is None  # a lone surrogate


def test_signatures_equal_the_per_word_path() -> None:
    def per_word_signature(text: str) -> np.ndarray | None:
        words = republish.normalise(text)
        if len(words) < republish.MIN_WORDS:
            return None
        hv = republish._fmix32(republish.shingle_hashes(words).astype(np.uint32))
        with np.errstate(over="ignore"):
            return (hv[:, None] * republish._A + republish._B).min(axis=0)

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.rglob("*.txt"))[:40]]
    texts += ["Ông NGUYỄN Văn Ánh " * 30, "x" * 100 + " từ " * 60, "Hoà 😀 " * 50, "ngắn quá"]
    assert len(texts) > 5
    for text in texts:
        expected = per_word_signature(text)
        got = republish.signature(text)
        assert (got is None and expected is None) or (got is not None and expected is not None
                                                      and got.tolist() == expected.tolist())
