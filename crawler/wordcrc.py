"""The CRC-32 of every word of a text, in a few NumPy operations instead of one Python object per word.

`word_crcs(text)` equals `[zlib.crc32(w.encode()) for w in re.findall(r"\\w+", text)]` (what the MinHash
shingles of `crawler.republish` are built from): the words are found on the text's code points with a
table of which code points `\\w` matches, and the CRC of each word is computed from its UTF-8 bytes at
once, using that CRC-32 is affine: crc(w) = crc(L zero bytes) XOR the XOR over w's bytes of a table entry
for (byte value, bytes after it in the word). Texts the tables do not cover (a character outside the
Basic Multilingual Plane, a lone surrogate, a word longer than `MAX_WORD_BYTES`) give None: the caller
takes the per-word path for those.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

MAX_WORD_BYTES = 64  # longer "words" (digit runs, underscores) are rare: the per-word path takes them


def _word_table() -> np.ndarray:
    """Which BMP code points the regex `\\w` matches (it matches single characters, without context)."""
    table = np.zeros(0x10000, dtype=bool)
    every = "".join(map(chr, range(0x10000)))
    for match in re.finditer(r"\w+", every):
        table[match.start():match.end()] = True
    return table


def _crc_tables() -> tuple[np.ndarray, np.ndarray]:
    """(T, Z): T[k, b] is the linear CRC-32 part of byte b followed by k more bytes, Z[n] the CRC-32 of n
    zero bytes."""
    byte = np.zeros(256, dtype=np.uint32)  # the reflected CRC-32 table (polynomial 0xEDB88320)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        byte[i] = c
    table = np.zeros((MAX_WORD_BYTES, 256), dtype=np.uint32)
    table[0] = byte
    for k in range(1, MAX_WORD_BYTES):  # one more byte after: shift the remainder through the table once
        table[k] = (table[k - 1] >> np.uint32(8)) ^ byte[table[k - 1] & np.uint32(0xFF)]
    zeros = np.array([zlib.crc32(bytes(n)) for n in range(MAX_WORD_BYTES + 1)], dtype=np.uint32)
    return table.reshape(-1), zeros


_IS_WORD = _word_table()
_T, _Z = _crc_tables()


def word_crcs(text: str) -> np.ndarray | None:
    """uint64 CRC-32 of each `\\w+` word's UTF-8 bytes, in order; None for a text the tables do not cover."""
    try:
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    except UnicodeEncodeError:  # a lone surrogate
        return None
    # Array methods and ufuncs rather than NumPy's Python-level wrappers (np.diff, np.repeat, np.max): their
    # overhead is a good part of the time on a text of a few thousand characters.
    in_word = _IS_WORD.take(points, mode="clip")  # a code point past the BMP reads as 0xFFFF, not a word
    if raw.size != points.size:  # not ASCII: each code point's flag for each of its UTF-8 bytes
        in_word = in_word.repeat((points > 0x7F).view(np.uint8) + (points > 0x7FF).view(np.uint8) + 1)
        if in_word.size != raw.size:  # four-byte characters (outside the BMP): the per-word path
            return None
    padded = np.zeros(in_word.size + 2, dtype=np.int8)
    padded[1:-1] = in_word
    edges = padded[1:] - padded[:-1]
    starts = (edges == 1).nonzero()[0]
    ends = (edges == -1).nonzero()[0]
    lengths = ends - starts
    if not lengths.size:
        return np.zeros(0, dtype=np.uint64)
    if np.maximum.reduce(lengths) > MAX_WORD_BYTES:
        return None
    inside = in_word.nonzero()[0]
    after = (ends - 1).repeat(lengths) - inside  # bytes after each byte in its word
    parts = _T.take(after * 256 + raw[inside])
    firsts = np.zeros(lengths.size, dtype=np.intp)
    lengths[:-1].cumsum(out=firsts[1:])
    return (np.bitwise_xor.reduceat(parts, firsts) ^ _Z.take(lengths)).astype(np.uint64)
