"""A short-lived cache of whole rendered pages (HTML and JSON), keyed by URL and index state.

Every reader sees the same page for the same URL (nothing is per user outside /admin), and the index
serialises its searches behind one lock, so serving a popular page once per few minutes is what keeps
the app fast under many concurrent users. Any change to the index (a commit or a rebuild: the key holds
the index's version) or the TTL expiring invalidates an entry.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

from webui.resources import IndexUnavailable, TTLCache, index_token

#: Paths never cached: per-user pages, streamed downloads, static files (already cheap), monitoring (live).
SKIP = ("/admin", "/static", "/export", "/healthz", "/metrics")
MAX_BODY = 512 * 1024


def _key() -> tuple[str, int, str] | None:
    if request.method != "GET" or request.path.startswith(SKIP):
        return None
    if float(current_app.config["PAGE_CACHE_SECONDS"]) <= 0:
        return None
    try:
        token = index_token()
    except IndexUnavailable:
        return None
    # Without a configured base_url, feeds link to the Host the request named: that is part of the page.
    host = "" if current_app.config.get("BASE_URL") else request.host
    return request.full_path, token, host


def register(app: Flask) -> None:
    cache = TTLCache()
    app.extensions["ct05.page_cache"] = cache

    @app.before_request
    def serve_cached() -> Response | None:
        key = _key()
        g.page_cache_key = key
        if key is None:
            return None
        entry = cache.get(key, float(current_app.config["PAGE_CACHE_SECONDS"]))
        if entry is None:
            return None
        body, content_type = entry
        g.page_cache_key = None  # already stored
        response = Response(body, status=200, content_type=content_type)
        response.headers["X-Cache"] = "hit"
        return response

    @app.after_request
    def store(response: Response) -> Response:
        key = g.get("page_cache_key")
        if (key is not None and response.status_code == 200 and not response.is_streamed
                and not response.direct_passthrough and "Set-Cookie" not in response.headers
                and "Content-Disposition" not in response.headers):  # a download's headers are not cached
            body = response.get_data()
            if len(body) <= MAX_BODY:
                cache.put(key, (body, response.content_type), int(current_app.config["PAGE_CACHE_SIZE"]))
        return response
