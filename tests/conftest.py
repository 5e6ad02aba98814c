"""Shared fixtures: real images from tests/data, frames, free ports, a live ``oko run``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import cv2
import numpy as np
import pytest

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


def start_engine(source=None, *, settings=None, idle_wipe_s: float = 60.0):
    """A running :class:`Engine` on ``source`` (default: the demo clip), opened here."""
    from device.camera import DemoSource
    from device.engine import Engine
    from recognition.session import Session
    from recognition.dossier import Dossier
    from recognition.pipeline import Pipeline, RecognitionSettings

    source = source or DemoSource()
    source.open()
    pipeline = Pipeline(settings or RecognitionSettings())
    engine = Engine(source, Session(Dossier(), pipeline, idle_wipe_s=idle_wipe_s))
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


@pytest.fixture
def live_oko():
    """Start ``oko run`` with the given arguments; stopped after the test."""
    started: list[LiveOko] = []

    def start(*args: str, env: dict[str, str] | None = None, port: int | None = None) -> LiveOko:
        server = LiveOko(*args, env=env, port=port)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.stop()
