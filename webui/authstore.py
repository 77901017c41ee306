"""What every web worker must agree on about the admin login: failed tries per address (back-off) and the
live sessions (a logout ends a session server-side, so a copied cookie stops working).

One small SQLite file in the data directory, shared by the pre-forked workers; when the data directory
cannot be written (read-only), an in-memory database of this process stands in.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)
FILE = "admin.sqlite3"
#: Failed tries an address gets before back-off; the wait then doubles per failure up to MAX_WAIT.
FREE_TRIES = 5
MAX_WAIT = 60.0
#: Failures older than this are forgotten; sessions older than SESSION_DAYS are dropped.
FORGET_AFTER = 15 * 60.0
SESSION_DAYS = 7

_SCHEMA = """
CREATE TABLE IF NOT EXISTS failures (addr TEXT PRIMARY KEY, count INTEGER NOT NULL, last REAL NOT NULL,
                                     next_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (sid TEXT PRIMARY KEY, created REAL NOT NULL);
"""


class AuthStore:
    """Login back-off and live admin sessions, shared by every worker through one SQLite file."""

    def __init__(self, data_dir: Path) -> None:
        self.lock = threading.Lock()
        try:
            self.db = sqlite3.connect(Path(data_dir) / FILE, timeout=10, isolation_level=None,
                                      check_same_thread=False)
            self.db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            log.warning("admin login state kept in memory of this worker: %s: %s", Path(data_dir) / FILE, exc)
            self.db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            self.db.executescript(_SCHEMA)

    def _run(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self.lock:
            try:
                return self.db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:  # a full disk must not open the door: callers treat [] safely
                log.warning("admin login state: %s", exc)
                return []

    # -- back-off ------------------------------------------------------------------------------

    def wait(self, addr: str) -> float:
        """Seconds `addr` must still wait before its next try (0: it may try now)."""
        rows = self._run("SELECT next_at FROM failures WHERE addr = ?", (addr,))
        return max(0.0, float(rows[0][0]) - time.time()) if rows else 0.0  # type: ignore[arg-type]

    def failed(self, addr: str) -> None:
        """Count a failed try; from the FREE_TRIES-th on, the address waits 1, 2, 4 … MAX_WAIT seconds."""
        now = time.time()
        rows = self._run("SELECT count, last FROM failures WHERE addr = ?", (addr,))
        count = int(rows[0][0]) if rows and now - float(rows[0][1]) < FORGET_AFTER else 0  # type: ignore[arg-type]
        count += 1
        wait = min(MAX_WAIT, 2.0 ** (count - FREE_TRIES)) if count >= FREE_TRIES else 0.0
        self._run("INSERT OR REPLACE INTO failures (addr, count, last, next_at) VALUES (?, ?, ?, ?)",
                  (addr, count, now, now + wait))

    def succeeded(self, addr: str) -> None:
        self._run("DELETE FROM failures WHERE addr = ?", (addr,))

    # -- sessions ------------------------------------------------------------------------------

    def new_session(self) -> str:
        sid = secrets.token_urlsafe(32)
        now = time.time()
        self._run("DELETE FROM sessions WHERE created < ?", (now - SESSION_DAYS * 86400,))
        self._run("INSERT INTO sessions (sid, created) VALUES (?, ?)", (sid, now))
        return sid

    def session_live(self, sid: object) -> bool:
        if not isinstance(sid, str) or not sid:
            return False
        rows = self._run("SELECT created FROM sessions WHERE sid = ?", (sid,))
        return bool(rows) and time.time() - float(rows[0][0]) < SESSION_DAYS * 86400  # type: ignore[arg-type]

    def end_session(self, sid: object) -> None:
        if isinstance(sid, str):
            self._run("DELETE FROM sessions WHERE sid = ?", (sid,))
