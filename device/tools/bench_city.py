"""``oko bench``'s figures for several cameras: analysed frames/s of each of two 640×480
cameras sharing the one analysis thread, and how soon a route reaches the kiosk.

The cameras are replayed from RAM (frames composed from the clip's face, as the bench's
crowd figures are), through the real engine and the real dashboard app, so the figures
include capture, the turn-taking and the server-sent events the kiosk listens to.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Callable, Sequence

import numpy as np

from device.assembly import build_engine
from device.config import Config, SessionConfig
from device.engine import Engine
from recognition.pipeline import RecognitionSettings
from recognition.types import Frame

#: A Raspberry Pi 5 core is taken as about a third of this machine's, a Pi 4 core as about a
#: seventh, for this compute-bound code (the README's projection for one camera).
PI5_SHARE, PI4_SHARE = 1 / 3, 1 / 7


class MemorySource:
    """A camera replaying frames held in RAM at ``fps``, looping; ``switch`` (a callable
    returning True) makes it show ``later`` frames instead, as when someone walks in."""

    def __init__(self, frames: Sequence[np.ndarray], *, name: str, fps: float = 30.0,
                 later: Sequence[np.ndarray] | None = None,
                 switch: Callable[[], bool] = lambda: False):
        self.name = name
        self._frames, self._later, self._switch = frames, later, switch
        self._fps = fps
        self._seq = 0
        self._due_s = 0.0
        self._open = False
        self.switched_s: float | None = None  # when the first ``later`` frame was delivered

    def open(self) -> None:
        """Start delivering frames."""
        self._open, self._due_s = True, time.monotonic()

    @property
    def is_open(self) -> bool:
        """Whether frames can be read."""
        return self._open

    def read(self) -> Frame:
        """The next frame, paced at ``fps``; a copy, since the engine zeroes frames."""
        now = time.monotonic()
        if self._due_s > now:
            time.sleep(self._due_s - now)
        self._due_s = max(self._due_s, now - 1.0) + 1.0 / self._fps
        frames = self._frames
        if self._later is not None and self._switch():
            frames = self._later
            if self.switched_s is None:
                self.switched_s = time.monotonic()
        frame = Frame(frames[self._seq % len(frames)].copy(), time.monotonic(), self._seq)
        self._seq += 1
        return frame

    def close(self) -> None:
        """Stop delivering."""
        self._open = False


def empty_street(count: int = 30) -> list[np.ndarray]:
    """640×480 frames of nobody, each with a little sensor noise (a still reads as frozen)."""
    rng = np.random.default_rng(0)
    return [np.clip(60 + rng.integers(-3, 4, (480, 640, 3)), 0, 255).astype(np.uint8)
            for _ in range(count)]


def _engine(sources: Sequence[MemorySource], settings: RecognitionSettings) -> Engine:
    config = Config(recognition=settings, session=SessionConfig(idle_wipe_s=600.0))
    for source in sources:
        source.open()
    return build_engine(config, list(zip(("Brankov most", "Gazela"), sources)))


def two_cameras_fps(face_frames: Sequence[np.ndarray], settings: RecognitionSettings,
                    seconds: float) -> list[float]:
    """Analysed frames/s of each of two cameras, each with one face in view."""
    offset = len(face_frames) // 2  # the second camera shows the face elsewhere in its drift
    sources = [MemorySource(face_frames, name="bench 1"),
               MemorySource([*face_frames[offset:], *face_frames[:offset]], name="bench 2")]
    with _engine(sources, settings) as engine:
        time.sleep(2.0)  # models loaded, faces found and encoded
        before = [c.taken for c in engine.captures]
        time.sleep(seconds)
        return [(c.taken - b) / seconds for c, b in zip(engine.captures, before)]


def route_delay_s(face_frames: Sequence[np.ndarray], settings: RecognitionSettings,
                  timeout_s: float = 20.0) -> dict:
    """Seconds from a visitor (already known at the first camera) walking into the second
    camera's picture until the route is in ``/api/state`` and in the kiosk's next event.

    Returns ``{"state_s": ..., "event_s": ...}`` (``None`` where it did not happen in time).
    """
    from dashboard import create_app

    walk_in = threading.Event()
    second = MemorySource(empty_street(), name="bench 2", later=face_frames,
                          switch=walk_in.is_set)
    engine = _engine([MemorySource(face_frames, name="bench 1"), second], settings)
    client = create_app(engine).test_client()
    result: dict = {"state_s": None, "event_s": None}
    with engine:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not engine.snapshot().visitors:
            time.sleep(0.05)
        events = client.get("/events")
        chunks = iter(events.response)
        next(chunks)  # "retry:"
        next(chunks)  # the state as it is now
        seen = threading.Event()

        def listen() -> None:
            for chunk in chunks:
                text = chunk.decode() if isinstance(chunk, bytes) else chunk
                state = json.loads(text.removeprefix("data: "))
                if any(len(v["route"]) > 1 for v in state["visitors"]):
                    result["event_s"] = time.monotonic()
                    seen.set()
                    return

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        walk_in.set()
        while time.monotonic() < deadline and result["state_s"] is None:
            state = client.get("/api/state").get_json()
            if any(len(v["route"]) > 1 for v in state["visitors"]):
                result["state_s"] = time.monotonic()
            time.sleep(0.01)
        seen.wait(max(0.0, deadline - time.monotonic()))
        events.close()
    start = second.switched_s
    return {key: None if value is None or start is None else value - start
            for key, value in result.items()}


def bench_cameras(face_frames: Sequence[np.ndarray], settings: RecognitionSettings,
                  seconds: float) -> dict:
    """The ``cameras`` object of ``oko bench --json``."""
    each = two_cameras_fps(face_frames, settings, seconds)
    delay = route_delay_s(face_frames, settings)
    return {
        "count": 2,
        "size": "640x480",
        "fps_each": each,
        "pi5_projection_fps_each": [round(f * PI5_SHARE, 1) for f in each],
        "pi4_projection_fps_each": [round(f * PI4_SHARE, 1) for f in each],
        "route_to_state_s": delay["state_s"],
        "route_to_kiosk_s": delay["event_s"],
    }


def format_cameras(c: dict) -> list[str]:
    """The report lines for the ``cameras`` figures."""
    def seconds(value):
        return "not measured" if value is None else f"{value:.2f} s"

    each = " / ".join(f"{f:.1f}" for f in c["fps_each"])
    pi5 = " / ".join(f"{f:.1f}" for f in c["pi5_projection_fps_each"])
    pi4 = " / ".join(f"{f:.1f}" for f in c["pi4_projection_fps_each"])
    return [
        f"two {c['size']} cameras, one face each: {each} analysed frames/s "
        f"(projected Pi 5 {pi5}, Pi 4 {pi4})",
        f"walking into the second camera -> route in /api/state {seconds(c['route_to_state_s'])}, "
        f"on the kiosk {seconds(c['route_to_kiosk_s'])}",
    ]

