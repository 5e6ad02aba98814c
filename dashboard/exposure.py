"""Who may see visitor data: the exhibit's own screen, or a logged-in facilitator.

With ``host = "0.0.0.0"`` (allowed once a PIN is set, for the facilitator's phone) anyone on
the exhibit's network can reach the dashboard. Visitor data — the kiosk page, the live
stream, ``/api/state`` and ``/events`` (which carry the session's picture token, watchlist
labels, plate text and the car↔visitor links), thumbnails and faceprints — is served only to a
**loopback client** (the kiosk browser on the exhibit itself) or to a **logged-in
facilitator**. Everyone else gets the login page when they open a page, and a 403 for data.

The rule is default-deny: a route is public only if it is listed in :data:`PUBLIC` (or belongs
to the facilitator blueprint, whose views check the login themselves), so a route added later
is protected without anyone remembering to protect it. The client is the TCP peer
(``REMOTE_ADDR``); forwarding headers are ignored, since no proxy sits in front of Oko.
"""

from __future__ import annotations

import ipaddress

from typing import Callable

from flask import Flask, Response, abort, g, render_template, request

from dashboard.auth import access, login_lapses_s, login_state
from dashboard.display import language
from dashboard.i18n import translate

#: Endpoints anyone may reach: liveness, the stylesheets and scripts, the favicon.
PUBLIC = frozenset({"kiosk.healthz", "static"})
#: Blueprints whose views decide access themselves (the PIN login and its console).
SELF_GUARDED = frozenset({"facilitator"})


def is_loopback(address: str | None) -> bool:
    """Whether ``address`` (a ``REMOTE_ADDR``) is this machine: 127.0.0.0/8, ::1 or
    an IPv4-mapped loopback address. Anything unparsable is not."""
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def may_see_visitors() -> bool:
    """Whether this request may see visitor data: from loopback, or a facilitator logged in.

    Checking the login does not count as activity, so a phone left on the kiosk page still
    logs out after the idle timeout.
    """
    return is_loopback(request.remote_addr) or login_state(touch=False) == "in"


def still_allowed() -> Callable[[], bool]:
    """For a stream: whether its client may still see visitor data. A loopback client always
    may; a facilitator on the network only until the login lapses, so a phone left open on
    the kiosk does not watch forever (streams do not count as activity)."""
    until = g.get("oko_login_lapses_s")
    if until is None:
        return lambda: True
    clock = access().clock
    return lambda: clock() < until


def _wants_page() -> bool:
    """A browser opening a page (not an image, stream, script or ``fetch``)."""
    if request.method not in ("GET", "HEAD"):
        return False
    return request.endpoint == "kiosk.page" or "text/html" in request.headers.get("Accept", "")


def _refused() -> Response:
    """The login page, with a line saying why the visitor screen is not shown."""
    a = access()
    response = Response(render_template("login.html", expired=False, no_pin=not a.pin_hash,
                                        kiosk_refused=True))
    response.status_code = 403
    return response


def register(app: Flask) -> None:
    """Refuse visitor data to anyone but a loopback client or a logged-in facilitator."""

    @app.before_request
    def _guard() -> Response | None:
        endpoint = request.endpoint
        if endpoint is None or endpoint in PUBLIC:
            return None  # 404s and 405s carry no data; public routes decide for themselves
        if endpoint.split(".", 1)[0] in SELF_GUARDED:
            return None
        if is_loopback(request.remote_addr):
            return None
        if login_state(touch=False) == "in":
            g.oko_login_lapses_s = login_lapses_s()
            return None
        if _wants_page():
            return _refused()
        abort(403, description=translate("f.err.local_only", language()))
