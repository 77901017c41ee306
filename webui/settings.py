"""Web settings as data: a TOML file (`ct05 serve --config web.toml`, or CT05_WEB_CONFIG) validated on
load; a bad key or value is named in the error. Keys are the lower-case names below; each maps to the
Flask config key of the same name in upper case.

    # web.toml
    per_page = 20
    page_cache_seconds = 300
    admin_password = "…"        # or CT05_ADMIN_PASSWORD
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from crawler.config import Key, defaults, read_toml, validate

#: key → Key(kind, default, what it does, minimum): the one config form (crawler.config). docs/deploy.md
#: documents each (a test checks); the app's defaults are these (webui.create_app).
SETTINGS: dict[str, Key] = {
    "data_dir": Key("str", "data", "Data directory (archive and index); `--data-dir` overrides it, and it overrides "
                                   "CT05_DATA_DIR."),
    "archive": Key("str", None, "The archive: a `postgresql://` URL shared by several machines (docs/scaling.md); "
                               "CT05_ARCHIVE and `--archive` override it; unset: the data directory's SQLite file."),
    "admin_password": Key("str", None, "Password of the admin pages; without one they stay closed."),
    "secret_key": Key("str", None, "Signs the admin session cookie (shared by all workers); random at each start "
                                   "when unset."),
    "max_query_length": Key("int", 500, "Longest query accepted, in characters (longer: a 400 page).", 1),
    "per_page": Key("int", 20, "Results per search page.", 1),
    "max_per_page": Key("int", 100, "Largest `per_page` a client may ask for.", 1),
    "max_page": Key("int", 500, "Deepest result page a client may ask for.", 1),
    "export_limit": Key("int", 100_000, "Most articles in one CSV/JSON export.", 1),
    "feed_size": Key("int", 50, "Entries in an Atom feed.", 1),
    "search_cache_size": Key("int", 512, "Search results kept in each worker's result cache.", 0),
    "search_cache_seconds": Key("float", 300.0, "How long a cached search result lives (0 = no cache).", 0),
    "page_cache_size": Key("int", 2000, "Rendered pages kept in each worker's page cache.", 0),
    "page_cache_seconds": Key("float", 300.0, "How long a cached page lives (0 = no cache); any index change "
                                              "invalidates it sooner.", 0),
    "phrases_sample": Key("int", 1000, "Articles read to compute the top phrases of a result set.", 1),
    "base_url": Key("url", None, "Public address of the site (https://…/), used for the absolute links of Atom "
                                 "feeds; unset: the address the request came to."),
    "session_cookie_secure": Key("bool", None, "Send the admin session cookie over HTTPS only; unset: only when "
                                               "the request came over HTTPS."),
}


def default_settings() -> dict[str, object]:
    """Every setting at its default, as Flask config entries."""
    return {key.upper(): value for key, value in defaults(SETTINGS).items()}


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


def load_settings(path: Path | str) -> dict[str, Any]:
    """Flask config entries from a TOML file (top level or a `[web]` table)."""
    raw = read_toml(Path(path), SettingsError)
    table = raw.get("web", raw) if isinstance(raw.get("web"), dict) else raw
    values = validate(table, SETTINGS, where=str(path), error=SettingsError)
    return {key.upper(): values[key] for key in table}


def settings_from_env() -> dict[str, Any]:
    """The settings file named by CT05_WEB_CONFIG, if any."""
    path = os.environ.get("CT05_WEB_CONFIG")
    return load_settings(path) if path else {}
