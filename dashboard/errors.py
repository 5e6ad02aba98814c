"""Every error as a clear sentence and a status code: JSON for the API, a page for people.

Bad input gets a 4xx with a message in the screens' language; an unexpected failure gets a
500 with a generic sentence — never a traceback. Only the exception's type is logged (at
DEBUG with the traceback), since messages could carry what a visitor or facilitator typed.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from dashboard.display import language
from dashboard.i18n import translate

log = logging.getLogger(__name__)

#: Sentences for errors raised without one of our own (by Flask or werkzeug).
_GENERIC = {
    400: "f.err.bad_request",
    401: "f.err.login_needed",
    404: "f.err.not_found",
    405: "f.err.method",
    413: "f.err.too_large",
}
#: Headers of an HTTP error that must reach the client.
_KEPT_HEADERS = ("Retry-After", "Allow")


def wants_json() -> bool:
    """Whether this request should get JSON back (API paths, ``fetch`` calls, JSON Accept)."""
    if request.path.startswith(("/api/", "/facilitator/api/")):
        return True
    if request.headers.get("X-Requested-With") == "fetch":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, message: str) -> Response:
    """``message`` with ``status``, as JSON or as the error page."""
    if wants_json():
        response = jsonify(ok=False, status=status, error=message)
    else:
        response = Response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return response


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        status = error.code or 500
        description = error.description
        if not description or description == type(error).description:
            description = translate(_GENERIC.get(status, "f.err.bad_request"), language())
        response = error_response(status, description)
        for name, value in error.get_headers():
            if name in _KEPT_HEADERS:
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.warning("request %s %s failed: %s", request.method, request.path,
                    type(error).__name__)
        log.debug("request failure", exc_info=True)
        return error_response(500, translate("f.err.server", language()))
