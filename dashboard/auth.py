"""Facilitator access: PIN login into a signed session cookie, idle expiry, CSRF tokens.

The cookie holds only the login time, the last-seen time and the CSRF token — never the PIN.
Every POST carries the CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import functools
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Callable, TypeVar

from flask import abort, current_app, request, session

from dashboard.display import language
from dashboard.i18n import translate
from device.pin import PinGuard, check_pin

F = TypeVar("F", bound=Callable)

_AUTH, _SEEN, _CSRF = "login_s", "seen_s", "csrf"


@dataclass
class Access:
    """Who may use the facilitator page: the PIN hash, the guessing guard and the expiry.

    ``pin_hash`` empty means no PIN was set: nobody can log in. ``timeout_s`` is how long a
    login lasts without a request.
    """

    pin_hash: str
    timeout_s: float = 1800.0
    clock: Callable[[], float] = time.monotonic
    guard: PinGuard = field(default_factory=PinGuard)


def access() -> Access:
    """The :class:`Access` of the running app."""
    return current_app.extensions["oko_access"]


def csrf_token() -> str:
    """This browser's CSRF token, made on first use and kept in its session cookie."""
    token = session.get(_CSRF)
    if not token:
        token = session[_CSRF] = secrets.token_urlsafe(32)
    return token


def csrf_ok() -> bool:
    """Whether the request carries this session's CSRF token."""
    expected = session.get(_CSRF)
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    return bool(expected) and hmac.compare_digest(str(expected), str(sent))


def login_state(*, touch: bool = True) -> str:
    """``"in"``, ``"expired"`` or ``"out"``.

    ``touch`` counts this request as activity (refreshing the idle timer); the console's
    once-a-second status poll does not, so a forgotten open page still logs out.
    """
    if _AUTH not in session:
        return "out"
    a = access()
    now = a.clock()
    seen = session.get(_SEEN, session[_AUTH])
    if not isinstance(seen, (int, float)) or now < seen or now - seen > a.timeout_s:
        log_out()
        return "expired"
    if touch:
        session[_SEEN] = now
    return "in"


def login_lapses_s() -> float | None:
    """When this browser's login lapses without further requests (``Access.clock`` seconds),
    or ``None`` if it is not logged in."""
    if _AUTH not in session:
        return None
    seen = session.get(_SEEN, session[_AUTH])
    return seen + access().timeout_s if isinstance(seen, (int, float)) else None


def try_pin(pin: str, client: str) -> tuple[bool, float, bool]:
    """Check ``pin`` for ``client`` through the guard.

    Returns ``(ok, wait_s, locked)``: ``ok`` when the PIN was right (the session is then
    logged in with a fresh CSRF token); otherwise ``wait_s`` says how long the client must
    wait and ``locked`` whether that is a lockout (``wait_s`` 0: just a wrong PIN).
    """
    a = access()
    wait_s, locked = a.guard.wait_s(client)
    if wait_s > 0:
        return False, wait_s, locked
    if check_pin(a.pin_hash, pin):
        a.guard.succeeded(client)
        session.clear()  # a new session on login: no fixation
        now = a.clock()
        session[_AUTH] = session[_SEEN] = now
        session[_CSRF] = secrets.token_urlsafe(32)
        session.permanent = True
        return True, 0.0, False
    locked_s = a.guard.failed(client)
    return False, locked_s, locked_s > 0


def log_out() -> None:
    """Forget the login (and the CSRF token) of this browser."""
    session.pop(_AUTH, None)
    session.pop(_SEEN, None)
    session.pop(_CSRF, None)


def facilitator_only(view: F | None = None, *, touch: bool = True) -> F:
    """Decorate a view: 401 unless logged in, and 400 on a POST without the CSRF token.

    ``touch=False`` (as ``@facilitator_only(touch=False)``) for polling views that must not
    keep a login alive.
    """
    if view is None:
        return functools.partial(facilitator_only, touch=touch)  # type: ignore[return-value]

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        state = login_state(touch=touch)
        if state != "in":
            key = "f.err.expired" if state == "expired" else "f.err.login_needed"
            abort(401, description=translate(key, language()))
        if request.method == "POST" and not csrf_ok():
            abort(400, description=translate("f.err.csrf", language()))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
