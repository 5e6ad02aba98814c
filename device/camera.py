"""Camera sources behind one small interface, and the ``auto`` choice between them.

A source is opened, read frame by frame (each read blocks until the next frame is due) and
closed. Sources raise :class:`CameraUnavailable` with a facilitator-readable message when they
cannot open or stop delivering.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable, Protocol

import cv2
import numpy as np

from recognition.errors import CameraUnavailable, ConfigError
from recognition.types import Frame

log = logging.getLogger(__name__)

DEMO_CLIP = Path(__file__).with_name("data") / "demo.mp4"
_ROTATIONS = {0: None, 90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
              270: cv2.ROTATE_90_COUNTERCLOCKWISE}
#: libcamera's AfModeEnum.Continuous (Manual = 0, Auto = 1, Continuous = 2).
_AF_CONTINUOUS = 2
SOURCE_HELP = ("auto, demo, picamera (picamera:1 for a Pi 5's second camera module), "
               "webcam:N (e.g. webcam:0) or file:PATH")
#: Each further ``demo`` camera plays the clip this much later, so they differ.
DEMO_OFFSET_S = 4.5


class FrameSource(Protocol):
    """Anything that delivers :class:`Frame` s: a camera, a video file, the demo clip."""

    name: str

    def open(self) -> None:
        """Start delivering frames; raise :class:`CameraUnavailable` if impossible."""

    def read(self) -> Frame:
        """Block until the next frame and return it; raise :class:`CameraUnavailable` on a fault.

        Each frame's arrays are new and handed over: the engine zeroes them once done.
        """

    def close(self) -> None:
        """Release the device or file; safe to call twice."""

    @property
    def is_open(self) -> bool:
        """Whether frames can be read now."""


class _OpenedInWith:
    """``with source:`` opens the source (unless it is open already) and closes it on leaving,
    also when the block raises."""

    def __enter__(self):
        if not self.is_open:
            self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class OpenCVSource(_OpenedInWith):
    """A USB webcam (by index) or a video file, through OpenCV.

    Files play at their own frame rate and loop at the end, so a clip stands in for a camera.

    Args:
        target: webcam index (``0`` is the first) or path of a video file.
        width, height: requested webcam frame size in pixels (files keep their own).
        fps: requested webcam frame rate.
        offset_s: a file starts this many seconds in (then loops from its start).
        clock: monotonic time in seconds; ``sleep`` waits. Both injectable for tests.
    """

    def __init__(
        self,
        target: int | str | Path,
        *,
        width: int = 640,
        height: int = 480,
        fps: float = 30.0,
        name: str | None = None,
        offset_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.target = target
        self._offset_s = offset_s
        self.is_file = not isinstance(target, int)
        self.name = name or (f"file:{target}" if self.is_file else f"webcam:{target}")
        self._size = (width, height)
        self._fps = fps
        self._clock, self._sleep = clock, sleep
        self._cap: cv2.VideoCapture | None = None
        self._seq = 0
        self._due_s = 0.0

    @property
    def fps(self) -> float:
        """Frames per second the source delivers (a file's own rate once open)."""
        return self._fps

    def open(self) -> None:
        """Open the webcam or file and read one frame to prove it works."""
        if self.is_file:
            path = Path(self.target)
            if not path.is_file():
                raise CameraUnavailable(f"Video file {path} does not exist; check the path.")
            cap = cv2.VideoCapture(str(path))
        else:
            # Checking the device node first avoids OpenCV's noisy warnings when none exists.
            if not Path(f"/dev/video{self.target}").exists():
                raise CameraUnavailable(
                    f"No webcam at index {self.target}; plug one in or choose another source "
                    f"({SOURCE_HELP})."
                )
            cap = cv2.VideoCapture(int(self.target))
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self._size[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self._size[1])
            cap.set(cv2.CAP_PROP_FPS, self._fps)
        ok, image = cap.read() if cap.isOpened() else (False, None)
        if not ok or image is None:
            cap.release()
            if self.is_file:
                raise CameraUnavailable(
                    f"Video file {self.target} cannot be decoded; use an MP4/AVI that plays "
                    "in a video player."
                )
            raise CameraUnavailable(
                f"No webcam at index {self.target}; plug one in or choose another source "
                f"({SOURCE_HELP})."
            )
        if self.is_file:
            file_fps = cap.get(cv2.CAP_PROP_FPS)
            self._fps = file_fps if 1.0 <= file_fps <= 240.0 else 25.0
            cap.set(cv2.CAP_PROP_POS_FRAMES, round(self._offset_s * self._fps))
        self._cap = cap
        self._due_s = self._clock()
        log.info("opened %s at %.1f fps", self.name, self._fps)

    @property
    def is_open(self) -> bool:
        """Whether :meth:`open` succeeded and :meth:`close` has not been called since."""
        return self._cap is not None

    def read(self) -> Frame:
        """Return the next frame; files wait for their frame time and rewind at the end."""
        if self._cap is None:
            raise CameraUnavailable(f"{self.name} is not open.")
        if self.is_file:
            self._pace()
        ok, image = self._cap.read()
        if not ok and self.is_file:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = self._cap.read()
        if not ok or image is None:
            raise CameraUnavailable(f"{self.name} stopped delivering frames.")
        frame = Frame(image=image, captured_s=self._clock(), seq=self._seq)
        self._seq += 1
        return frame

    def close(self) -> None:
        """Release the capture device."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def _pace(self) -> None:
        now = self._clock()
        if self._due_s > now:
            self._sleep(self._due_s - now)
        # If we fell far behind (a stalled reader), restart the schedule instead of bursting.
        self._due_s = max(self._due_s, now - 1.0) + 1.0 / self._fps


class DemoSource(OpenCVSource):
    """The clip bundled with Oko, looping, so the exhibit always shows something.

    ``copy`` numbers further demo cameras (1 is the first): copy *n* starts
    ``(n - 1) × DEMO_OFFSET_S`` seconds into the clip and is named ``demo n``.
    """

    def __init__(self, *, copy: int = 1, **kwargs):
        name = "demo" if copy <= 1 else f"demo {copy}"
        super().__init__(DEMO_CLIP, name=name, offset_s=(copy - 1) * DEMO_OFFSET_S, **kwargs)


class Picamera2Source(_OpenedInWith):
    """A Raspberry Pi camera module through picamera2.

    Two streams of the same instant: ``main`` (display size, BGR) and ``lores`` (small, for
    analysis, YUV420 — the only lores format a Pi 4 offers — converted to BGR here).

    Frames come from one request (``capture_request`` then ``make_array`` per stream), so
    analysis and display show the same instant. Rotation is done in software: libcamera's
    transforms only flip, and a quarter turn is cheap at these sizes. Camera Module 3's
    autofocus is switched to continuous when the camera offers it.

    Args:
        width, height: display size in pixels (before rotation).
        fps: frame rate asked of the sensor.
        lores_width: analysis width in pixels (height keeps the aspect ratio); set it to the
            detection width so no pixels are wasted.
        rotation: 0, 90, 180 or 270 degrees clockwise, for a camera mounted turned.
        camera_num: which camera module (a Raspberry Pi 5 takes two: 0 and 1).
        camera_factory: builds the ``Picamera2`` object; injectable so tests can use a fake.
    """

    def __init__(
        self,
        *,
        width: int = 640,
        height: int = 480,
        fps: float = 30.0,
        lores_width: int = 320,
        rotation: int = 0,
        camera_num: int = 0,
        camera_factory: Callable[[], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        if rotation not in _ROTATIONS:
            raise ConfigError(f"Camera rotation {rotation} must be one of 0, 90, 180, 270.")
        self.name = "picamera" if camera_num == 0 else f"picamera:{camera_num}"
        self.camera_num = camera_num
        self._rotation = _ROTATIONS[rotation]
        lores_width = min(lores_width, width)
        self._main = (width, height)
        # YUV420 rows/columns must be even; the ISP also wants multiples of 2 at least.
        lores_h = round(height * lores_width / width) // 2 * 2
        self._lores = (lores_width // 2 * 2, lores_h)
        self._fps = fps
        self._factory = camera_factory
        self._clock = clock
        self._camera = None
        self._seq = 0

    def open(self) -> None:
        """Configure and start the camera."""
        factory = self._factory
        if factory is None:
            picamera2, number = _import_picamera2(), self.camera_num
            # Picamera2(camera_num=0) is the default; the second module of a Pi 5 is 1.
            factory = picamera2 if number == 0 else (lambda: picamera2(camera_num=number))
        try:
            camera = factory()
        except (IndexError, RuntimeError) as exc:  # picamera2 raises IndexError with no camera
            if "busy" in str(exc).lower():
                raise CameraUnavailable(
                    "The Raspberry Pi camera is busy; stop the other program using it "
                    "(another oko, rpicam-*, libcamera-*) and try again."
                ) from exc
            raise CameraUnavailable(
                "No Raspberry Pi camera found; check the ribbon cable and that "
                "'rpicam-hello --list-cameras' lists it."
            ) from exc
        try:
            config = camera.create_video_configuration(
                main={"size": self._main, "format": "RGB888"},  # RGB888 is B,G,R in memory
                lores={"size": self._lores, "format": "YUV420"},
                controls={"FrameRate": self._fps},
            )
            camera.configure(config)
            if "AfMode" in getattr(camera, "camera_controls", {}):
                camera.set_controls({"AfMode": _AF_CONTINUOUS})
            camera.start()
        except RuntimeError as exc:
            camera.close()
            raise CameraUnavailable(f"The Raspberry Pi camera could not start ({exc}).") from exc
        self._camera = camera
        log.info("opened picamera main=%s lores=%s", self._main, self._lores)

    @property
    def is_open(self) -> bool:
        """Whether :meth:`open` succeeded and :meth:`close` has not been called since."""
        return self._camera is not None

    def read(self) -> Frame:
        """Capture one request and return both streams as one frame."""
        if self._camera is None:
            raise CameraUnavailable("picamera is not open.")
        try:
            request = self._camera.capture_request()
            try:
                main = request.make_array("main")
                lores = request.make_array("lores")
            finally:
                request.release()
        except RuntimeError as exc:
            raise CameraUnavailable("The Raspberry Pi camera stopped delivering frames.") from exc
        image = np.ascontiguousarray(main[:, :, :3])
        small = cv2.cvtColor(lores, cv2.COLOR_YUV2BGR_I420)
        if self._rotation is not None:
            image, small = cv2.rotate(image, self._rotation), cv2.rotate(small, self._rotation)
        frame = Frame(image=image, captured_s=self._clock(), seq=self._seq, lores=small)
        self._seq += 1
        return frame

    def close(self) -> None:
        """Stop and release the camera."""
        if self._camera is not None:
            camera, self._camera = self._camera, None
            try:
                camera.stop()
            finally:
                camera.close()


def _import_picamera2() -> Callable[[], object]:
    try:
        from picamera2 import Picamera2
    except ImportError:
        raise CameraUnavailable(
            "picamera2 is not installed; on Raspberry Pi OS run 'sudo apt install "
            "python3-picamera2' (it is not available on a PC)."
        ) from None
    return Picamera2


def make_source(spec: str, *, width: int = 640, height: int = 480, fps: float = 30.0,
                lores_width: int = 640, rotation: int = 0, copy: int = 1) -> FrameSource:
    """Build the source named by ``spec`` (see :data:`SOURCE_HELP`), not yet opened.

    ``lores_width`` and ``rotation`` apply to the Raspberry Pi camera only; ``copy`` to the
    demo clip (see :class:`DemoSource`).

    Raises:
        ConfigError: ``spec`` is not a known source.
    """
    kind, _, arg = spec.partition(":")
    size = {"width": width, "height": height, "fps": fps}
    if spec == "demo":
        return DemoSource(copy=copy)
    if spec == "picamera" or (kind == "picamera" and arg.isdigit()):
        return Picamera2Source(**size, lores_width=lores_width, rotation=rotation,
                               camera_num=int(arg or 0))
    if kind == "webcam" and arg.isdigit():
        return OpenCVSource(int(arg), **size)
    if kind == "file" and arg:
        return OpenCVSource(Path(arg).expanduser(), **size)
    raise ConfigError(f"Unknown camera source {spec!r}; use {SOURCE_HELP}.")


def open_source(spec: str, **options) -> FrameSource:
    """Open the source named by ``spec``; ``auto`` tries picamera, webcam:0, then demo.

    ``options`` are passed to :func:`make_source`. Each fallback is logged with the reason.
    Returns the opened source.

    Raises:
        CameraUnavailable: the named source (not ``auto``) cannot be opened.
        ConfigError: ``spec`` is not a known source.
    """
    candidates = ["picamera", "webcam:0", "demo"] if spec == "auto" else [spec]
    for candidate in candidates:
        source = make_source(candidate, **options)
        try:
            source.open()
        except CameraUnavailable as exc:
            if spec != "auto":
                raise
            log.info("camera source %s unavailable (%s); trying the next", candidate, exc)
            continue
        return source
    raise CameraUnavailable("No camera source could be opened, not even the demo clip.")
