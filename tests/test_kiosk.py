"""The visitor screen's routes on a real engine fed test photos: pages, state, pictures, 4xx."""

import re
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from dashboard import create_app
from dashboard.display import Display
from dashboard.faceprint import faceprint_svg
from dashboard.i18n import LANGUAGES, catalogue, format_number, problems, translate
from dashboard.lesson import KEYS, STEPS
from dashboard.scale import FIGURES, bars
from tests.helpers import fed_engine, feed, start_engine


@pytest.fixture(scope="module")
def pair():
    """Two visitors seen together (V1 and V2), and the app around them."""
    engine = fed_engine("two_people.jpg", "two_people.jpg")
    return engine, create_app(engine).test_client()


@pytest.fixture
def one():
    engine = fed_engine("obama.jpg")
    return engine, create_app(engine).test_client()


def test_kiosk_page_is_local_and_in_the_chosen_language(pair):
    _, client = pair
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'src="/stream.mjpg"' in page and "http://" not in page and "https://" not in page
    assert '<html lang="en">' in page and "What the system knows about you" in page
    assert "8,000" in page and "689" in page and "dnevnik.si" in page  # the scale, sourced
    serbian = client.get("/?lang=sr").get_data(as_text=True)
    assert '<html lang="sr">' in serbian and "Šta sistem zna o vama" in serbian
    assert "8.000" in serbian
    assert '<html lang="en">' in client.get("/?lang=xx").get_data(as_text=True)


def test_every_response_carries_the_security_headers(pair):
    _, client = pair
    for path in ("/", "/api/state", "/facilitator", "/no-such-page"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY" and headers["Cache-Control"] == "no-store"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_state_keeps_its_contract_and_adds_the_display(pair):
    _, client = pair
    state = client.get("/api/state").get_json()
    assert {"session", "visitors", "faces", "plates", "health", "recognition", "last_wipe",
            "display"} <= state.keys()
    assert state["display"] == {"language": "en", "lesson": None}
    v1, v2 = state["visitors"]
    assert (v1["id"], v2["id"]) == ("V1", "V2")
    assert v1["companions"][0]["id"] == "V2" and v1["cues"] is not None


def test_one_visitor_as_json(pair):
    _, client = pair
    assert client.get("/api/visitors/V2").get_json()["id"] == "V2"
    missing = client.get("/api/visitors/V7")
    assert missing.status_code == 404 and "V7" in missing.get_json()["error"]


def test_thumbnail_and_faceprint_come_from_ram(pair):
    engine, client = pair
    token = engine.snapshot().session.token
    thumb = client.get(f"/api/visitors/V1/thumbnail.jpg?session={token}")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert thumb.data[:3] == b"\xff\xd8\xff"
    svg = client.get(f"/api/visitors/V1/faceprint.svg?session={token}")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 129  # background + 128


@pytest.mark.parametrize("path", [
    "/api/visitors/V1/thumbnail.jpg", "/api/visitors/V1/faceprint.svg", "/api/visitors/V1",
])
def test_a_wiped_visitor_is_a_404_not_a_500(one, path):
    engine, client = one
    path += "?session=" + engine.snapshot().session.token if "." in path else ""
    assert client.get(path).status_code == 200
    engine.wipe(reason="test")
    response = client.get(path)
    assert response.status_code == 404
    assert "wiped" in response.get_json()["error"]


def test_pictures_asked_for_an_earlier_session_are_404(one):
    engine, client = one
    old = engine.snapshot().session.token
    engine.wipe(reason="test")
    feed(engine, "biden.jpg")  # session 2 numbers someone else V1
    new = engine.snapshot().session.token
    assert new != old and len(new) >= 16
    assert client.get(f"/api/visitors/V1/thumbnail.jpg?session={old}").status_code == 404
    assert client.get("/api/visitors/V1/thumbnail.jpg?session=2").status_code == 404
    assert client.get("/api/visitors/V1/thumbnail.jpg").status_code == 404
    assert client.get(f"/api/visitors/V1/thumbnail.jpg?session={new}").status_code == 200


@pytest.mark.parametrize(("path", "status"), [
    ("/api/visitors/V1/thumbnail.jpg?session=abc", 404),
    ("/api/visitors/V1/thumbnail.jpg?session=" + "9" * 99, 400),
    ("/api/visitors/../etc/thumbnail.jpg", 404),
    ("/api/visitors/x/faceprint.svg", 404),
    ("/api/visitors/V1234567/faceprint.svg", 404),
])
def test_malformed_visitor_requests(one, path, status):
    _, client = one
    response = client.get(path)
    assert response.status_code == status and response.is_json


def test_unknown_page_is_a_plain_404_page(one):
    _, client = one
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "nothing at this address" in response.get_data(as_text=True)
    assert client.post("/api/state").status_code == 405


def test_healthz_and_events_of_an_engine_that_is_not_running(one):
    _, client = one
    assert client.get("/healthz").status_code == 503  # never started
    response = client.get("/events")
    assert response.mimetype == "text/event-stream"
    assert response.get_data(as_text=True) == "retry: 2000\n\n"  # ends when the engine is gone


def test_the_live_picture_goes_on_after_a_wipe():
    with start_engine() as engine:
        response = create_app(engine).test_client().get("/stream.mjpg", buffered=False)
        parts = iter(response.response)
        for _ in range(120):  # 4 s of pictures
            assert b"Content-Type: image/jpeg" in next(parts)
        engine.wipe(reason="test")  # the held picture is dropped; the stream must go on
        started = time.monotonic()
        for _ in range(3):
            assert b"Content-Type: image/jpeg" in next(parts)
        assert time.monotonic() - started < 2.0  # not frozen until the count catches up
        response.close()


def test_an_engine_failure_is_a_generic_500_without_details(one, caplog):
    engine, client = one

    def broken():
        raise RuntimeError("secret detail Jelena")

    engine.snapshot = broken
    response = client.get("/api/state")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret" not in body and "Traceback" not in body
    assert "Jelena" not in caplog.text


# Texts, lesson, scale and faceprint drawing.

def test_every_text_exists_in_both_languages_with_the_same_placeholders():
    assert problems() == []
    english, serbian = catalogue("en"), catalogue("sr")
    assert english.keys() == serbian.keys() and len(english) > 150
    untranslated = [k for k in english
                    if english[k] == serbian[k] and re.search("[a-z]{4}", english[k])
                    and not k.startswith(("k.source.", "f.login.pin"))]
    assert untranslated == []


def test_every_text_the_templates_and_scripts_use_exists():
    from pathlib import Path

    root = Path(__file__).parent.parent / "dashboard"
    used = set()
    for path in [*(root / "templates").glob("*.html"), *(root / "static").glob("*.js")]:
        text = path.read_text()
        used |= set(re.findall(
            r"""(?:t\(|data-i18n(?:-alt)?=)\s*["'`]([a-z]\.[\w.\-]+)["'`]""", text))
    known = catalogue("en")
    literal = {k for k in used if not k.endswith(".")}  # "f.mode." ~ mode is built at run time
    assert len(literal) > 60 and sorted(k for k in literal if k not in known) == []


def test_translate_fills_placeholders():
    assert translate("k.visitor", "sr", id="V3") == "Posetilac V3"
    assert translate("k.visitor", "xx", id="V3") == "Visitor V3"
    assert format_number(8000, "sr") == "8.000" and format_number(8000, "en") == "8,000"


def test_lesson_runs_in_the_issue_order_and_the_display_follows():
    assert KEYS == ("detect", "consent", "faceprint", "reidentify", "companions", "car",
                    "watchlist", "scale", "wipe")
    assert all(step.points for step in STEPS)
    display = Display("sr")
    assert display.json() == {"language": "sr", "lesson": None}
    assert display.lesson("next").key == "detect"
    assert display.lesson("back").key == "detect"
    assert display.lesson("goto", "wipe").key == "wipe"
    assert display.lesson("next").key == "wipe"  # stays on the last step
    assert display.json()["lesson"] == {"step": "wipe", "focus": "wipe", "number": 9, "count": 9}
    assert display.lesson("stop") is None
    for bad in (("jump", None), ("goto", "nope")):
        with pytest.raises(ValueError):
            display.lesson(*bad)
    with pytest.raises(ValueError):
        Display("de")
    assert set(LANGUAGES) == {"en", "sr"}


def test_scale_uses_the_sourced_figures():
    assert [f.count for f in FIGURES] == [8000, 1000, 689, 661]
    assert bars()[0].share == 1.0 and round(bars()[2].share, 4) == round(689 / 8000, 4)


def test_faceprint_drawing_has_128_squares_and_no_exact_values():
    values = np.linspace(-0.3, 0.3, 128)
    svg = faceprint_svg(values)
    assert svg.count("<rect") == 129 and not re.search(r"\d\.\d", svg)  # colours, not values
    assert faceprint_svg(np.zeros(128)).count('fill="#9e9e9e"') == 128
    with pytest.raises(ValueError):
        faceprint_svg(np.zeros(127))


def test_streams_beyond_the_limit_get_503_and_slots_come_back():
    from dashboard import create_app

    with start_engine() as engine:
        client = create_app(engine, max_streams=2).test_client()
        first = client.get("/events")
        second = client.get("/stream.mjpg")
        third = client.get("/events")
        assert (first.status_code, second.status_code, third.status_code) == (200, 200, 503)
        assert client.get("/api/state").status_code == 200  # pages still served
        first.close()  # the client left: its slot is free again
        fourth = client.get("/stream.mjpg")
        assert fourth.status_code == 200
        second.close()
        fourth.close()


def test_a_merged_visitor_says_so_in_both_languages():
    # One man, the second photo too far from the first to join on arrival, the third links
    # them (see tests/test_clusters.py): the card tells him, in one sentence.
    engine = fed_engine("alex-lacamoire.png", "alex_lacamoire1.jpg", "alex_lacamoire2.jpg",
                        gap_s=5.0)  # three visits
    client = create_app(engine).test_client()
    (visitor,) = client.get("/api/state").get_json()["visitors"]
    assert visitor["id"] == "V1" and visitor["linked"] == ["V2"]
    for language in LANGUAGES:
        sentence = translate("k.returning.linked", language, ids="V2")
        assert "V2" in sentence and sentence.count(".") == 1
