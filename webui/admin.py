"""Quản trị: crawl runs and per-site errors, and a button that starts a crawl in a background process.

Login is a form with a CSRF token (HTTP Basic would let a forged cross-site POST start crawls).
"""

from __future__ import annotations

import hmac
import math
import re
import secrets
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

from crawler.runs import RunRecord, read_runs
from webui.authstore import AuthStore
from webui.resources import data_dir, get_archive

if TYPE_CHECKING:
    from pipeline.steps import ChildSteps

bp = Blueprint("admin", __name__, url_prefix="/admin")
F = TypeVar("F", bound=Callable[..., Any])
#: Where a login may send the browser back to: an admin page, nothing else (no CR/LF, no other host).
_NEXT = re.compile(r"/admin(/[A-Za-z0-9_./-]*)?")


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, `Secure` when SESSION_COOKIE_SECURE says so, or (unset) when the request
    came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        setting = app.config.get("SESSION_COOKIE_SECURE")
        if setting is None:
            return bool(request) and request.is_secure
        return bool(setting)


def auth_store() -> AuthStore:
    """This process's handle on the login state shared by all workers (opened on first use)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get("ct05.auth")
    if store is None:
        store = app.extensions["ct05.auth"] = AuthStore(data_dir())
    return store  # type: ignore[no-any-return]


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
        if not session.get("admin") or not auth_store().session_live(session.get("sid")):
            session.pop("admin", None)
            return redirect(url_for("admin.login", next=request.path))
        return view(*args, **kwargs)
    return wrapped  # type: ignore[return-value]


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    g.endpoint_family = "admin"
    if password() is None:
        return render_template("admin_disabled.html", title="Quản trị"), 403
    error = None
    if request.method == "POST":
        check_csrf()
        addr = request.remote_addr or "?"
        store = auth_store()
        wait = store.wait(addr)
        if wait > 0:  # back-off, shared by every worker: a correct password works again after the wait
            error = f"Đăng nhập sai nhiều lần. Vui lòng thử lại sau {math.ceil(wait)} giây."
        elif hmac.compare_digest(request.form.get("password", "").encode(), str(password()).encode()):
            store.succeeded(addr)
            session.clear()
            session["admin"] = True
            session["sid"] = store.new_session()
            csrf_token()
            target = request.args.get("next", "")
            return redirect(target if _NEXT.fullmatch(target) else url_for("admin.dashboard"))
        else:
            store.failed(addr)
            error = "Mật khẩu không đúng."
    return render_template("admin_login.html", csrf=csrf_token(), error=error, title="Đăng nhập quản trị")


@bp.post("/logout")
@login_required
def logout() -> Response:
    check_csrf()
    auth_store().end_session(session.get("sid"))  # the cookie, even copied, is no longer a login
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


def site_rows(run: RunRecord) -> list[dict[str, Any]]:
    """Per-site figures of one run (crawler.stats.SiteStats.as_dict, or the scheduler's records)."""
    rows = []
    if run.sites:
        for site, values in sorted(run.sites.items()):
            values = values if isinstance(values, dict) else {}
            errors = values.get("failed") or values.get("errors") or 0
            reasons = values.get("failed_by_reason") or {}
            if isinstance(errors, list):  # the scheduler keeps messages, not counts
                reasons = {str(e): 1 for e in errors}
                errors = len(errors)
            counts = [(label, values[key]) for key, label in COUNTER_LABELS.items()
                      if isinstance(values.get(key), int) and values[key]]
            rows.append({"site": site, "counts": counts, "errors": errors, "reasons": reasons,
                         "status": values.get("status"), "mark": _mark(values)})
    return rows


#: What a crawl that fetched nothing or failed is marked as, next to its raw status.
MARKS = {"empty": "không tải được trang nào", "failed": "thất bại"}
FAILED = ("failed", "crashed", "archive_error", "error")


def _mark(values: dict[str, Any]) -> str | None:
    """"failed" for a failed crawl, "empty" for one that finished without fetching a page, else None."""
    status = values.get("status")
    if status in FAILED:
        return "failed"
    pages = values.get("pages")
    if status in ("ok", "finished", None) and isinstance(pages, int) and pages == 0:
        return "empty"
    return None


def run_mark(run: RunRecord) -> str | None:
    """The mark of a whole run: failed, or (a crawl) finished with no page fetched at all."""
    if run.status in FAILED:
        return "failed"
    if run.status == "finished" and run.pages_fetched == 0:
        return "empty"
    return None


def scheduler_sites() -> dict[str, Any]:
    """The scheduler's per-site state (pipeline.schedule_state.schedule_status), or nothing if unreadable."""
    from pipeline.schedule_state import schedule_status

    try:
        status = schedule_status(get_archive(), data_dir(), limit=1)
    except Exception:  # the page stays usable without the scheduler's part
        current_app.logger.exception("cannot read the scheduler state")
        return {}
    return status["sites"]  # type: ignore[no-any-return]


@bp.get("/")
@login_required
def dashboard() -> str:
    archive = get_archive()
    runs = [{"id": run.id, "kind": run.kind, "started": run.started, "ended": run.ended, "status": run.status,
             "sites": site_rows(run), "mark": run_mark(run), "stats": run.to_stats()}
            for run in read_runs(archive, 30)]
    running = _crawl_running()
    return render_template("admin.html", runs=runs, sites=site_list(), counts=archive.counts_by_source(),
                           schedule=scheduler_sites(), marks=MARKS, stages=stage_counts(archive),
                           total=archive.count(), csrf=csrf_token(), running=running, title="Quản trị",
                           crawl_error=current_app.extensions.get("ct05.crawl_error"))


def stage_counts(archive: Any) -> dict[str, int | None]:
    """What the later stages hold (after an import, say): articles waiting for the NLP stage, index documents."""
    from nlp.enrich import NLP_VERSION
    from webui.resources import IndexUnavailable, get_index

    try:
        indexed: int | None = get_index().doc_count()
    except IndexUnavailable:
        indexed = None
    return {"unprocessed": archive.count_unprocessed(NLP_VERSION), "indexed": indexed}


def pipeline_steps(target: Path) -> ChildSteps:
    """How a dashboard crawl runs its steps: each in a child process."""
    from pipeline.steps import ChildSteps

    return ChildSteps(target)


#: The lock a dashboard-started crawl holds (pipeline.locks), so that only one runs across all the
#: pre-forked web workers, and every worker's dashboard shows it.
CRAWL_LOCK = "admin-crawl"


def _crawl_running() -> bool:
    from pipeline.locks import holder

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
    from crawler.crawl import CrawlError, resolve_sites
    from pipeline.locks import LockError, LockHeld, acquire
    from pipeline.run import run_pipeline

    try:
        chosen = [site] if site else [s.id for s in resolve_sites(None, None)[0]]
    except CrawlError as exc:
        flash(f"Không thể bắt đầu thu thập: {exc}", "error")
        return redirect(url_for("admin.dashboard"))
    if not chosen:  # only checked sites are crawled without being named
        flash("Chưa có trang tin nào đã kiểm tra (checked) để thu thập tất cả; hãy chọn một trang.", "error")
        return redirect(url_for("admin.dashboard"))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    target = data_dir()
    steps = pipeline_steps(target)
    try:
        lock = acquire(target, CRAWL_LOCK, what=f"admin crawl {site or 'all'}")
    except LockHeld:
        flash("Một lượt thu thập đang chạy; hãy chờ nó xong.", "error")
        return redirect(url_for("admin.dashboard"))
    except LockError as exc:
        flash(f"Không thể bắt đầu thu thập: {exc}", "error")
        return redirect(url_for("admin.dashboard"))

    def run() -> None:
        # The steps wait for their children; this thread keeps the request from waiting too. A site the
        # scheduler (or anyone) is crawling is skipped: its lock is held.
        try:
            report = run_pipeline(target, chosen, steps, together=True)
            app.extensions["ct05.crawl_error"] = "; ".join(report.errors()) or None
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
