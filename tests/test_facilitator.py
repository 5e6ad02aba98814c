"""The facilitator page: PIN login, lockout, CSRF, expiry, every action and its bad input."""

import io
import logging

import pytest

from dashboard import MAX_UPLOAD_BYTES, create_app
from device.pin import hash_pin
from recognition.errors import ConfigError
from tests.helpers import FACES, PIN, FakeClock, csrf_from, fed_engine

PIN_HASH = hash_pin(PIN)
JSON = {"X-Requested-With": "fetch"}
NAME = "Jelena Consented-Testperson"


def make_client(*photos, mode="visit", timeout_s=1800.0, pin_hash=PIN_HASH):
    clock = FakeClock()
    engine = fed_engine(*photos, clock=clock, mode=mode)
    app = create_app(engine, pin_hash=pin_hash, login_timeout_s=timeout_s, clock=clock)
    return engine, app.test_client(), clock


def login_token(client, clock, pin=PIN):
    """Log in; return the session's CSRF token (wrong PINs get the response instead)."""
    token = csrf_from(client.get("/facilitator").get_data(as_text=True))
    clock.advance(2.0)  # past the one-attempt-a-second limit
    response = client.post("/facilitator/login", data={"pin": pin, "csrf_token": token},
                           headers=JSON)
    if response.status_code != 200:
        return response
    return csrf_from(client.get("/facilitator").get_data(as_text=True))


@pytest.fixture
def console():
    """A logged-in facilitator, with V1 (Obama) in view."""
    engine, client, clock = make_client("obama.jpg", "obama.jpg")
    token = login_token(client, clock)

    def post(path, token=token, **data):
        return client.post(f"/facilitator/{path}", data={"csrf_token": token, **data}, headers=JSON)

    return engine, client, clock, post


# Login, lockout, CSRF, expiry.

def test_login_page_then_console():
    engine, client, clock = make_client("obama.jpg")
    page = client.get("/facilitator").get_data(as_text=True)
    assert 'name="pin"' in page and "Facilitator login" in page
    token = login_token(client, clock)
    page = client.get("/facilitator").get_data(as_text=True)
    assert "Wipe now" in page and 'value="V1"' in page and token in page
    status = client.get("/facilitator/api/status").get_json()
    assert status["state"]["visitors"][0]["id"] == "V1" and status["stats"]["visitors"] == 1
    assert status["watchlist"] == [] and status["rows"]["health"][0][0] == "Camera"


def test_no_pin_set_means_no_login():
    _, client, clock = make_client(pin_hash="")
    assert "oko set-pin" in client.get("/facilitator").get_data(as_text=True)
    response = client.post("/facilitator/login", data={"pin": PIN}, headers=JSON)
    assert response.status_code == 403 and "oko set-pin" in response.get_json()["error"]


def test_bad_pin_hash_or_language_stop_start_up():
    engine = fed_engine()
    with pytest.raises(ConfigError, match="oko set-pin"):
        create_app(engine, pin_hash="1234")
    with pytest.raises(ConfigError, match="en or sr"):
        create_app(engine, language="de")


def test_login_needs_the_csrf_token_and_a_pin():
    _, client, clock = make_client()
    token = csrf_from(client.get("/facilitator").get_data(as_text=True))
    assert client.post("/facilitator/login", data={"pin": PIN}, headers=JSON).status_code == 400
    bad = client.post("/facilitator/login", data={"pin": PIN, "csrf_token": "forged"}, headers=JSON)
    assert bad.status_code == 400 and "Reload the page" in bad.get_json()["error"]
    for pin in ("", "9" * 65):
        clock.advance(2)
        response = client.post("/facilitator/login", data={"pin": pin, "csrf_token": token},
                               headers=JSON)
        assert response.status_code == 400 and "Enter the PIN" in response.get_json()["error"]


def test_wrong_pins_are_rate_limited_then_locked_out():
    _, client, clock = make_client()
    token = csrf_from(client.get("/facilitator").get_data(as_text=True))

    def attempt(pin):
        return client.post("/facilitator/login", data={"pin": pin, "csrf_token": token},
                           headers=JSON)

    assert attempt("0000").status_code == 401
    too_fast = attempt("0001")
    assert too_fast.status_code == 429 and too_fast.headers["Retry-After"] == "1"
    for _ in range(3):
        clock.advance(1.5)
        assert attempt("0000").get_json()["error"] == "Wrong PIN."
    clock.advance(1.5)
    locked = attempt("0000")  # the fifth wrong PIN
    assert locked.status_code == 429 and "locked for 60 s" in locked.get_json()["error"]
    clock.advance(30)
    assert attempt(PIN).status_code == 429  # even the right PIN waits out the lockout
    clock.advance(31)
    for _ in range(5):
        clock.advance(1.5)
        response = attempt("0000")
    assert "locked for 120 s" in response.get_json()["error"]  # each lockout doubles
    clock.advance(121)
    assert attempt(PIN).status_code == 200


def test_lockout_is_per_client_address():
    _, client, clock = make_client()
    token = csrf_from(client.get("/facilitator").get_data(as_text=True))
    for _ in range(5):
        clock.advance(1.5)
        client.post("/facilitator/login", data={"pin": "0000", "csrf_token": token}, headers=JSON,
                    environ_base={"REMOTE_ADDR": "10.0.0.9"})
    clock.advance(1.5)
    ok = client.post("/facilitator/login", data={"pin": PIN, "csrf_token": token}, headers=JSON)
    assert ok.status_code == 200


def test_actions_need_a_login(console):
    _, client, _, _ = console
    client.post("/facilitator/logout", data={"csrf_token": csrf_from(
        client.get("/facilitator").get_data(as_text=True))}, headers=JSON)
    response = client.post("/facilitator/wipe", data={}, headers=JSON)
    assert response.status_code == 401 and "Log in" in response.get_json()["error"]
    assert client.get("/facilitator/api/status").status_code == 401


def test_every_action_needs_the_csrf_token(console):
    engine, client, _, post = console
    for path in ("wipe", "session/end", "pause", "mode", "tolerance", "watchlist/enrol",
                 "watchlist/remove", "language", "lesson", "logout"):
        response = post(path, token="forged")
        assert response.status_code == 400, path
    assert client.post("/facilitator/wipe", headers=JSON).status_code == 400
    assert engine.snapshot().visitors  # nothing was wiped


def test_login_expires_after_idle_time():
    _, client, clock = make_client(timeout_s=600)
    token = login_token(client, clock)
    clock.advance(500)
    assert client.get("/facilitator/api/status").status_code == 200
    clock.advance(200)  # polling the status does not count as activity
    response = client.post("/facilitator/wipe", data={"csrf_token": token}, headers=JSON)
    assert response.status_code == 401 and "expired" in response.get_json()["error"]
    assert 'name="pin"' in client.get("/facilitator").get_data(as_text=True)


def test_forms_without_javascript_redirect_back_with_a_message(console):
    _, client, _, _ = console
    token = csrf_from(client.get("/facilitator").get_data(as_text=True))
    response = client.post("/facilitator/wipe", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/facilitator"
    assert "Wiped — visitors: 1" in client.get("/facilitator").get_data(as_text=True)
    error = client.post("/facilitator/mode", data={"csrf_token": token, "mode": "party"})
    assert error.status_code == 400 and "text/html" in error.content_type
    assert "“mode” is missing or not valid" in error.get_data(as_text=True)


# Actions.

def test_wipe_empties_the_visitor_screen(console):
    engine, client, _, post = console
    response = post("wipe")
    assert response.status_code == 200 and "visitors: 1" in response.get_json()["message"]
    state = client.get("/api/state").get_json()
    assert state["visitors"] == [] and state["last_wipe"]["reason"] == "command"
    assert client.get("/api/visitors/V1/thumbnail.jpg").status_code == 404


def test_session_start_and_end():
    engine, client, clock = make_client(mode="workshop")
    token = login_token(client, clock)

    def post(path):
        return client.post(f"/facilitator/{path}", data={"csrf_token": token}, headers=JSON)

    assert post("session/start").status_code == 200 and engine.snapshot().session.active
    conflict = post("session/start")
    assert conflict.status_code == 409 and "workshop" in conflict.get_json()["error"]
    assert post("session/end").status_code == 200
    assert engine.snapshot().last_receipt.reason == "end"


def test_pause_resume_mode_and_tolerance(console):
    engine, _, _, post = console
    assert post("pause", paused="1").status_code == 200 and engine.paused
    assert post("pause", paused="0").status_code == 200 and not engine.paused
    assert post("pause", paused="maybe").status_code == 400
    assert post("pause").status_code == 400
    assert post("mode", mode="workshop").status_code == 200
    assert engine.snapshot().session.mode == "workshop" and not engine.snapshot().visitors
    assert post("mode", mode="").status_code == 400
    assert post("tolerance", tolerance="0.7").get_json()["message"] == "Tolerance: 0.70."
    assert engine.snapshot().tolerance == 0.7
    assert post("tolerance", tolerance="0,65").status_code == 200  # a Serbian decimal comma
    for bad in ("0.95", "0.1", "nan", "inf", "abc", "", "1" * 30):
        response = post("tolerance", tolerance=bad)
        assert response.status_code == 400 and "0.2 to 0.9" in response.get_json()["error"], bad
    assert engine.snapshot().tolerance == 0.65


def test_enrol_from_the_camera_needs_consent_and_a_name(console, caplog):
    caplog.set_level(logging.DEBUG)
    engine, client, _, post = console
    no_consent = post("watchlist/enrol", label=NAME, visitor_id="V1")
    assert no_consent.status_code == 400 and "consent" in no_consent.get_json()["error"]
    for label in ("", "   ", "x" * 41, "bad\x00name"):
        response = post("watchlist/enrol", label=label, visitor_id="V1", consent="yes")
        assert response.status_code == 400
    assert post("watchlist/enrol", label=NAME, consent="yes").status_code == 400  # nobody picked
    gone = post("watchlist/enrol", label=NAME, visitor_id="V9", consent="yes")
    assert gone.status_code == 404 and "V9" in gone.get_json()["error"]
    ok = post("watchlist/enrol", label=NAME, visitor_id="V1", consent="yes")
    assert ok.status_code == 200 and NAME not in ok.get_json()["message"]
    assert engine.snapshot().watchlist == (NAME,)
    assert client.get("/facilitator/api/status").get_json()["watchlist"] == [NAME]
    assert NAME in client.get("/facilitator").get_data(as_text=True)
    assert post("watchlist/remove", label="Someone Else").status_code == 404
    assert post("watchlist/remove", label=NAME).get_json()["message"].endswith("(samples: 1).")
    assert engine.snapshot().watchlist == ()
    assert NAME not in caplog.text and "Jelena" not in caplog.text and PIN not in caplog.text


def test_enrol_from_a_photo_upload(console):
    engine, client, _, _ = console
    token = csrf_from(client.get("/facilitator").get_data(as_text=True))

    def upload(data, name="face.jpg"):
        return client.post("/facilitator/watchlist/enrol", headers=JSON, data={
            "csrf_token": token, "label": NAME, "consent": "on",
            "photo": (io.BytesIO(data), name)}, content_type="multipart/form-data")

    photo = (FACES / "biden.jpg").read_bytes()
    assert upload(photo).status_code == 200 and engine.snapshot().watchlist == (NAME,)
    bad = upload(b"not a picture")
    assert bad.status_code == 400 and "JPEG or PNG" in bad.get_json()["error"]
    assert upload(b"\0" * (MAX_UPLOAD_BYTES + 1)).status_code == 413


def test_a_large_photo_upload_never_touches_the_disk(console, monkeypatch):
    import tempfile

    import werkzeug.formparser

    def no_disk(*args, **kwargs):
        raise AssertionError("an upload was spooled to a temporary file")

    for module in (tempfile, werkzeug.formparser):
        monkeypatch.setattr(module, "SpooledTemporaryFile", no_disk, raising=False)
        monkeypatch.setattr(module, "TemporaryFile", no_disk, raising=False)
    engine, client, _, _ = console
    token = csrf_from(client.get("/facilitator").get_data(as_text=True))
    padded = (FACES / "biden.jpg").read_bytes() + b"\0" * 2_000_000  # decoders ignore the tail
    response = client.post("/facilitator/watchlist/enrol", headers=JSON, data={
        "csrf_token": token, "label": NAME, "consent": "on",
        "photo": (io.BytesIO(padded), "big.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 200 and engine.snapshot().watchlist == (NAME,)


def test_language_switch_reaches_the_visitor_screen(console):
    _, client, _, post = console
    assert post("language", language="sr").get_json()["message"] == "Jezik je promenjen."
    assert client.get("/api/state").get_json()["display"]["language"] == "sr"
    assert '<html lang="sr">' in client.get("/").get_data(as_text=True)
    assert "Sesija" in client.get("/facilitator").get_data(as_text=True)
    assert post("language", language="de").status_code == 400
    assert "nije ispravno" in post("mode", mode="x").get_json()["error"]  # errors in Serbian too


def test_lesson_mode_is_followed_by_the_visitor_screen(console):
    _, client, _, post = console
    assert post("lesson", action="start").get_json()["message"] == "Lesson: Detection"
    post("lesson", action="next")
    assert client.get("/api/state").get_json()["display"]["lesson"] == {
        "step": "consent", "focus": "stream", "number": 2, "count": 9}
    page = client.get("/facilitator").get_data(as_text=True)
    assert "Step 2 of 9: The consent zone" in page and "Consent needs a choice" in page
    assert post("lesson", action="goto", step="scale").status_code == 200
    assert post("lesson", action="goto", step="nope").status_code == 400
    assert post("lesson", action="dance").status_code == 400
    assert post("lesson", action="stop").get_json()["message"] == "Lesson mode ended."
    assert client.get("/api/state").get_json()["display"]["lesson"] is None


def test_get_on_an_action_is_405_and_unknown_is_404(console):
    _, client, _, _ = console
    assert client.get("/facilitator/wipe").status_code == 405
    assert client.get("/facilitator/nothing-here").status_code == 404


def test_the_log_holds_no_pin_and_no_name(caplog):
    caplog.set_level(logging.DEBUG)
    engine, client, clock = make_client("obama.jpg")
    assert login_token(client, clock, pin="13579").status_code == 401
    token = login_token(client, clock)
    client.post("/facilitator/watchlist/enrol", headers=JSON, data={
        "csrf_token": token, "label": NAME, "visitor_id": "V1", "consent": "yes"})
    client.post("/facilitator/wipe", headers=JSON, data={"csrf_token": token})
    for secret in (PIN, "13579", NAME, "Jelena", PIN_HASH[:20]):
        assert secret not in caplog.text
