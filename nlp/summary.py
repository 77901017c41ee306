"""Extractive summaries: the 2–3 sentences of an article that say what it is about — the model, who carries
it out, the result with its figures — picked from the article itself, never rewritten.

Sentences are scored on cheap signals (a named model, figures, result and actor words, the lead position);
the best ones are returned in article order. Offline and fast: no segmentation needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Sentence ends: . ! ? … followed by a space and a capital letter, digit or opening quote.
_SPLIT = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[A-ZÀ-Ỹ0-9“\"(])")
_FIGURE = re.compile(r"\d[\d.,]*\s*(?:%|tỷ|triệu|nghìn|ngàn|ha|km|người|hộ|lượt|công trình|mô hình|tấn|đồng)?",
                     re.IGNORECASE)
#: Words of what was done and what came of it ("đạt", "hỗ trợ", "xây dựng"…).
RESULT_WORDS = ("kết quả", "đạt", "hoàn thành", "hỗ trợ", "trao", "tặng", "xây dựng", "giúp", "nâng cao",
                "giảm", "tăng", "huy động", "khen thưởng", "nhân rộng", "hiệu quả")
#: Words naming who carries it out.
ACTOR_WORDS = ("thực hiện", "triển khai", "tổ chức", "đảng bộ", "chi bộ", "hội", "đoàn", "ủy ban", "ubnd",
               "huyện", "xã", "phường", "cán bộ", "đảng viên", "người dân", "hội viên")
MIN_CHARS, MAX_CHARS = 40, 400


def sentences(body: str) -> list[str]:
    """The body's sentences, paragraph by paragraph (a paragraph break always ends a sentence)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\n", body):
        para = " ".join(para.split())
        if para:
            out.extend(s.strip() for s in _SPLIT.split(para) if s.strip())
    return out


def _score(sentence: str, position: int, models: Iterable[str]) -> float:
    low = sentence.lower()
    score = 0.0
    if any(m and m.lower() in low for m in models):
        score += 3.0
    elif "mô hình" in low or "phong trào" in low:
        score += 1.5
    score += min(2, len(_FIGURE.findall(sentence))) * 1.0
    score += 1.0 if any(w in low for w in RESULT_WORDS) else 0.0
    score += 0.8 if any(w in low for w in ACTOR_WORDS) else 0.0
    score += max(0.0, 1.5 - 0.3 * position)  # news puts the gist first
    if len(sentence) < MIN_CHARS or len(sentence) > MAX_CHARS:
        score -= 2.5
    return score


def summarize(title: str, body: str, models: Iterable[str] = (), size: int = 3, max_chars: int = 600) -> str:
    """Up to `size` sentences of the body (at least 2 when it has them), best first by score, shown in
    article order and within `max_chars`; "" for an empty body.

    >>> body = ("Sáng 5/6, Hội LHPN xã A tổng kết mô hình “Tiết kiệm vì chị em nghèo”. "
    ...         "Trời mưa to. Sau 2 năm, mô hình đã giúp 35 hộ vay 120 triệu đồng để phát triển kinh tế.")
    >>> s = summarize("Tổng kết mô hình", body, ["Tiết kiệm vì chị em nghèo"], size=2)
    >>> s.startswith("Sáng 5/6") and s.endswith("phát triển kinh tế.") and "Trời mưa" not in s
    True
    """
    text = " ".join(pick(title, body, models, size, max_chars))
    return text if len(text) <= max_chars else text[: max_chars - 1].rsplit(" ", 1)[0] + "…"


def pick(title: str, body: str, models: Iterable[str] = (), size: int = 3, max_chars: int = 600) -> list[str]:
    """The summary's sentences, in article order (see `summarize`)."""
    names = [m for m in models if m]
    sents = [s for s in sentences(body) if s.strip() != title.strip()]
    if not sents:
        return []
    ranked = sorted(range(len(sents)), key=lambda i: (-_score(sents[i], i, names), i))
    chosen: list[int] = []
    used = 0
    for i in ranked:
        if len(chosen) >= size:
            break
        if used + len(sents[i]) > max_chars and len(chosen) >= 2:
            continue
        chosen.append(i)
        used += len(sents[i]) + 1
    return [sents[i] for i in sorted(chosen)]
