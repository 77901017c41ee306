"""Text normalisation shared by documents and queries.

`normalize` gives the canonical display/analysis form (NFC, one tone-mark convention, plain quotes
and spaces); `fold` gives the accent-insensitive search key. Both are on the hot path of the Whoosh
analyzer, so every table and pattern is built once at import time.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["normalize", "normalize_query", "fold", "fix_tone_placement", "tidy_punctuation"]

# Tone marks as combining characters: grave, acute, hook above, tilde, dot below.
_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_LETTER = r"a-zA-Z\u00C0-\u024F\u1E00-\u1EFF"


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _build_tone_map() -> dict[str, str]:
    """Map "oà" → "òa", "uỷ" → "ủy" … in every case combination.

    Only the open diphthongs oa, oe, uy are concerned: with the "new" (scientific) convention the
    mark sits on the second vowel, with the traditional one used by most Vietnamese newspapers on
    the first. We unify to the traditional/newspaper form, which is also what the gold data uses.
    """
    mapping: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in _TONES:
            for f in (first, first.upper()):
                for s in (second, second.upper()):
                    mapping[_nfc(f + s + tone)] = _nfc(f + tone) + s
    return mapping


_TONE_MAP = _build_tone_map()
_O_TONED = "".join(sorted({k[1] for k in _TONE_MAP if k[0] in "oO"}))
_U_TONED = "".join(sorted({k[1] for k in _TONE_MAP if k[0] in "uU"}))
# The cluster must end the syllable ("hoàn", "khuỷu" keep their mark: a final consonant or vowel
# follows) and "u" after "q" is part of the consonant ("quý" is already right). Character classes,
# not an alternation of the 60 clusters: this runs on every document.
_TONE_RE = re.compile(rf"(?<![qQ])([oO][{_O_TONED}]|[uU][{_U_TONED}])(?![{_LETTER}])")
_TONE_CHARS = frozenset(k[1] for k in _TONE_MAP)

# Characters replaced (or deleted) by a single str.translate call.
_PUNCT_TABLE = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2033": '"', "\uff02": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
        "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-", "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
        "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u205f": " ",
        "\u3000": " ", "\t": " ", "\r": "\n", "\u2028": "\n", "\u2029": "\n\n",
        "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None, "\u00ad": None,
        # Look-alikes of Vietnamese letters from bad encodings and copy-paste: Icelandic eth and African D.
        "\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ", "\u0256": "đ",
    }
)
# Cyrillic letters that look like Latin ones, replaced inside words that also hold Latin letters
# ("Hà Nộі" with a Cyrillic і); a word wholly in Cyrillic is Russian and stays.
_CYRILLIC_LOOKALIKE = str.maketrans("аеорсхуіјАВЕКМНОРСТХІЈ", "aeopcxyijABEKMHOPCTXIJ")
_MIXED_CYRILLIC = re.compile(r"\w*[\u0400-\u04ff]\w*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
# re.sub over the (few) characters to replace beats str.translate's per-character dict lookups.
_PUNCT_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _PUNCT_TABLE) + "]")
_SPACES_RE = re.compile(r" {2,}")
_LINE_EDGE_RE = re.compile(r" *\n *")
_BLANKS_RE = re.compile(r"\n{3,}")
_WS_RE = re.compile(r"\s+")


def _punct(m: re.Match[str]) -> str:
    return _PUNCT_TABLE[ord(m.group())] or ""


def fix_tone_placement(text: str) -> str:
    """Move the tone mark of final oa/oe/uy to the first vowel (text must be NFC).

    >>> fix_tone_placement("Thanh Hoá, Uỷ ban, thuỷ lợi, hoàn thành")
    'Thanh Hóa, Ủy ban, thủy lợi, hoàn thành'
    """
    if not any(c in _TONE_CHARS for c in text):
        return text
    return _TONE_RE.sub(lambda m: _TONE_MAP[m.group(1)], text)


def normalize(text: str) -> str:
    """Canonical form of Vietnamese text: NFC, one tone convention, plain quotes, folded spaces.

    Paragraph breaks survive as one blank line; other whitespace runs become one space.

    >>> normalize("Uỷ ban  nhân dân tỉnh Hoà Bình “Dân vận khéo”")
    'Ủy ban nhân dân tỉnh Hòa Bình "Dân vận khéo"'
    """
    if not text:
        return ""
    if len(text) > 200:
        # The pipeline normalises the same article text in several extractors: remember the last few.
        return _normalize_cached(text)
    return _normalize(text)


@functools.lru_cache(maxsize=256)
def _normalize_cached(text: str) -> str:
    return _normalize(text)


def _latin_lookalikes(m: re.Match[str]) -> str:
    word = m.group()
    if not _LATIN.search(word):
        return word
    return word.translate(_CYRILLIC_LOOKALIKE)


def _normalize(text: str) -> str:
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = _nfc(text)
        if _CYRILLIC.search(text):
            text = _MIXED_CYRILLIC.sub(_latin_lookalikes, text)
        text = fix_tone_placement(_PUNCT_RE.sub(_punct, text))
    elif "\t" in text or "\r" in text:
        text = text.translate(_PUNCT_TABLE)
    text = _SPACES_RE.sub(" ", text)
    if "\n" in text:
        text = _BLANKS_RE.sub("\n\n", _LINE_EDGE_RE.sub("\n", text))
    return text.strip()


def normalize_query(text: str) -> str:
    """`normalize` on one line: every whitespace run, newlines included, becomes one space.

    >>> normalize_query("  mô hình\\n“Dân vận khéo” ")
    'mô hình "Dân vận khéo"'
    """
    return _WS_RE.sub(" ", normalize(text)).strip()


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii():
            table[cp] = base.lower()
    for cp in range(0x300, 0x370):  # stray combining marks that did not compose
        table[cp] = None
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    table[ord("Ð")] = "d"  # Icelandic eth, a common look-alike of Đ in bad encodings
    for src, dst in _PUNCT_TABLE.items():
        table[src] = dst  # type: ignore[assignment]
    return table


_FOLD_TABLE = _build_fold_table()


def fold_variants() -> dict[str, str]:
    """For each ASCII letter, every character that folds to it (itself, upper case, accented forms).

    >>> "ộ" in fold_variants()["o"] and "Đ" in fold_variants()["d"]
    True
    """
    out: dict[str, str] = {c: c + c.upper() for c in "abcdefghijklmnopqrstuvwxyz"}
    for cp, base in _FOLD_TABLE.items():
        if base and len(base) == 1 and base in out:
            out[base] += chr(cp)
    return out


def fold(text: str) -> str:
    """Accent-insensitive key: normalised, lower-cased, diacritics stripped, đ → d.

    >>> fold("Đắk Lắk  Thừa Thiên - Huế")
    'dak lak thua thien - hue'
    """
    if not text:
        return ""
    if text.isascii():
        out = text.lower()
    else:
        if not unicodedata.is_normalized("NFC", text):
            text = _nfc(text)
        out = text.translate(_FOLD_TABLE).lower()
    if "  " in out or "\n" in out or "\t" in out:
        out = _WS_RE.sub(" ", out)
    return out.strip()


_SPACE_BEFORE = re.compile(r"\s+([,;:.!?…)\]”’»])")
_SPACE_AFTER = re.compile(r"([(\[“‘«])\s+")


def tidy_punctuation(text: str) -> str:
    """Text as a title or a name is printed: no space before a comma or a closing mark, none after an
    opening one (word-segmented sources space them out: "tư tưởng , đạo đức" reads "tư tưởng, đạo đức").

    >>> tidy_punctuation("Học tập và làm theo tư tưởng , đạo đức , phong cách Hồ Chí Minh")
    'Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh'
    >>> tidy_punctuation("Hình ảnh ‘ Bộ đội Cụ Hồ ’ ( BĐCH )")
    'Hình ảnh ‘Bộ đội Cụ Hồ’ (BĐCH)'
    """
    return _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", " ".join(text.split())))
