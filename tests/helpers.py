"""Shared test helpers: real images from tests/data, frames, engines, free ports, a live
``oko run``, the ``oko`` command, and a real engine fed photos by hand for dashboard tests.

Test modules import helpers from here only, never from one another; fixtures are in
``conftest.py``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import cv2
import numpy as np

from device.assembly import build_engine, build_session
from device.camera import DemoSource
from device.config import Config, SessionConfig
from device.engine import Engine
from recognition.faces.api import detect_faces, encode_faces
from recognition.pipeline import RecognitionSettings
from recognition.types import Frame

DATA = Path(__file__).parent / "data"
FACES = DATA / "faces"
REPO = Path(__file__).parent.parent


def load_bgr(name: str) -> np.ndarray:
    """A test image from tests/data/faces as a BGR array, as a camera would deliver it."""
    image = cv2.imread(str(FACES / name), cv2.IMREAD_COLOR)
    assert image is not None, f"missing test image {name}"
    return image


def frame_of(name: str, *, seq: int = 0, at_s: float = 0.0, width: int | None = None) -> Frame:
    """A :class:`Frame` showing the test image ``name``, optionally resized to ``width``."""
    image = load_bgr(name)
    if width is not None:
        height = round(image.shape[0] * width / image.shape[1])
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    return Frame(image=image, captured_s=at_s, seq=seq)


def wait_for(predicate, timeout_s: float = 30.0):
    """Poll ``predicate`` until it returns something truthy; return that, or fail the test."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def start_engine(source=None, *, settings=None, idle_wipe_s: float = 60.0,
                 mode: str = "visit") -> Engine:
    """A running :class:`Engine` built as ``oko run`` builds it, on ``source`` (default: the
    demo clip), opened here. Use it as ``with start_engine() as engine:`` to stop it."""
    source = source or DemoSource()
    source.open()
    config = Config(recognition=settings or RecognitionSettings(),
                    session=SessionConfig(idle_wipe_s=idle_wipe_s, mode=mode))
    engine = build_engine(config, source)
    engine.start()
    return engine


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveOko:
    """An ``oko run`` process serving on a free port, stopped with SIGTERM at the end."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "device.cli", "run", "--port", str(self.port), *args],
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        """Wait until /healthz answers 200."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"oko exited: {self.proc.communicate()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise AssertionError("oko did not become healthy")

    def stop(self) -> tuple[int, str, str]:
        """SIGTERM the process; return (exit code, stdout, stderr)."""
        if self.proc.poll() is None:
            self.proc.terminate()
        out, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, out, err


def encoding(name: str, index: int = 0) -> np.ndarray:
    """The faceprint of the ``index``-th face from the left in test photo ``name``."""
    image = cv2.cvtColor(load_bgr(name), cv2.COLOR_BGR2RGB)
    boxes = sorted(detect_faces(image), key=lambda b: b.left)
    return encode_faces(image, [boxes[index]])[0]


OKO = Path(sys.executable).with_name("oko")


def oko(*args, env=None, timeout=60) -> subprocess.CompletedProcess:
    """Run the installed ``oko`` command in the repository; capture its output as text."""
    return subprocess.run(
        [str(OKO), *args], cwd=REPO, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def assert_one_clear_line(result, *fragments) -> None:
    """``oko`` failed with exactly one ``oko: …`` line holding ``fragments``, no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("oko: ")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0]


#: The facilitator PIN of the dashboard tests.
PIN = "2468"
START_S = 1000.0


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self, now_s: float = START_S):
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s

    def advance(self, seconds: float) -> None:
        self.now_s += seconds


def fed_engine(*photos: str, clock: FakeClock | None = None, mode: str = "visit",
               source=None, gap_s: float = 0.2) -> Engine:
    """An engine (not started) whose session has analysed ``photos`` as frames ``gap_s``
    apart (0.2: consecutive frames; over a second: separate visits); ``source`` (default:
    the demo clip) is what it analyses once started."""
    clock = clock or FakeClock()
    session = build_session(Config(session=SessionConfig(idle_wipe_s=60.0, mode=mode)))
    engine = Engine(source or DemoSource(), session, clock=clock)
    feed(engine, *photos, gap_s=gap_s)
    return engine


def feed(engine: Engine, *photos: str, gap_s: float = 0.2) -> None:
    """Run ``photos`` through the engine's pipeline into its session, ``gap_s`` apart."""
    clock = engine._clock
    for seq, name in enumerate(photos):
        clock.advance(gap_s)
        frame = frame_of(name, seq=seq, at_s=clock(), width=640)
        result = engine.session.pipeline.process(frame)
        engine.session.dossier.record(result)
        engine.session.observe(clock(), len(result.faces))


def csrf_from(page: str) -> str:
    """The CSRF token in a rendered facilitator page (meta tag or hidden field)."""
    match = re.search(r'name="csrf[-_]token" (?:content|value)="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def paste_face(canvas: np.ndarray, name: str, *, face_px: int, centre: tuple[int, int]) -> None:
    """Paste the largest face of test photo ``name`` (head and some shoulder) into ``canvas``,
    scaled so its face box is about ``face_px`` wide, centred on ``centre`` (x, y)."""
    image = load_bgr(name)
    box = detect_faces(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))[0]
    margin = box.width * 0.35
    x0, y0 = max(0, round(box.left - margin)), max(0, round(box.top - margin))
    x1 = min(image.shape[1], round(box.right + margin))
    y1 = min(image.shape[0], round(box.bottom + margin))
    scale = face_px / box.width
    patch = cv2.resize(image[y0:y1, x0:x1], None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    # Place the face box's centre (not the patch's) on ``centre``.
    fx = round(((box.left + box.right) / 2 - x0) * scale)
    fy = round(((box.top + box.bottom) / 2 - y0) * scale)
    left, top = centre[0] - fx, centre[1] - fy
    h, w = patch.shape[:2]
    ch, cw = canvas.shape[:2]
    a, b = max(0, -top), max(0, -left)
    canvas[max(0, top):min(ch, top + h), max(0, left):min(cw, left + w)] = \
        patch[a:a + min(ch, top + h) - max(0, top), b:b + min(cw, left + w) - max(0, left)]


#: Where the faces of :func:`crowd_image` are: (photo, face width px, centre) — the visitor
#: who stepped in, someone passing at the edge, and someone standing back.
CROWD = (("obama.jpg", 150, (280, 250)), ("biden.jpg", 120, (80, 250)),
         ("kit_harington2.jpeg", 95, (480, 140)))


def street_backdrop() -> np.ndarray:
    """A 640×480 softened street scene with no face in it (a parked car from tests/data), so
    blurring is measured against real texture and no detector finds anyone in the background."""
    backdrop = cv2.resize(cv2.imread(str(DATA / "plates" / "1.jpg")), (640, 480),
                          interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(backdrop, (0, 0), 6)


def crowd_image() -> np.ndarray:
    """A 640×480 BGR picture of three real faces from tests/data (see :data:`CROWD`)."""
    canvas = street_backdrop()
    for name, face_px, centre in CROWD:
        paste_face(canvas, name, face_px=face_px, centre=centre)
    return canvas


def write_clip(path: Path, scenes, *, fps: float = 15.0, size=(640, 480)) -> Path:
    """Write a video of ``scenes``: ``(photo name or None, seconds)`` each, the photo (from
    tests/data/faces) on a grey street, or the empty street for ``None``. Every frame gets a
    little noise, as a live sensor has (an unchanging picture reads as a frozen camera)."""
    rng = np.random.default_rng(0)
    width, height = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    assert writer.isOpened(), "OpenCV cannot write mp4v here"
    for name, seconds in scenes:
        canvas = np.full((height, width, 3), 90, np.uint8)
        if name is not None:
            photo = load_bgr(name)
            scale = min(width * 0.6 / photo.shape[1], height * 0.8 / photo.shape[0])
            photo = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            top, left = (height - photo.shape[0]) // 2, (width - photo.shape[1]) // 2
            canvas[top:top + photo.shape[0], left:left + photo.shape[1]] = photo
        for _ in range(round(seconds * fps)):
            noise = rng.integers(-3, 4, canvas.shape, dtype=np.int16)
            writer.write(np.clip(canvas.astype(np.int16) + noise, 0, 255).astype(np.uint8))
    writer.release()
    return path


def start_city(*sources, places=None, settings=None, idle_wipe_s: float = 60.0,
               events=None) -> Engine:
    """A running engine with several cameras, built as ``oko run`` builds it: ``sources`` are
    frame sources (opened here) at ``places`` (default: the default places)."""
    from device.places import resolve_cameras

    names = [spec.place for spec in resolve_cameras(["demo"] * len(sources), places or ())]
    for source in sources:
        if not source.is_open:
            source.open()
    config = Config(recognition=settings or RecognitionSettings(),
                    session=SessionConfig(idle_wipe_s=idle_wipe_s))
    engine = build_engine(config, list(zip(names, sources)), events=events)
    engine.start()
    return engine


def facilitator_login(client, clock: FakeClock, pin: str = PIN) -> str:
    """Log a Flask test client in as facilitator; return its CSRF token."""
    token = csrf_from(client.get("/facilitator").get_data(as_text=True))
    clock.advance(2.0)  # past the one-attempt-a-second limit
    response = client.post("/facilitator/login", data={"pin": pin, "csrf_token": token},
                           headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return csrf_from(client.get("/facilitator").get_data(as_text=True))


def small_faces_frame(names: list[str], *, face_px: int,
                      size: tuple[int, int] = (640, 480)) -> tuple[np.ndarray, list]:
    """A BGR frame of ``size`` with the face of each test photo in ``names`` shrunk so its
    dlib (HOG) box is ``face_px`` wide, laid out in a grid on a grey wall, as people standing
    a few metres from the camera; returns it and the faces' dlib-style boxes (expected)."""
    from recognition.types import Box

    width, height = size
    canvas = np.full((height, width, 3), 110, np.uint8)
    columns = max(1, min(len(names), width // (face_px * 2)))
    cell_w, cell_h = width // columns, height // -(-len(names) // columns)
    boxes = []
    for n, name in enumerate(names):
        image = load_bgr(name)
        (face,) = sorted(detect_faces(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), model="hog",
                                      upsample=1), key=lambda b: -b.area)[:1]
        scale = face_px / face.width
        margin = face.width // 2
        top, left = max(0, face.top - margin), max(0, face.left - margin)
        patch = image[top:face.bottom + margin, left:face.right + margin]
        patch = cv2.resize(patch, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        ph, pw = min(patch.shape[0], cell_h), min(patch.shape[1], cell_w)
        x0, y0 = (n % columns) * cell_w, (n // columns) * cell_h
        canvas[y0:y0 + ph, x0:x0 + pw] = patch[:ph, :pw]
        fx, fy = x0 + round((face.left - left) * scale), y0 + round((face.top - top) * scale)
        boxes.append(Box(fx, fy, fx + round(face.width * scale), fy + round(face.height * scale)))
    return canvas, boxes


# Browser tests: Debian's Chromium driven by Python playwright, against a server in this process.

CHROMIUM = os.environ.get("OKO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREEN = {"width": 1920, "height": 1080}


def shot(page, name: str) -> None:
    """Keep a screenshot of ``page`` in tests/artifacts/ as ``name``.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on ``page`` as it is now (the shared browser
    ``context`` fixture preloads axe-core from tests/vendor/)."""
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id}: ${v.help} `
                 + `(${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
    }""")


class ServedApp:
    """The dashboard around ``engine`` (started or not) on a free port of this process.

    Use as ``with ServedApp(engine, pin_hash=...) as app:``; stops the server (not the engine).
    """

    def __init__(self, engine: Engine, **options):
        import threading

        from werkzeug.serving import make_server

        from dashboard import create_app

        self.engine = engine
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.server = make_server("127.0.0.1", port, create_app(engine, **options),
                                  threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def __enter__(self) -> "ServedApp":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def still_source(*names: str, width: int = 640, name: str = "scripted"):
    """A camera filming the test photos ``names`` side by side, at ~30 fps, for ever.

    The frames are real photos from tests/data, so the whole pipeline runs as on a camera.
    """
    from tests.fakes import ScriptedSource

    tiles = [load_bgr(n) for n in names]
    height = min(t.shape[0] for t in tiles)
    row = np.hstack([cv2.resize(t, (round(t.shape[1] * height / t.shape[0]), height))
                     for t in tiles])
    row = cv2.resize(row, (width, round(row.shape[0] * width / row.shape[1])))
    return ScriptedSource(lambda seq: (row.copy(), None), name=name)


def kiosk_page(context, url: str, *, wait_for: str | None = None, timeout_ms: float = 45_000):
    """A new page of ``context`` on the kiosk at ``url`` (path and query included).

    Waits only for the response to start (the MJPEG stream never finishes loading), then, with
    ``wait_for``, for that selector to be visible.
    """
    page = context.new_page()
    page.goto(url, wait_until="commit")
    if wait_for is not None:
        page.wait_for_selector(wait_for, timeout=timeout_ms)
    return page


def facilitator_page(context, url: str):
    """A page of ``context`` logged in to the facilitator console with :data:`PIN`."""
    page = context.new_page()
    page.goto(f"{url}/facilitator")
    page.fill("#pin", PIN)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#stats dt")
    return page


#: An address of a device elsewhere on the exhibit's network (TEST-NET-1, RFC 5737).
REMOTE_ADDR = "192.0.2.7"


def log_in(client, clock: FakeClock | None = None, pin: str = PIN) -> str:
    """Log ``client`` in as the facilitator; return the CSRF token of its session."""
    token = csrf_from(client.get("/facilitator").get_data(as_text=True))
    if clock is not None:
        clock.advance(2.0)  # past the one-attempt-a-second limit
    response = client.post("/facilitator/login", data={"pin": pin, "csrf_token": token},
                           headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return csrf_from(client.get("/facilitator").get_data(as_text=True))


class PlateHeldUp:
    """The demo clip with a prop licence plate held up in its bottom-right corner: a session
    with faces and a car, so plate detection and Tesseract run as they do live."""

    def __init__(self, text: str = "BG123AB", width_px: int = 240):
        from device.tools.props import plate_bgr

        self._inner = DemoSource()
        self.name = "demo with a plate"
        self.text = text
        self._plate = plate_bgr(text, width_px=width_px)

    def open(self) -> None:
        """Open the demo clip."""
        self._inner.open()

    def read(self) -> Frame:
        """The clip's next frame with the plate in it."""
        frame = self._inner.read()
        h, w = self._plate.shape[:2]
        height, width = frame.image.shape[:2]
        frame.image[height - h - 10:height - 10, width - w - 10:width - 10] = self._plate
        return frame

    def close(self) -> None:
        """Close the demo clip."""
        self._inner.close()

    @property
    def is_open(self) -> bool:
        """Whether frames can be read."""
        return self._inner.is_open


def scan_json(*args, final=False):
    """Run ``oko scan --json``; return the result and its records (and with ``final`` the
    last line's map of every visitor number printed to its final number, checked here)."""
    result = oko("scan", "--json", *map(str, args))
    *records, last = [json.loads(line) for line in result.stdout.splitlines()]
    printed = {f["visitor"] for r in records for f in r.get("faces", []) if f["visitor"]}
    assert set(last) == {"final"} and set(last["final"]) == printed
    return (result, records, last["final"]) if final else (result, records)
