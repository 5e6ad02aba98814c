"""The consent zone: only the face that stepped in is analysed; the others are blurred and
leave nothing behind. Real faces from tests/data (see ``crowd_image``), real dlib models."""

from __future__ import annotations

import dataclasses
import json
import logging

import cv2
import numpy as np
import pytest

from dashboard import create_app
from device.assembly import build_session
from device.config import Config, SessionConfig, describe, load_config
from device.engine import Engine
from recognition.consent import (HIDE_MARGIN, ConsentZone, contains, hide_faces, parse_polygon,
                                 rectangle, split_faces)
from recognition.errors import ConfigError
from recognition.faces import api as face_api
from recognition.types import Box, Frame
from tests.fakes import ScriptedSource
from device.pin import hash_pin
from tests.helpers import (CROWD, FACES, PIN, FakeClock, crowd_image, facilitator_login, oko,
                           paste_face, scan_json, street_backdrop, wait_for)

#: The test zone: the visitor (150 px, centre x 0.44) is in; the one passing at the edge
#: (centre x 0.13) is outside the polygon; the one standing back (95 px) is too small.
ZONE = ConsentZone(polygon=rectangle(0.25, 0.0, 0.9, 1.0), min_face_px=120)
VISITOR, PASSING, STANDING_BACK = (Box(c[0] - px // 2, c[1] - px // 2, c[0] + px // 2,
                                       c[1] + px // 2) for _, px, c in CROWD)


class Counting:
    """Counts the faces handed to a real face_recognition function (a wrapper, not a mock)."""

    def __init__(self, real):
        self.real = real
        self.boxes: list[Box] = []

    def __call__(self, image, known_face_locations=None, *args, **kwargs):
        self.boxes += [Box(left, top, right, bottom)
                       for top, right, bottom, left in known_face_locations or ()]
        return self.real(image, known_face_locations, *args, **kwargs)


@pytest.fixture
def counted(monkeypatch):
    """Every faceprint and landmark call of the process goes through a counter."""
    fr = face_api.models()
    encoder, landmarks = Counting(fr.face_encodings), Counting(fr.face_landmarks)
    monkeypatch.setattr(fr, "face_encodings", encoder)
    monkeypatch.setattr(fr, "face_landmarks", landmarks)
    return encoder, landmarks


def laplacian_variance(image: np.ndarray, box: Box) -> float:
    """High-frequency energy of ``box`` in ``image``: what blurring removes."""
    grey = cv2.cvtColor(image[box.top:box.bottom, box.left:box.right], cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def near(a: Box, b: Box) -> bool:
    return a.iou(b) > 0.4


# The zone itself.

def test_zone_geometry_and_the_faces_it_admits():
    assert contains(rectangle(0.2, 0.1, 0.8, 0.9), 0.5, 0.5)
    assert not contains(rectangle(0.2, 0.1, 0.8, 0.9), 0.1, 0.5)
    assert contains(rectangle(0.2, 0.1, 0.8, 0.9), 0.2, 0.5)  # the edge counts as inside
    triangle = ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0))
    assert contains(triangle, 0.2, 0.2) and not contains(triangle, 0.8, 0.8)
    size = (640, 480)
    assert ZONE.admits(Box(200, 100, 350, 250), size)
    assert not ZONE.admits(Box(200, 100, 300, 200), size)  # 100 px: standing back
    assert not ZONE.admits(Box(0, 100, 150, 250), size)  # centre left of the zone
    # On a 1280-px picture analysed at 640 px, a 200-px face is 100 analysed pixels.
    assert not ZONE.admits(Box(400, 100, 600, 300), (1280, 960), detect_scale=0.5)
    assert dataclasses.replace(ZONE, enabled=False).admits(Box(0, 0, 10, 10), size)
    boxes = [VISITOR, PASSING, STANDING_BACK]
    assert split_faces(ZONE, boxes, size) == ([VISITOR], [PASSING, STANDING_BACK])


@pytest.mark.parametrize("raw, says", [
    ([[0.1, 0.0], [0.9, 0.0]], "3 to 32 corners"),
    ([[0, 0], [1, 1], [1, 0], [0, 1]], "edges cross"),
    ([[0, 0], [1.5, 0], [1, 1]], "between 0"),
    ([[0.5, 0.5], [0.55, 0.5], [0.55, 0.55]], "too small"),
    ("left half", "[x, y] pairs"),
])
def test_bad_polygons_are_refused_with_one_sentence(tmp_path, raw, says):
    with pytest.raises(ValueError, match=says.replace("[", r"\[").replace("]", r"\]")):
        parse_polygon(raw)
    path = tmp_path / "oko.toml"
    path.write_text(f"[consent]\npolygon = {json.dumps(raw)}\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    message = str(err.value)
    assert message.startswith(f"Setting consent.polygon in the {path} is not valid")
    assert says in message
    assert "\n" not in message


def test_config_section_from_file_and_environment(tmp_path):
    assert Config().consent.enabled and Config().consent.min_face_px == 45
    path = tmp_path / "oko.toml"
    path.write_text("[consent]\nenabled = false\npolygon = [[0.2, 0], [0.8, 0], [0.8, 1], "
                    "[0.2, 1]]\nmin_face_px = 60\n")
    zone = load_config(path, environ={}).consent
    assert zone == ConsentZone(enabled=False, polygon=rectangle(0.2, 0, 0.8, 1), min_face_px=60)
    zone = load_config(None, environ={"OKO_CONSENT__POLYGON": "0.3,0 0.7,0 0.7,1 0.3,1"}).consent
    assert zone.polygon == rectangle(0.3, 0, 0.7, 1)
    with pytest.raises(ConfigError, match="consent.min_face_px"):
        load_config(None, environ={"OKO_CONSENT__MIN_FACE_PX": "-3"})


def test_described_config_reads_back_as_the_same_zone(tmp_path):
    zone = ConsentZone(enabled=False, polygon=((0.1, 0.2), (0.9, 0.1), (0.5, 0.95)),
                       min_face_px=70)
    text = describe(dataclasses.replace(Config(), consent=zone))
    assert "polygon = [[0.1, 0.2], [0.9, 0.1], [0.5, 0.95]]" in text
    path = tmp_path / "oko.toml"
    path.write_text(text)
    assert load_config(path, environ={}).consent == zone


def test_blurring_takes_the_detail_out_of_only_those_boxes():
    image = crowd_image()
    before = [laplacian_variance(image, b) for b in (VISITOR, PASSING)]
    hide_faces(image, [PASSING])
    assert laplacian_variance(image, PASSING) < before[1] / 20
    assert laplacian_variance(image, VISITOR) == pytest.approx(before[0], rel=0.2)


def test_blurring_at_the_picture_edge_and_of_odd_boxes_never_fails():
    image = crowd_image()
    before = image.copy()
    hide_faces(image, [Box(-40, -40, 60, 60), Box(600, 440, 700, 540), Box(5, 5, 5, 5),
                       Box(300, 300, 301, 301)])
    assert image.shape == before.shape and image.dtype == before.dtype
    assert not np.array_equal(image[:40, :40], before[:40, :40])  # the corner face is blurred
    assert np.array_equal(image[200:280, 200:280], before[200:280, 200:280])  # nothing else
    # A concave zone (an L along the left and bottom): its notch is outside.
    ell = ((0.0, 0.0), (0.3, 0.0), (0.3, 0.7), (1.0, 0.7), (1.0, 1.0), (0.0, 1.0))
    assert contains(ell, 0.1, 0.1) and contains(ell, 0.8, 0.9) and not contains(ell, 0.8, 0.3)


# The pipeline and the session.

def test_one_face_in_the_zone_two_outside_one_visitor_and_nothing_of_the_others(counted):
    encoder, landmarks = counted
    session = build_session(Config(consent=ZONE))
    image = crowd_image()
    for seq in range(8):
        result = session.pipeline.process(Frame(image.copy(), 0.1 * seq, seq))
        assert all(near(f.box, VISITOR) for f in result.faces), result.faces
        assert len(result.hidden) == 2
        assert any(near(b, PASSING) for b in result.hidden)
        assert any(near(b, STANDING_BACK) for b in result.hidden)
        session.dossier.record(result)
    (profile,) = session.dossier.profiles()
    assert profile.visitor_id == "V1" and profile.companions == ()
    assert encoder.boxes and all(near(b, VISITOR) for b in encoder.boxes)
    assert landmarks.boxes and all(near(b, VISITOR) for b in landmarks.boxes)
    assert [near(t.box, VISITOR) for t in session.pipeline.tracker.tracks] == [True]


def test_with_the_zone_off_everyone_is_analysed_and_linked(counted):
    encoder, _ = counted
    session = build_session(Config(consent=dataclasses.replace(ZONE, enabled=False)))
    image = crowd_image()
    for seq in range(8):
        result = session.pipeline.process(Frame(image.copy(), 0.1 * seq, seq))
        assert result.hidden == ()
        session.dossier.record(result)
    profiles = session.dossier.profiles()
    assert len(profiles) == 3 and all(len(p.companions) == 2 for p in profiles)
    assert any(near(b, STANDING_BACK) for b in encoder.boxes)


def walking_in(x: int) -> np.ndarray:
    """The backdrop with one person whose face is centred at ``x`` (150 px wide)."""
    canvas = street_backdrop()
    paste_face(canvas, "obama.jpg", face_px=150, centre=(x, 250))
    return canvas


def test_a_face_walking_into_the_zone_becomes_a_visitor_from_that_moment(counted):
    encoder, landmarks = counted
    session = build_session(Config(consent=ZONE))
    pipeline, dossier = session.pipeline, session.dossier
    entered_s = None
    for seq, x in enumerate(range(100, 400, 20)):
        now_s = 0.1 * seq
        result = pipeline.process(Frame(walking_in(x), now_s, seq))
        dossier.record(result)
        session.observe(now_s, len(result.faces))
        if x / 640 < 0.25:  # still outside: found only to be hidden
            assert result.faces == () and (seq % 3 or len(result.hidden) == 1)
            assert pipeline.tracker.tracks == () and dossier.visitor_count == 0
            assert dossier.started_s is None and not session.active
            assert encoder.boxes == [] and landmarks.boxes == []
        elif entered_s is None and result.faces:
            entered_s = now_s
    assert entered_s is not None
    (profile,) = dossier.profiles()
    assert profile.visitor_id == "V1" and profile.sightings == 1
    assert profile.first_seen_s == 0.0 and dossier.started_s == entered_s
    assert all(x >= 0.25 for _, x, _ in profile.trajectory)


def test_a_visitor_leaving_the_zone_is_hidden_in_the_very_next_frame(counted):
    encoder, _ = counted
    session = build_session(Config(consent=ZONE))
    pipeline = session.pipeline
    for seq, x in enumerate(range(320, 60, -40)):  # leaves on a frame that would only follow
        result = pipeline.process(Frame(walking_in(x), 0.1 * seq, seq))
        session.dossier.record(result)
        if x / 640 < 0.22:  # outside, whether this frame detects or would only follow
            assert result.faces == () and len(result.hidden) == 1
            # Between detections the box is where the face was last found; the blur's margin
            # covers the way walked since.
            hidden = result.hidden[0]
            reach = HIDE_MARGIN * hidden.width
            assert hidden.left - reach <= x - 70 and x + 70 <= hidden.right + reach
        elif x / 640 > 0.28:
            assert len(result.faces) == 1 and result.hidden == ()
    assert session.dossier.visitor_count == 1  # stepped in once: a visitor, then hidden
    assert all(b.center[0] / 640 > 0.25 for b in encoder.boxes)


# What the device serves.

def crowd_engine(zone: ConsentZone, mode: str = "visit") -> Engine:
    """A running engine on a camera that sees the crowd picture."""
    image = crowd_image()

    def shoot(seq: int) -> tuple[np.ndarray, None]:
        frame = image.copy()
        frame[0, 0] = seq % 256  # a real sensor is never byte-identical: not a frozen camera
        return frame, None

    source = ScriptedSource(shoot, name="crowd")
    session = build_session(Config(consent=zone, session=SessionConfig(idle_wipe_s=60.0, mode=mode)))
    engine = Engine(source, session)
    engine.start()
    return engine


def first_jpeg(client) -> np.ndarray:
    """The first picture of ``/stream.mjpg`` as served over HTTP, decoded."""
    response = client.get("/stream.mjpg")
    data = b""
    for chunk in response.response:
        data += chunk
        start, end = data.find(b"\xff\xd8"), data.find(b"\xff\xd9")
        if start >= 0 and end > start:
            break
    response.close()
    return cv2.imdecode(np.frombuffer(data[start:end + 2], np.uint8), cv2.IMREAD_COLOR)


def test_the_served_stream_blurs_the_faces_outside_and_only_those():
    original = crowd_image()
    clock = FakeClock()  # for the facilitator's login only
    with crowd_engine(ZONE) as engine:
        client = create_app(engine, pin_hash=hash_pin(PIN), clock=clock).test_client()
        wait_for(lambda: engine.snapshot().session.visitors == 1)
        wait_for(lambda: len(engine.captures[0].hidden) == 2)
        served = first_jpeg(client)
        state = client.get("/api/state").get_json()
        facilitator_login(client, clock)
        response = client.get("/facilitator/consent/picture.jpg")  # the zone editor's picture
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        editor = cv2.imdecode(np.frombuffer(response.data, np.uint8), cv2.IMREAD_COLOR)
    inner = Box(VISITOR.left + 20, VISITOR.top + 20, VISITOR.right - 20, VISITOR.bottom - 20)
    for picture in (served, editor):
        for box in (PASSING, STANDING_BACK):
            assert laplacian_variance(picture, box) < laplacian_variance(original, box) / 10
        assert laplacian_variance(picture, inner) > laplacian_variance(original, inner) / 3
    assert [v["id"] for v in state["visitors"]] == ["V1"]
    assert state["visitors"][0]["companions"] == []
    assert state["consent_zone"] == {"enabled": True, "min_face_px": 120,
                                     "polygon": [[0.25, 0.0], [0.9, 0.0], [0.9, 1.0],
                                                 [0.25, 1.0]]}


def test_workshop_with_the_zone_switched_off_analyses_people_standing_back(caplog):
    with crowd_engine(ZONE, mode="workshop") as engine:
        assert engine.start_session()
        wait_for(lambda: engine.snapshot().session.visitors == 1)
        with caplog.at_level(logging.INFO, logger="device.engine"):
            engine.set_consent_zone(dataclasses.replace(ZONE, enabled=False))
        assert engine.snapshot().consent_zone.enabled is False
        wait_for(lambda: engine.snapshot().session.visitors == 3)
        assert engine.captures[0].hidden == ()
        engine.set_consent_zone(ZONE)  # on again: the two are hidden from the next detection
        wait_for(lambda: len(engine.captures[0].hidden) == 2)
    assert [r.getMessage() for r in caplog.records if "consent" in r.getMessage()] == [
        "consent zone switched off by the facilitator"]


def test_scan_analyses_every_face_unless_asked_for_the_zone(tmp_path):
    photo = tmp_path / "crowd.png"
    cv2.imwrite(str(photo), crowd_image())
    _, (plain,) = scan_json(photo)
    assert len(plain["faces"]) == 3 and all(f["in_zone"] and f["visitor"] for f in plain["faces"])
    config = tmp_path / "oko.toml"
    config.write_text("[consent]\nenabled = false\nmin_face_px = 120\n")
    _, (zoned,) = scan_json("--config", config, "--consent-rect", "0.25,0,0.9,1", photo)
    inside = [f for f in zoned["faces"] if f["in_zone"]]
    outside = [f for f in zoned["faces"] if not f["in_zone"]]
    assert [f["visitor"] for f in inside] == ["V1"] and len(outside) == 2
    assert all(f["visitor"] is None and f["distance"] is None and f["smiling"] is None
               and f["clothing"] is None for f in outside)
    config.write_text("[consent]\nenabled = false\npolygon = [[0.25, 0], [0.9, 0], [0.9, 1], "
                      "[0.25, 1]]\nmin_face_px = 120\n")
    _, (configured,) = scan_json("--consent-zone", "--config", config, photo)
    assert [f["in_zone"] for f in configured["faces"]] == [f["in_zone"] for f in zoned["faces"]]
    bad = oko("scan", "--consent-rect", "0.5,0.5,0.52,0.52", str(photo))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().startswith("oko: --consent-rect") and "too small" in bad.stderr


def test_eval_measures_every_face_whatever_the_zone(tmp_path):
    config = tmp_path / "oko.toml"
    config.write_text("[consent]\nmin_face_px = 1000\n")  # a zone nobody could step into
    result = oko("eval", "faces", str(FACES), "--json", "--config", str(config))
    report = json.loads(result.stdout)
    (default,) = [s for s in report["scores"] if s["tolerance"] == report["tolerance"]]
    assert report["people"] == 6 and default["recall"] == 1.0
