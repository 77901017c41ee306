"""Error pages in Vietnamese (JSON under /api/): bad parameters are a 400, never a 500 or a trace."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from markupsafe import escape
from werkzeug.exceptions import BadHost, HTTPException

from index.types import QueryError
from webui.params import NotFoundError, ParamError
from webui.resources import IndexUnavailable

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Cần đăng nhập",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy trang",
    405: "Phương thức không được hỗ trợ",
    413: "Yêu cầu quá lớn",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi máy chủ",
    503: "Chưa có chỉ mục tìm kiếm",
}
MESSAGES = {
    404: "Trang hoặc bài viết bạn tìm không có trong kho lưu trữ.",
    405: "Trang này không nhận phương thức yêu cầu đó.",
    413: "Dữ liệu gửi lên vượt quá giới hạn cho phép.",
    500: "Đã xảy ra lỗi ngoài dự kiến. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo cho quản trị viên.",
}


def wants_json() -> bool:
    """The API and the JSON downloads (/export.json, /report.json) answer errors in JSON: a script reads them."""
    return request.path.startswith("/api/") or request.path.endswith(".json")


def error_response(status: int, message: str, code: str) -> tuple[Response | str, int]:
    title = TITLES.get(status, "Lỗi")
    if wants_json():
        return jsonify({"error": {"status": status, "code": code, "title": title, "message": message}}), status
    if request_ctx.url_adapter is None:  # a Host header no URL can be built for: a page without links
        page = (f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>{escape(title)}</title>'
                f"<h1>{escape(title)}</h1><p>{escape(message)}</p></html>")
        return Response(page, status=status, mimetype="text/html"), status
    return render_template("error.html", status=status, title=title, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(ParamError)
    def bad_param(exc: ParamError) -> tuple[Response | str, int]:
        return error_response(400, str(exc), "bad_parameter")

    @app.errorhandler(NotFoundError)
    def not_found(exc: NotFoundError) -> tuple[Response | str, int]:
        return error_response(404, str(exc), "not_found")

    @app.errorhandler(QueryError)
    def bad_query(exc: QueryError) -> tuple[Response | str, int]:
        return error_response(400, str(exc) or "Không hiểu câu truy vấn.", "bad_query")

    @app.errorhandler(IndexUnavailable)
    def no_index(exc: IndexUnavailable) -> tuple[Response | str, int]:
        log.warning("index unavailable: %s", exc)
        message = ("Kho lưu trữ chưa có chỉ mục tìm kiếm. Hãy chạy “ct05 demo” để dựng dữ liệu mẫu, "
                   "hoặc “ct05 crawl”, “ct05 process” rồi “ct05 index”.")
        if wants_json():
            return error_response(503, message, "index_missing")
        return render_template("no_index.html", title=TITLES[503]), 503

    @app.errorhandler(BadHost)
    def bad_host(exc: BadHost) -> tuple[Response | str, int]:
        return error_response(400, "Tên máy chủ (Host) trong yêu cầu không hợp lệ.", "bad_host")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response | str, int] | HTTPException:
        status = exc.code or 500
        if status == 401 and exc.get_response().headers.get("WWW-Authenticate"):
            return exc
        message = MESSAGES.get(status) or TITLES.get(status, "Lỗi") + "."
        return error_response(status, message, exc.name.lower().replace(" ", "_"))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response | str, int]:
        log.exception("unhandled error on %s", request.path)
        return error_response(500, MESSAGES[500], "internal_error")
