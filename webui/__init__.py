"""ct05: text mining and news-archive search for Chỉ thị 05-CT/TW provincial news.

This module holds the Flask app factory of the web UI: `create_app(test_config)` reads the
configuration, registers one blueprint per page family and the security headers.
"""

from __future__ import annotations

import os
import secrets
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, g
from werkzeug.routing import PathConverter

#: Content-Security-Policy: only our own assets; inline styles and scripts are never needed.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def _default_config() -> dict[str, Any]:
    from webui.settings import default_settings

    return {
        **default_settings(),
        "DATA_DIR": os.environ.get("CT05_DATA_DIR") or "data",
        "ADMIN_PASSWORD": os.environ.get("CT05_ADMIN_PASSWORD") or None,
        # A random key per process is fine: only the admin login lives in the session.
        "SECRET_KEY": os.environ.get("CT05_SECRET_KEY") or secrets.token_hex(32),
        "SESSION_COOKIE_HTTPONLY": True,  # SESSION_COOKIE_SECURE None: Secure over HTTPS (webui.admin)
        "SESSION_COOKIE_SAMESITE": "Strict",
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "JSON_SORT_KEYS": False,
    }


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the web app. `test_config` overrides the defaults (DATA_DIR, ADMIN_PASSWORD, …); without
    it, the settings file named by CT05_WEB_CONFIG does (webui.settings)."""
    from webui.settings import settings_from_env

    app = Flask(__name__)
    app.config.from_mapping(_default_config())
    if test_config is None:
        app.config.from_mapping(settings_from_env())
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from webui import admin, api, articles, cache, errors, export, feed, models, phrases, provinces, search
    from webui.report import views as report

    app.url_map.converters["name"] = NameConverter
    from webui.helpers import register_template_helpers
    from webui.resources import close_request_resources

    for module in (search, articles, models, provinces, phrases, report, admin, export, feed, api):
        app.register_blueprint(module.bp)
    errors.register(app)
    cache.register(app)
    app.session_interface = admin.SessionInterface()
    register_template_helpers(app)
    app.teardown_appcontext(close_request_resources)
    from webui import health, metrics  # monitoring: /healthz and /metrics (docs/deploy.md)

    for module in (health, metrics):
        app.register_blueprint(module.bp)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if "admin" in (g.get("endpoint_family") or ""):
            response.headers["Cache-Control"] = "no-store"
        return response

    app.wsgi_app = RawUtf8QueryFix(app.wsgi_app)  # type: ignore[method-assign]
    return app


class NameConverter(PathConverter):
    """A name in a URL path (a model, a province) that may hold "/": matched like a path, but built with
    every "/" quoted, so a name like "../admin" stays one segment instead of leading to /admin."""

    def to_url(self, value: str) -> str:
        return quote(value, safe="")


class RawUtf8QueryFix:
    """Repair a query string sent as raw UTF-8 bytes (`curl '…?q=chỉ thị 05'`) by werkzeug's own server.

    WSGI wants QUERY_STRING as the request bytes decoded as latin-1. Werkzeug's development server
    encodes the latin-1 text once more as UTF-8, so "chỉ" arrives as mojibake. The double-encoded form
    is recognisable: undoing it gives back a string in the WSGI form, latin-1 characters whose bytes
    are valid UTF-8. A correct QUERY_STRING (from the test client or a real server) fails that test.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        query = environ.get("QUERY_STRING", "")
        if query and not query.isascii():
            try:
                undone = query.encode("latin-1").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                undone = ""
            if undone and _is_wsgi_form(undone):
                environ["QUERY_STRING"] = undone
        return self.app(environ, start_response)


def _is_wsgi_form(text: str) -> bool:
    """Whether `text` is UTF-8 bytes carried as latin-1 characters, as WSGI wants them."""
    try:
        text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return True
