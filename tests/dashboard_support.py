"""A real engine for dashboard tests, fed test photos by hand: no threads, a fake clock.

The engine is never started, so every request sees exactly the visitors the test put there.
"""

from __future__ import annotations

import re

from device.camera import DemoSource
from device.engine import Engine
from recognition.session import Session
from recognition.dossier import Dossier
from recognition.pipeline import Pipeline
from tests.conftest import frame_of

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


def fed_engine(*photos: str, clock: FakeClock | None = None, mode: str = "visit") -> Engine:
    """An engine (not started) whose session has analysed ``photos`` as consecutive frames."""
    clock = clock or FakeClock()
    engine = Engine(DemoSource(), Session(Dossier(), Pipeline(), idle_wipe_s=60.0, mode=mode),
                    clock=clock)
    feed(engine, *photos)
    return engine


def feed(engine: Engine, *photos: str) -> None:
    """Run ``photos`` through the engine's pipeline into its session, 0.2 s apart."""
    clock = engine._clock
    for seq, name in enumerate(photos):
        clock.advance(0.2)
        frame = frame_of(name, seq=seq, at_s=clock(), width=640)
        result = engine.session.pipeline.process(frame)
        engine.session.dossier.record(result)
        engine.session.observe(clock(), len(result.faces))


def csrf_from(page: str) -> str:
    """The CSRF token in a rendered facilitator page (meta tag or hidden field)."""
    match = re.search(r'name="csrf[-_]token" (?:content|value)="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)
