"""The facilitator's consent-zone actions: move the zone (a rectangle dragged on the live
picture, or typed) and switch it off or on. Both take effect from the next frame.

The zone lasts until Oko restarts; the page shows the ``[consent]`` lines that keep it. Like
every facilitator action these are POSTs with the PIN login and the CSRF token.
"""

from __future__ import annotations

import dataclasses

from flask import Blueprint, Response, flash, g, jsonify, redirect, request, url_for

from dashboard import forms
from dashboard.auth import facilitator_only
from dashboard.display import display, language
from dashboard.engine import current_engine, sendable, zero
from dashboard.errors import wants_json
from dashboard.i18n import translate
from recognition.consent import ConsentZone, parse_polygon, rectangle

consent_zone = Blueprint("consent_zone", __name__, url_prefix="/facilitator/consent")


@consent_zone.before_request
def _follow_screens() -> None:
    g.language = display().language


def _done(key: str) -> Response:
    """As every facilitator action answers: JSON for ``fetch``, else back to the page."""
    message = translate(key, language())
    if wants_json():
        return jsonify(ok=True, message=message)
    flash(message)
    return redirect(url_for("facilitator.page"), 303)


#: How long the editor's still picture waits for a camera frame before answering 503.
_PICTURE_WAIT_S = 1.0


@consent_zone.get("/picture.jpg")
@facilitator_only(touch=False)
def picture() -> Response:
    """The latest annotated picture (faces outside the zone already blurred), once.

    The zone editor reloads it every second instead of holding a second endless stream:
    browsers open only six connections to one server, and the console already streams once.
    503 while there is no picture (camera paused or offline).
    """
    item = current_engine().wait_jpeg(-1, timeout_s=_PICTURE_WAIT_S)
    if item is None:
        forms.reject("f.err.no_picture", 503)
    body = sendable(item[1])
    response = Response(body, mimetype="image/jpeg")
    response.call_on_close(lambda: zero(body))  # our copy of the picture, once sent
    return response


@consent_zone.post("/zone")
@facilitator_only
def zone() -> Response:
    """Set the zone to the rectangle ``left``, ``top``, ``right``, ``bottom`` (percent of the
    picture, 0-100) and, if given, ``min_face_px``; 400 with a sentence when unusable."""
    edges = [forms.number(name, lo=0.0, hi=100.0, key="f.err.zone") / 100.0
             for name in ("left", "top", "right", "bottom")]
    try:
        polygon = parse_polygon(rectangle(*edges))
    except ValueError:  # the only way four edges within the picture fail: too small
        forms.reject("f.err.zone_small")
    current = current_engine().consent_zone
    min_face_px = current.min_face_px
    if request.form.get("min_face_px", "").strip():
        value = forms.number("min_face_px", lo=0, hi=1000, key="f.err.min_face")
        if not float(value).is_integer():
            forms.reject("f.err.min_face")
        min_face_px = int(value)
    current_engine().set_consent_zone(
        dataclasses.replace(current, polygon=polygon, min_face_px=min_face_px))
    return _done("f.done.zone")


@consent_zone.post("/switch")
@facilitator_only
def switch() -> Response:
    """Switch the zone on (``enabled=1``) or off (``enabled=0`` with ``all_consented``
    ticked: workshops where everyone in the room consented); 400 without the tick."""
    enabled = forms.flag("enabled")
    if not enabled and not forms.ticked("all_consented"):
        forms.reject("f.err.zone_consent")
    current: ConsentZone = current_engine().consent_zone
    current_engine().set_consent_zone(dataclasses.replace(current, enabled=enabled))
    return _done("f.done.zone_on" if enabled else "f.done.zone_off")


def toml_lines(zone: dict) -> str:
    """The ``[consent]`` lines of the config file that keep a zone (as ``/api/state`` gives
    it) after a restart; ``zone.js`` writes the same when the zone changes."""
    corners = ", ".join(f"[{x:g}, {y:g}]" for x, y in zone["polygon"])
    return (f"[consent]\nenabled = {str(zone['enabled']).lower()}\npolygon = [{corners}]\n"
            f"min_face_px = {zone['min_face_px']}")
