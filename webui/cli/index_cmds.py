"""Commands of the index stage: `ct05 index`, `ct05 search`."""

from __future__ import annotations

from pathlib import Path

import click

from webui.cli.common import (
    data_dir_option,
    existing_archive,
    existing_dir,
    index_dir,
    one_line,
    open_archive,
    term,
    term_json,
)


@click.command("index")
@data_dir_option
@click.option("--rebuild", is_flag=True, help="Rebuild from the archive into a new directory and swap it in.")
@click.option("--procs", default=0, type=click.IntRange(0, 64),
              help="Processes for a rebuild (default: one per CPU, at most 4).")
def index_cmd(data_dir: Path | None, rebuild: bool, procs: int) -> None:
    """Bring the search index up to date with the archive."""
    import os

    from index.sync import IndexBusy
    from pipeline.run import run_pipeline
    from pipeline.steps import InProcessSteps

    data = existing_archive(data_dir)
    open_archive(data).close()  # a one-line error for an archive that cannot be opened
    steps = InProcessSteps(data, rebuild=rebuild, procs=procs or min(os.cpu_count() or 1, 4))
    try:
        report = run_pipeline(data, [], steps, do=["index"], lock_wait=60.0)
    except IndexBusy as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:  # Whoosh's writes name no file: name the index directory
        raise click.ClickException(f"{index_dir(data_dir)}: {one_line(exc)}") from exc
    info = report.steps["index"]
    if info["status"] != "ok":
        raise click.ClickException(f"index: {info.get('reason') or info.get('error')}")
    click.echo(report.results[-1].output)


@click.command()
@data_dir_option
@click.argument("query", nargs=-1)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--scope", type=click.Choice(["topic", "all"]), default="all", show_default=True,
              help="all: every archived article (the terminal searches the archive as it is); "
                   "topic: only articles about Chỉ thị 05, the web UI's default.")
def search(data_dir: Path | None, query: tuple[str, ...], limit: int, as_json: bool, scope: str) -> None:
    """Search the index, e.g. `ct05 search "chỉ thị 05"` (`--scope topic`: only the Chỉ thị 05 stories)."""
    from index.facetdefs import by_name
    from index.store import IndexMissing, SearchIndex
    from index.types import QueryError, SearchQuery

    try:
        idx = SearchIndex.open(existing_dir(data_dir) / "index")
    except IndexMissing as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        result = idx.search(SearchQuery(text=" ".join(query), per_page=limit, scope=scope))
    except QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        idx.close()
    if as_json:
        click.echo(term_json(result.as_dict()))
        return
    if result.message:
        click.echo(term(result.message))
    if result.suggestion:
        click.echo(f"Có phải bạn muốn tìm: {term(result.suggestion)}")
    click.echo(f"{result.total} kết quả")
    for chip in result.chips:  # the filter as query syntax: the CLI has no filter options
        prefix = by_name(chip.facet).prefixes[0]  # the Vietnamese prefix (index.facetdefs)
        syntax = f'{chip.query} {prefix}:"{chip.value}"'.strip()
        click.echo(f"Gợi ý lọc theo {chip.value}: {syntax}")
    for hit in result.hits:
        again = f" (+{hit.republications} bản đăng lại)" if hit.republications else ""
        click.echo(f"- {term(hit.published or '?'):10.10} [{term(hit.source)}] {term(hit.title)}{again}\n"
                   f"  {term(hit.url)}")
