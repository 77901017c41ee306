"""Commands that tie the stages together: `ct05 serve`, `ct05 status`, `ct05 demo`."""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from pathlib import Path

import click

from webui.cli.common import (
    data_dir_option,
    existing_dir,
    index_dir,
    open_archive,
    progress_bar,
    resolve_data_dir,
    term,
    term_json,
    use_archive,
)


def check_port(host: str, port: int) -> None:
    """A port in use is one line, before "đang chạy" is claimed (werkzeug printed two lines of its own)."""
    try:
        socket.create_server((host, port)).close()
    except OSError as exc:
        raise click.ClickException(f"Không mở được cổng {host}:{port}: {os.strerror(exc.errno) if exc.errno else exc} "
                                   "(chọn cổng khác bằng --port).") from exc


def _serve(data_dir: Path, host: str, port: int, workers: int = 0, concurrency: int = 2,
           settings: dict[str, object] | None = None) -> None:
    """Serve the app: pre-forked worker processes (one per CPU by default), else one threaded process."""
    from webui import create_app
    from webui.server import limited, serve_prefork

    config = {**(settings or {}), "DATA_DIR": str(data_dir)}
    # One key for every worker: a session cookie (the admin login, its CSRF token) signed by one
    # pre-forked worker must be valid at the others.
    config.setdefault("SECRET_KEY", os.environ.get("CT05_SECRET_KEY") or secrets.token_hex(32))
    workers = workers or min(os.cpu_count() or 1, 4)
    check_port(host, port)
    click.echo(f"ct05 đang chạy tại http://{host}:{port}/  (Ctrl-C để dừng)")
    if workers > 1 and hasattr(os, "fork"):
        serve_prefork(lambda: limited(create_app(config), concurrency), host, port, workers)
        return
    from werkzeug.serving import make_server

    # make_server, not app.run: app.run prints werkzeug's "development server" warning, but this threaded
    # server (behind the concurrency limit, as in each pre-forked worker) is the production server.
    server = make_server(host, port, limited(create_app(config), concurrency), threaded=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command()
@data_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=0, type=click.IntRange(0, 64),
              help="Worker processes (default: one per CPU, at most 4; 1 = a single threaded process).")
@click.option("--concurrency", default=2, show_default=True, type=click.IntRange(0, 256),
              help="Requests each worker runs at once; the others queue in arrival order (0 = no limit).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Web settings file (TOML; see docs/deploy.md). Default: $CT05_WEB_CONFIG if set.")
def serve(data_dir: Path | None, host: str, port: int, workers: int, concurrency: int,
          config_file: Path | None) -> None:
    """Serve the web UI and JSON API."""
    from webui.settings import SettingsError, load_settings, settings_from_env

    try:
        settings = load_settings(config_file) if config_file else settings_from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    if data_dir is None and settings.get("DATA_DIR"):
        data_dir = Path(str(settings["DATA_DIR"]))
    if settings.get("ARCHIVE") and not os.environ.get("CT05_ARCHIVE"):
        use_archive(click.get_current_context(), str(settings["ARCHIVE"]))  # the admin's crawl children too
    _serve(resolve_data_dir(data_dir), host, port, workers, concurrency, settings)


@click.command()
@data_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--runs", "limit", default=5, show_default=True, type=click.IntRange(1, 100))
def status(data_dir: Path | None, as_json: bool, limit: int) -> None:
    """Show what the archive and index hold and the last runs."""
    from crawler.archive import archive_exists
    from crawler.runs import read_runs
    from index.store import IndexMissing, SearchIndex
    from nlp.enrich import NLP_VERSION
    from pipeline.schedule_state import schedule_status

    readonly = archive_exists(resolve_data_dir(data_dir))  # works on a read-only or full disk
    if not readonly:
        existing_dir(data_dir)  # a mistyped --data-dir: not an empty archive
    with open_archive(data_dir, readonly=readonly) as archive:
        info: dict[str, object] = {
            "data_dir": str(resolve_data_dir(data_dir)),
            "articles": archive.count(),
            "by_source": archive.counts_by_source(),
            "unprocessed": archive.count_unprocessed(NLP_VERSION),
            "runs": read_runs(archive, limit),
            "schedule": schedule_status(archive, resolve_data_dir(data_dir), limit),
        }
    try:
        idx = SearchIndex.open(index_dir(data_dir))
        info["indexed"] = idx.doc_count()
        idx.close()
    except IndexMissing:
        info["indexed"] = None
    if as_json:
        click.echo(term_json(info))
        return
    click.echo(f"data dir:    {info['data_dir']}")
    click.echo(f"articles:    {info['articles']}  (unprocessed: {info['unprocessed']})")
    click.echo(f"indexed:     {info['indexed'] if info['indexed'] is not None else 'no index yet'}")
    for source, count in sorted(archive_sources(info).items()):
        click.echo(f"  {term(source):24} {count}")
    sched = info["schedule"]
    if isinstance(sched, dict) and sched.get("sites"):
        click.echo("schedule:")
        for site_id, state in sched["sites"].items():
            running = f" (running: pid {state['running'].get('pid')})" if state.get("running") else ""
            silent = " SILENT" if state.get("silent") else ""
            click.echo(term(f"  {site_id:24} next {state.get('next_due') or '-'}  failures {state.get('failures', 0)}"
                            f"{silent}{running}"))
    click.echo("last runs:" if info["runs"] else "last runs:   none yet (crawls and scheduler cycles are recorded)")
    for run in info["runs"]:  # type: ignore[attr-defined]
        totals = run.to_stats()["totals"]  # a crawler.runs.RunRecord
        click.echo(term(f"  #{run.id} {run.kind:8} {run.started} → {run.ended or '…'} {run.status}"
                        f" {json.dumps(totals, ensure_ascii=False)}"))


def archive_sources(info: dict[str, object]) -> dict[str, int]:
    value = info.get("by_source")
    return value if isinstance(value, dict) else {}


@click.command()
@data_dir_option
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--no-serve", is_flag=True, help="Build everything, then exit instead of serving.")
@click.option("--mirror-port", default=5101, show_default=True, type=click.IntRange(1, 65500),
              help="First of the five loopback ports of the bundled mirror (fixed, so URLs stay the same).")
def demo(data_dir: Path | None, port: int, host: str, no_serve: bool, mirror_port: int) -> None:
    """The offline demo: serve the bundled mirror, crawl it over HTTP, process, index, serve the UI."""
    from crawler.crawl import CrawlError
    from demo.server import MirrorError, MirrorServer
    from pipeline.run import run_pipeline
    from pipeline.steps import InProcessSteps

    data = resolve_data_dir(data_dir)
    open_archive(data).close()  # a one-line error for an archive that cannot be opened
    if not no_serve:
        check_port(host, port)  # before the crawl, not after it
    start = time.perf_counter()
    mirror = MirrorServer(base_port=mirror_port)

    def before(step: str, count: int) -> None:
        if step == "crawl":
            click.echo(f"[1/4] mirror of {len(mirror.urls)} sites on 127.0.0.1:{mirror_port}…; crawling…")
        elif step == "process":
            click.echo(f"[2/4] NLP over {count} new or changed articles…")
        else:
            click.echo("[3/4] indexing…")

    try:
        mirror.start()
        steps = InProcessSteps(data, base_urls={f"mirror-{s}": u for s, u in mirror.urls.items()}, progress=True,
                               batch=100, before=before, after=lambda result: click.echo("      " + result.output),
                               bar=lambda n, label: progress_bar(n, "      " + label))
        report = run_pipeline(data, [f"mirror-{s}" for s in mirror.urls], steps, together=True,
                              downstream_if=lambda r: True)
    except (MirrorError, CrawlError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        mirror.stop()
    for line in report.errors():
        click.echo(term(f"      {line}"), err=True)
    with open_archive(data) as archive:
        total = archive.count()
    click.echo(f"[4/4] {total} articles ready in {data} ({time.perf_counter() - start:.1f}s)")
    if not no_serve:
        _serve(data, host, port)
