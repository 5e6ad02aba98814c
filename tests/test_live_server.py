"""A real ``oko run`` on the demo source, checked over HTTP as the kiosk browser sees it."""

import json
import time
import urllib.request

import cv2
import numpy as np

_BOX_BGR = np.array([40, 40, 230])


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.headers["Content-Type"].startswith("application/json")
        return json.load(response)


def mjpeg_frames(url, count):
    """Read ``count`` JPEG parts from a multipart stream; return (content type, images)."""
    images = []
    with urllib.request.urlopen(url, timeout=10) as response:
        content_type = response.headers["Content-Type"]
        while len(images) < count:
            line = response.readline()
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
                response.readline()  # blank line ending the part headers
                data = response.read(length)
                images.append(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))
    return content_type, images


def box_pixels(image):
    """How many pixels have the colour of a visitor box (the raw clip has at most 6)."""
    return int((np.abs(image.astype(int) - _BOX_BGR).max(axis=2) < 35).sum())


def test_demo_face_gets_a_box_and_a_visitor_label(live_oko):
    oko = live_oko("--source", "demo")
    deadline = time.monotonic() + 40
    state = get_json(oko.url + "/api/state")
    while not any(f["visitor_id"] for f in state["faces"]) and time.monotonic() < deadline:
        time.sleep(0.2)
        state = get_json(oko.url + "/api/state")
    labelled = [f for f in state["faces"] if f["visitor_id"]]
    assert labelled, state
    assert labelled[0]["visitor_id"].startswith("V")
    assert {"session", "visitors", "plates", "health"} <= state.keys()
    assert any(v["id"] == labelled[0]["visitor_id"] for v in state["visitors"])
    assert state["health"]["camera"] == "demo" and state["health"]["fps"] > 0

    content_type, images = mjpeg_frames(oko.url + "/stream.mjpg", 20)
    assert content_type.startswith("multipart/x-mixed-replace")
    assert all(image is not None and image.shape == (360, 640, 3) for image in images)
    assert max(box_pixels(image) for image in images) > 200
    assert all(image.any() for image in images)  # our copies are zeroed after sending, not before

    token, visitor = state["session"]["token"], labelled[0]["visitor_id"]
    with urllib.request.urlopen(f"{oko.url}/api/visitors/{visitor}/thumbnail.jpg?session={token}",
                                timeout=5) as response:
        face = cv2.imdecode(np.frombuffer(response.read(), np.uint8), cv2.IMREAD_COLOR)
    assert face is not None and face.shape == (128, 128, 3) and face.std() > 10  # a real face


def test_healthz_and_kiosk_page(live_oko):
    oko = live_oko("--source", "demo")
    assert get_json(oko.url + "/healthz") == {"status": "ok"}
    with urllib.request.urlopen(oko.url + "/", timeout=5) as response:
        page = response.read().decode()
        csp = response.headers["Content-Security-Policy"]
    assert 'src="/stream.mjpg"' in page and "default-src 'self'" in csp
    assert "http://" not in page and "https://" not in page  # nothing remote


def test_sigterm_stops_and_wipes(live_oko):
    oko = live_oko("--source", "demo")
    deadline = time.monotonic() + 40
    while not get_json(oko.url + "/api/state")["visitors"] and time.monotonic() < deadline:
        time.sleep(0.2)
    code, out, err = oko.stop()
    assert code == 0
    assert "Wiped 1 visitor(s)" in out or "Wiped 2 visitor(s)" in out or "Wiped 3" in out
    assert "Traceback" not in err


def test_server_sent_events_carry_the_state(live_oko):
    oko = live_oko("--source", "demo")
    with urllib.request.urlopen(oko.url + "/events", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        events = []
        while len(events) < 2:
            line = response.readline().decode()
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    assert all({"session", "visitors", "plates", "health"} <= e.keys() for e in events)
    assert events[1]["health"]["uptime_s"] > events[0]["health"]["uptime_s"]
