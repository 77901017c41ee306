"""The Redis backend of `pipeline.locks`: the same named locks, shared by schedulers on several machines.

A lock is the key `ct05:lock:<name>` whose value is the holder note (JSON: pid, host, since, what and a
random token), set with `SET key note NX PX ttl`, so

* only one process anywhere takes it (NX); a live holder makes `acquire` raise `LockHeld` naming it;
* a background thread renews the TTL while the lock is held (every third of the TTL), so a holder
  that dies (machine, network or process) stops renewing and its lock expires after at most one TTL;
* release and renewal are compare-and-delete / compare-and-expire Lua scripts: a holder whose lock
  expired and was taken by someone else never deletes or extends the new holder's lock.

Unlike a flock, the lock cannot be handed to a crawl child (`Lock.fd` is -1): it is held while the
process that took it keeps renewing it.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Any

from pipeline.locks import Lock, LockError, LockHeld

KEY_PREFIX = "ct05:lock:"
#: How long a lock outlives its last renewal; a crashed holder blocks its site at most this long.
DEFAULT_TTL = 30.0

log = logging.getLogger("ct05.locks")

# Delete / extend / replace the key only if it still holds our note (it may have expired and been retaken).
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
_RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
_REPLACE = ("if redis.call('GET', KEYS[1]) == ARGV[1] then "
            "return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return false")


def _client(url: str) -> Any:
    import redis

    try:
        return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)
    except ValueError as exc:
        raise LockError(f"bad Redis URL {url!r}: {exc}") from None


def _note(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        note = json.loads(raw.decode("utf-8"))
    except ValueError:
        return {"pid": None}
    return {k: v for k, v in note.items() if k != "token"} if isinstance(note, dict) else {"pid": None}


class RedisLock(Lock):
    """A held Redis lock; renewed by a daemon thread until `release()`."""

    def __init__(self, name: str, url: str, client: Any, key: str, note: dict[str, Any], value: str,
                 ttl: float) -> None:
        super().__init__(name, Path(key), -1, note, None)
        self.url = url
        self.key = key
        self.ttl_ms = max(1, int(ttl * 1000))
        self.lost = False  # set when a renewal found the lock taken by someone else
        self._client = client
        self._value = value
        self._guard = threading.Lock()  # the value changes on update(); renewals read it
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew_loop, name=f"ct05-lock-{name}", daemon=True)
        self._thread.start()

    def renew(self) -> bool:
        """Extend the TTL if the lock is still ours; False when it expired (and maybe was retaken)."""
        with self._guard:
            ok = bool(self._client.eval(_RENEW, 1, self.key, self._value, self.ttl_ms))
        if not ok and not self.lost:
            self.lost = True
            log.error("lock %r expired before it was renewed; another process may hold it now", self.name)
        return ok

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl_ms / 3000):
            try:
                if not self.renew():
                    return
            except Exception as exc:  # a Redis hiccup: keep trying until the TTL runs out
                log.warning("cannot renew lock %r: %s", self.name, exc)

    def stop_renewing(self) -> None:
        """Stop the renewal thread without releasing: the lock expires after its TTL (a crashed holder)."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join()

    def update(self, **fields: Any) -> None:
        """Add fields to the holder note, if the lock is still ours."""
        with self._guard:
            note = {**self.note, **fields}
            value = json.dumps({**note, "token": json.loads(self._value)["token"]}, ensure_ascii=False)
            try:
                if self._client.eval(_REPLACE, 1, self.key, self._value, value, self.ttl_ms):
                    self._value = value
            except Exception as exc:  # the note is informative; the lock itself is unchanged
                log.warning("cannot update lock %r: %s", self.name, exc)
            self.note = note

    def release(self) -> None:
        """Stop renewing and delete the key if it is still ours; idempotent."""
        if self._client is None:
            return
        self.stop_renewing()
        try:
            with self._guard:
                self._client.eval(_RELEASE, 1, self.key, self._value)
        except Exception as exc:  # the TTL frees it anyway
            log.warning("cannot release lock %r (it expires by itself): %s", self.name, exc)
        finally:
            self._client.close()
            self._client = None


def acquire(url: str, name: str, *, what: str = "", wait: float = 0.0, ttl: float = DEFAULT_TTL) -> RedisLock:
    """Take the lock `name` on the Redis at `url` or raise `LockHeld` (after `wait` seconds) or `LockError`."""
    import redis

    client = _client(url)
    key = KEY_PREFIX + name
    note = {"pid": os.getpid(), "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "what": what}
    value = json.dumps({**note, "token": secrets.token_hex(16)}, ensure_ascii=False)
    deadline = time.monotonic() + wait
    try:
        while not client.set(key, value, nx=True, px=max(1, int(ttl * 1000))):
            if time.monotonic() >= deadline:
                raise LockHeld(name, _note(client.get(key)) or {})
            time.sleep(0.1)
    except redis.RedisError as exc:
        client.close()
        raise LockError(f"cannot lock {name!r} on Redis {url}: {exc}") from None
    except LockHeld:
        client.close()
        raise
    return RedisLock(name, url, client, key, note, value, ttl)


def holder(url: str, name: str) -> dict[str, Any] | None:
    """The note of the holder of `name` on the Redis at `url`, or None when nobody holds it."""
    import redis

    client = _client(url)
    try:
        return _note(client.get(KEY_PREFIX + name))
    except redis.RedisError as exc:
        return {"pid": None, "what": f"Redis {url} unreachable: {exc}"}
    finally:
        client.close()
