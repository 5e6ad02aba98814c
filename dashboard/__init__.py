"""The Flask dashboard: visitor kiosk page, live MJPEG stream and a small JSON API.

It reads :class:`~device.engine.Snapshot` s and sends commands to the engine; it never touches
recognition internals. Every asset is served from this package (no CDN), under a strict CSP.
"""

from __future__ import annotations

from typing import Any, Protocol

from flask import Flask, Response


class EngineLike(Protocol):
    """What the dashboard needs of the engine (see :class:`device.engine.Engine`)."""

    @property
    def running(self) -> bool:
        """Whether the engine is analysing frames."""

    def snapshot(self) -> Any:
        """The current :class:`~device.engine.Snapshot`."""

    def wait_jpeg(self, after_seq: int, timeout_s: float = 2.0) -> tuple[int, bytes] | None:
        """The next annotated JPEG after ``after_seq``, or ``None``."""


_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def create_app(engine: EngineLike, *, test_config: dict[str, Any] | None = None) -> Flask:
    """Build the dashboard application around ``engine``.

    Args:
        engine: the running engine whose snapshots and stream are served.
        test_config: Flask settings to override (tests).
    """
    from dashboard.kiosk import kiosk

    app = Flask(__name__)
    app.json.sort_keys = False  # keep the documented key order in /api/state
    if test_config:
        app.config.update(test_config)
    app.extensions["oko_engine"] = engine
    app.register_blueprint(kiosk)

    @app.after_request
    def _secure(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
