"""Serve the bundled offline mirror: one loopback HTTP origin per site, crawled exactly like the web.

    with MirrorServer() as mirror:
        mirror.url("tthue", "/robots.txt")   # -> "http://127.0.0.1:PORT/robots.txt"

`python -m demo.server` prints the site URLs and serves until Ctrl-C.
"""

from __future__ import annotations

import hashlib
import threading
from email.utils import formatdate, parsedate_to_datetime
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

from demo.search import SEARCH_PATH, search_page

SITE_DIR = Path(__file__).resolve().parent / "site"
MANIFEST = Path(__file__).resolve().parent / "manifest.json"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
# Only text documents carry the {{BASE}} placeholder; the port is known at serve time only.
REWRITE = {".html", ".htm", ".xml", ".rss", ".txt"}
PLACEHOLDER = b"{{BASE}}"


class MirrorHandler(BaseHTTPRequestHandler):
    """Static file handler for one site root; subclass and override `respond` to inject faults."""

    server_version = "ct05-mirror/1.0"
    protocol_version = "HTTP/1.1"

    def __init__(self, *args: object, root: Path, **kwargs: object) -> None:
        self.root = root
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Stay quiet: tests and crawls would otherwise spam stderr."""

    @property
    def base(self) -> str:
        """This origin as the client sees it, e.g. http://127.0.0.1:8123."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def resolve(self, url_path: str) -> Path | None:
        """File for a URL path (query and fragment ignored), index.html for directories; None if absent."""
        rel = unquote(urlsplit(url_path).path).lstrip("/")
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root.resolve()):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        """Serve a file, honouring conditional requests."""
        self.respond(head=False)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        """Headers only."""
        self.respond(head=True)

    def respond(self, head: bool) -> None:
        """Send 200/304/404 for the requested path (the site search is answered dynamically)."""
        url = urlsplit(self.path)
        if url.path == SEARCH_PATH:
            data = search_page(self.root, url.query).replace(PLACEHOLDER, self.base.encode())
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", CONTENT_TYPES[".html"])
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if not head:
                self.wfile.write(data)
            return
        path = self.resolve(self.path)
        if path is None:
            self.send_plain(HTTPStatus.NOT_FOUND, "Không tìm thấy trang (404)\n", head)
            return
        data = path.read_bytes()
        if path.suffix in REWRITE:
            data = data.replace(PLACEHOLDER, self.base.encode())
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        mtime = int(path.stat().st_mtime)
        if self.not_modified(etag, mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPES.get(path.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def not_modified(self, etag: str, mtime: int) -> bool:
        """RFC 9110: If-None-Match wins over If-Modified-Since."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")]
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return mtime <= parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def send_plain(self, status: HTTPStatus, text: str, head: bool = False) -> None:
        """A small text/plain response (404 and the like)."""
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class MirrorError(RuntimeError):
    """The mirror cannot start (e.g. its fixed port is taken)."""


class MirrorServer:
    """One ThreadingHTTPServer per site directory, each on its own loopback port.

    Ports are ephemeral unless `base_port` is given: then the sites take base_port, base_port + 1, …
    in site-id order, so their URLs (and so the archive's canonical URLs) stay the same run after run.
    """

    def __init__(self, root: Path = SITE_DIR, host: str = "127.0.0.1",
                 handler: type[MirrorHandler] = MirrorHandler, base_port: int | None = None) -> None:
        self.root = Path(root)
        self.host = host
        self.handler = handler
        self.base_port = base_port
        self.urls: dict[str, str] = {}
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []

    @property
    def site_ids(self) -> list[str]:
        """Site ids (sub-directories of root), sorted."""
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    def start(self) -> MirrorServer:
        """Start every site in a daemon thread; fills `urls`."""
        for number, site in enumerate(self.site_ids):
            port = self.base_port + number if self.base_port else 0
            try:
                srv = ThreadingHTTPServer((self.host, port), partial(self.handler, root=self.root / site))
            except OSError as exc:
                self.stop()
                raise MirrorError(f"cannot serve the mirror site {site} on {self.host}:{port}: {exc.strerror}"
                                  " (is another ct05 demo running? choose another --mirror-port)") from exc
            srv.daemon_threads = True
            t = threading.Thread(target=srv.serve_forever, name=f"mirror-{site}", daemon=True)
            t.start()
            self._servers.append(srv)
            self._threads.append(t)
            self.urls[site] = f"http://{self.host}:{srv.server_address[1]}/"
        return self

    def stop(self) -> None:
        """Shut all sites down and close their sockets."""
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        for t in self._threads:
            t.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        self.urls.clear()

    def url(self, site_id: str, path: str = "/") -> str:
        """Absolute URL of `path` on a site."""
        return self.urls[site_id].rstrip("/") + "/" + path.lstrip("/")

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def main() -> None:
    """Serve until Ctrl-C, printing each site's URL."""
    with MirrorServer() as mirror:
        for site, url in mirror.urls.items():
            print(f"{site:8} {url}")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
