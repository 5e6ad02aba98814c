"""The consent zone on the screens: /api/state, the kiosk's sentence, the facilitator's
actions (PIN, CSRF, bad input) and the lesson step. Real engine fed real photos."""

from __future__ import annotations

import logging

import pytest

from dashboard import create_app
from dashboard.consent_zone import toml_lines
from dashboard.lesson import KEYS
from device.pin import hash_pin
from tests.helpers import PIN, FakeClock, csrf_from, facilitator_login, fed_engine

JSON = {"X-Requested-With": "fetch"}


@pytest.fixture
def console():
    """A logged-in facilitator with V1 (Obama) on record; ``post(path, **fields)``."""
    clock = FakeClock()
    engine = fed_engine("obama.jpg", clock=clock)
    client = create_app(engine, pin_hash=hash_pin(PIN), clock=clock).test_client()
    token = facilitator_login(client, clock)

    def post(path, **data):
        return client.post(f"/facilitator/consent/{path}", data={"csrf_token": token, **data},
                           headers=JSON)

    return engine, client, post


def test_state_and_kiosk_show_the_zone():
    client = create_app(fed_engine("obama.jpg")).test_client()
    zone = client.get("/api/state").get_json()["consent_zone"]
    assert zone == {"enabled": True, "min_face_px": 45,
                    "polygon": [[0.1, 0.0], [0.9, 0.0], [0.9, 1.0], [0.1, 1.0]]}
    page = client.get("/").get_data(as_text=True)
    assert 'id="zone"' in page and "the city&#39;s cameras have no such zone" in page
    serbian = client.get("/?lang=sr").get_data(as_text=True)
    assert "gradske kamere nemaju takvu zonu" in serbian
    assert "k.zone.off" in page  # both sentences ship to the page for the live switch


def test_facilitator_draws_a_zone_and_it_applies_at_once(console, caplog):
    engine, client, post = console
    page = client.get("/facilitator").get_data(as_text=True)
    assert 'id="zone-editor"' in page and 'name="left"' in page and 'value="10"' in page
    with caplog.at_level(logging.INFO):
        response = post("zone", left="20", top="5", right="75.5", bottom="100", min_face_px="60")
    assert response.status_code == 200 and response.get_json()["message"] == "Consent zone set."
    assert engine.consent_zone.polygon == ((0.2, 0.05), (0.755, 0.05), (0.755, 1.0), (0.2, 1.0))
    assert engine.consent_zone.min_face_px == 60
    assert engine.session.pipeline.consent is engine.consent_zone  # the next frame uses it
    state = client.get("/api/state").get_json()["consent_zone"]
    assert state["polygon"][1] == [0.755, 0.05] and state["min_face_px"] == 60
    assert post("zone", left="80", top="0", right="20", bottom="100").status_code == 200
    assert engine.consent_zone.polygon[0] == (0.2, 0.0)  # edges in either order
    assert engine.consent_zone.min_face_px == 60  # kept when not given
    # Without JavaScript the form posts plainly and comes back to the page with the message.
    token = csrf_from(client.get("/facilitator").get_data(as_text=True))
    plain = client.post("/facilitator/consent/zone", data={
        "csrf_token": token, "left": "10", "top": "0", "right": "90", "bottom": "100"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/facilitator")
    assert "Consent zone set." in client.get("/facilitator").get_data(as_text=True)
    assert 'value="90"' in client.get("/facilitator").get_data(as_text=True)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "consent zone changed by the facilitator" in logged and "0.755" not in logged


def test_switching_the_zone_off_and_on(console, caplog):
    engine, client, post = console
    response = post("switch", enabled="0")  # without saying everyone agreed
    assert response.status_code == 400 and "everyone in the room agreed" in response.get_json()[
        "error"]
    assert engine.consent_zone.enabled is True
    with caplog.at_level(logging.INFO):
        response = post("switch", enabled="0", all_consented="yes")
    assert response.get_json()["message"].startswith("Consent zone off")
    assert engine.consent_zone.enabled is False
    assert client.get("/api/state").get_json()["consent_zone"]["enabled"] is False
    assert "consent zone switched off by the facilitator" in caplog.text
    status = client.get("/facilitator/api/status").get_json()
    assert status["state"]["consent_zone"]["enabled"] is False
    assert post("switch", enabled="1").get_json()["message"].startswith("Consent zone on")
    assert engine.consent_zone.enabled is True


@pytest.mark.parametrize("fields, says", [
    ({"left": "20", "top": "0", "right": "120", "bottom": "100"}, "0 to 100"),
    ({"left": "x", "top": "0", "right": "50", "bottom": "100"}, "0 to 100"),
    ({"top": "0", "right": "50", "bottom": "100"}, "0 to 100"),
    ({"left": "50", "top": "50", "right": "50.5", "bottom": "100"}, "too small"),
    ({"left": "10", "top": "0", "right": "90", "bottom": "100", "min_face_px": "4.5"},
     "whole number"),
    ({"left": "10", "top": "0", "right": "90", "bottom": "100", "min_face_px": "-1"},
     "whole number"),
])
def test_bad_zones_get_one_sentence_and_change_nothing(console, fields, says):
    engine, _, post = console
    before = engine.consent_zone
    response = post("zone", **fields)
    assert response.status_code == 400 and says in response.get_json()["error"]
    assert engine.consent_zone == before


def test_zone_actions_need_the_pin_and_the_csrf_token(console):
    engine, client, post = console
    response = client.post("/facilitator/consent/switch",
                           data={"enabled": "0", "all_consented": "yes"}, headers=JSON)
    assert response.status_code == 400  # logged in, but no CSRF token
    anonymous = create_app(engine, pin_hash=hash_pin(PIN)).test_client()
    for path in ("zone", "switch"):
        response = anonymous.post(f"/facilitator/consent/{path}", data={"enabled": "0"},
                                  headers=JSON)
        assert response.status_code == 401
    assert client.get("/facilitator/consent/switch").status_code == 405
    assert post("switch", enabled="maybe").status_code == 400
    assert engine.consent_zone.enabled is True


def test_the_editor_picture_needs_the_pin_and_says_when_there_is_none(console):
    engine, client, _ = console
    response = client.get("/facilitator/consent/picture.jpg", headers=JSON)  # never streams
    assert response.status_code == 503 and "No camera picture" in response.get_json()["error"]
    anonymous = create_app(engine, pin_hash=hash_pin(PIN)).test_client()
    assert anonymous.get("/facilitator/consent/picture.jpg").status_code == 401


def test_the_config_lines_that_keep_a_zone():
    zone = {"enabled": True, "polygon": [[0.2, 0.0], [0.8, 0.0], [0.8, 1.0], [0.2, 1.0]],
            "min_face_px": 45}
    assert toml_lines(zone) == ("[consent]\nenabled = true\npolygon = [[0.2, 0], [0.8, 0], "
                                "[0.8, 1], [0.2, 1]]\nmin_face_px = 45")


def test_lesson_has_a_consent_step_after_detection():
    assert KEYS[:2] == ("detect", "consent")
