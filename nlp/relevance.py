"""How much an article is about the Chỉ thị 05 topic (studying and following Hồ Chí Minh), in [0, 1]."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from crawler.article import Entity
from nlp.normalize import fold

__all__ = ["relevance", "topic_evidence"]

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
    head, text = fold(title), fold(body)
    score = 0.0
    for rx, weight in _SIGNALS:
        n = len(rx.findall(text))
        if n:
            # Repetition helps, with diminishing returns: the tenth mention adds little.
            score += weight * (1 + math.log(n))
            # Signals nest (the full phrase contains the shorter ones): count each span once.
            text = rx.sub(" ", text)
        if rx.search(head):
            score += 2 * weight
            head = rx.sub(" ", head)
    other = bool(_CT05_OTHER.search(text))
    docs = {d.name for d in documents}
    bare = len(_CT05_BARE.findall(text)) + len(_CT05_BARE.findall(head))
    if bare:
        if "Chỉ thị 05-CT/TW" in docs or not other:
            score += 1.5 * (1 + math.log(bare))
        # Another issuer's "Chỉ thị 05" (05/CT-TTg) weighs nothing by itself.
    return score


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
