"""The one data model: round trips, immutability, hashes."""

import dataclasses
import json

import pytest

from crawler.article import Article, Enrichment, Entity, article_id, content_hash, fold_spaces


def make(**kw: object) -> Article:
    base = {"url": "https://baoyenbai.com.vn/a-1.html", "source": "yenbai", "title": "Tiêu đề",
            "body": "Đoạn một.\n\nĐoạn hai."}
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_round_trip_through_json() -> None:
    enr = Enrichment(province="Yên Bái", province_2025="Lào Cai",
                     models=(Entity(name="Dân vận khéo", count=2, kind="mô hình"),), themes=("chuyển đổi số",),
                     relevance=0.8)
    art = make(published="2023-06-20T02:30:43", published_source="byline", enrichment=enr,
               previous_hashes=("abc",), extra=(("og:image", "x.jpg"),))
    again = Article.from_dict(json.loads(json.dumps(art.as_dict(), ensure_ascii=False)))
    assert again == art
    assert again.enrichment is not None and again.enrichment.models[0].name == "Dân vận khéo"


def test_fields_are_keyword_only_and_frozen() -> None:
    with pytest.raises(TypeError):
        Article("https://x", "s", "t", "b")  # type: ignore[misc]
    art = make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        art.title = "x"  # type: ignore[misc]


def test_content_hash_follows_text_and_ignores_whitespace_and_nfd() -> None:
    art = make()
    assert art.content_hash == content_hash("Tiêu đề", "Đoạn một.\n\nĐoạn hai.")
    assert make(title="Tiêu  đề").content_hash == art.content_hash
    import unicodedata
    assert make(title=unicodedata.normalize("NFD", "Tiêu đề")).content_hash == art.content_hash
    assert art.replace(body="Khác").content_hash != art.content_hash
    assert art.id == article_id(art.url) and len(art.id) == 16


def test_content_hash_is_unchanged_by_its_faster_whitespace_folding() -> None:
    """Stored hashes must not move: str.split() folds exactly the characters the regex \\s matched."""
    import hashlib
    import re
    import sys
    import unicodedata

    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(r"\s", c))
    assert spaces == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    for title, body in [("Tiêu đề", "Đoạn một.\n\nĐoạn hai."), (" a\u00a0b ", "\u2003c\x1cd\u200b e\u3000\u2028"),
                        ("", ""), ("\t", spaces)]:
        text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", f"{title}\n{body}")).strip()
        assert content_hash(title, body) == hashlib.sha1(text.encode("utf-8")).hexdigest()


def test_fold_spaces_is_split_and_join() -> None:
    """The fast path (printable lines) must fold exactly as " ".join(text.split()), whatever the text."""
    import random
    import sys

    # Its premise: no whitespace character but " " is printable.
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c.isprintable()] == [" "]
    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    rng = random.Random(14)
    pieces = [*spaces, " ", " ", "  ", "a", "Đoạn", "ệ", "\u200b", "\x00", ".", "\n\n"]
    texts = ["", " ", "\n", "a", " a ", "a  b", "a\n\nb", "Tiêu đề\nĐoạn một.\n\nĐoạn hai."]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    for text in texts:
        assert fold_spaces(text) == " ".join(text.split()), repr(text)


def test_strip_unsafe_fast_paths_give_what_the_regexes_give() -> None:
    """Its shortcuts rely on every character it removes or replaces being unprintable."""
    import random
    import sys

    from crawler.article import _SPACE_CONTROLS, _SPACES, _UNSAFE, strip_unsafe

    every = [chr(c) for c in range(sys.maxunicode + 1)]
    assert not [c for c in every if (_UNSAFE.match(c) or _SPACE_CONTROLS.match(c)) and c.isprintable()]

    def by_regex(text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPACES)
        return _UNSAFE.sub("", text)

    rng = random.Random(14)
    pieces = ["a", "Đoạn ", "<p>", "\n", "\r\n", "\r", "\t", "\xa0", "\x0b", "\x0c", "\x85", "\u2028", "\u200b",
              "\ufeff", "\x00", "\x1f", "\u00ad", "\ud800", "\uffff", "\u3000", " "]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        assert strip_unsafe(text) == by_regex(text), repr(text)


def test_bad_values_are_refused_with_the_field_name() -> None:
    with pytest.raises(ValueError, match="published_source"):
        make(published_source="guess")
    with pytest.raises(ValueError, match="'title'"):
        Article.from_dict({"url": "https://x", "source": "s", "title": "", "body": "b"})
