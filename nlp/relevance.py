"""How much an article is about the Chỉ thị 05 topic (studying and following Hồ Chí Minh), in [0, 1]."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from crawler.article import Entity
from nlp.documents import compact_codes
from nlp.normalize import fold

__all__ = ["relevance", "topic_evidence"]

_HCM = r"(?:ho chi minh|hcm)"  # "phong cách HCM" abbreviates the person
# (folded pattern, weight). Explicit references and the full phrase weigh most; "làm theo Bác" is a
# real but weaker signal; the related campaigns (2006 campaign, Chỉ thị 03, Kết luận 01) in between.
_SIGNALS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        (r"05-ct/tw", 3.0),
        (rf"hoc tap,? va lam theo tu tuong,? dao duc,? phong cach {_HCM}", 2.5),
        (rf"lam theo tu tuong,? dao duc,? phong cach {_HCM}", 2.0),
        (rf"lam theo tam guong dao duc,? (?:phong cach )?{_HCM}", 2.0),
        (r"cuoc van dong hoc tap va lam theo", 1.5),
        (r"03-ct/tw|01-kl/tw|ket luan (so )?01", 1.5),
        # Following Bác's example, however worded: "học theo tấm gương Bác Hồ", "noi theo gương Bác".
        (r"(?:hoc|lam|noi) theo (?:tam )?guong (?:sang )?(?:cua )?bac", 1.0),
        # The Youth Union's congress and title of its exemplars under the campaign.
        (r"thanh nien tien tien lam theo loi bac", 2.0),
        (r"(hoc|lam) theo (loi )?bac", 1.0),
        # The campaign's national contest and honours of exemplars.
        (r"tam guong binh di ma cao quy", 1.0),
        (r"hoc bac|noi guong bac|tam guong cua bac", 0.6),
        (rf"tu tuong,? dao duc,? phong cach {_HCM}", 0.8),
        (rf"phong cach {_HCM}", 0.4),
    )
)
_CT05_BARE = re.compile(r"chi thi (so )?05(?![-/\d])")
_CT05_OTHER = re.compile(r"05/ct-|05/2\d{3}/ct")
# A phrase right after these is the title of a work ("ca khúc “Thanh niên làm theo lời Bác”"), not the campaign.
_WORK_TITLE = re.compile(r"(?:ca khuc|bai hat|bai ca|giai dieu|ten bai|bai tho|cuon sach|bo phim)\W{0,3}(?:\w+ ){0,3}$")
# Words of a complaint, investigation or trial: where they are dense, the story is the dispute and the
# campaign is named in passing ("được biểu dương … trong học tập và làm theo" of an accused principal).
_DISPUTE = re.compile(
    r"\b(?:to cao|khieu nai|thanh tra|bi cao|bi can|xet xu|khoi to|truy to|vu an|dieu tra|tranh chap)\b"
)
_DISPUTE_DENSITY = 8.0  # such words per 1,000 words; reviews of Party work stay under 4


def _count(rx: re.Pattern[str], text: str) -> tuple[int, str]:
    """Matches of RX in TEXT outside work titles, and TEXT with every match blanked."""
    n = found = 0
    for m in rx.finditer(text):
        found += 1
        if not _WORK_TITLE.search(text[max(0, m.start() - 40):m.start()]):
            n += 1
    return n, rx.sub(" ", text) if found else text


def topic_evidence(title: str, body: str, documents: Sequence[Entity] = ()) -> float:
    """The summed evidence weight (unbounded; `relevance` squashes it into [0, 1])."""
    head, text = fold(compact_codes(title)), fold(compact_codes(body))
    words = text.count(" ") + 1
    dispute = len(_DISPUTE.findall(text)) * 1000 / words >= _DISPUTE_DENSITY
    score = 0.0
    for rx, weight in _SIGNALS:
        n, text = _count(rx, text)  # signals nest (the full phrase holds the shorter ones): count each span once
        if n:
            # Repetition helps, with diminishing returns: the tenth mention adds little.
            score += weight * (1 + math.log(n))
        n, head = _count(rx, head)
        if n:
            score += 2 * weight
    other = bool(_CT05_OTHER.search(text))
    docs = {d.name for d in documents}
    bare = len(_CT05_BARE.findall(text)) + len(_CT05_BARE.findall(head))
    if bare:
        if "Chỉ thị 05-CT/TW" in docs or not other:
            score += 1.5 * (1 + math.log(bare))
        # Another issuer's "Chỉ thị 05" (05/CT-TTg) weighs nothing by itself.
    return score / 2 if dispute else score


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
