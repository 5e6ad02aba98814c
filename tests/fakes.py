"""Fakes of hardware APIs (not of Oko's code): a file-backed stand-in for picamera2."""

from __future__ import annotations

import cv2
import numpy as np

from device.camera import DEMO_CLIP


class _Request:
    def __init__(self, arrays: dict[str, np.ndarray]):
        self._arrays = arrays
        self.released = False

    def make_array(self, name: str) -> np.ndarray:
        assert not self.released, "array taken from a released request"
        return self._arrays[name]

    def release(self) -> None:
        self.released = True


class FilePicamera2:
    """The slice of ``picamera2.Picamera2`` Oko uses, replaying a video file.

    Like the real camera it delivers ``main`` in RGB888 (B, G, R bytes) and ``lores`` as
    YUV420 planes of shape (height × 3/2, width). ``fail_after`` raises RuntimeError after that
    many captures, as a camera losing its cable would.
    """

    def __init__(self, path=DEMO_CLIP, *, fail_after: int | None = None, autofocus: bool = False):
        self._cap = cv2.VideoCapture(str(path))
        self.camera_controls = {"AfMode": (0, 2, 0)} if autofocus else {}
        self.controls_set: dict = {}
        self.config: dict | None = None
        self.started = self.closed = False
        self.requests: list[_Request] = []
        self._fail_after = fail_after

    def create_video_configuration(self, main, lores=None, controls=None):
        return {"main": main, "lores": lores, "controls": controls}

    def configure(self, config) -> None:
        assert config["main"]["format"] == "RGB888" and config["lores"]["format"] == "YUV420"
        self.config = config

    def set_controls(self, controls: dict) -> None:
        unknown = set(controls) - set(self.camera_controls)
        assert not unknown, f"camera has no controls {unknown}"
        self.controls_set.update(controls)

    def start(self) -> None:
        assert self.config is not None, "start() before configure()"
        self.started = True

    def capture_request(self) -> _Request:
        if not self.started:
            raise RuntimeError("camera not started")
        if self._fail_after is not None and len(self.requests) >= self._fail_after:
            raise RuntimeError("camera timed out")
        ok, image = self._cap.read()
        if not ok:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = self._cap.read()
        main = cv2.resize(image, self.config["main"]["size"])
        lores = cv2.cvtColor(cv2.resize(image, self.config["lores"]["size"]), cv2.COLOR_BGR2YUV_I420)
        request = _Request({"main": main, "lores": lores})
        self.requests.append(request)
        return request

    def stop(self) -> None:
        self.started = False

    def close(self) -> None:
        self.closed = True
        self._cap.release()


class UnpluggableSource:
    """The demo clip behind a cable that a test can pull out and plug back in."""

    def __init__(self):
        from device.camera import DemoSource

        self._inner = DemoSource()
        self.name = "unpluggable"
        self.plugged = True
        self.opens = 0

    def open(self) -> None:
        from recognition.errors import CameraUnavailable

        if not self.plugged:
            raise CameraUnavailable("no camera (unplugged)")
        self.opens += 1
        self._inner.open()

    def read(self):
        from recognition.errors import CameraUnavailable

        if not self.plugged:
            raise CameraUnavailable("camera unplugged")
        return self._inner.read()

    def close(self) -> None:
        self._inner.close()

    @property
    def is_open(self) -> bool:
        return self.plugged and self._inner.is_open


class ScriptedSource:
    """A camera delivering frames made by ``make(seq)`` at ~30 fps (frozen, corrupt, odd).

    Frames are stamped with ``clock`` (default: the monotonic clock), so a test driving the
    engine with a :class:`~tests.helpers.FakeClock` gives the frames the same time.
    """

    def __init__(self, make, name="scripted", clock=None):
        self.make = make
        self.name = name
        self.opens = 0
        self._seq = 0
        self._clock = clock

    def open(self) -> None:
        self.opens += 1

    def read(self):
        import time

        from recognition.types import Frame

        time.sleep(1 / 30)
        image, lores = self.make(self._seq)
        # A camera hands over a new picture every time (the engine zeroes each when done).
        image = image.copy() if isinstance(image, np.ndarray) else image
        lores = lores.copy() if isinstance(lores, np.ndarray) else lores
        now_s = self._clock() if self._clock is not None else time.monotonic()
        frame = Frame(image=image, captured_s=now_s, seq=self._seq, lores=lores)
        self._seq += 1
        return frame

    def close(self) -> None:
        pass

    is_open = True
