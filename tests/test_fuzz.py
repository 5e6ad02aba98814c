"""Over a thousand malformed requests to every route: no 5xx, no traceback, engine unharmed."""

import io
import random
import time

import pytest

from dashboard import create_app
from device.pin import hash_pin
from tests.helpers import FACES, PIN, REMOTE_ADDR, log_in, start_engine

STREAMING = {"/stream.mjpg", "/events"}
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
JUNK_SEGMENTS = ["..", "%2e%2e", "%00", "V1", "V999", "-1", "0", "x" * 300, "%ff%fe", "😀",
                 "<script>", "'; DROP TABLE", "..%2f..%2fetc%2fpasswd", "a/b/c", "thumb.jpg"]
BODIES = [b"", b"{", b'{"tolerance": "high"}', b'{"tolerance": 1e999}', b"[]", b"null",
          b'{"label": ' + b'"x' * 5000 + b'}', b"\x00\xff" * 100, b"pin=&csrf_token=",
          b"pin=1234&pin=5678", b"tolerance=abc", b"label=&visitor=V1", b"a" * 200_000]
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain",
                 "multipart/form-data; boundary=xyz", "image/png", ""]


@pytest.fixture(scope="module")
def engine():
    with start_engine() as engine:
        yield engine


def rule_paths(app):
    paths = set()
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", "V1").replace(f"<string:{arg}>", "V1")
        paths.add(path.split("<")[0])
    return sorted(paths)


def test_a_thousand_malformed_requests(engine):
    app = create_app(engine)
    client = app.test_client()
    rng = random.Random(20261124)
    paths = rule_paths(app)
    assert "/api/state" in paths and "/" in paths
    statuses = []
    for i in range(1200):
        base = rng.choice(paths + ["/nope", "/api", "/static/../device/cli.py"])
        if rng.random() < 0.5:
            base = base.rstrip("/") + "/" + "/".join(rng.choices(JUNK_SEGMENTS, k=rng.randint(1, 3)))
        query = "&".join(f"{rng.choice(['lang', 'id', 'step', 'tolerance', 'x'])}="
                         f"{rng.choice(JUNK_SEGMENTS)}" for _ in range(rng.randint(0, 3)))
        method = rng.choice(METHODS)
        if base in STREAMING and method in ("GET", "HEAD"):
            method = "POST"  # the endless streams are exercised by the live-server tests
        response = client.open(
            base + ("?" + query if query else ""), method=method,
            data=rng.choice(BODIES), content_type=rng.choice(CONTENT_TYPES),
            headers={"X-CSRF-Token": rng.choice(["", "x", "0" * 64])},
        )
        body = response.get_data()
        statuses.append(response.status_code)
        assert response.status_code < 500, (method, base, response.status_code)
        assert b"Traceback" not in body and b'File "' not in body
        response.close()
    assert len(statuses) >= 1000
    assert any(400 <= s < 500 for s in statuses)
    assert engine.running
    analysed = engine.snapshot().health.frames_analysed
    deadline = time.monotonic() + 10
    while engine.snapshot().health.frames_analysed <= analysed and time.monotonic() < deadline:
        time.sleep(0.05)
    assert engine.snapshot().health.frames_analysed > analysed  # still analysing


FORM_VALUES = ["", "1", "0", "V1", "V999", "visit", "workshop", "sr", "en", "xx", "next", "goto",
               "start", "stop", "back", "detect", "scale", "nope", "0.55", "0.2", "0.9", "-1",
               "nan", "inf", "1e999", "abc", "x" * 300, "😀", "<script>", "on", "yes"]
FORM_FIELDS = ["label", "visitor_id", "consent", "mode", "paused", "tolerance", "language",
               "action", "step", "pin", "photo", "x"]


def facilitator_posts(app):
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/facilitator/") and "POST" in rule.methods
                  and rule.rule not in ("/facilitator/logout", "/facilitator/login"))


def test_every_facilitator_form_fuzzed_logged_in_with_a_valid_csrf_token(engine):
    """The handlers behind the login and the CSRF check: malformed forms from a facilitator
    who is logged in get a 4xx with a sentence or do the action, never a 5xx."""
    app = create_app(engine, pin_hash=hash_pin(PIN))
    client = app.test_client()
    token = log_in(client)
    rng = random.Random(20261203)
    paths = facilitator_posts(app)
    assert {"/facilitator/watchlist/enrol", "/facilitator/tolerance", "/facilitator/lesson",
            "/facilitator/mode", "/facilitator/pause", "/facilitator/wipe"} <= set(paths)
    photo = (FACES / "obama.jpg").read_bytes()
    handled = {path: set() for path in paths}
    for i in range(400):
        path = rng.choice(paths)
        form = {name: rng.choice(FORM_VALUES) for name in rng.sample(FORM_FIELDS, rng.randint(0, 5))}
        form["csrf_token"] = token
        if path.endswith("/enrol") and rng.random() < 0.5:
            body = rng.choice([photo, photo[: len(photo) // 3], b"GIF89a" + b"\x00" * 50, b""])
            form["photo"] = (io.BytesIO(body), rng.choice(["face.jpg", "x.png", "", "a" * 200]))
        headers = {"X-Requested-With": "fetch"} if rng.random() < 0.5 else {}
        response = client.post(path, data=form, headers=headers)
        body = response.get_data()
        assert response.status_code < 500, (path, form, response.status_code)
        assert b"Traceback" not in body and b'File "' not in body
        assert response.status_code != 401 and b"security token" not in body, \
            "the login or the valid CSRF token was refused: the handler was never fuzzed"
        handled[path].add(response.status_code)
    assert all(codes for codes in handled.values())  # every handler was reached
    assert any(code < 400 for codes in handled.values() for code in codes)  # actions ran
    client.post("/facilitator/pause", data={"csrf_token": token, "paused": "0"})
    client.post("/facilitator/mode", data={"csrf_token": token, "mode": "visit"})
    assert client.get("/facilitator/api/status").status_code == 200  # still logged in
    analysed = engine.snapshot().health.frames_analysed
    deadline = time.monotonic() + 20
    while engine.snapshot().health.frames_analysed <= analysed and time.monotonic() < deadline:
        time.sleep(0.05)
    assert engine.running and engine.snapshot().health.frames_analysed > analysed


def test_requests_from_the_network_are_refused_cleanly(engine):
    app = create_app(engine, pin_hash=hash_pin(PIN))
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = REMOTE_ADDR
    rng = random.Random(7)
    for _ in range(200):
        path = rng.choice(rule_paths(app) + ["/nope"])
        method = rng.choice(METHODS)
        response = client.open(path, method=method, data=rng.choice(BODIES),
                               content_type=rng.choice(CONTENT_TYPES))
        assert response.status_code < 500 and b"Traceback" not in response.get_data()
        response.close()
