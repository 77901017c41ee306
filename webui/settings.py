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

from crawler.tomlfile import read_toml

#: key → (type, minimum or None, what it does). docs/deploy.md documents each (a test checks).
SETTINGS: dict[str, tuple[type, float | None, str]] = {
    "data_dir": (str, None, "Data directory (archive and index); `--data-dir` overrides it, and it overrides "
                            "CT05_DATA_DIR."),
    "admin_password": (str, None, "Password of the admin pages; without one they stay closed."),
    "secret_key": (str, None, "Signs the admin session cookie (shared by all workers); random at each start "
                              "when unset."),
    "max_query_length": (int, 1, "Longest query accepted, in characters (longer: a 400 page)."),
    "per_page": (int, 1, "Results per search page."),
    "max_per_page": (int, 1, "Largest `per_page` a client may ask for."),
    "max_page": (int, 1, "Deepest result page a client may ask for."),
    "export_limit": (int, 1, "Most articles in one CSV/JSON export."),
    "feed_size": (int, 1, "Entries in an Atom feed."),
    "search_cache_size": (int, 0, "Search results kept in each worker's result cache."),
    "search_cache_seconds": (float, 0, "How long a cached search result lives (0 = no cache)."),
    "page_cache_size": (int, 0, "Rendered pages kept in each worker's page cache."),
    "page_cache_seconds": (float, 0, "How long a cached page lives (0 = no cache); any index change "
                                     "invalidates it sooner."),
    "phrases_sample": (int, 1, "Articles read to compute the top phrases of a result set."),
    "base_url": (str, None, "Public address of the site (https://…/), used for the absolute links of Atom feeds; "
                            "unset: the address the request came to."),
    "session_cookie_secure": (bool, None, "Send the admin session cookie over HTTPS only; unset: only when the "
                                          "request came over HTTPS."),
}


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


def load_settings(path: Path | str) -> dict[str, Any]:
    """Flask config entries from a TOML file (top level or a `[web]` table)."""
    raw = read_toml(Path(path), SettingsError)
    table = raw.get("web", raw) if isinstance(raw.get("web"), dict) else raw
    config: dict[str, Any] = {}
    for key, value in table.items():
        if key not in SETTINGS:
            raise SettingsError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(SETTINGS))})")
        kind, minimum, _doc = SETTINGS[key]
        if (isinstance(value, bool) and kind is not bool) or not (
                isinstance(value, kind) or (kind is float and isinstance(value, int))):
            raise SettingsError(f"{path}: setting {key!r} must be {kind.__name__}, not {value!r}")
        if minimum is not None and value < minimum:
            raise SettingsError(f"{path}: setting {key!r} must be at least {minimum:g}, not {value!r}")
        if key == "base_url" and not str(value).startswith(("http://", "https://")):
            raise SettingsError(f"{path}: setting 'base_url' must start with http:// or https://, not {value!r}")
        config[key.upper()] = float(value) if kind is float else value
    return config


def settings_from_env() -> dict[str, Any]:
    """The settings file named by CT05_WEB_CONFIG, if any."""
    path = os.environ.get("CT05_WEB_CONFIG")
    return load_settings(path) if path else {}
