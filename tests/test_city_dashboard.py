"""The city on the dashboard: /api/state's cameras and routes, each camera's picture, the
big picture of another camera, and the facilitator's marker (PIN, CSRF, consent)."""

import cv2
import numpy as np
import pytest

from dashboard import create_app
from device.camera import DemoSource
from device.pin import hash_pin
from recognition.pipeline import RecognitionSettings
from tests.helpers import FakeClock, facilitator_login, fed_engine, start_city, wait_for

JSON = {"X-Requested-With": "fetch"}


# Engines fed by hand first: dlib must not run in two engines at once, and the city
# engine below runs until the end of the module.

def test_with_one_camera_the_state_has_one_camera_and_routes_of_one_place():
    engine = fed_engine("two_people.jpg", "two_people.jpg")
    state = create_app(engine).test_client().get("/api/state").get_json()
    assert [(c["id"], c["place"], c["ok"]) for c in state["cameras"]] == [("C1", "Brankov most", True)]
    assert [leg["camera"] for leg in state["visitors"][0]["route"]] == ["C1"]
    (companion,) = state["visitors"][0]["companions"]
    assert companion["cameras"] == ["C1"] and companion["seen_at"] == ["Brankov most"]


def test_the_marker_needs_the_pin_the_csrf_token_and_consent():
    clock = FakeClock()
    engine = fed_engine("obama.jpg", "obama.jpg", clock=clock)
    client = create_app(engine, pin_hash=hash_pin("2468"), clock=clock).test_client()
    assert client.post("/facilitator/marker", data={"visitor_id": "V1", "action": "mark",
                                                    "consent": "yes"}, headers=JSON).status_code == 401
    token = facilitator_login(client, clock)

    def post(**data):
        return client.post("/facilitator/marker", data={"csrf_token": token, **data}, headers=JSON)

    assert client.post("/facilitator/marker", data={"visitor_id": "V1", "action": "mark",
                                                    "consent": "yes"}, headers=JSON).status_code == 400
    no_consent = post(visitor_id="V1", action="mark")
    assert no_consent.status_code == 400 and "consent" in no_consent.get_json()["error"]
    assert post(visitor_id="V7", action="mark", consent="yes").status_code == 404
    assert post(visitor_id="", action="mark", consent="yes").status_code == 400
    assert post(visitor_id="V1", action="follow", consent="yes").status_code == 400
    done = post(visitor_id="V1", action="mark", consent="yes")
    assert done.status_code == 200 and "V1" in done.get_json()["message"]
    assert client.get("/api/state").get_json()["marked"] == ["V1"]
    page = client.get("/facilitator").get_data(as_text=True)
    assert 'id="marker"' in page and "V1" in page
    assert post(visitor_id="V1", action="unmark").status_code == 200
    assert post(visitor_id="V1", action="unmark").status_code == 404
    assert client.get("/api/state").get_json()["marked"] == []
    post(visitor_id="V1", action="mark", consent="yes")
    engine.wipe(reason="test")
    assert client.get("/api/state").get_json()["marked"] == []  # marks end with the session


@pytest.fixture(scope="module")
def city():
    """Two demo cameras (the clip, and the clip 4.5 s later) at two places, served."""
    with start_city(DemoSource(), DemoSource(copy=2),
                    settings=RecognitionSettings(plates=False)) as engine:
        yield engine, create_app(engine).test_client()


def test_state_lists_the_cameras_and_each_visitors_route(city):
    engine, client = city
    state = wait_for(lambda: (s := client.get("/api/state").get_json())["visitors"] and s, 40.0)
    assert [(c["id"], c["place"], c["ok"]) for c in state["cameras"]] == [
        ("C1", "Brankov most", True), ("C2", "Gazela", True)]
    assert [c["name"] for c in state["cameras"]] == ["demo", "demo 2"]
    assert all(0 <= c["map"][0] <= 1 and 0 <= c["map"][1] <= 1 for c in state["cameras"])
    for visitor in state["visitors"]:
        for leg in visitor["route"]:
            assert leg["camera"] in ("C1", "C2")
            assert leg["place"] == {"C1": "Brankov most", "C2": "Gazela"}[leg["camera"]]
            assert leg["first_seen_s"] <= leg["last_seen_s"]
    assert state["police_list"]["count"] == 661 and "pink.rs" in state["police_list"]["source"]
    assert state["marked"] == [] and state["announcements"] == []


def test_each_camera_has_a_picture_and_the_big_picture_can_show_another(city):
    engine, client = city
    for camera in ("C1", "C2"):
        response = wait_for(lambda: (r := client.get(f"/api/cameras/{camera}.jpg")).status_code == 200
                            and r, 10.0)
        image = cv2.imdecode(np.frombuffer(response.data, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape[1] == 320 and response.headers["Cache-Control"] == "no-store"
    for bad in ("C9", "X1", "C1%00", "c1"):
        assert client.get(f"/api/cameras/{bad}.jpg").status_code == 404
    seq, data = engine.wait_jpeg(-1, timeout_s=5, camera="C2")
    assert data[:2] == b"\xff\xd8"
    response = client.get("/stream.mjpg?camera=C2")
    chunk = next(response.response)
    assert b"Content-Type: image/jpeg" in chunk
    response.close()


def test_the_facilitator_sees_each_camera_with_its_place_and_state(city):
    engine, _ = city
    clock = FakeClock()
    client = create_app(engine, pin_hash=hash_pin("2468"), clock=clock).test_client()
    facilitator_login(client, clock)
    rows = client.get("/facilitator/api/status").get_json()["rows"]["health"]
    labels = [label for label, _ in rows]
    assert "Cameras C1 · Brankov most" in labels and "Cameras C2 · Gazela" in labels
    assert dict(rows)["Cameras C2 · Gazela"].startswith("demo 2 · ")
