"""A pre-forking HTTP server for `ct05 serve`: several processes share one listening socket.

Werkzeug's threaded server runs every request in one process, so one Python interpreter (one GIL)
serves all clients. Here the parent binds the socket, forks `workers` children and each child runs
werkzeug's threaded server on the inherited socket; the kernel spreads connections among them. We keep
werkzeug (rather than gunicorn) because it accepts raw UTF-8 in request lines, as `curl` sends them.

Werkzeug gives every connection a thread; under load, dozens of threads time-slice one GIL and an
uncached search that needs 15 ms of CPU takes hundreds of milliseconds to finish. `ConcurrencyLimit`
lets only a few requests run the app at once per process and queues the rest in arrival order, so a
request waits for those ahead of it and then runs at full speed.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from flask import Flask
from werkzeug.serving import make_server


class ConcurrencyLimit:
    """WSGI middleware: at most `limit` requests inside the app at once; the others wait their turn.

    The slot is held while the view runs, not while a streamed body (a CSV export) is sent.
    """

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.slots = threading.Semaphore(max(1, limit))  # wakes waiters in arrival order

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.slots:
            return self.app(environ, start_response)


def limited(app: Flask, limit: int) -> Flask:
    """`app` with its WSGI callable wrapped in `ConcurrencyLimit` (0 = no limit)."""
    if limit > 0:
        app.wsgi_app = ConcurrencyLimit(app.wsgi_app, limit)  # type: ignore[method-assign]
    return app


def serve_prefork(factory: Callable[[], Flask], host: str, port: int, workers: int) -> None:
    """Serve until SIGINT/SIGTERM; each worker builds its own app (and index handle) after the fork."""
    sock = socket.create_server((host, port), reuse_port=False, backlog=512)
    sock.set_inheritable(True)
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # child
            _run_child(factory, host, port, sock)
            os._exit(0)
        children.append(pid)

    def stop(signum: int, frame: FrameType | None) -> None:
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        try:
            os.waitpid(child, 0)
        except ChildProcessError:
            pass
    sock.close()


def _run_child(factory: Callable[[], Flask], host: str, port: int, sock: socket.socket) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent turns Ctrl-C into SIGTERM for us
    server = make_server(host, port, factory(), threaded=True, fd=sock.fileno())

    def stop(signum: int, frame: FrameType | None) -> None:
        server.server_close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    server.serve_forever()
