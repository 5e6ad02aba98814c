"""The city's cameras on the dashboard: each camera's still picture for the kiosk, and the
facilitator's marker (mark a consenting visitor; their new places are announced live).

``GET /api/cameras/<id>.jpg`` is read-only like the stream; ``POST /facilitator/marker``
needs the PIN login and the CSRF token like every facilitator action.
"""

from __future__ import annotations

import re
import time

from flask import Blueprint, Response, abort, flash, jsonify, redirect, request, url_for

from dashboard import forms
from dashboard.auth import facilitator_only
from dashboard.display import language
from dashboard.engine import current_engine, sendable, zero
from dashboard.errors import wants_json
from dashboard.i18n import translate

cameras = Blueprint("cameras", __name__)

_CAMERA_ID = re.compile(r"C[1-9][0-9]?")


#: How often an event stream checks for a new route leg or announcement between events.
NEWS_CHECK_S = 0.1


def wait_for_news(engine, timeout_s: float) -> None:
    """Sleep up to ``timeout_s``, but return as soon as a route gains a leg or a marked
    visitor is announced (a cheap counter compare), so the kiosk shows it at once."""
    version = getattr(engine, "route_version", None)
    if version is None:
        time.sleep(timeout_s)
        return
    start, deadline = version(), time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(min(NEWS_CHECK_S, max(0.0, deadline - time.monotonic())))
        if version() != start:
            return


def camera_param(value: str | None) -> str | None:
    """``value`` if it looks like a camera id (``C1`` … ``C99``), else ``None``."""
    return value if value is not None and _CAMERA_ID.fullmatch(value) else None


@cameras.get("/api/cameras/<camera_id>.jpg")
def picture(camera_id: str) -> Response:
    """A small JPEG of one camera's latest picture, made from RAM; 404 when it has none."""
    data = current_engine().camera_jpeg(camera_id) if camera_param(camera_id) else None
    if data is None:
        abort(404)
    body = sendable(data)
    response = Response(body, mimetype="image/jpeg", headers={"Cache-Control": "no-store"})
    response.call_on_close(lambda: zero(body))  # our copy of the people in view, once sent
    return response


def _done(key: str, **values: object) -> Response:
    """A successful action's answer, as the facilitator page's other actions give it: JSON
    for ``fetch``, else a redirect back to the page with the message."""
    message = translate(key, language(), **values)
    if wants_json():
        return jsonify(ok=True, message=message)
    flash(message)
    return redirect(url_for("facilitator.page"), 303)


@cameras.post("/facilitator/marker")
@facilitator_only
def marker() -> Response:
    """Mark (``action=mark``, with ``consent``) or unmark (``action=unmark``) a visitor."""
    action = forms.choice("action", ("mark", "unmark"))
    visitor_id = request.form.get("visitor_id", "").strip()
    if not visitor_id or len(visitor_id) > 12:
        forms.reject("f.err.pick")
    engine = current_engine()
    if action == "unmark":
        if not engine.unmark_visitor(visitor_id):
            forms.reject("f.err.not_marked", 404, id=visitor_id)
        return _done("f.done.unmark", id=visitor_id)
    if not forms.ticked("consent"):
        forms.reject("f.err.consent_mark")
    if not engine.mark_visitor(visitor_id):
        forms.reject("f.err.visitor_gone", 404, id=visitor_id)
    return _done("f.done.mark", id=visitor_id)
