"""Commands of the crawl stage: `ct05 crawl`, `ct05 sites`, `ct05 import`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from webui.cli.common import data_dir_option, open_archive, resolve_data_dir, term


@click.command()
@data_dir_option
@click.option("--site", "site_ids", multiple=True, help="Site id from the registry (repeatable). Default: all.")
@click.option("--base-url", "base_urls", multiple=True, metavar="SITE=URL",
              help="Crawl SITE at another address (e.g. a local mirror).")
@click.option("--resume", is_flag=True, help="Resume the last interrupted crawl (Scrapy JOBDIR).")
@click.option("--refresh", is_flag=True, help="Fetch known articles again (those the sitemap says changed).")
@click.option("--search", "searches", multiple=True, metavar="QUERY",
              help='Also ask each site\'s own search (registry `search` template), e.g. --search "chỉ thị 05".')
@click.option("--redis", "redis_url", metavar="URL",
              help="Share one frontier and duplicate filter with other crawlers (redis://HOST:6379/0).")
@click.option("--flush-redis", is_flag=True, help="With --redis: empty the shared frontier first (new generation).")
@click.option("--no-polite", is_flag=True, hidden=True, help="No delays or throttling (loopback benchmarks only).")
def crawl(data_dir: Path | None, site_ids: tuple[str, ...], base_urls: tuple[str, ...], resume: bool,
          refresh: bool, searches: tuple[str, ...], redis_url: str | None, flush_redis: bool,
          no_polite: bool) -> None:
    """Crawl provincial news sites into the archive (alone, or as one of several with --redis)."""
    from crawler.crawl import CrawlError

    overrides: dict[str, str] = {}
    for item in base_urls:
        site, sep, url = item.partition("=")
        if not sep or not url:
            raise click.BadParameter(f"expected SITE=URL, got {item!r}", param_hint="--base-url")
        overrides[site] = url
    if flush_redis and not redis_url:
        raise click.BadParameter("needs --redis", param_hint="--flush-redis")
    args = {"data_dir": data_dir, "site_ids": list(site_ids) or None, "base_urls": overrides, "resume": resume,
            "refresh": refresh, "polite": not no_polite, "searches": searches}
    try:
        if searches:
            from crawler.crawl import resolve_sites

            chosen, _origins = resolve_sites(list(site_ids) or None, overrides)
            if not any(site.discovery.search for site in chosen):
                click.echo("cảnh báo: không trang nào được chọn có mẫu tìm kiếm (discovery.search); "
                           "--search bị bỏ qua", err=True)
        if redis_url:
            import redis

            from crawler.distributed import crawl_shared, flush

            try:
                if flush_redis:
                    flush(redis_url)
                stats = crawl_shared(redis_url=redis_url, **args)
            except redis.RedisError as exc:
                raise click.ClickException(f"Redis at {redis_url}: {exc}") from exc
        else:
            stats = _crawl_locked(resolve_data_dir(data_dir), site_ids, overrides, args)
    except CrawlError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(stats.summary())


def _crawl_locked(data: Path, site_ids: tuple[str, ...], overrides: dict[str, str], args: dict[str, Any]) -> Any:
    """The crawl in this process, through the pipeline: a site another crawl holds is skipped, named."""
    from crawler.crawl import CrawlError, resolve_sites
    from pipeline.run import run_pipeline
    from pipeline.steps import InProcessSteps

    chosen, _origins = resolve_sites(list(site_ids) or None, overrides)
    open_archive(data).close()  # a one-line error naming the archive, before the locks beside it
    steps = InProcessSteps(data, base_urls=overrides, resume=args["resume"], refresh=args["refresh"],
                           polite=args["polite"], progress=True, searches=args["searches"])
    report = run_pipeline(data, [s.id for s in chosen], steps, do=["crawl"], together=True)
    for line in report.errors():
        click.echo(term(f"bỏ qua {line}"), err=True)
    if not report.results:
        raise CrawlError("no site crawled: " + "; ".join(report.errors()))
    return report.results[-1].extra["stats"]


@click.group()
def sites() -> None:
    """List and check the sites in the registry."""


@sites.command("list")
def sites_list() -> None:
    """List the sites in the registry."""
    from crawler.sites import SiteConfigError, load_sites

    try:
        registry = load_sites()
    except SiteConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    for site in registry.values():
        state = "checked" if site.checked else "unchecked"
        click.echo(term(f"{site.id:20} {state:9} {site.province or '-':18} {site.name}"))
    checked = sum(site.checked for site in registry.values())
    click.echo(f"{len(registry)} sites: {checked} checked, {len(registry) - checked} unchecked "
               "(`ct05 sites check ID --page FILE` confirms one)")


@sites.command("check")
@click.argument("site_id")
@click.option("--page", metavar="FILE_OR_URL", help="Extract this saved page or URL with the site's rules.")
@click.option("--base-url", metavar="URL", help="Probe the site at another address (e.g. a mirror).")
def sites_check(site_id: str, page: str | None, base_url: str | None) -> None:
    """Check a registry entry: extract one page, or probe robots.txt, sitemaps, feeds and listings."""
    from crawler.check import check_discovery, check_page
    from crawler.sites import SiteConfigError, load_sites

    try:
        registry = load_sites()
    except SiteConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    if site_id not in registry:
        raise click.ClickException(f"unknown site id: {site_id} (see `ct05 sites list`)")
    site = registry[site_id]
    if page and not page.startswith(("http://", "https://")):
        if Path(page).is_dir():
            raise click.ClickException(f"{page}: is a directory, expected a saved HTML page or an http(s) URL")
        if not Path(page).is_file():
            raise click.ClickException(f"{page}: no such file (give a saved HTML page or an http(s) URL)")
    report = check_page(site, page) if page else check_discovery(site, base_url)
    click.echo(term(f"{site.id}: {site.name}" + ("" if site.checked else " (unchecked)")))
    for line in report.lines:
        click.echo(term(line))
    if not report.ok:
        raise SystemExit(1)


@click.command("import")
@data_dir_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_cmd(data_dir: Path | None, file: Path) -> None:
    """Import articles from a JSON-lines FILE (url, title, body, published, source, province)."""
    from crawler.importer import ImportError_, check_file, import_jsonl

    try:  # a mistyped file name creates no archive
        check_file(file)
    except ImportError_ as exc:
        raise click.ClickException(str(exc)) from exc
    with open_archive(data_dir) as archive:
        try:
            report = import_jsonl(file, archive, progress=sys.stdout.isatty())
        except ImportError_ as exc:
            raise click.ClickException(str(exc)) from exc
    for line_no, reason in report.errors:
        click.echo(term(f"{file}:{line_no}: skipped: {reason}"), err=True)
    click.echo(f"imported {report.new} new, {report.updated} updated, {report.unchanged} unchanged, "
               f"{len(report.errors)} bad lines"
               + (f"; {report.republications} republications" if report.republications else ""))
    if report.errors and not report.new + report.updated + report.unchanged:
        raise SystemExit(1)  # not one good line (the wrong file?): a script must see it, as with `ct05 analyze`
