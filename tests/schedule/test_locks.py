"""Locks: exclusive between processes, stale notes of dead holders cleared, live holders named."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.locks import LockError, LockHeld, acquire, holder, lock_path, pid_alive

HOLD = textwrap.dedent("""
    import sys, time
    from pipeline.locks import acquire
    lock = acquire(sys.argv[1], sys.argv[2], what="test holder")
    print("held", flush=True)
    time.sleep(60)
""")


def _hold_in_child(data_dir: Path, name: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(data_dir), name], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    proc.stdout.close()
    return proc


def test_acquire_release_and_reacquire(tmp_path: Path) -> None:
    lock = acquire(tmp_path, "site:a", what="crawl")
    assert lock.stale is None
    seen = holder(tmp_path, "site:a")  # flock is per open file, so our own probe sees us as the holder
    assert seen is not None and seen["pid"] == os.getpid()
    lock.release()
    lock.release()  # idempotent
    with acquire(tmp_path, "site:a") as again:
        assert again.stale is None
    assert holder(tmp_path, "site:a") is None
    assert lock_path(tmp_path, "site:a").name == "site_a.lock"


def test_live_holder_makes_acquire_fail_with_its_pid(tmp_path: Path) -> None:
    proc = _hold_in_child(tmp_path, "site:b")
    try:
        with pytest.raises(LockHeld) as info:
            acquire(tmp_path, "site:b")
        assert info.value.holder["pid"] == proc.pid
        assert f"pid {proc.pid}" in str(info.value) and "test holder" in str(info.value)
        seen = holder(tmp_path, "site:b")
        assert seen is not None and seen["pid"] == proc.pid
    finally:
        proc.kill()
        proc.wait()


def test_lock_of_killed_process_is_stale_and_cleared(tmp_path: Path) -> None:
    proc = _hold_in_child(tmp_path, "index")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not pid_alive(proc.pid)
    lock = acquire(tmp_path, "index")
    try:
        assert lock.stale is not None and lock.stale["pid"] == proc.pid
        assert lock.note["pid"] == os.getpid()
    finally:
        lock.release()


def test_wait_gives_up_after_timeout(tmp_path: Path) -> None:
    proc = _hold_in_child(tmp_path, "nlp")
    try:
        with pytest.raises(LockHeld):
            acquire(tmp_path, "nlp", wait=0.3)
    finally:
        proc.kill()
        proc.wait()
    with acquire(tmp_path, "nlp", wait=2) as lock:
        assert lock.stale is not None


def test_lock_fd_passed_to_child_keeps_lock_after_parent_lets_go(tmp_path: Path) -> None:
    lock = acquire(tmp_path, "site:c")
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], pass_fds=[lock.fd])
    try:
        os.close(lock.fd)  # the parent "dies" without releasing: only the child holds the description now
        lock.fd = -1
        with pytest.raises(LockHeld):
            acquire(tmp_path, "site:c")
    finally:
        child.kill()
        child.wait()
    with acquire(tmp_path, "site:c") as again:
        assert again.stale is not None


def test_unwritable_lock_dir_is_a_lock_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(LockError, match="cannot create lock file"):
        acquire(blocker, "site:x")
