"""The visitor kiosk: the page, the annotated live stream, the state API and health.

The kiosk is read-only. ``/api/state`` and ``/events`` carry the snapshot's JSON (see
:mod:`dashboard.state`) plus ``display``: the language and lesson step the facilitator set.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from flask import (Blueprint, Response, abort, current_app, g, jsonify, render_template,
                   request)

from dashboard.cameras import camera_param, wait_for_news
from dashboard.display import Display, display
from dashboard.exposure import may_see_visitors, still_allowed
from dashboard.i18n import LANGUAGES, language_or
from dashboard.lesson import STEPS
from dashboard.scale import FIGURES, SCHOOLS, SCHOOLS_SOURCE_KEY, bars, this_camera_share
from dashboard.state import state_json
from dashboard.engine import EngineLike, current_engine, sendable, zero

kiosk = Blueprint("kiosk", __name__)

_BOUNDARY = "frame"
_EVENT_INTERVAL_S = 1.0
_FRAME_WAIT_S = 0.5
_MAX_MISSES = 60



def _state(engine: EngineLike, shown: Display) -> dict[str, Any]:
    return {**state_json(engine.snapshot()), "display": shown.json()}


@kiosk.get("/")
def page() -> str:
    """The kiosk page a visitor sees on the big screen; ``?lang=sr`` starts it in Serbian."""
    g.language = language_or(request.args.get("lang"), display().language)
    return render_template(
        "kiosk.html", bars=bars(), this_share=this_camera_share(), figures=FIGURES,
        schools=SCHOOLS, schools_source_key=SCHOOLS_SOURCE_KEY, steps=STEPS, languages=LANGUAGES,
    )


@kiosk.get("/api/state")
def state() -> Response:
    """The current snapshot as JSON (session, visitors, faces, plates, health, display)."""
    return jsonify(_state(current_engine(), display()))


def _in_slot(response: Response) -> Response:
    """Count ``response`` as an open stream; 503 when every slot is taken.

    Each open stream holds a server thread for as long as it runs; the slots are fewer than
    the threads, so pages and the facilitator stay reachable whatever the kiosks do. The
    slot is given back when the server closes the response (the client left).
    """
    slots = current_app.extensions["oko_stream_slots"]
    if not slots.acquire(blocking=False):
        abort(503, description="Too many open streams; close a kiosk tab and reload.")
    response.call_on_close(slots.release)
    return response


@kiosk.get("/events")
def events() -> Response:
    """Server-sent events: the ``/api/state`` JSON once a second, for the kiosk page."""
    engine, shown, allowed = current_engine(), display(), still_allowed()

    def stream() -> Iterator[str]:
        yield "retry: 2000\n\n"
        while engine.running and allowed():
            yield f"data: {json.dumps(_state(engine, shown))}\n\n"
            wait_for_news(engine, _EVENT_INTERVAL_S)

    return _in_slot(Response(stream(), mimetype="text/event-stream",
                             headers={"X-Accel-Buffering": "no"}))


@kiosk.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 while the engine runs, 503 otherwise (for systemd and the doctor).

    Anyone may ask, so it says nothing but whether Oko is alive; why it stopped is told only
    to those who may see the rest (see :mod:`dashboard.exposure`).
    """
    engine = current_engine()
    if engine.running:
        return jsonify(status="ok"), 200
    if not may_see_visitors():
        return jsonify(status="stopped"), 503
    return jsonify(status="stopped", error=engine.snapshot().health.error), 503


@kiosk.get("/stream.mjpg")
def stream() -> Response:
    """The annotated camera picture as an endless multipart JPEG stream; ``?camera=C2``
    picks another camera than the first."""
    engine, allowed = current_engine(), still_allowed()
    camera = camera_param(request.args.get("camera"))
    wait = (lambda seq: engine.wait_jpeg(seq, timeout_s=_FRAME_WAIT_S, camera=camera)) \
        if camera else (lambda seq: engine.wait_jpeg(seq, timeout_s=_FRAME_WAIT_S))

    def frames() -> Iterator[bytes]:
        seq = -1
        misses = 0
        while misses < _MAX_MISSES and allowed():  # ~30 s without a frame: engine gone
            item = wait(seq)
            if item is None:
                misses += 1
                if not engine.running:
                    return
                continue
            misses = 0
            seq, data = item
            header = (f"--{_BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                      f"Content-Length: {len(data)}\r\n\r\n").encode()
            part = sendable(bytearray(header) + data + b"\r\n")
            zero(data)
            try:
                yield part
            finally:
                zero(part)  # this viewer's copy of the picture: once sent, or when it leaves

    return _in_slot(Response(
        frames(), mimetype=f"multipart/x-mixed-replace; boundary={_BOUNDARY}",
        headers={"X-Accel-Buffering": "no"},
    ))
