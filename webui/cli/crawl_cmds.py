"""Commands of the crawl stage: `ct05 crawl`, `ct05 sites`, `ct05 import`."""

from __future__ import annotations

from pathlib import Path

import click

from webui.cli.common import data_dir_option, open_archive


@click.command()
@data_dir_option
@click.option("--site", "site_ids", multiple=True, help="Site id from the registry (repeatable). Default: all.")
@click.option("--base-url", "base_urls", multiple=True, metavar="SITE=URL",
              help="Crawl SITE at another address (e.g. a local mirror).")
@click.option("--resume", is_flag=True, help="Resume the last interrupted crawl (Scrapy JOBDIR).")
def crawl(data_dir: Path | None, site_ids: tuple[str, ...], base_urls: tuple[str, ...], resume: bool) -> None:
    """Crawl provincial news sites into the archive."""
    from crawler.crawl import CrawlError, crawl_sites

    overrides: dict[str, str] = {}
    for item in base_urls:
        site, sep, url = item.partition("=")
        if not sep or not url:
            raise click.BadParameter(f"expected SITE=URL, got {item!r}", param_hint="--base-url")
        overrides[site] = url
    try:
        stats = crawl_sites(data_dir=data_dir, site_ids=list(site_ids) or None, base_urls=overrides, resume=resume)
    except CrawlError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(stats.summary())


@click.group()
def sites() -> None:
    """List and check the sites in the registry."""


@sites.command("list")
def sites_list() -> None:
    """List the sites in the registry."""
    from crawler.sites import load_sites

    for site in load_sites().values():
        click.echo(f"{site.id:20} {site.province or '-':18} {site.name}")


@click.command("import")
@data_dir_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_cmd(data_dir: Path | None, file: Path) -> None:
    """Import articles from a JSON-lines FILE (url, title, body, published, source, province)."""
    from crawler.importer import ImportError_, import_jsonl

    with open_archive(data_dir) as archive:
        try:
            report = import_jsonl(file, archive, progress=True)
        except ImportError_ as exc:
            raise click.ClickException(str(exc)) from exc
    for line_no, reason in report.errors:
        click.echo(f"{file}:{line_no}: skipped: {reason}", err=True)
    click.echo(f"imported {report.new} new, {report.updated} updated, {report.unchanged} unchanged, "
               f"{len(report.errors)} bad lines")
