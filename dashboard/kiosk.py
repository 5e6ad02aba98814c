"""The visitor kiosk: the page, the annotated live stream, the state API and health."""

from __future__ import annotations

import json
import time
from typing import Iterator

from flask import Blueprint, Response, current_app, jsonify, render_template

from dashboard.state import state_json

kiosk = Blueprint("kiosk", __name__)

_BOUNDARY = "frame"
_EVENT_INTERVAL_S = 1.0


def _engine():
    return current_app.extensions["oko_engine"]


@kiosk.get("/")
def page() -> str:
    """The kiosk page a visitor sees on the big screen."""
    return render_template("kiosk.html")


@kiosk.get("/api/state")
def state() -> Response:
    """The current snapshot as JSON (session, visitors, faces, plates, health)."""
    return jsonify(state_json(_engine().snapshot()))


@kiosk.get("/events")
def events() -> Response:
    """Server-sent events: the ``/api/state`` JSON once a second, for the kiosk page."""
    engine = _engine()

    def stream() -> Iterator[str]:
        yield "retry: 2000\n\n"
        while engine.running:
            yield f"data: {json.dumps(state_json(engine.snapshot()))}\n\n"
            time.sleep(_EVENT_INTERVAL_S)

    return Response(stream(), mimetype="text/event-stream", headers={"X-Accel-Buffering": "no"})


@kiosk.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 while the engine runs, 503 otherwise (for systemd and the doctor)."""
    engine = _engine()
    if engine.running:
        return jsonify(status="ok"), 200
    return jsonify(status="stopped", error=engine.snapshot().health.error), 503


@kiosk.get("/stream.mjpg")
def stream() -> Response:
    """The annotated camera picture as an endless multipart JPEG stream."""
    engine = _engine()

    def frames() -> Iterator[bytes]:
        seq = -1
        misses = 0
        while misses < 15:  # ~30 s without a frame: the engine is gone; end the response
            item = engine.wait_jpeg(seq)
            if item is None:
                misses += 1
                if not engine.running:
                    return
                continue
            misses = 0
            seq, data = item
            yield (
                f"--{_BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            ).encode() + data + b"\r\n"

    return Response(
        frames(), mimetype=f"multipart/x-mixed-replace; boundary={_BOUNDARY}",
        headers={"X-Accel-Buffering": "no"},
    )
