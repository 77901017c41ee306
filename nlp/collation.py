"""Vietnamese dictionary order for names (provinces, models, sources, people): `vi_key`, `vi_sorted`.

Python sorts by code point, so "Bình" comes before "Bạc" (ạ is U+1EA1) and "Đ" after every other letter
but also after "Z". A Vietnamese dictionary orders by letters first — a ă â b c d đ e ê g h i k l m n o
ô ơ p q r s t u ư v x y (ă, â, đ, ê, ô, ơ, ư are letters of their own) — then by tone
(none, huyền, hỏi, ngã, sắc, nặng), then by case. Pure Python, no ICU needed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

#: The Vietnamese alphabet with the Latin letters Vietnamese does not use (f j w z) in their Latin places.
ALPHABET = ("a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
            "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z")
_RANK = {letter: i for i, letter in enumerate(ALPHABET)}
#: Combining marks that make a letter of its own (breve, circumflex, horn).
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
#: Tone marks in dictionary order: huyền, hỏi, ngã, sắc, nặng (no mark is 0).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """(base letter with its letter mark, tone, is upper case) for each character of the text."""
    out: list[tuple[str, int, bool]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if not out:
                continue
            base, tone, upper = out[-1]
            if ch in _TONES:
                out[-1] = (base, _TONES[ch], upper)
            elif ch in _LETTER_MARKS:
                out[-1] = (unicodedata.normalize("NFC", base + ch), tone, upper)
            continue
        out.append((ch.lower(), 0, ch != ch.lower()))
    return out


def _primary(letter: str) -> int:
    if letter.isspace() or letter in "-_,.()/'\"“”":
        return 0  # word boundaries sort first, as in a dictionary ("Bà Rịa" before "Bạc Liêu")
    if letter.isdigit():
        return 1 + int(letter) if letter in "0123456789" else 11
    rank = _RANK.get(letter)
    if rank is not None:
        return 100 + rank
    return 1000 + ord(letter)


def vi_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[bool, ...]]:
    """The sort key of a name in Vietnamese dictionary order: letters, then tones, then case."""
    parts = _letters(text.strip())
    return (tuple(_primary(b) for b, _, _ in parts), tuple(t for _, t, _ in parts),
            tuple(u for _, _, u in parts))


def vi_sorted(items: Iterable[T], key: Callable[[T], str] | None = None, reverse: bool = False) -> list[T]:
    """The items in Vietnamese dictionary order of `key(item)` (the item itself by default)."""
    get = key or (lambda item: str(item))
    return sorted(items, key=lambda item: vi_key(get(item)), reverse=reverse)
