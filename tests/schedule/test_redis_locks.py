"""Redis locks (pipeline.redis_locks) against a real redis-server: the holder note, expiry of a holder that
stopped renewing, compare-and-delete, and two schedulers on two "machines" (two data dirs) sharing one Redis."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from crawler.archive import Archive
from pipeline import redis_locks
from pipeline.locks import LockError, LockHeld, acquire, holder
from pipeline.schedule import Scheduler
from pipeline.schedule_config import ScheduleConfigError, parse_config
from pipeline.schedule_state import schedule_status

from .conftest import _free_port, fake_argv, fake_events, make_config

SITE = "mirror-yenbai"


def _pttl(url: str, name: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return int(client.pttl(redis_locks.KEY_PREFIX + name))
    finally:
        client.close()


def test_acquire_names_the_holder_and_release_frees_it(tmp_path: Path, redis_url: str) -> None:
    lock = acquire(tmp_path, "site-a", what="crawl a", redis=redis_url)
    try:
        assert lock.fd == -1 and not (tmp_path / "locks").exists()  # nothing on disk: the lock is in Redis
        note = holder(tmp_path, "site-a", redis=redis_url)
        assert note is not None and note["what"] == "crawl a" and note["pid"] == lock.note["pid"]
        assert note["host"] and note["since"] and "token" not in note
        with pytest.raises(LockHeld, match=r"lock 'site-a' is held by pid \d+ on .*\(crawl a\)"):
            acquire(tmp_path / "other-machine", "site-a", what="crawl a", redis=redis_url)
        lock.update(child_pid=4242)
        assert holder(tmp_path, "site-a", redis=redis_url)["child_pid"] == 4242  # type: ignore[index]
        assert _pttl(redis_url, "site-a") > 0  # the update kept an expiry
    finally:
        lock.release()
    lock.release()  # idempotent
    assert holder(tmp_path, "site-a", redis=redis_url) is None
    with acquire(tmp_path, "site-a", redis=redis_url) as again:
        assert again.name == "site-a"


def test_the_environment_variable_selects_redis(tmp_path: Path, redis_url: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CT05_REDIS", redis_url)
    with acquire(tmp_path, "nlp", what="process"):
        assert holder(tmp_path / "elsewhere", "nlp")["what"] == "process"  # type: ignore[index]
        assert not (tmp_path / "locks").exists()


def test_renewal_restores_the_ttl_and_the_thread_stops_on_release(tmp_path: Path, redis_url: str) -> None:
    import redis

    lock = redis_locks.acquire(redis_url, "index", ttl=60)
    raw = redis.Redis.from_url(redis_url)
    try:
        raw.pexpire(redis_locks.KEY_PREFIX + "index", 5000)  # as if the TTL had nearly run out
        assert lock.renew()
        assert _pttl(redis_url, "index") > 30_000
        assert lock._thread.is_alive()
    finally:
        lock.release()
        raw.close()
    assert not lock._thread.is_alive()


def test_a_holder_that_stops_renewing_expires_and_cannot_delete_its_successor(tmp_path: Path,
                                                                            redis_url: str) -> None:
    old = redis_locks.acquire(redis_url, "site-b", what="crashed", ttl=0.2)
    old.stop_renewing()  # the holder's machine died: nobody renews the lock any more
    deadline = time.monotonic() + 30  # a safety net; Redis expires the key after 0.2 s
    while holder(tmp_path, "site-b", redis=redis_url) is not None:
        assert time.monotonic() < deadline, "the stale lock did not expire"
        time.sleep(0.05)
    new = acquire(tmp_path, "site-b", what="next", redis=redis_url)
    try:
        assert not old.renew() and old.lost  # compare-and-expire: not ours any more
        old.update(what="late")  # compare-and-set: the new holder's note stays
        old.release()  # compare-and-delete: the new holder keeps its lock
        assert holder(tmp_path, "site-b", redis=redis_url)["what"] == "next"  # type: ignore[index]
    finally:
        new.release()


def test_an_unreachable_redis_is_a_one_line_lock_error(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{_free_port()}/0"
    with pytest.raises(LockError, match=r"cannot lock 'site-c' on Redis redis://127\.0\.0\.1:\d+/0") as info:
        acquire(tmp_path, "site-c", redis=url)
    assert "\n" not in str(info.value)
    with pytest.raises(LockError, match="bad Redis URL"):
        acquire(tmp_path, "site-c", redis="redis://127.0.0.1:notaport/0")


def test_the_config_key_is_validated() -> None:
    assert parse_config({"schedule": {"redis": "redis://10.0.0.5:6379/2"}}).schedule["redis"] == "redis://10.0.0.5:6379/2"
    assert parse_config({}).schedule["redis"] == ""
    with pytest.raises(ScheduleConfigError, match=r"schedule\.redis: must be a redis://host:port/db URL"):
        parse_config({"schedule": {"redis": "http://10.0.0.5"}}, where="schedule.toml")


def _machine(root: Path, name: str, control: dict, redis_url: str | None) -> Scheduler:
    """A scheduler with its own data dir, as on another machine; its locks on `redis_url` (config key)."""
    data = root / name
    data.mkdir()
    (data / "fake.json").write_text(json.dumps(control))
    config = make_config(schedule={"redis": redis_url} if redis_url else {})
    return Scheduler(config, data, [SITE], argv_for=fake_argv(data))


def _wait_for_crawl_start(data_dir: Path) -> None:
    deadline = time.monotonic() + 60  # a safety net only: the event normally comes in well under a second
    while not [e for e in fake_events(data_dir) if e[:3] == ["start", "crawl", SITE]]:
        assert time.monotonic() < deadline, "the crawl child did not start"
        time.sleep(0.05)


def test_two_schedulers_on_one_redis_never_crawl_one_site_at_once(tmp_path: Path, redis_url: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import ROOT

    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("CT05_REDIS", raising=False)
    first = _machine(tmp_path, "a", {"gate": True, "new": {SITE: 1}}, redis_url)
    second = _machine(tmp_path, "b", {"new": {SITE: 1}}, redis_url)
    records: list[dict] = []
    cycle = threading.Thread(target=lambda: records.extend(first.run_once(force=True)))
    cycle.start()
    try:
        _wait_for_crawl_start(first.data_dir)  # machine a is crawling the site, held at the gate
        note = holder(second.data_dir, f"site-{SITE}", redis=second.redis)
        assert note is not None and note["what"] == f"crawl {SITE}" and note["child_pid"]
        [record] = second.run_once(force=True)
        assert record["status"] == "idle"  # nothing done: the only site was taken by machine a
        assert not fake_events(second.data_dir)  # machine b started no crawl
    finally:
        (first.data_dir / "gate").touch()
        cycle.join(60)
    assert not cycle.is_alive() and records[0]["sites"][SITE]["status"] == "ok"
    assert records[0]["steps"]["process"]["status"] == "ok" and records[0]["steps"]["index"]["status"] == "ok"
    # Once machine a is done, machine b crawls the site: the lock was released, not left to expire.
    [record] = second.run_once(force=True)
    assert record["sites"][SITE]["status"] == "ok"
    assert [e[:3] for e in fake_events(second.data_dir)][:2] == [["start", "crawl", SITE], ["end", "crawl", SITE]]


def test_status_and_the_nlp_step_see_locks_held_on_another_machine(tmp_path: Path, redis_url: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import ROOT

    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("CT05_REDIS", raising=False)
    sched = _machine(tmp_path, "b", {"new": {SITE: 1}}, redis_url)
    with redis_locks.acquire(redis_url, "nlp", what="process on machine a"):
        [record] = sched.run_once(force=True)
    assert record["sites"][SITE]["status"] == "ok"
    assert record["steps"]["process"]["status"] == "skipped"
    assert "process on machine a" in record["steps"]["process"]["reason"]
    assert [e[1] for e in fake_events(sched.data_dir) if e[0] == "start"] == ["crawl"]  # no NLP, no index step
    with redis_locks.acquire(redis_url, f"site-{SITE}", what=f"crawl {SITE}") as other:
        with Archive.open(sched.data_dir) as archive:
            status = schedule_status(archive, sched.data_dir, config=sched.config)
            assert status["sites"][SITE]["running"]["pid"] == other.note["pid"]
            assert status["sites"][SITE]["running"]["what"] == f"crawl {SITE}"
            flock_view = schedule_status(archive, sched.data_dir)  # without the Redis URL: files only
            assert flock_view["sites"][SITE]["running"] is None
        [record] = sched.run_once(force=True)
    assert record["sites"].get(SITE, {}).get("status") != "ok"
    assert [e[1] for e in fake_events(sched.data_dir) if e[0] == "start"].count("crawl") == 1


def test_without_redis_two_data_dirs_do_not_share_flock_locks(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Why Redis is needed: flock locks live in each machine's data dir."""
    monkeypatch.delenv("CT05_REDIS", raising=False)
    with acquire(tmp_path / "a", f"site-{SITE}"), acquire(tmp_path / "b", f"site-{SITE}") as second:
        assert second.fd >= 0


def test_the_command_line_takes_the_redis_url(tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from webui.cli import cli

    from .conftest import ROOT

    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("CT05_REDIS", raising=False)
    sched = _machine(tmp_path, "a", {"new": {SITE: 1}}, None)
    sched.run_once(force=True)  # the site now has a schedule state to show
    bad = CliRunner().invoke(cli, ["schedule", "--status", "--data-dir", str(sched.data_dir), "--redis", "http://x"])
    assert bad.exit_code == 2 and "must be a redis://host:port/db URL" in bad.output
    with redis_locks.acquire(redis_url, f"site-{SITE}", what=f"crawl {SITE} on machine b") as other:
        args = ["schedule", "--status", "--json", "--data-dir", str(sched.data_dir)]
        shown = CliRunner().invoke(cli, [*args, "--redis", redis_url])
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.output)["sites"][SITE]["running"]["pid"] == other.note["pid"]
        monkeypatch.setenv("CT05_REDIS", redis_url)
        assert json.loads(CliRunner().invoke(cli, args).output)["sites"][SITE]["running"]["what"].endswith("b")
