"""One visitor at a time, for the profile cards: JSON, the face thumbnail and the faceprint.

Everything is made from RAM on request and sent with ``Cache-Control: no-store``. A visitor
who was wiped (or never existed) is a 404 with a sentence, never a 500. Visitor numbers
start again at V1 after every wipe, so the pages pass ``?session=TOKEN``, the session's random
token from ``/api/state``: a request without it, or on behalf of an earlier session, is a 404
— never the new V1's face, and nothing a stranger can guess.
"""

from __future__ import annotations

import hmac
import re

from flask import Blueprint, Response, abort, jsonify, request

from dashboard.display import language
from dashboard.faceprint import faceprint_svg
from dashboard.i18n import translate
from dashboard.state import state_json
from dashboard.engine import current_engine, sendable, zero

visitors = Blueprint("visitors", __name__, url_prefix="/api/visitors")

_VISITOR_ID = re.compile(r"V[0-9]{1,6}")



def _checked(visitor_id: str, *, picture: bool = True) -> None:
    """404 unless ``visitor_id`` is well formed and, for pictures, of the current session."""
    missing = translate("f.err.visitor_not_found", language(), id=visitor_id[:12])
    if not _VISITOR_ID.fullmatch(visitor_id):
        abort(404, description=missing)
    if not picture:
        return  # the same data as in /api/state: no biometric picture
    wanted = request.args.get("session", "")
    if len(wanted) > 64:
        abort(400, description=translate("f.err.field", language(), field="session"))
    token = current_engine().snapshot().session.token
    if not hmac.compare_digest(wanted.encode(), token.encode()):
        abort(404, description=missing)


def _not_found(visitor_id: str) -> None:
    abort(404, description=translate("f.err.visitor_not_found", language(), id=visitor_id))


@visitors.get("/<visitor_id>")
def visitor(visitor_id: str) -> Response:
    """One visitor's profile as in ``/api/state``; 404 if not on record now."""
    _checked(visitor_id, picture=False)
    for item in state_json(current_engine().snapshot())["visitors"]:
        if item["id"] == visitor_id:
            return jsonify(item)
    _not_found(visitor_id)


@visitors.get("/<visitor_id>/thumbnail.jpg")
def thumbnail(visitor_id: str) -> Response:
    """The visitor's face as the camera cut it out, JPEG-encoded from RAM; 404 once wiped."""
    _checked(visitor_id)
    data = current_engine().thumbnail_jpeg(visitor_id, request.args.get("session", ""))
    if data is None:
        _not_found(visitor_id)
    body = sendable(data)
    response = Response(body, mimetype="image/jpeg")
    response.call_on_close(lambda: zero(body))  # our copy of the face, once sent
    return response


@visitors.get("/<visitor_id>/faceprint.svg")
def faceprint(visitor_id: str) -> Response:
    """The visitor's 128-number faceprint drawn as squares (SVG); 404 once wiped."""
    _checked(visitor_id)
    values = current_engine().faceprint(visitor_id, request.args.get("session", ""))
    if values is None:
        _not_found(visitor_id)
    try:
        picture = faceprint_svg(values)
    finally:
        values.fill(0.0)  # our copy: zero it so no faceprint outlives this request
    return Response(picture, mimetype="image/svg+xml")
