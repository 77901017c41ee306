"""Quản trị: crawl runs and per-site errors, and a button that starts a crawl in a background process.

Login is a form with a CSRF token (HTTP Basic would let a forged cross-site POST start crawls).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from webui.resources import data_dir, get_archive

bp = Blueprint("admin", __name__, url_prefix="/admin")
F = TypeVar("F", bound=Callable[..., Any])
_FAILURES: dict[str, list[float]] = {}


def password() -> str | None:
    return current_app.config.get("ADMIN_PASSWORD") or None


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def check_csrf() -> None:
    sent = request.form.get("csrf", "")
    if not sent or not hmac.compare_digest(sent, str(session.get("csrf", ""))):
        abort(400)


def login_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.endpoint_family = "admin"
        if password() is None:
            return render_template("admin_disabled.html", title="Quản trị"), 403
        if not session.get("admin"):
            return redirect(url_for("admin.login", next=request.path))
        return view(*args, **kwargs)
    return wrapped  # type: ignore[return-value]


def _throttled(addr: str) -> bool:
    """At most 5 failed logins per minute per address: slows down password guessing."""
    now = time.monotonic()
    recent = [t for t in _FAILURES.get(addr, []) if now - t < 60]
    _FAILURES[addr] = recent
    return len(recent) >= 5


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    g.endpoint_family = "admin"
    if password() is None:
        return render_template("admin_disabled.html", title="Quản trị"), 403
    error = None
    if request.method == "POST":
        check_csrf()
        addr = request.remote_addr or "?"
        if _throttled(addr):
            error = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau một phút."
        elif hmac.compare_digest(request.form.get("password", "").encode(), str(password()).encode()):
            session.clear()
            session["admin"] = True
            csrf_token()
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/admin") else url_for("admin.dashboard"))
        else:
            _FAILURES.setdefault(addr, []).append(time.monotonic())
            error = "Mật khẩu không đúng."
    return render_template("admin_login.html", csrf=csrf_token(), error=error, title="Đăng nhập quản trị")


@bp.post("/logout")
@login_required
def logout() -> Response:
    check_csrf()
    session.clear()
    return redirect(url_for("search.search"))


def site_list() -> list[Any]:
    """The crawler's site registry, or nothing if it cannot be read."""
    try:
        from crawler.sites import load_sites

        return list(load_sites().values())
    except Exception:  # another team's registry: show the page without the list rather than fail
        current_app.logger.exception("cannot load the site registry")
        return []


#: Per-site counters of a crawl run worth showing, in Vietnamese.
COUNTER_LABELS = {"pages": "trang", "articles": "bài", "new": "mới", "updated": "cập nhật",
                  "unchanged": "không đổi", "skipped": "bỏ qua", "failed": "lỗi"}


def site_rows(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-site figures of one run (crawler.stats.SiteStats.as_dict, or the scheduler's records)."""
    stats = run.get("stats") or {}
    sites = stats.get("sites") or {}
    rows = []
    if isinstance(sites, dict):
        for site, values in sorted(sites.items()):
            values = values if isinstance(values, dict) else {}
            errors = values.get("failed") or values.get("errors") or 0
            reasons = values.get("failed_by_reason") or {}
            if isinstance(errors, list):  # the scheduler keeps messages, not counts
                reasons = {str(e): 1 for e in errors}
                errors = len(errors)
            counts = [(label, values[key]) for key, label in COUNTER_LABELS.items()
                      if isinstance(values.get(key), int) and values[key]]
            rows.append({"site": site, "counts": counts, "errors": errors, "reasons": reasons,
                         "status": values.get("status")})
    return rows


@bp.get("/")
@login_required
def dashboard() -> str:
    archive = get_archive()
    runs = archive.runs(30)
    for run in runs:
        run["sites"] = site_rows(run)
    running = _crawl_running()
    return render_template("admin.html", runs=runs, sites=site_list(), counts=archive.counts_by_source(),
                           total=archive.count(), csrf=csrf_token(), running=running, title="Quản trị",
                           crawl_error=current_app.extensions.get("ct05.crawl_error"))


def _cli_step(step: str, target: Any) -> None:
    """`ct05 STEP --data-dir TARGET` in a child process; its last error line raised on failure."""
    import subprocess
    import sys

    cmd = [sys.executable, "-c", "from webui.cli import main; main()", step, "--data-dir", str(target)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=6 * 3600, check=False)
    if done.returncode != 0:
        lines = (done.stderr or "").strip().splitlines()
        raise RuntimeError(f"ct05 {step}: " + (lines[-1] if lines else f"exit status {done.returncode}"))


#: The lock a dashboard-started crawl holds (crawler.locks), so that only one runs across all the
#: pre-forked web workers, and every worker's dashboard shows it.
CRAWL_LOCK = "admin-crawl"


def _crawl_running() -> bool:
    from crawler.locks import holder

    return holder(data_dir(), CRAWL_LOCK) is not None


@bp.post("/crawl")
@login_required
def start_crawl() -> Response:
    """Start a crawl of one site or all in the background, then process and index what it found; the run
    shows up in the table."""
    check_csrf()
    site = request.form.get("site", "").strip()
    known = {s.id for s in site_list()}
    if site and site not in known:
        flash("Trang tin không có trong danh mục.", "error")
        return redirect(url_for("admin.dashboard"))
    try:
        from crawler.crawl import crawl_in_subprocess
        from crawler.locks import LockError, LockHeld, acquire
    except ImportError as exc:
        flash(f"Chưa có bộ thu thập tin: {exc}", "error")
        return redirect(url_for("admin.dashboard"))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    target = data_dir()
    try:
        lock = acquire(target, CRAWL_LOCK, what=f"admin crawl {site or 'all'}")
    except LockHeld:
        flash("Một lượt thu thập đang chạy; hãy chờ nó xong.", "error")
        return redirect(url_for("admin.dashboard"))
    except LockError as exc:
        flash(f"Không thể bắt đầu thu thập: {exc}", "error")
        return redirect(url_for("admin.dashboard"))

    def run() -> None:
        # crawl_in_subprocess waits for its child; this thread keeps the request from waiting too.
        try:
            crawl_in_subprocess(data_dir=target, site_ids=[site] if site else None, progress=False)
            for step in ("process", "index"):  # so that what the crawl found becomes searchable
                _cli_step(step, target)
            app.extensions["ct05.crawl_error"] = None
        except Exception as exc:  # shown on the dashboard; the run table has the details
            app.logger.exception("crawl failed")
            app.extensions["ct05.crawl_error"] = str(exc)
        finally:
            lock.release()

    job = threading.Thread(target=run, name="ct05-admin-crawl", daemon=True)
    job.start()
    current_app.extensions["ct05.crawl_job"] = job
    flash(f"Đã bắt đầu thu thập {'trang ' + site if site else 'tất cả các trang'}; bài mới sẽ được xử lý "
          "và đưa vào chỉ mục khi xong.", "ok")
    return redirect(url_for("admin.dashboard"))
