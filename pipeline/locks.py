"""Crash-safe named locks for the scheduler: one per site, one for the NLP step, one for the index writer.

A lock is a file `<data_dir>/locks/<name>.lock` held with `fcntl.flock`. The kernel drops a flock
when the last descriptor of the holder goes away, so a crashed process never leaves a live lock
behind; the file keeps a JSON note of the last holder (pid, host, since, what) so that

* a live holder makes `acquire` raise `LockHeld` whose message names it (the run is skipped), and
* a note left by a dead holder is reported as stale and overwritten (`Lock.stale` says by whom).

The descriptor can be handed to a child process (`Lock.fd` in `subprocess.Popen(pass_fds=...)`):
the lock then stays held while either the scheduler or its crawl child is alive, so an orphaned
crawl still blocks a second crawl of the same site.

flock works between processes of one machine (and on local filesystems). Schedulers on several machines
share Redis locks instead (`pipeline.redis_locks`): `acquire` and `holder` use them when given a Redis URL
(`ct05 schedule --redis`, `schedule.redis`) or when CT05_REDIS is set; see docs/scaling.md.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import socket
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from crawler.liveness import pid_alive  # noqa: F401 - also this module's name for it

LOCK_DIR = "locks"


class LockError(RuntimeError):
    """The lock file cannot be created (read-only or full data directory)."""


class LockHeld(RuntimeError):
    """Another live process holds the lock; `holder` is its note (may be empty)."""

    def __init__(self, name: str, holder: dict[str, Any]) -> None:
        self.name = name
        self.holder = holder
        who = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"
        what = f" ({holder['what']})" if holder.get("what") else ""
        since = f" since {holder['since']}" if holder.get("since") else ""
        super().__init__(f"lock {name!r} is held by {who}{what}{since}")


def lock_path(data_dir: Path | str, name: str) -> Path:
    """Where the lock called `name` lives; names are sanitised to a file name."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return Path(data_dir) / LOCK_DIR / f"{safe}.lock"


def _read_note(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 4096)
        note = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        return note if isinstance(note, dict) else {}
    except (OSError, ValueError):
        return {}


class Lock:
    """A held lock; release with `release()` or use `acquire_lock` as a context manager."""

    def __init__(self, name: str, path: Path, fd: int, note: dict[str, Any], stale: dict[str, Any] | None) -> None:
        self.name = name
        self.path = path
        self.fd = fd
        self.note = note
        self.stale = stale  # the note of a dead previous holder that this acquisition cleared

    def update(self, **fields: Any) -> None:
        """Add fields to the holder note (e.g. the pid of the crawl child)."""
        self.note.update(fields)
        _write_note(self.fd, self.note)

    def release(self) -> None:
        """Clear the note and drop the lock; idempotent."""
        if self.fd < 0:
            return
        try:
            os.ftruncate(self.fd, 0)
        except OSError:
            pass  # a full disk must not keep the lock held
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Lock:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _write_note(fd: int, note: dict[str, Any]) -> None:
    data = json.dumps(note, ensure_ascii=False).encode("utf-8")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)


def redis_url(url: str | None = None) -> str | None:
    """The Redis that holds the locks: `url`, else CT05_REDIS, else None (flock files)."""
    return url or os.environ.get("CT05_REDIS") or None


def acquire(data_dir: Path | str, name: str, *, what: str = "", wait: float = 0.0, redis: str | None = None) -> Lock:
    """Take the lock `name` or raise `LockHeld` (after waiting up to `wait` seconds) or `LockError`.

    On Redis (`redis` URL or CT05_REDIS) the lock is shared by every machine; otherwise it is a flock file.
    """
    if url := redis_url(redis):
        from pipeline import redis_locks

        return redis_locks.acquire(url, name, what=what, wait=wait)
    path = lock_path(data_dir, name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise LockError(f"cannot create lock file {path}: {exc.strerror or exc}") from exc
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise LockError(f"cannot lock {path}: {exc.strerror or exc}") from exc
            if time.monotonic() >= deadline:
                holder = _read_note(fd)
                os.close(fd)
                raise LockHeld(name, holder) from None
            time.sleep(0.1)
    previous = _read_note(fd)
    # We hold the flock, so whoever wrote a non-empty note is gone: it died without releasing.
    stale = previous or None
    note = {"pid": os.getpid(), "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "what": what}
    try:
        _write_note(fd, note)
    except OSError as exc:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        raise LockError(f"cannot write lock file {path}: {exc.strerror or exc}") from exc
    return Lock(name, path, fd, note, stale)


def holder(data_dir: Path | str, name: str, redis: str | None = None) -> dict[str, Any] | None:
    """The note of the live holder of `name`, or None when nobody holds it (for status pages)."""
    if url := redis_url(redis):
        from pipeline import redis_locks

        return redis_locks.holder(url, name)
    path = lock_path(data_dir, name)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return _read_note(fd) or {"pid": None}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
