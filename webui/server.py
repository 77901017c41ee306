"""A pre-forking HTTP server for `ct05 serve`: several processes share one listening socket.

Werkzeug's threaded server runs every request in one process, so one Python interpreter (one GIL)
serves all clients. Here the parent binds the socket, forks `workers` children and each child runs
werkzeug's threaded server on the inherited socket; the kernel spreads connections among them. We keep
werkzeug (rather than gunicorn) because it accepts raw UTF-8 in request lines, as `curl` sends them.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType

from flask import Flask
from werkzeug.serving import make_server


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
