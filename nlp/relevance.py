"""How much an article is about the Chỉ thị 05 topic (studying and following Hồ Chí Minh), in [0, 1]."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from crawler.article import Entity
from nlp.normalize import fold

__all__ = ["TOPIC_THRESHOLD", "relevance", "topic_evidence", "topic_reasons"]

#: The topic scope's threshold: an article with `relevance` ≥ this is "about Chỉ thị 05" (the search's
#: default scope "Chỉ bài về Chỉ thị 05"); below it, only "Tất cả bài" shows it. Calibrated on the shared
#: search-dev judgments and the NLP dev gold (see docs/topic-scope.md and BENCHMARKS.md): it keeps nearly
#: every judged-relevant article and leaves out crime, foreign news and gossip. Change it only with a new
#: calibration: indexes need no rebuild (the index stores the score, the threshold is applied at search).
TOPIC_THRESHOLD = 0.05

# (folded pattern, weight). Explicit references and the full phrase weigh most; "làm theo Bác" is a
# real but weaker signal; the related campaigns (2006 campaign, Chỉ thị 03, Kết luận 01) in between.
_SIGNALS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        (r"05-ct/tw", 3.0),
        (r"hoc tap va lam theo tu tuong,? dao duc,? phong cach ho chi minh", 2.5),
        (r"lam theo tu tuong,? dao duc,? phong cach ho chi minh", 2.0),
        (r"lam theo tam guong dao duc ho chi minh", 2.0),
        (r"cuoc van dong hoc tap va lam theo", 1.5),
        (r"03-ct/tw|01-kl/tw|ket luan (so )?01", 1.5),
        (r"(hoc|lam) theo (loi )?bac", 1.0),
        (r"hoc bac|noi guong bac|tam guong cua bac", 0.6),
        (r"tu tuong,? dao duc,? phong cach ho chi minh", 0.8),
        (r"phong cach ho chi minh", 0.4),
    )
)
_CT05_BARE = re.compile(r"chi thi (so )?05(?![-/\d])")
_CT05_OTHER = re.compile(r"05/ct-|05/2\d{3}/ct")


def topic_evidence(title: str, body: str, documents: Sequence[Entity] = ()) -> float:
    """The summed evidence weight (unbounded; `relevance` squashes it into [0, 1])."""
    return sum(weight for _phrase, weight in _evidence(title, body, documents))


def topic_reasons(title: str, body: str, documents: Sequence[Entity] = ()) -> list[tuple[str, float]]:
    """Why an article is (not) about the topic: each matched signal as written in the article, with the
    weight it adds to `topic_evidence` (title bonus and repetitions included), strongest first.

    >>> topic_reasons("Tuổi trẻ làm theo lời Bác",
    ...               "Thực hiện Chỉ thị 05-CT/TW, đoàn viên học tập và làm theo tư tưởng, đạo đức, "
    ...               "phong cách Hồ Chí Minh.")  # doctest: +NORMALIZE_WHITESPACE
    [('05-CT/TW', 3.0), ('học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh', 2.5),
     ('làm theo lời Bác', 2.0)]
    """
    merged: dict[str, float] = {}
    for phrase, weight in _evidence(title, body, documents):
        merged[phrase] = merged.get(phrase, 0.0) + weight
    return sorted(((p, round(w, 2)) for p, w in merged.items()), key=lambda pw: -pw[1])


def _surface(original: str, folded: str, span: tuple[int, int]) -> str:
    """The matched words as the article writes them (the folded match when positions do not line up)."""
    plain = " ".join(unicodedata.normalize("NFC", original).split())
    if len(plain) == len(folded):
        return plain[span[0]:span[1]].strip(" ,.;:")
    return folded[span[0]:span[1]].strip(" ,.;:")


def _phrase(rx: re.Pattern[str], original: str, folded: str, shown: str, current: str) -> str:
    """The first match as written in the article; the folded match if blanking lost it (not expected)."""
    m = rx.search(shown)
    if m:
        return _surface(original, folded, m.span())
    m = rx.search(current)
    return m.group().strip(" ,.;:") if m else ""


def _evidence(title: str, body: str, documents: Sequence[Entity]) -> list[tuple[str, float]]:
    """(matched phrase, weight) in the order `topic_evidence` adds them."""
    head, text = fold(title), fold(body)
    # The same texts with matched spans blanked at equal length: positions still point into the article.
    head0, text0, shown_head, shown_text = head, text, head, text
    out: list[tuple[str, float]] = []
    for rx, weight in _SIGNALS:
        n = len(rx.findall(text))
        if n:
            phrase = _phrase(rx, body, text0, shown_text, text)
            # Repetition helps, with diminishing returns: the tenth mention adds little.
            out.append((phrase, weight * (1 + math.log(n))))
            # Signals nest (the full phrase contains the shorter ones): count each span once.
            text = rx.sub(" ", text)
            shown_text = rx.sub(lambda m: " " * len(m.group()), shown_text)
        if rx.search(head):
            out.append((_phrase(rx, title, head0, shown_head, head), 2 * weight))
            head = rx.sub(" ", head)
            shown_head = rx.sub(lambda m: " " * len(m.group()), shown_head)
    other = bool(_CT05_OTHER.search(text))
    docs = {d.name for d in documents}
    bare = len(_CT05_BARE.findall(text)) + len(_CT05_BARE.findall(head))
    if bare:
        if "Chỉ thị 05-CT/TW" in docs or not other:
            out.append(("Chỉ thị 05", 1.5 * (1 + math.log(bare))))
        # Another issuer's "Chỉ thị 05" (05/CT-TTg) weighs nothing by itself.
    return out


def relevance(title: str, body: str, documents: Sequence[Entity] = ()) -> float:
    """Relevance to Chỉ thị 05-CT/TW and its campaign, 0 (unrelated) … 1 (about it).

    >>> relevance("Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    ...           "Thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị ...") > 0.8
    True
    >>> relevance("Xử lý xe quá tải", "Thực hiện Chỉ thị 05/CT-TTg của Thủ tướng về an toàn giao thông") < 0.2
    True
    """
    score = topic_evidence(title, body, documents)
    return round(1.0 - math.exp(-score / 4.0), 4)
