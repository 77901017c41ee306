"""`ct05 analyze FILE...`: the NLP output for one saved page (.txt visible text or .html)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crawler.article import Article, clean_text
from nlp.enrich import enrich
from nlp.normalize import normalize
from nlp.page import split_page
from nlp.provinces import UNKNOWN_PROVINCE, province_in_ascii

__all__ = ["AnalyzeError", "analyze_file", "analyze_text", "MAX_BYTES"]

MAX_BYTES = 5_000_000  # a news page's text is < 200 kB; more is a dump, not an article
_VI_CHARS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)


class AnalyzeError(ValueError):
    """The file cannot be analysed (empty, binary, not Vietnamese, too big); the message says why."""


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AnalyzeError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if size > MAX_BYTES:
        raise AnalyzeError(f"{path}: too large ({size:,} bytes > {MAX_BYTES:,}): not a single article")
    data = path.read_bytes()
    if not data.strip():
        raise AnalyzeError(f"{path}: empty file")
    if b"\x00" in data[:8192]:
        raise AnalyzeError(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnalyzeError(f"{path}: not UTF-8 text (byte {exc.start}): binary or another encoding") from exc


def _check_vietnamese(path: Path, text: str) -> None:
    letters = sum(1 for c in text if c.isalpha())
    if letters < 50:
        raise AnalyzeError(f"{path}: too little text to analyse ({letters} letters)")
    share = len(_VI_CHARS.findall(text)) / letters
    # Vietnamese prose has a diacritic on ~1 letter in 4; English has none, a banner-only ASCII page few.
    if share < 0.08:
        raise AnalyzeError(f"{path}: not Vietnamese text ({share:.0%} Vietnamese letters)")


def _from_html(path: Path, html: str) -> tuple[str | None, str | None, str, str | None]:
    """(title, published, body, source province) of an HTML page."""
    from crawler.extract import extract_html  # the crawler's extractor (lxml, trafilatura): loaded when needed

    article = extract_html(html, path.resolve().as_uri())
    if article is None:
        raise AnalyzeError(f"{path}: no article found in the HTML")
    return article.title, article.published, article.body, article.source_province


def analyze_text(text: str, *, name: str = "<text>", html: bool = False) -> dict[str, Any]:
    """The analysis of a page given as text (see `analyze_file`)."""
    path = Path(name)
    dateline = None
    text = clean_text(text)  # the one sanitiser of text entering any stage (crawler.article)
    if html:
        title, published, body, source_province = _from_html(path, text)
        page_title = title
    else:
        page = split_page(text)
        page_title, published, body, dateline = page.title, page.published, page.body, page.dateline
        # Provincial portals print their name in the banner, sometimes without diacritics.
        banner = "\n".join(ln for ln in page.header.split("\n") if ln != page.title)
        source_province = province_in_ascii(banner) if banner else None
    if not body.strip():
        raise AnalyzeError(f"{name}: no article text found")
    _check_vietnamese(path, body)
    article = Article(url=f"file://{name}", source="analyze", title=normalize(page_title or ""),
                      body=normalize(body), source_province=source_province, dateline=dateline,
                      published=published, published_source="byline" if published else "none")
    e = enrich(article, words="").enrichment
    assert e is not None
    return {
        "file": path.name,
        "title": page_title,
        "published": published,
        # An article that names no province says so: a value users can count and filter.
        "province": e.province or UNKNOWN_PROVINCE,
        "province_2025": e.province_2025 or UNKNOWN_PROVINCE,
        "provinces": [p.name for p in e.provinces],
        "models": [m.name for m in e.models],
        "persons": [p.name for p in e.persons],
        "organizations": [o.name for o in e.organizations],
        "documents": [d.name for d in e.documents],
        "themes": list(e.themes),
        "relevance": e.relevance,
    }


def analyze_file(path: Path) -> dict[str, Any]:
    """Title, date, provinces, models, persons, organisations, documents, themes and relevance of one page.

    A .txt file is the visible text of a page (furniture included); .html/.htm is extracted first.
    Raises AnalyzeError for empty, binary, non-Vietnamese or enormous input.
    """
    path = Path(path)
    text = _read(path)
    is_html = path.suffix.lower() in (".html", ".htm") or text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
    return analyze_text(text, name=str(path), html=is_html)
