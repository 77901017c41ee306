"""The grammar around a model's name: lists of names after a trigger, and whether the article reports the
model carried out or only names it (used by nlp.models)."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["IMPLEMENTED", "MENTIONED", "list_items", "role"]

# A list introduced after a trigger: "các mô hình như A, B; C", "chủ đề … như A (Điện Biên), B (Cao Bằng)".
_LIST_INTRO = re.compile(r"^(?:\s+[^\s,.;:!?\"()]+){0,6}?\s+(?:như|gồm có|gồm)\s*:?\s+|^\s*:\s+")
_LIST_END = re.compile(r"[.!?\n…\"]|\bv\.v|\s-\s|\s(?:để|nhằm|giúp|góp phần)\s")
_PLACE_TAG = re.compile(r"\s*\([^()]{1,40}\)\s*[,;]?\s*")


def list_items(after: str, plural: bool, lex: Any) -> list[str]:
    """The items of a list of names right after a trigger (none when the words there are no list).

    LEX is the models lexicon (its `list_stop`, `stop_words` and `generic` word sets).
    """
    m = _LIST_INTRO.match(after)
    if m:
        rest, need = after[m.end():], 1
    elif plural:
        rest, need = after.lstrip(), 2
    else:
        return []
    end = _LIST_END.search(rest)
    rest = rest[:end.start()] if end else rest
    tagged = len(_PLACE_TAG.findall(rest)) >= 2  # every item carries its place in brackets
    parts = _PLACE_TAG.split(rest) if tagged else re.split(r"\s*[,;]\s*", rest)
    items: list[str] = []
    for n, part in enumerate(parts):
        part = part.strip(" ,;:()")
        if not part:
            if n == 0 and not m:  # "các phong trào, chương trình …": a list of kinds, not of names
                return []
            continue
        words = part.split()
        if words[0].lower() in lex.list_stop or len(words) > (20 if tagged else 12):
            break
        # Without "như", only short items free of function words ("các phong trào xây dựng nông thôn mới,
        # vì người nghèo, …"); "các phong trào thi đua yêu nước của các ngành" is a description.
        if not m and (len(words) > 8 or any(w in lex.stop_words for w in words)):
            break
        low = [w.lower() for w in words]
        if len(words) < 2 or sum(1 for w in low if w not in lex.generic) < 2:
            continue
        items.append(part)
    return items if len(items) >= need else []


#: `Entity.kind` of a model: the article reports a unit or place carrying it out ("thực hiện"), or only
#: names it ("nhắc đến": in a list of the campaign's movements, in passing). A "replicated in" view counts
#: the first kind only, each with the article's province.
IMPLEMENTED, MENTIONED = "thực hiện", "nhắc đến"
# Verbs of carrying a model out, in the sentence before the mention: "Huyện đoàn duy trì mô hình …".
_CARRY_OUT = re.compile(
    r"\b(?:triển khai|thực hiện|xây dựng|duy trì|nhân rộng|tổ chức|thành lập|phát động|áp dụng|ra mắt|hưởng ứng|"
    r"đăng ký|đảm nhận|vận hành|khởi động|tác giả|đề xuất|chủ trì|phối hợp|tham gia|làm theo|đạt giải|giành)\b",
    re.IGNORECASE,
)


def role(text: str, pos: int) -> str:
    """IMPLEMENTED when the sentence before POS has a verb of carrying a model out, else MENTIONED."""
    start = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos), text.rfind("!", 0, pos), pos - 200)
    return IMPLEMENTED if _CARRY_OUT.search(text, start + 1, pos) else MENTIONED
