"""How much an article is about the Chỉ thị 05 topic (studying and following Hồ Chí Minh), in [0, 1]."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from crawler.article import Entity
from nlp.documents import compact_codes
from nlp.normalize import fold

__all__ = ["TOPIC_THRESHOLD", "relevance", "topic_evidence", "topic_reasons"]

#: The topic scope's threshold: an article with `relevance` ≥ this is "about Chỉ thị 05" (the search's
#: default scope "Chỉ bài về Chỉ thị 05"); below it, only "Tất cả bài" shows it. Calibrated on the shared
#: search-dev judgments and the NLP dev gold (see docs/topic-scope.md and BENCHMARKS.md): it keeps nearly
#: every judged-relevant article and leaves out crime, foreign news and gossip. Change it only with a new
#: calibration: indexes need no rebuild (the index stores the score, the threshold is applied at search).
TOPIC_THRESHOLD = 0.05

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
    head, text = fold(compact_codes(title)), fold(compact_codes(body))
    words = text.count(" ") + 1
    dispute = len(_DISPUTE.findall(text)) * 1000 / words >= _DISPUTE_DENSITY
    # The same texts with matched spans blanked at equal length: positions still point into the article.
    head0, text0, shown_head, shown_text = head, text, head, text
    out: list[tuple[str, float]] = []
    for rx, weight in _SIGNALS:
        # Signals nest (the full phrase holds the shorter ones): count each span once.
        n, blanked = _count(rx, text)
        if n:
            # Repetition helps, with diminishing returns: the tenth mention adds little.
            out.append((_phrase(rx, body, text0, shown_text, text), weight * (1 + math.log(n))))
        if blanked is not text:
            shown_text = rx.sub(lambda m: " " * len(m.group()), shown_text)
        text = blanked
        n, blanked = _count(rx, head)
        if n:
            out.append((_phrase(rx, title, head0, shown_head, head), 2 * weight))
        if blanked is not head:
            shown_head = rx.sub(lambda m: " " * len(m.group()), shown_head)
        head = blanked
    other = bool(_CT05_OTHER.search(text))
    docs = {d.name for d in documents}
    bare = len(_CT05_BARE.findall(text)) + len(_CT05_BARE.findall(head))
    if bare:
        if "Chỉ thị 05-CT/TW" in docs or not other:
            out.append(("Chỉ thị 05", 1.5 * (1 + math.log(bare))))
        # Another issuer's "Chỉ thị 05" (05/CT-TTg) weighs nothing by itself.
    # A story dense with complaint or trial words is about the dispute: its evidence counts half.
    return [(p, w / 2) for p, w in out] if dispute else out


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
