"""Import articles gathered elsewhere from JSON lines into the archive (`ct05 import FILE.jsonl`).

One object per line with at least `url`, `title`, `body`; optional `published` (ISO date or
datetime), `source`, `province`, `author`. A bad line is reported with its number and skipped;
the others are imported. New and changed articles then go through the same republication pass as a
crawl's (`crawler.republish`), so a story imported twice under two URLs is one story in search.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from crawler.archive import Archive, utcnow
from crawler.article import Article, clean_text, strip_unsafe
from crawler.dates import MAX_YEAR, MIN_YEAR

BATCH = 500
MAX_LINE = 5_000_000  # bytes: a longer line is not an article
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?")


class ImportError_(RuntimeError):  # noqa: N801 - avoid shadowing the builtin ImportError
    """The whole file cannot be read (missing, a directory, not text)."""


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    republications: int = 0  # copies (re)marked by the republication pass after the import
    errors: list[tuple[int, str]] = field(default_factory=list)


def _clean(text: str) -> str:
    text = clean_text(text)
    paragraphs = [re.sub(r"[ \t\u00a0]+", " ", p).strip() for p in re.split(r"\n\s*\n|\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def _line(value: Any) -> str:
    """A short metadata field (source, province, author) as one clean line; "" when absent."""
    return " ".join(clean_text(str(value)).split()) if value else ""


def _published(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        raise ValueError(f"published must be an ISO date like 2023-06-20 or 2023-06-20T02:30:43, not {value!r}")
    text = value.strip().replace(" ", "T")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"published is not a valid date: {value!r}") from exc
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:  # the crawler's bounds: 9999-12-31 is a data accident
        raise ValueError(f"published year {parsed.year} outside {MIN_YEAR}–{MAX_YEAR}: {value!r}")
    return parsed.replace(tzinfo=None).isoformat()


def article_from_record(record: Any, default_source: str = "import") -> Article:
    """Turn one JSON record into an Article; raises ValueError naming the bad field."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    for key in ("url", "title", "body"):
        if record.get(key) not in (None, "") and not isinstance(record[key], str):
            raise ValueError(f"field {key!r} must be text, not {type(record[key]).__name__}")
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise ValueError(f"field {key!r} is missing or empty")
    url = record["url"].strip()
    if not re.match(r"^https?://\S+$", url) or strip_unsafe(url) != url:
        raise ValueError(f"field 'url' is not an http(s) URL: {url[:80]!r}")
    province = record.get("province") or record.get("source_province")
    title, body = _clean(record["title"]).replace("\n\n", " "), _clean(record["body"])
    if not title or not body:
        raise ValueError(f"field {'title' if not title else 'body'!r} holds only control characters")
    return Article(
        url=url,
        source=_line(record.get("source")) or default_source,
        title=title,
        body=body,
        source_province=_line(province) or None,
        published=_published(record.get("published")),
        published_source="import" if record.get("published") else "none",
        author=_line(record.get("author")) or None,
        fetched_at=utcnow(),
    )


def check_file(path: Path) -> None:
    """Raise `ImportError_` for a path that is not a file to import (before anything is created for it)."""
    if not path.exists():
        raise ImportError_(f"no such file: {path}")
    if path.is_dir():
        raise ImportError_(f"{path} is a directory, expected a .jsonl file")


def read_jsonl(path: Path, report: ImportReport) -> Iterator[Article]:
    """Articles from a JSON-lines file; bad lines go to `report.errors` with their number."""
    check_file(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if len(raw) > MAX_LINE:
                report.errors.append((number, f"line longer than {MAX_LINE} bytes"))
                continue
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
                yield article_from_record(record)
            except UnicodeDecodeError:
                report.errors.append((number, "not UTF-8"))
            except json.JSONDecodeError as exc:
                # json's own message for a control character ends in "at": not "… at at column 51"
                report.errors.append((number, f"invalid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"))
            except ValueError as exc:
                report.errors.append((number, str(exc)))


def import_jsonl(path: Path, archive: Archive, progress: bool = False) -> ImportReport:
    """Import a JSON-lines file into the archive in batches; returns counts and bad lines."""
    from crawler.republish import republication_pass

    report = ImportReport()
    size = path.stat().st_size if path.is_file() else 0
    batch: list[Article] = []
    changed: list[str] = []

    def flush() -> None:
        for article, outcome in zip(batch, archive.upsert_many(batch), strict=True):
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome != "unchanged":
                changed.append(article.id)
        batch.clear()

    with click.progressbar(length=max(size, 1), label="import", file=None if progress else _Null()) as bar:
        for article in read_jsonl(path, report):
            batch.append(article)
            if len(batch) >= BATCH:
                flush()
                bar.update(size // 100 or 1)
        flush()
        bar.update(size)
    report.republications = republication_pass(archive, changed).marked
    return report


class _Null:
    """A file that swallows the progress bar when progress is off."""

    def write(self, _: str) -> int:
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False
