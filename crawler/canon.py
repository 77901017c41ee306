"""Canonical URLs: one spelling per page, so the archive keys each article once."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that never change the page: trackers and session ids.
_DROP_PARAMS = re.compile(
    r"^(utm_[a-z_]*|fbclid|gclid|zarsrc|_ga|phpsessid|jsessionid|sessionid|sid|session_id|aspsessionid\w*)$",
    re.IGNORECASE)
# Session ids some CMSs put in the path: ";jsessionid=...".
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no www., no default port, no fragment, no trackers or
    session ids, sorted query, no trailing slash (except the site root), %-escapes normalised."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    netloc = host
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    path = _PATH_SESSION.sub("", parts.path)
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~")
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    if not path:
        path = "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _DROP_PARAMS.match(k)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def url_path(url: str) -> str:
    """The path and query of a URL, as the article patterns of a site match it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
