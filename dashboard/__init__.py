"""The Flask dashboard: visitor kiosk, facilitator page, live MJPEG stream and a JSON API.

It reads :class:`~device.engine.Snapshot` s and sends commands to the engine; it never touches
recognition internals. Every asset is served from this package (no CDN), under a strict CSP.

Blueprints: :mod:`dashboard.kiosk` (``/``, ``/api/state``, ``/events``, ``/healthz``,
``/stream.mjpg``), :mod:`dashboard.visitors` (``/api/visitors/<id>``, its thumbnail and
faceprint), :mod:`dashboard.facilitator` (``/facilitator`` and its actions) and
:mod:`dashboard.consent_zone` (``/facilitator/consent/…``: the consent zone). Visitor data
goes only to a loopback client or a logged-in facilitator (:mod:`dashboard.exposure`).
"""

from __future__ import annotations

import io
import secrets
import threading
import time
from typing import IO, Any, Callable

from flask import Flask, Request, Response

from dashboard.engine import EngineLike
from recognition.errors import ConfigError
from recognition.pipeline import TOLERANCE_RANGE


#: Open MJPEG/SSE streams served at once: 25 kiosks with two streams each, and spare. Each
#: holds a server thread, so this stays below the server's 64 threads (device/server.py).
MAX_STREAMS = 56

_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
#: Largest request (a photo to enrol); bigger uploads get a 413.
MAX_UPLOAD_BYTES = 8 * 1024 * 1024


class InMemoryRequest(Request):
    """A request whose uploaded files stay in RAM.

    werkzeug spools uploads over 500 kB to a temporary file on disk; an enrolment photo is
    biometric data, so it must never touch the disk. The facilitator zeroes the buffer after
    use.
    """

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None,
                         content_length: int | None = None) -> IO[bytes]:
        return io.BytesIO()


def create_app(
    engine: EngineLike,
    *,
    test_config: dict[str, Any] | None = None,
    pin_hash: str = "",
    language: str = "en",
    secret_key: bytes | None = None,
    login_timeout_s: float = 1800.0,
    clock: Callable[[], float] = time.monotonic,
    max_streams: int = MAX_STREAMS,
) -> Flask:
    """Build the dashboard application around ``engine``.

    Args:
        engine: the running engine whose snapshots and stream are served.
        test_config: Flask settings to override (tests).
        pin_hash: ``[dashboard] pin_hash`` from ``oko set-pin``
            (:func:`device.pin.hash_pin`); empty: the facilitator page cannot be used.
        language: the screens' language at start, ``"en"`` or ``"sr"``.
        secret_key: signs the facilitator's session cookie; default a random key per
            process, so every login ends when Oko restarts.
        login_timeout_s: a facilitator login ends after this long without a request.
        clock: monotonic seconds for login expiry and PIN lockouts (tests pass a fake).
        max_streams: open MJPEG/SSE streams served at once; more get a 503.

    Raises:
        ConfigError: ``pin_hash`` is not a hash made by ``oko set-pin``, or ``language``
            is not ``en``/``sr``.
    """
    from dashboard import errors, exposure
    from dashboard.auth import Access, csrf_token
    from dashboard.cameras import cameras
    from dashboard.display import Display, language as page_language
    from dashboard.consent_zone import consent_zone, toml_lines
    from dashboard.facilitator import facilitator
    from dashboard.i18n import LANGUAGE_NAMES, LANGUAGES, catalogue, format_decimal, format_number, translate
    from dashboard.kiosk import kiosk
    from device.pin import PinGuard, is_pin_hash
    from dashboard.visitors import visitors

    if pin_hash and not is_pin_hash(pin_hash):
        raise ConfigError(
            "Setting dashboard.pin_hash is not a PIN hash; set it with `oko set-pin`.")
    if language not in LANGUAGES:
        raise ConfigError(f"Setting dashboard.language = {language!r} must be en or sr.")

    app = Flask(__name__)
    app.request_class = InMemoryRequest
    app.json.sort_keys = False  # keep the documented key order in /api/state
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        SESSION_COOKIE_NAME="oko_facilitator",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=login_timeout_s,
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["oko_engine"] = engine
    app.extensions["oko_stream_slots"] = threading.BoundedSemaphore(max_streams)
    app.extensions["oko_display"] = Display(language)
    app.extensions["oko_access"] = Access(
        pin_hash, timeout_s=login_timeout_s, clock=clock, guard=PinGuard(clock=clock))
    app.register_blueprint(kiosk)
    app.register_blueprint(visitors)
    app.register_blueprint(facilitator)
    app.register_blueprint(consent_zone)
    app.register_blueprint(cameras)
    errors.register(app)
    exposure.register(app)

    def t(key: str, **values: object) -> str:
        return translate(key, page_language(), **values)

    app.jinja_env.globals.update(
        t=t, csrf_token=csrf_token, page_language=page_language, catalogue=catalogue,
        language_names=LANGUAGE_NAMES, format_number=format_number, format_decimal=format_decimal,
        tolerance_range=TOLERANCE_RANGE, consent_toml=toml_lines,
    )

    @app.after_request
    def _secure(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=()")
        return response

    return app
