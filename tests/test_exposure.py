"""Nobody but the exhibit's own screen (or a logged-in facilitator) sees a visitor's data.

Requests come from another device on the exhibit's network: through the WSGI environ's
``REMOTE_ADDR`` here, and end to end from a network namespace joined to the host by a veth
pair (root only; skipped with the reason where namespaces cannot be made).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dashboard import create_app
from dashboard.exposure import PUBLIC, is_loopback
from device.pin import hash_pin
from tests.helpers import (PIN, REMOTE_ADDR, FakeClock, fed_engine, log_in, start_engine,
                           wait_for)

PIN_HASH = hash_pin(PIN)
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture(scope="module")
def engine():
    """V1 (Obama) on record, with a thumbnail and a faceprint."""
    return fed_engine("obama.jpg", "obama.jpg")


def client_of(engine, address, clock=None):
    clock = clock or FakeClock()
    app = create_app(engine, pin_hash=PIN_HASH, clock=clock, login_timeout_s=60.0)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return app, client, clock


def data_paths(engine):
    token = engine.snapshot().session.token
    return token, ["/api/state", "/events", "/stream.mjpg", "/api/visitors/V1",
                   f"/api/visitors/V1/thumbnail.jpg?session={token}",
                   f"/api/visitors/V1/faceprint.svg?session={token}"]


def test_the_exhibits_own_screen_sees_everything(engine):
    _, client, _ = client_of(engine, "127.0.0.1")
    token, paths = data_paths(engine)
    assert client.get("/api/state").get_json()["session"]["token"] == token
    assert client.get(paths[4]).data[:3] == b"\xff\xd8\xff"
    assert client.get("/").status_code == 200


def test_another_device_gets_403_for_data_and_never_the_picture_token(engine):
    _, client, _ = client_of(engine, REMOTE_ADDR)
    token, paths = data_paths(engine)
    for path in paths:
        response = client.get(path, buffered=True)
        assert response.status_code == 403, path
        body = response.get_data()
        assert token.encode() not in body and b"\xff\xd8\xff" not in body[:3]
        assert b"V1" not in body and b"<rect" not in body
        response.close()
    for path in ("/", "/facilitator", "/healthz", "/static/kiosk.js", "/nope"):
        assert token.encode() not in client.get(path, headers=BROWSER).get_data()


def test_another_device_opening_the_kiosk_gets_the_login_page(engine):
    _, client, clock = client_of(engine, REMOTE_ADDR)
    for headers in (BROWSER, {}):
        page = client.get("/", headers=headers)
        text = page.get_data(as_text=True)
        assert page.status_code == 403
        assert 'name="pin"' in text and "shown only on the exhibit" in text
        assert 'id="cards"' not in text and "stream.mjpg" not in text
    # A page-like request for data also gets the login page, never the data.
    assert 'name="pin"' in client.get("/api/state", headers=BROWSER).get_data(as_text=True)
    assert client.get("/static/base.css").status_code == 200  # the login page is styled


def test_forwarding_headers_do_not_make_a_client_local(engine):
    _, client, _ = client_of(engine, REMOTE_ADDR)
    spoofed = {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1",
               "Forwarded": "for=127.0.0.1", "Host": "127.0.0.1"}
    assert client.get("/api/state", headers=spoofed).status_code == 403


def test_a_logged_in_facilitator_sees_the_data_from_the_network_until_logged_out(engine):
    _, client, clock = client_of(engine, REMOTE_ADDR)
    token = log_in(client, clock)
    picture_token, paths = data_paths(engine)
    state = client.get("/api/state").get_json()
    assert state["session"]["token"] == picture_token and state["visitors"][0]["id"] == "V1"
    assert client.get(paths[4]).data[:3] == b"\xff\xd8\xff"
    assert client.get("/", headers=BROWSER).status_code == 200
    clock.advance(61.0)  # the login expires after the idle timeout
    assert client.get("/api/state").status_code == 403
    token = log_in(client, clock)
    client.post("/facilitator/logout", data={"csrf_token": token},
                headers={"X-Requested-With": "fetch"})
    assert client.get("/api/state").status_code == 403


def test_a_facilitators_open_stream_ends_when_the_login_lapses():
    with start_engine() as running:
        _, client, clock = client_of(running, REMOTE_ADDR)
        for path in ("/stream.mjpg", "/events"):
            log_in(client, clock)
            response = client.get(path)
            assert response.status_code == 200
            parts = iter(response.response)
            assert next(parts) and next(parts)  # flowing
            clock.advance(61.0)  # the phone was left open on the kiosk: the login lapses
            with pytest.raises(StopIteration):
                next(parts)
            response.close()


def test_healthz_tells_others_only_whether_oko_is_alive(engine):
    _, remote, _ = client_of(engine, REMOTE_ADDR)
    _, local, _ = client_of(engine, "127.0.0.1")
    engine._error = "The camera picture has been frozen for 3 s."  # a stopped engine's reason
    try:
        answer = remote.get("/healthz")
        assert answer.status_code == 503 and answer.get_json() == {"status": "stopped"}
        assert "frozen" in local.get("/healthz").get_json()["error"]
    finally:
        engine._error = None


def test_every_route_but_the_public_ones_is_refused_by_default(engine):
    app, client, _ = client_of(engine, REMOTE_ADDR)
    refused = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith("facilitator."):
            continue
        path = rule.rule.replace("<visitor_id>", "V1")
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        response = client.open(path, method=method)
        refused.append(response.status_code)
        assert response.status_code == 403, (rule.rule, response.status_code)
    assert len(refused) >= 7


@pytest.mark.parametrize(("address", "local"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
    (REMOTE_ADDR, False), ("::ffff:192.0.2.7", False), ("10.0.0.5", False), ("fe80::1%eth0", False),
    ("", False), (None, False), ("localhost", False), ("not an address", False),
])
def test_loopback_is_recognised_exactly(address, local):
    assert is_loopback(address) is local


# End to end: a real `oko run --host 0.0.0.0` reached from another network namespace.

_NS_CLIENT = r"""
import http.cookiejar, json, re, sys, urllib.error, urllib.parse, urllib.request
base, pin, paths = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
opener = urllib.request.build_opener(
    urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
def get(path, **headers):
    # read1: what has arrived, so an endless stream served by mistake cannot hang the test.
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read1(1 << 20).decode("latin-1")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("latin-1")
out = {"before": {p: get(p, Accept="*/*") for p in paths}}
out["page"] = get("/", Accept="text/html")
status, page = get("/facilitator")
csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
form = urllib.parse.urlencode({"pin": pin, "csrf_token": csrf}).encode()
login = urllib.request.Request(base + "/facilitator/login", data=form,
                               headers={"X-Requested-With": "fetch"})
with opener.open(login, timeout=10) as response:
    out["login"] = response.status
with opener.open(base + "/api/state", timeout=10) as response:
    out["after"] = [response.status, response.read().decode("utf-8")]
print(json.dumps(out))
"""


@pytest.fixture
def namespace():
    """A network namespace joined to the host by a veth pair; (namespace, host address)."""
    if os.geteuid() != 0:
        pytest.skip("making a network namespace needs root (CI runs the tests as root)")
    tag = os.getpid() % 100_000
    name, host_if, ns_if = f"okotest{tag}", f"okh{tag}", f"okn{tag}"
    subnet = f"10.{100 + tag // 250 % 150}.{tag % 250}"  # one /30 per test process
    steps = [
        ["ip", "netns", "add", name],
        ["ip", "link", "add", host_if, "type", "veth", "peer", "name", ns_if],
        ["ip", "link", "set", ns_if, "netns", name],
        ["ip", "addr", "add", f"{subnet}.1/30", "dev", host_if],
        ["ip", "link", "set", host_if, "up"],
        ["ip", "netns", "exec", name, "ip", "addr", "add", f"{subnet}.2/30", "dev", ns_if],
        ["ip", "netns", "exec", name, "ip", "link", "set", ns_if, "up"],
        ["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"],
    ]
    try:
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=20)
            if done.returncode != 0:
                pytest.skip(f"cannot make a network namespace here: {' '.join(step)}: "
                            f"{done.stderr.strip()}")
        yield name, f"{subnet}.1"
    except FileNotFoundError:
        pytest.skip("iproute2 ('ip') is not installed; scripts/setup.sh --test installs it")
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=20)
        subprocess.run(["ip", "link", "del", host_if], capture_output=True, timeout=20)


def test_from_another_machine_end_to_end(namespace, live_oko):
    name, host_address = namespace
    oko = live_oko("--source", "demo", "--host", "0.0.0.0",
                   env={"OKO_DASHBOARD__PIN_HASH": PIN_HASH})
    local = wait_for(lambda: (state := _local_state(oko.url))["visitors"] and state, 40)
    token = local["session"]["token"]
    paths = ["/api/state", "/events", "/stream.mjpg", "/api/visitors/V1",
             f"/api/visitors/V1/thumbnail.jpg?session={token}",
             f"/api/visitors/V1/faceprint.svg?session={token}", "/healthz"]
    done = subprocess.run(
        ["ip", "netns", "exec", name, sys.executable, "-c", _NS_CLIENT,
         f"http://{host_address}:{oko.port}", PIN, json.dumps(paths)],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    for path in paths[:-1]:
        status, body = seen["before"][path]
        assert status == 403, (path, status)
        assert token not in body and "V1" not in body
    assert seen["before"]["/healthz"] == [200, '{"status":"ok"}\n']
    status, page = seen["page"]
    assert status == 403 and 'name="pin"' in page and token not in page
    assert seen["login"] == 200
    status, body = seen["after"]
    assert status == 200 and json.loads(body)["session"]["token"] == token


def _local_state(url):
    import urllib.request

    with urllib.request.urlopen(url + "/api/state", timeout=5) as response:
        return json.load(response)
