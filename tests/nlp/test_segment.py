"""The fast segmenter (nlp/_crf.py) must give exactly underthesea's `word_tokenize` output."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import _crf
from nlp.normalize import normalize
from nlp.segment import word_tokenize_batch

SEEDS = sorted((Path(__file__).resolve().parent.parent / "data" / "seeds").glob("*.txt"))
EDGES = [
    "a", "Ông Ba", "x y z", "Một hai ba bốn", "Học tập và làm theo tư tưởng Hồ Chí Minh",
    # isdigit is "parses as a 32-bit integer" in the reference featurizer; istitle looks at first letters.
    "Gọi +84901306437 hoặc -1, 2147483647, 2147483648 và 060195701256 Sacombank",
    "ĐBSCL 2023 TP.HCM iPhone ² Ⅻ Chỉ thị 05-CT/TW ngày 15/5/2016",
    "Uỷ ban nhân dân tỉnh Thanh Hoá ð Ð, nghành giáo dục; email: a@b.vn http://x.vn/a?b=1 :)",
]


@pytest.mark.parametrize("text", EDGES + [normalize(p.read_text(encoding="utf-8")) for p in SEEDS])
def test_same_as_underthesea(text: str) -> None:
    from underthesea import word_tokenize

    assert _crf.segment(text) == word_tokenize(text, format="text")


def test_features_same_as_reference_featurizer() -> None:
    m = _crf._model()
    text = " ".join(EDGES)
    tokens = _crf.tokens_of(text)
    assert _crf._features(tokens, m) == m.featurizer.process([[[t] for t in tokens]])[0]
    for n in range(1, 7):  # every boundary case: windows past both ends at once
        assert _crf._features(tokens[:n], m) == m.featurizer.process([[[t] for t in tokens[:n]]])[0]


def test_batch_empty_and_order() -> None:
    assert word_tokenize_batch(["", "Hồ Chí Minh"]) == ["", "Hồ_Chí_Minh"]
