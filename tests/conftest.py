"""Fixtures of every test package: a real PostgreSQL server on a loopback port (`pg_server`, one per session)
and a fresh database on it for one test (`pg_url`), and `archive_backend`, which runs a test once on the
SQLite archive and once on a PostgreSQL one (through CT05_ARCHIVE, as an operator would select it)."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _pg_bin() -> Path | None:
    """The directory of Debian's PostgreSQL binaries (the newest version), or where initdb is on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(os.path.realpath(initdb)).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """A running server: `url(db)` is a database's URL, `create()` makes a new empty database."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._names = itertools.count(1)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def create(self) -> str:
        import psycopg

        name = f"t{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """initdb in a temporary directory, then `postgres` on a free loopback port as our own child process,
    stopped (fast shutdown) at the end of the session. PostgreSQL refuses to run as root (as CI does): then
    both run as `nobody`. Skipped with the reason where the binaries are absent; CI must have them."""
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is missing: .ci/run must install Debian's postgresql package")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql); CI runs these tests")
    user = pwd.getpwnam("nobody") if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="ct05-pg-"))
    data = root / "data"
    data.mkdir()
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
        os.chown(data, user.pw_uid, user.pw_gid)
    as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []} if user else {}
    env = {**os.environ, "LC_ALL": "C", "HOME": str(root)}
    subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--locale=C"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                   cwd=root, **as_user)
    port = _free_port()
    log = open(root / "server.log", "wb")  # noqa: SIM115 - handed to the child, closed below
    # Durability off: the tests check behaviour, not crash safety, and fsync on a shared disk is slow.
    proc = subprocess.Popen([str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1",
                             "-k", "", "-c", "fsync=off", "-c", "synchronous_commit=off",
                             "-c", "full_page_writes=off", "-c", "max_connections=60"],
                            stdout=subprocess.DEVNULL, stderr=log, env=env, cwd=root, **as_user)
    log.close()
    server = PgServer(port)
    try:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(server.url(), connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                assert proc.poll() is None, (root / "server.log").read_text(errors="replace")
                assert time.monotonic() < deadline, "postgres did not start"
                time.sleep(0.1)
        yield server
    finally:
        proc.send_signal(2)  # SIGINT: fast shutdown (disconnects the clients, no checkpoint wait)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A new empty database on the session's server."""
    return pg_server.create()


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on both backends: on "postgresql", CT05_ARCHIVE points `Archive.open` at a new database."""
    if request.param == "postgresql":
        monkeypatch.setenv("CT05_ARCHIVE", request.getfixturevalue("pg_url"))
    else:
        monkeypatch.delenv("CT05_ARCHIVE", raising=False)
    return str(request.param)
