"""One visitor at a time, for the profile cards: JSON, the face thumbnail and the faceprint.

Everything is made from RAM on request and sent with ``Cache-Control: no-store``. A visitor
who was wiped (or never existed) is a 404 with a sentence, never a 500. Visitor numbers
start again at V1 after every wipe, so the pages pass ``?session=N``: a picture asked for
on behalf of an earlier session is a 404 too, not the new V1's face.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, jsonify, request

from dashboard.display import language
from dashboard.faceprint import faceprint_svg
from dashboard.i18n import translate
from dashboard.state import state_json

visitors = Blueprint("visitors", __name__, url_prefix="/api/visitors")

_VISITOR_ID = re.compile(r"V[0-9]{1,6}")


def _engine():
    return current_app.extensions["oko_engine"]


def _checked(visitor_id: str) -> None:
    """404 unless ``visitor_id`` is well formed and of the session the page asked about."""
    missing = translate("f.err.visitor_not_found", language(), id=visitor_id[:12])
    if not _VISITOR_ID.fullmatch(visitor_id):
        abort(404, description=missing)
    wanted = request.args.get("session")
    if wanted is not None:
        if not wanted.isdigit() or len(wanted) > 9:
            abort(400, description=translate("f.err.field", language(), field="session"))
        if int(wanted) != _engine().snapshot().session.number:
            abort(404, description=missing)


def _not_found(visitor_id: str) -> None:
    abort(404, description=translate("f.err.visitor_not_found", language(), id=visitor_id))


@visitors.get("/<visitor_id>")
def visitor(visitor_id: str) -> Response:
    """One visitor's profile as in ``/api/state``; 404 if not on record now."""
    _checked(visitor_id)
    for item in state_json(_engine().snapshot())["visitors"]:
        if item["id"] == visitor_id:
            return jsonify(item)
    _not_found(visitor_id)


@visitors.get("/<visitor_id>/thumbnail.jpg")
def thumbnail(visitor_id: str) -> Response:
    """The visitor's face as the camera cut it out, JPEG-encoded from RAM; 404 once wiped."""
    _checked(visitor_id)
    data = _engine().thumbnail_jpeg(visitor_id)
    if data is None:
        _not_found(visitor_id)
    return Response(data, mimetype="image/jpeg")


@visitors.get("/<visitor_id>/faceprint.svg")
def faceprint(visitor_id: str) -> Response:
    """The visitor's 128-number faceprint drawn as squares (SVG); 404 once wiped."""
    _checked(visitor_id)
    values = _engine().faceprint(visitor_id)
    if values is None:
        _not_found(visitor_id)
    try:
        picture = faceprint_svg(values)
    finally:
        values.fill(0.0)  # our copy: zero it so no faceprint outlives this request
    return Response(picture, mimetype="image/svg+xml")
