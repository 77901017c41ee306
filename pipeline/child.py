"""Run one pipeline step (crawl, process, index) as a child process and report what happened.

Scrapy's Twisted reactor cannot be restarted inside one process, and a crashing step must not take
the scheduler with it, so every step is a child. The child gets its own session: a Ctrl-C or a
SIGTERM meant for the scheduler does not reach it, and the scheduler decides how the step ends
(crawls are asked to stop gracefully with SIGTERM, NLP and index steps finish their work).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

#: Seconds a child has to exit after SIGTERM before it is killed.
TERM_GRACE = 30.0


@dataclass
class StepResult:
    """The outcome of one child process."""

    step: str
    site: str | None
    ok: bool
    returncode: int | None
    seconds: float
    error: str | None = None
    output: str = ""  # the last lines of stdout and stderr
    timed_out: bool = False
    stopped: bool = False  # asked to stop early (SIGTERM to the scheduler)
    pid: int | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"step": self.step, "site": self.site, "ok": self.ok, "returncode": self.returncode,
                "seconds": round(self.seconds, 2), "error": self.error, "timed_out": self.timed_out,
                "stopped": self.stopped, **self.extra}


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run_step(step: str, argv: Sequence[str], *, site: str | None = None, timeout: float = 3600.0,
             pass_fds: Sequence[int] = (), stop: threading.Event | None = None, stop_gracefully: bool = True,
             on_start: Callable[[int], None] | None = None, env: dict[str, str] | None = None) -> StepResult:
    """Run `argv` to completion (or timeout / stop request) and describe the result.

    `pass_fds` keeps lock descriptors open in the child, so its lock outlives a crashed scheduler.
    When `stop` is set and `stop_gracefully` is true the child gets SIGTERM (Scrapy then closes the
    spider and commits what it has); otherwise the child is left to finish its work.
    """
    start = time.monotonic()
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    pass_fds=tuple(pass_fds), start_new_session=True,
                                    env={**os.environ, **(env or {})})
        except OSError as exc:
            return StepResult(step, site, False, None, time.monotonic() - start, error=f"cannot start: {exc}")
        if on_start is not None:
            on_start(proc.pid)
        timed_out = stopped = False
        term_sent: float | None = None
        while True:
            try:
                proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            elapsed = time.monotonic() - start
            if term_sent is None and elapsed > timeout:
                timed_out = True
                _signal_group(proc, signal.SIGTERM)
                term_sent = time.monotonic()
            elif term_sent is None and stop is not None and stop.is_set() and stop_gracefully:
                stopped = True
                _signal_group(proc, signal.SIGTERM)
                term_sent = time.monotonic()
            elif term_sent is not None and time.monotonic() - term_sent > TERM_GRACE:
                _signal_group(proc, signal.SIGKILL)
        out.seek(0)
        output = _tail(out.read().decode("utf-8", errors="replace"))
    code = proc.returncode
    seconds = time.monotonic() - start
    error = None
    if timed_out:
        error = f"timed out after {timeout:.0f}s"
    elif code is not None and code < 0:
        error = f"killed by signal {signal.Signals(-code).name}"
    elif code:
        last = output.splitlines()[-1] if output else ""
        error = f"exit status {code}" + (f": {last}" if last else "")
    ok = code == 0 and not timed_out
    return StepResult(step, site, ok, code, seconds, error=error, output=output, timed_out=timed_out,
                      stopped=stopped, pid=proc.pid)
