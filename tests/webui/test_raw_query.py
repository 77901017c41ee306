"""A query string sent as raw UTF-8 bytes (as `curl '…?q=chỉ thị'` does) reaches the search unharmed
through werkzeug's own HTTP server, which `ct05 serve` uses."""

import json
import socket
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server


@pytest.fixture()
def server(app: Flask) -> Iterator[BaseWSGIServer]:
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()


def raw_get(srv: BaseWSGIServer, target: bytes) -> dict[str, object]:
    with socket.create_connection(("127.0.0.1", srv.server_port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: localhost\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") or head.startswith(b"HTTP/1.0 200"), head[:200]
    return json.loads(body)


def test_raw_utf8_query_equals_percent_encoded(server: BaseWSGIServer) -> None:
    # (Not "à": its second UTF-8 byte is latin-1 NBSP, which the stdlib server splits the request line on.)
    raw = raw_get(server, "/api/search?q=chỉ%20thị%2005".encode())
    encoded = raw_get(server, b"/api/search?q=ch%E1%BB%89%20th%E1%BB%8B%2005")
    assert raw["total"] == encoded["total"] and isinstance(raw["total"], int) and raw["total"] > 0
