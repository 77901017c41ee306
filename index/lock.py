"""One writer at a time: an advisory flock the kernel releases even when the writer is SIGKILLed."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.layout import LOCK


class IndexBusy(RuntimeError):
    """Another process is writing the index and did not finish in time."""


@contextmanager
def writer_lock(index_dir: Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold the index's write lock, waiting up to `timeout` seconds for another writer."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    path = Path(index_dir) / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    raise IndexBusy(
                        f"Chỉ mục {index_dir} đang được một tiến trình khác cập nhật{holder}; "
                        f"đã chờ {timeout:.0f} giây. Hãy thử lại sau khi tiến trình đó xong."
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:  # pragma: no cover
        return ""
    return f" (PID {pid})" if pid.isdigit() else ""
