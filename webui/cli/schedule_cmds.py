"""`ct05 schedule`: keep the archive and index current (crawl → process → index) on a schedule."""

from __future__ import annotations

import logging
import os
import signal
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import FrameType

import click

from webui.cli.common import data_dir_option, open_archive, resolve_data_dir, term, term_json, use_archive


class ConfigError(click.ClickException):
    """A bad configuration file: exit code 2 like any usage error, apart from 1 (a cycle failed)."""

    exit_code = 2


def setup_logging(data_dir: Path, log_file: str, max_bytes: int, backups: int, verbose: bool) -> Path | None:
    """Log to stderr and to a rotating file in the data dir; return the file (None if it cannot be opened)."""
    logger = logging.getLogger("ct05.schedule")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    # The pid tells apart the lines of two schedulers (a daemon and a cron run, two cron runs) in one file.
    fmt = logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(message)s")
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(fmt)
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.handlers = [console]
    path = Path(log_file) if Path(log_file).is_absolute() else data_dir / log_file
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=max_bytes or 0, backupCount=backups, encoding="utf-8")
    except OSError as exc:
        logger.error("cannot write the log file %s (%s); logging to stderr only", path, exc.strerror or exc)
        return None
    handler.setFormatter(fmt)
    logger.addHandler(handler)
    return path


def _print_status(info: dict[str, object]) -> None:
    sites = info["sites"]
    assert isinstance(sites, dict)
    click.echo(f"{'site':22} {'last run':26} {'status':8} {'interval':>9} {'fails':>5}  {'next due':26} "
               "last new article")
    for site_id, state in sites.items():
        running = f"  (running: pid {state['running'].get('pid')})" if state["running"] else ""
        silent = f"  SILENT (no new article for {state['silent_after'] / 86400:g} days)" if state.get("silent") else ""
        click.echo(f"{site_id:22} {state['last_run'] or '-':26} {state['last_status'] or '-':8} "
                   f"{state['interval'] / 60:8.0f}m {state['failures']:5}  {state['next_due'] or 'now':26} "
                   f"{state.get('last_new_article') or '-'}{silent}{running}")
        if state["last_error"]:
            click.echo(f"{'':22} error: {term(state['last_error'])}")
    click.echo("pending process/index: " + ("yes" if info["pending"] else "no"))
    cycles = info["cycles"]
    assert isinstance(cycles, list)
    for run in cycles:  # crawler.runs.RunRecord
        click.echo(f"  #{run.id} {run.started} → {run.ended or '…'} {run.status:11} "
                   f"{run.counts.new} new, {run.counts.updated} updated, {run.counts.failed} failed")
        for error in run.errors[:5]:
            click.echo(f"      {term(error)}")


@click.command("schedule")
@data_dir_option
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Scheduler configuration (TOML). Default: the bundled pipeline/schedule.toml.")
@click.option("--once", is_flag=True, help="Run every job once (due sites only), then exit: for cron/systemd timers.")
@click.option("--force", is_flag=True, help="With --once: crawl every site, due or not.")
@click.option("--site", "site_ids", multiple=True, help="Only these sites (repeatable). Default: from the config.")
@click.option("--check", is_flag=True, help="Validate the configuration, print the jobs and exit.")
@click.option("--status", "show_status", is_flag=True, help="Print each site's schedule state and the last cycles.")
@click.option("--json", "as_json", is_flag=True, help="With --status: print JSON.")
@click.option("--redis", "redis_url", default=None, envvar="CT05_REDIS", metavar="URL",
              help="Hold the site, NLP and index locks on this Redis (redis://host:port/db), shared by schedulers "
                   "on several machines. Default: CT05_REDIS, else schedule.redis, else lock files in the data dir.")
@click.option("-v", "--verbose", is_flag=True, help="Log every step to stderr too (the log file always gets them).")
def schedule(data_dir: Path | None, config_path: Path | None, once: bool, force: bool, site_ids: tuple[str, ...],
             check: bool, show_status: bool, as_json: bool, redis_url: str | None, verbose: bool) -> None:
    """Crawl, process and index on a schedule (per-site cron, adaptive intervals, crash-safe locks).

    Runs until SIGTERM or Ctrl-C, which let the current step finish and record the cycle.
    """
    from crawler.sites import SiteConfigError, load_sites
    from pipeline.schedule import Scheduler
    from pipeline.schedule_config import ScheduleConfigError, check_redis_url, load_config
    from pipeline.schedule_health import once_exit_code, site_health
    from pipeline.schedule_state import now_utc, schedule_status

    data = resolve_data_dir(data_dir)
    try:
        check_redis_url(redis_url or "")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--redis") from None
    if show_status:
        with open_archive(data_dir) as archive:
            info = schedule_status(archive, data, redis=redis_url)
        if as_json:
            click.echo(term_json(info))
        else:
            _print_status(info)
        return
    try:
        registry = load_sites()
        config = load_config(config_path, known_sites=set(registry))
    except (ScheduleConfigError, SiteConfigError) as exc:
        raise ConfigError(str(exc)) from exc
    if config.schedule["archive"] and not os.environ.get("CT05_ARCHIVE"):
        use_archive(click.get_current_context(), config.schedule["archive"])  # the children inherit it
    if site_ids:
        unknown = [s for s in site_ids if s not in registry]
        if unknown:
            raise click.BadParameter(f"unknown site id: {', '.join(unknown)}", param_hint="--site")
        sites = list(site_ids)
    else:
        sites = config.schedule["sites"] or [s.id for s in registry.values()
                                             if s.base_url and s.checked and not s.mirror_of]
    if not sites:  # a cron job that silently does nothing looks like a healthy one
        click.echo("no site to crawl: schedule.sites lists none and no site of crawler/sites.toml is checked "
                   "(docs/add-a-site.md); --site ID names one", err=True)
    no_address = [s for s in sites if not (config.base_url(s) or registry[s].base_url)]
    if no_address:
        raise ConfigError(f"{config.path}: no address for {', '.join(no_address)}: "
                                   "set sites.<id>.base_url")
    sched = Scheduler(config, data, sites, redis=redis_url)
    if check:
        click.echo(f"{config.path}: ok")
        for cron, job_sites in sched.jobs().items():
            click.echo(f"  {cron:20} {', '.join(job_sites)}")
        return
    log_path = setup_logging(data, config.schedule["log_file"], config.schedule["log_max_bytes"],
                             config.schedule["log_backups"], verbose or once)

    def stop(signum: int, frame: FrameType | None) -> None:
        logging.getLogger("ct05.schedule").warning("%s received: finishing the current step",
                                                   signal.Signals(signum).name)
        sched.request_stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if once:
        records = sched.run_once(force=force)
        for record in records:
            totals = record.get("totals", {})
            click.echo(f"job {record.get('job', '')}: {record['status']}: {totals.get('new', 0)} new, "
                       f"{totals.get('updated', 0)} updated, {totals.get('failed', 0)} failed")
            for error in record.get("errors", []):
                click.echo(f"  {term(error)}", err=True)
        # Exit codes (docs/deploy.md): 0 all ok, 3 some site failed or is failing or silent, 1 the cycle failed.
        try:
            with open_archive(data_dir, readonly=True) as archive:
                health = site_health(archive, config, now_utc())
        except click.ClickException:  # no archive: the cycle could not start, its record says why
            health = {}
        for site_id, info in sorted(health.items()):
            if site_id in sites and info["silent"]:
                click.echo(f"  {site_id}: silent: no new article since {info['last_new_article'] or 'ever'}", err=True)
        code = once_exit_code(records, health, sites)
        if code:
            sys.exit(code)
        return
    click.echo(f"ct05 schedule: {len(sites)} sites, {len(sched.jobs())} jobs; log: {log_path or 'stderr'}")
    sched.run_forever()
