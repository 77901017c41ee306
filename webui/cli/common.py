"""Options and helpers shared by every command."""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from crawler.archive import Archive, ArchiveError, archive_exists, default_data_dir

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
F = TypeVar("F", bound=Callable[..., Any])


def data_dir_option(func: F) -> F:
    """`--data-dir DIR` (default `CT05_DATA_DIR` or ./data) and `--archive URL` on every command."""
    func = click.option(
        "--archive", "archive_url", metavar="URL", default=None, expose_value=False,
        callback=lambda ctx, _param, value: use_archive(ctx, value),
        help="The archive: a postgresql:// URL shared by several machines. Default: $CT05_ARCHIVE, else "
             "archive.sqlite3 in the data directory.",
    )(func)
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Data directory (archive, index, logs). Default: $CT05_DATA_DIR or ./data.",
    )(func)


def use_archive(ctx: click.Context, value: str | None) -> None:
    """`--archive URL` (or a config file's archive) is CT05_ARCHIVE for the command's duration: every step it
    runs in this process or in a child (crawl, process, index, the web workers) opens that archive."""
    if not value:
        return
    before = os.environ.get("CT05_ARCHIVE")
    os.environ["CT05_ARCHIVE"] = value

    def restore() -> None:
        if before is None:
            os.environ.pop("CT05_ARCHIVE", None)
        else:
            os.environ["CT05_ARCHIVE"] = before

    ctx.call_on_close(restore)


def resolve_data_dir(data_dir: Path | None) -> Path:
    return Path(data_dir) if data_dir else default_data_dir()


def open_archive(data_dir: Path | None, readonly: bool = False) -> Archive:
    """Open the archive (`readonly` where only reading is needed) or exit with a one-line message."""
    try:
        return Archive.open(resolve_data_dir(data_dir), readonly=readonly)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc


def existing_dir(data_dir: Path | None) -> Path:
    """The data directory of a command that only reads (status, search): a mistyped one is a one-line error."""
    data = resolve_data_dir(data_dir)
    if not data.is_dir():
        raise click.ClickException(f"Không có thư mục dữ liệu {data} (kiểm tra --data-dir hoặc $CT05_DATA_DIR).")
    return data


def existing_archive(data_dir: Path | None) -> Path:
    """The data directory of a step that reads the archive (process, index): a mistyped --data-dir is a one-line
    error, not a new empty archive and index that report "0 articles" as if all were well."""
    data = resolve_data_dir(data_dir)
    if not archive_exists(data):
        raise click.ClickException(f"Không có kho lưu trữ trong {data} (kiểm tra --data-dir hoặc $CT05_DATA_DIR; "
                                   "`ct05 crawl` hoặc `ct05 import` tạo kho).")
    return data


def index_dir(data_dir: Path | None) -> Path:
    return resolve_data_dir(data_dir) / "index"


def term(value: object) -> str:
    """Text safe to print on a terminal: control and format characters (escape sequences, bidi overrides)
    shown as Python escapes (``\\x1b``), so article data never drives the terminal."""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


_UNPRINTABLE_IN_JSON = re.compile(r"[^\S\n ]|[\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _plain(value: object) -> object:
    """JSON for a record type (crawler.runs.RunRecord): its `as_dict()`."""
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return as_dict()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def term_json(data: object) -> str:
    """Indented JSON (UTF-8 letters kept) with every character a terminal would act on as a \\u escape:
    json.dumps escapes C0 controls but not DEL, C1 (\\x9b is a terminal's CSI) or bidi controls."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_plain)
    return _UNPRINTABLE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def one_line(exc: BaseException) -> str:
    """One line naming the file and the cause of an unexpected failure (no traceback)."""
    if isinstance(exc, OSError):
        cause = "disk full" if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) else (exc.strerror or str(exc))
        return f"{exc.filename}: {cause}" if exc.filename else f"{cause}"
    if isinstance(exc, sqlite3.Error) or type(exc).__module__.startswith("psycopg"):
        lines = str(exc).strip().splitlines()
        return f"archive database: {lines[0] if lines else type(exc).__name__}"
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class CliGroup(click.Group):
    """A group whose commands end with one line naming the file and the cause, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # `ct05 search … | head`: the reader has what it wanted; no "Error: Broken pipe"
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the interpreter's final flush too
            raise SystemExit(141) from None  # 128 + SIGPIPE, as a shell reports a killed writer
        except Exception as exc:  # noqa: BLE001 - the last resort: a one-line message and exit 1
            raise click.ClickException(one_line(exc)) from exc


def progress_bar(length: int, label: str) -> Any:
    """A progress bar on a terminal; nothing at all when the output is a file or a pipe (click would
    still print the label there, a stray line in logs and scripts)."""
    import io
    import sys

    return click.progressbar(length=length, label=label, show_pos=True,
                             file=None if sys.stdout.isatty() else io.StringIO())
