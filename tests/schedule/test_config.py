"""Configuration validation, the documentation of every key, adaptive intervals and back-off, the CLI."""

from __future__ import annotations

import json
import re
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.archive import Archive
from crawler.config import parse_duration
from pipeline.schedule_config import SCHEMA, ScheduleConfigError, documented_keys, load_config, parse_config
from pipeline.schedule_state import SiteState, backoff_delay, next_interval, now_utc, record_success
from webui.cli.schedule_cmds import schedule

from .conftest import ROOT, make_config

DEPLOY = ROOT / "docs" / "deploy.md"


def test_bundled_config_loads_against_the_registry() -> None:
    from crawler.sites import load_sites

    config = load_config(known_sites=set(load_sites()))
    assert config.schedule["cron"] == "*/15 * * * *"
    assert config.adaptive["min_interval"] == 1800 and config.adaptive["max_interval"] == 86400


def test_every_key_is_documented_in_deploy_md() -> None:
    docs = DEPLOY.read_text(encoding="utf-8")
    section = docs.split("## The configuration file, key by key", 1)[1].split("\n## ", 1)[0]
    rows = set(re.findall(r"^\| `([a-z_<>.]+)` \|", section, flags=re.M))
    assert rows == set(documented_keys()), "docs/deploy.md key table and SCHEMA differ"


def test_every_key_of_the_bundled_file_is_in_the_schema() -> None:
    import tomllib

    raw = tomllib.loads((ROOT / "pipeline" / "schedule.toml").read_text(encoding="utf-8"))
    for section in ("schedule", "adaptive", "backoff"):
        assert set(raw[section]) == set(SCHEMA[section]), f"schedule.toml [{section}] should show every key"


@pytest.mark.parametrize(("raw", "message"), [
    ({"schedule": {"crn": "* * * * *"}}, "schedule.crn: unknown key"),
    ({"schedule": {"cron": "every minute"}}, "schedule.cron: invalid cron expression"),
    ({"schedule": {"cron": "61 * * * *"}}, "schedule.cron: invalid cron expression"),
    ({"schedule": {"timezone": "Mars/Olympus"}}, "schedule.timezone: unknown time zone"),
    ({"schedule": {"parallel": 0}}, "schedule.parallel: must be at least 1"),
    ({"schedule": {"process": "yes"}}, "schedule.process: must be true or false"),
    ({"schedule": {"sites": "tthue"}}, "schedule.sites: must be a list of strings"),
    ({"schedule": {"searches": "chỉ thị 05"}}, "schedule.searches: must be a list of strings"),
    ({"adaptive": {"min_interval": "soon"}}, "adaptive.min_interval: must be a duration"),
    ({"adaptive": {"min_interval": "2d", "max_interval": "1d"}}, "adaptive.min_interval: must not exceed"),
    ({"backoff": {"factor": 0.5}}, "backoff.factor: must be at least 1"),
    ({"sites": {"tthue": {"cron": "* *"}}}, "sites.tthue.cron: invalid cron expression"),
    ({"sites": {"tthue": {"base": "x"}}}, "sites.tthue.base: unknown key"),
    ({"sites": {"tthue": {"base_url": "tthue.example.vn"}}}, "sites.tthue.base_url: must start with http://"),
    ({"schedule": {"silent_after": "a week"}}, "schedule.silent_after: must be a duration"),
    ({"sites": {"tthue": {"silent_after": -1}}}, "sites.tthue.silent_after: must not be negative"),
    ({"schedule": {"log_keep": "forever"}}, "schedule.log_keep: must be a duration"),
    ({"sites": {"nowhere": {}}}, "sites.nowhere: unknown site id"),
    ({"schedule": {"sites": ["nowhere"]}}, "schedule.sites: unknown site id 'nowhere'"),
    ({"scheduler": {}}, "scheduler: unknown section"),
])
def test_bad_values_are_named(raw: dict, message: str) -> None:
    with pytest.raises(ScheduleConfigError, match=re.escape(message)):
        parse_config(raw, where="schedule.toml", known_sites={"tthue", "yenbai"})


def test_load_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text("[schedule\n")
    with pytest.raises(ScheduleConfigError, match="s.toml: not valid TOML"):
        load_config(bad)
    with pytest.raises(ScheduleConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def test_durations() -> None:
    assert parse_duration(90) == 90 and parse_duration("90s") == 90
    assert parse_duration("1h30m") == 5400 and parse_duration("2d") == 172800
    for bad in ("", "5 minutes", "1x", True, -1):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_six_field_cron_has_seconds() -> None:
    from pipeline.schedule_config import cron_trigger

    trigger = cron_trigger("*/5 * * * * *")
    now = now_utc()
    fire = trigger.get_next_fire_time(None, now)
    assert fire is not None and fire - now <= timedelta(seconds=5)


def test_interval_adapts_within_bounds() -> None:
    config = make_config(adaptive={"min_interval": "30m", "max_interval": "1d", "initial_interval": "2h",
                                   "target_new": 5, "window": 2, "factor": 2})
    busy = SiteState(site="busy")
    at = now_utc()
    seen = []
    for _ in range(6):
        record_success(config, busy, 40, at)
        seen.append(busy.interval)
    assert seen[0] == 3600 and seen[-1] == 1800  # halves, then stops at the lower bound
    quiet = SiteState(site="quiet")
    for _ in range(8):
        record_success(config, quiet, 0, at)
    assert quiet.interval == 86400
    steady = SiteState(site="steady", interval=7200, recent_new=[5, 5])
    assert next_interval(config, steady) == 7200
    some = SiteState(site="some", interval=7200, recent_new=[2, 3])  # half the target: wait about twice as long
    assert next_interval(config, some) == 14400
    assert busy.next_due == (at + timedelta(seconds=1800)).isoformat()


def test_per_site_bounds_and_disabled_adaptation() -> None:
    config = make_config(adaptive={"enabled": False, "initial_interval": "2h"},
                         sites={"tthue": {"min_interval": "3h", "max_interval": "6h"}})
    assert next_interval(config, SiteState(site="tthue", recent_new=[100])) == 3 * 3600
    assert next_interval(config, SiteState(site="yenbai", recent_new=[100])) == 7200


def test_backoff_grows_to_its_cap() -> None:
    config = make_config(backoff={"base": "10m", "factor": 3, "max": "1h"})
    assert [backoff_delay(config, n) for n in range(5)] == [0, 600, 1800, 3600, 3600]


def test_cli_check_status_and_bad_config(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(schedule, ["--check", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0  # no site of the registry is checked yet: nothing to keep current by default
    assert "no site to crawl" in result.output  # ... and it says so (a silent cron job looks healthy)
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:  # --once installs its stop handlers in this process: pytest's own come back after it
        once = runner.invoke(schedule, ["--once", "--data-dir", str(tmp_path / "once")])
    finally:
        signal.signal(signal.SIGTERM, handlers[0])
        signal.signal(signal.SIGINT, handlers[1])
    assert once.exit_code == 0 and "no site to crawl" in once.output
    result = runner.invoke(schedule, ["--check", "--site", "tthue", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0 and "*/15 * * * *" in result.output and "tthue" in result.output
    assert "no site to crawl" not in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[adaptive]\nwindow = "three"\n')
    result = runner.invoke(schedule, ["--check", "--config", str(bad)])
    assert result.exit_code == 2 and "adaptive.window: must be a non-negative integer" in result.output
    with Archive.open(tmp_path) as archive:
        from pipeline.schedule_state import save_state

        save_state(archive, SiteState(site="tthue", interval=3600, failures=2, last_error="HTTP 503",
                                      last_status="failed"))
    result = runner.invoke(schedule, ["--status", "--json", "--data-dir", str(tmp_path)])
    info = json.loads(result.output)
    assert info["sites"]["tthue"]["failures"] == 2 and info["sites"]["tthue"]["running"] is None
    assert info["failing"] == ["tthue"] and info["sites"]["tthue"]["silent"] is False
    result = runner.invoke(schedule, ["--status", "--data-dir", str(tmp_path)])
    assert "HTTP 503" in result.output and "60m" in result.output


def test_searches_reach_every_crawl_command(tmp_path: Path) -> None:
    from pipeline.schedule import Scheduler
    from pipeline.schedule_config import parse_config

    config = parse_config({"schedule": {"searches": ["chỉ thị 05", "làm theo Bác"]}})
    argv = Scheduler(config, tmp_path, ["mirror-yenbai"]).steps.argv("crawl", ["mirror-yenbai"], False)
    assert argv[-4:] == ["--search", "chỉ thị 05", "--search", "làm theo Bác"]
    assert "--search" not in Scheduler(config, tmp_path, ["mirror-yenbai"]).steps.argv("process", [], False)


def test_the_documented_defaults_are_the_schema_defaults() -> None:
    import tomllib

    docs = DEPLOY.read_text(encoding="utf-8")
    section = docs.split("## The configuration file, key by key", 1)[1].split("\n## ", 1)[0]
    for key, shown in re.findall(r"^\| `([a-z_<>.]+)` \| (`[^`]*`|—) \|", section, flags=re.M):
        table, name = key.replace("<id>", "*").rsplit(".", 1)
        spec = SCHEMA[table][name]
        value = None if shown == "—" else tomllib.loads(f"v = {shown.strip('`')}")["v"]
        if spec.kind == "duration" and value is not None:
            assert parse_duration(value) == parse_duration(spec.default), key
        else:
            assert value == spec.default, key
