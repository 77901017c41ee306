"""Options and helpers shared by every command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from crawler.archive import Archive, ArchiveError, default_data_dir

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
F = TypeVar("F", bound=Callable[..., Any])


def data_dir_option(func: F) -> F:
    """`--data-dir DIR` (default `CT05_DATA_DIR` or ./data) on every command."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Data directory (archive, index, logs). Default: $CT05_DATA_DIR or ./data.",
    )(func)


def resolve_data_dir(data_dir: Path | None) -> Path:
    return Path(data_dir) if data_dir else default_data_dir()


def open_archive(data_dir: Path | None) -> Archive:
    """Open the archive or exit with a one-line message."""
    try:
        return Archive.open(resolve_data_dir(data_dir))
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc


def index_dir(data_dir: Path | None) -> Path:
    return resolve_data_dir(data_dir) / "index"
