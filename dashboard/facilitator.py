"""The facilitator page: PIN login, session controls, watchlist, language, lesson, health.

Every action is a POST with the CSRF token, from a logged-in browser. Forms work without
JavaScript (the answer is a redirect back with a message); ``facilitator.js`` sends the same
forms with ``fetch`` and gets JSON. Names typed here are never logged or echoed in messages.
"""

from __future__ import annotations

import math
from typing import Any

from flask import (Blueprint, Response, flash, g, jsonify, redirect,
                   render_template, request, url_for)
from werkzeug.exceptions import TooManyRequests

from dashboard import forms
from dashboard.city import camera_rows
from dashboard.auth import access, csrf_ok, facilitator_only, log_out, login_state, try_pin
from dashboard.display import display, language
from dashboard.errors import wants_json
from dashboard.i18n import LANGUAGES, format_decimal, translate
from dashboard.lesson import KEYS as LESSON_KEYS
from dashboard.lesson import STEPS
from dashboard.state import state_json
from dashboard.engine import current_engine
from recognition.pipeline import TOLERANCE_RANGE
from recognition.errors import ConfigError
from recognition.images import UnusableImage

facilitator = Blueprint("facilitator", __name__, url_prefix="/facilitator")

_MAX_PIN_CHARS = 64



def _t(key: str, **values: object) -> str:
    return translate(key, language(), **values)


def _done(key: str, **values: object) -> Response:
    """The answer to a successful action: JSON for ``fetch``, else a redirect with a message."""
    message = _t(key, **values)
    if wants_json():
        return jsonify(ok=True, message=message)
    flash(message)
    return redirect(url_for("facilitator.page"), 303)


@facilitator.before_request
def _follow_screens() -> None:
    g.language = display().language


@facilitator.get("")
def page() -> str:
    """The console when logged in; otherwise the PIN form (saying why, if it expired)."""
    state = login_state()
    if state == "in":
        return render_template("facilitator.html", steps=STEPS, languages=LANGUAGES,
                               **status())
    return render_template("login.html", expired=state == "expired",
                           no_pin=not access().pin_hash)


@facilitator.post("/login")
def login() -> Response:
    """Check the PIN: 400 malformed, 401 wrong, 429 too fast or locked out, 403 no PIN set."""
    if not access().pin_hash:
        forms.reject("f.err.no_pin", 403)
    if not csrf_ok():
        forms.reject("f.err.csrf")
    pin = request.form.get("pin", "").strip()
    if not pin or len(pin) > _MAX_PIN_CHARS:
        forms.reject("f.err.pin_missing")
    ok, wait_s, locked = try_pin(pin, request.remote_addr or "unknown")
    if ok:
        return _done("f.done.login")
    if wait_s > 0:
        seconds = math.ceil(wait_s)
        key = "f.err.pin_locked" if locked else "f.err.pin_slow"
        raise TooManyRequests(description=_t(key, seconds=seconds), retry_after=seconds)
    forms.reject("f.err.pin_wrong", 401)


@facilitator.post("/logout")
@facilitator_only
def logout() -> Response:
    """Forget this browser's login."""
    log_out()
    return _done("f.done.logout")


@facilitator.post("/session/start")
@facilitator_only
def start_session() -> Response:
    """Workshop mode: open a session; 409 in visit mode or when one is open."""
    if not current_engine().start_session():
        forms.reject("f.err.start", 409)
    return _done("f.done.start")


@facilitator.post("/session/end")
@facilitator_only
def end_session() -> Response:
    """End the session with a wipe."""
    current_engine().end_session(reason="end")
    return _done("f.done.end")


@facilitator.post("/wipe")
@facilitator_only
def wipe() -> Response:
    """Wipe the session now; the message gives the receipt's counts."""
    receipt = current_engine().wipe(reason="command")
    return _done("f.done.wipe", visitors=receipt.visitors, encodings=receipt.encodings)


@facilitator.post("/pause")
@facilitator_only
def pause() -> Response:
    """Pause (``paused=1``) or resume (``paused=0``) the camera."""
    paused = forms.flag("paused")
    current_engine().pause(paused)
    return _done("f.done.pause" if paused else "f.done.resume")


@facilitator.post("/mode")
@facilitator_only
def mode() -> Response:
    """Switch between ``visit`` and ``workshop`` (wipes the session)."""
    chosen = forms.choice("mode", ("visit", "workshop"))
    current_engine().set_mode(chosen)
    return _done("f.done.mode", mode=_t(f"f.mode.name.{chosen}"))


@facilitator.post("/tolerance")
@facilitator_only
def tolerance() -> Response:
    """Move the matching tolerance (within :data:`TOLERANCE_RANGE`) live."""
    lo, hi = TOLERANCE_RANGE
    value = round(forms.number("tolerance", lo=lo, hi=hi, key="f.err.tolerance"), 2)
    try:
        current_engine().set_tolerance(value)
    except ConfigError:
        forms.reject("f.err.tolerance")
    return _done("f.done.tolerance", value=format_decimal(value, 2, language()))


@facilitator.post("/watchlist/enrol")
@facilitator_only
def enrol() -> Response:
    """Put a consenting person on the watchlist: a visitor from the camera, or a photo."""
    if not forms.ticked("consent"):
        forms.reject("f.err.consent")
    name = forms.label("label")
    photo = request.files.get("photo")
    visitor_id = request.form.get("visitor_id", "").strip()
    # Checked before, so the message can say the photo joined an entry already listed.
    known = name in current_engine().snapshot().watchlist
    if photo is not None and photo.filename:
        _enrol_photo(name, photo.stream)
    elif visitor_id:
        if len(visitor_id) > 12 or not current_engine().enrol_visitor(name, visitor_id):
            forms.reject("f.err.visitor_gone", 404, id=visitor_id[:12])
    else:
        forms.reject("f.err.pick")
    if known:
        samples = current_engine().snapshot().watchlist.count(name)
        return _done("f.done.enrol_more", count=samples)
    return _done("f.done.enrol")


def _enrol_photo(name: str, stream: Any) -> None:
    """Enrol from an uploaded photo held in RAM (see ``InMemoryRequest``), then zero it."""
    try:
        buffer = stream.getbuffer()
    except AttributeError:  # not our in-memory stream: copy it into one we can zero
        buffer = memoryview(bytearray(stream.read()))
    try:
        current_engine().enrol_photo(name, buffer)
    except UnusableImage:
        forms.reject("f.err.photo")
    finally:
        buffer[:] = bytes(len(buffer))
        try:
            buffer.release()
        except BufferError:  # still exported by a decoder; it is zeroed, let GC drop it
            pass


@facilitator.post("/watchlist/remove")
@facilitator_only
def remove() -> Response:
    """Take a name off the watchlist; 404 if nobody by that name is on it."""
    removed = current_engine().remove_from_watchlist(forms.label("label"))
    if not removed:
        forms.reject("f.err.not_listed", 404)
    return _done("f.done.remove", count=removed)


@facilitator.post("/language")
@facilitator_only
def set_language() -> Response:
    """Switch both screens to ``en`` or ``sr``."""
    display().set_language(forms.choice("language", LANGUAGES))
    g.language = display().language
    return _done("f.done.language")


@facilitator.post("/lesson")
@facilitator_only
def lesson() -> Response:
    """Move the lesson: ``action`` start/next/back/stop, or goto with ``step``."""
    action = forms.choice("action", ("start", "next", "back", "stop", "goto"))
    step_key = forms.choice("step", LESSON_KEYS) if action == "goto" else None
    shown = display().lesson_step
    if action == "next" and shown is not None and shown.key == LESSON_KEYS[-1]:
        display().lesson("stop")  # Next on the last step finishes the lesson, visibly
        return _done("f.done.lesson_finished")
    step = display().lesson(action, step_key)
    if step is None:
        return _done("f.done.lesson_stop")
    return _done("f.done.lesson", title=_t(f"lesson.{step.key}.title"))


@facilitator.get("/api/status")
@facilitator_only(touch=False)
def api_status() -> Response:
    """Everything the console shows, as JSON: state, watchlist names, counts."""
    return jsonify(status())


def status() -> dict[str, Any]:
    """The console's data: the kiosk state, the watchlist labels, the session's counts and
    both as ready-to-show ``[label, value]`` rows in the screens' language."""
    snapshot = current_engine().snapshot()
    state = {**state_json(snapshot), "display": display().json()}
    stats = counts(state)
    rows = {"health": _health_rows(state), "stats": _stats_rows(state, stats)}
    return {"state": state, "watchlist": list(dict.fromkeys(snapshot.watchlist)),
            "stats": stats, "rows": rows}


def _shown(value: Any, unit_format: str = "{}") -> str:
    if value is None:
        return _t("f.health.none")
    text = unit_format.format(value)
    # Decimals as the screens' language writes them (0,55 in Serbian), like the kiosk does.
    return text.replace(".", ",") if language() == "sr" and isinstance(value, float) else text


def _health_rows(state: dict[str, Any]) -> list[list[str]]:
    h = state["health"]
    working = _t("f.health.camera_ok" if h["camera_ok"] else "f.health.camera_bad")
    camera = f"{h['camera']} · {working}"
    rows = [
        ["f.health.camera", camera],
        ["f.health.fps", _shown(h["fps"], "{:.0f}")],
        ["f.health.analysis_fps", _shown(h["analysis_fps"], "{:.1f}")],
        ["f.health.latency", _shown(h["analysis_ms"], "{:.1f}")],
        ["f.health.dropped", _shown(h["frames_dropped"])],
        ["f.health.temp", _shown(h["cpu_temp_c"], "{:.1f}")],
        ["f.health.uptime", _shown(h["uptime_s"] and h["uptime_s"] / 60, "{:.1f}")],
    ]
    if h["error"]:
        rows.append(["f.health.error", h["error"]])
    return [[_t(key), value] for key, value in rows] + camera_rows(state, _t)


def _stats_rows(state: dict[str, Any], stats: dict[str, Any]) -> list[list[str]]:
    names = ("visitors", "in_view", "returning", "sightings", "positions", "companions",
             "hits", "plates", "minutes")
    rows = [[_t(f"f.stats.{name}"), _shown(stats[name])] for name in names]
    wipe = state["last_wipe"]
    if wipe is not None:
        value = _t("f.stats.last_wipe_value", session=wipe["session"], visitors=wipe["visitors"])
        rows.append([_t("f.stats.last_wipe"), value])
    return rows


def counts(state: dict[str, Any]) -> dict[str, Any]:
    """Aggregate counts of the current session (no identities), from ``/api/state`` JSON."""
    people = state["visitors"]
    started = state["session"]["started_s_ago"]
    return {
        "visitors": len(people),
        "in_view": sum(v["in_view"] for v in people),
        "returning": sum(v["returning"] for v in people),
        "sightings": sum(v["sightings"] for v in people),
        "positions": sum(len(v["trajectory"]) for v in people),
        "companions": sum(len(v["companions"]) for v in people) // 2,
        "hits": sum(v["watchlist"] is not None for v in people),
        "plates": len(state.get("plates", [])),
        "minutes": None if started is None else round(started / 60, 1),
    }
