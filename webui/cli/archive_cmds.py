"""`ct05 archive`: the archive itself, whatever its backend (`ct05 archive copy SRC DST`)."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.archive import ARCHIVE_FILE, Archive, ArchiveError
from crawler.archive_pg import is_url
from webui.cli.common import CONTEXT_SETTINGS


@click.group(context_settings=CONTEXT_SETTINGS)
def archive() -> None:
    """The archive: move it between SQLite and PostgreSQL."""


def _open(where: str, role: str) -> Archive:
    try:
        if is_url(where):
            return Archive(where)
        path = Path(where)
        if path.is_file():
            raise click.ClickException(f"{role} {where}: give the data directory or a postgresql:// URL")
        if role == "SRC" and not (path / ARCHIVE_FILE).exists():
            raise click.ClickException(f"SRC {where}: no archive there ({ARCHIVE_FILE} is missing)")
        return Archive(path / ARCHIVE_FILE)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc


@archive.command("copy")
@click.argument("src")
@click.argument("dst")
def copy_cmd(src: str, dst: str) -> None:
    """Copy the archive SRC into DST, everything included (articles, NLP results, runs, meta, republication
    bands). SRC and DST are each a data directory (its archive.sqlite3) or a postgresql:// URL. Copying again
    changes nothing; rows only DST has are kept.

    \b
    ct05 archive copy data postgresql://ct05@db.internal/ct05     # grow: one archive for several machines
    ct05 archive copy postgresql://ct05@db.internal/ct05 data     # back to one machine
    """
    from crawler.archive_copy import copy_archive

    source = _open(src, "SRC")
    try:
        target = _open(dst, "DST")
        try:
            counts = copy_archive(source, target)
        except ArchiveError as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            target.close()
    finally:
        source.close()
    click.echo(f"copied {source.where} → {target.where}: "
               + ", ".join(f"{n} {table}" for table, n in counts.items()))
