"""Why a request failed, as a short reason key for run statistics ("http_500", "timeout", ...)."""

from __future__ import annotations

from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectionLost, ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


class CrawlError(RuntimeError):
    """A crawl cannot start or finish: unknown site id, bad registry, child process failure."""


# Scrapy's own download exceptions (2.13+) and Twisted's, by class name: the set differs by version.
_BY_NAME = {
    "DownloadTimeoutError": "timeout", "TCPTimedOutError": "timeout", "TimeoutError": "timeout",
    "DownloadCancelledError": "too_large",  # Scrapy cancels a download only past DOWNLOAD_MAXSIZE
    "DownloadConnectionRefusedError": "connection_refused", "ConnectionRefusedError": "connection_refused",
    "CannotResolveHostError": "dns", "DNSLookupError": "dns",
    "ResponseDataLossError": "data_loss",
    "DownloadFailedError": "connection_lost",
}


def failure_reason(failure: Failure) -> str:
    """A short, stable key for the cause of a failed request."""
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError

    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    name = type(exc).__name__
    if name in _BY_NAME:
        return _BY_NAME[name]
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, DNSLookupError):
        return "dns"
    if isinstance(exc, ConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, CancelledError):
        return "too_large"
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots" in text:
            return "robots"
        if "redirect" in text:
            return "redirect_loop"
        if "maxsize" in text or "max size" in text:
            return "too_large"
        return "ignored"
    if isinstance(exc, ResponseFailed):
        text = " ".join(str(r.value) for r in exc.reasons).lower() if exc.reasons else str(exc).lower()
        return "data_loss" if "dataloss" in text.replace(" ", "").replace("_", "") else "connection_lost"
    if isinstance(exc, ResponseNeverReceived | ConnectionLost):
        return "connection_lost"
    return name.lower()
