"""One camera of the city: its capture thread, latest frame, health and live picture.

Each camera is captured on its own thread with its own :class:`FrameGuard` and reconnect
loop, so a camera that fails affects only its own place: the others keep delivering, and it
comes back by itself. All cameras share one condition (``ready``) that the single analysis
thread waits on, and each keeps only its newest frame, so analysis takes turns between the
cameras and drops what it cannot keep up with.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

import cv2

from device.camera import FrameSource
from device.faultlog import FaultLog
from device.frameguard import FrameGuard, zero_frame
from device.snapshot import RateMeter
from device.stream import JpegStream
from recognition.errors import CameraUnavailable
from recognition.types import Box, FaceObservation, Frame

log = logging.getLogger(__name__)

#: Boxes older than this are not drawn: the face has probably moved on.
MAX_BOX_AGE_S = 1.0
#: Longest wait between attempts to reopen a failed camera.
MAX_RECONNECT_WAIT_S = 2.0
#: Width of a camera's still thumbnail on the kiosk, in pixels.
THUMBNAIL_WIDTH_PX = 320
#: A still is encoded at most this often per camera, however many kiosks ask for it.
STILL_MAX_AGE_S = 0.5


@dataclass(frozen=True)
class CameraStatus:
    """One camera as the dashboard sees it: id, place, source name, whether it delivers,
    and its capture and analysis rates (frames/s)."""

    camera_id: str
    place: str
    name: str
    ok: bool
    fps: float = 0.0
    analysis_fps: float = 0.0
    frames_dropped: int = 0


class Capture:
    """Reads one source on its own thread into a one-frame slot the analysis takes from.

    Args:
        camera_id: ``"C1"``, ``"C2"``, … stamped on every frame.
        place: the place this camera stands for.
        source: an opened frame source; :meth:`close` closes it.
        ready: the condition shared by every camera and the analysis thread; the slot, the
            pause flag and :attr:`ok` change under it.
        stop: set when the engine stops.
        jpeg_quality: quality of this camera's annotated stream.
        clock: monotonic seconds.
    """

    def __init__(self, camera_id: str, place: str, source: FrameSource, *,
                 ready: threading.Condition, stop: threading.Event, jpeg_quality: int = 80,
                 clock: Callable[[], float] = time.monotonic):
        self.camera_id = camera_id
        self.place = place
        self.source = source
        self.stream = JpegStream(jpeg_quality, clock)
        self.ok = True
        self.paused = False
        self.latest: Frame | None = None
        self.analysing: Frame | None = None  # the frame the analysis is working on
        self.analysed_seq: int | None = None  # the last frame the analysis took
        self.taken = 0  # frames the analysis took from this camera
        self.dropped = 0
        self.faces: tuple[FaceObservation, ...] = ()
        self.faces_s = float("-inf")
        self.plate_marks: tuple[tuple[Box, str], ...] = ()
        # Faces outside the consent zone, to blur: display state kept through a wipe, so a
        # bystander is never shown unblurred while the analysis catches up.
        self.hidden: tuple[Box, ...] = ()
        self.capture_rate, self.analysis_rate = RateMeter(), RateMeter()
        self._ready, self._stop, self._clock = ready, stop, clock
        self._guard = FrameGuard()
        # A persistent fault repeats at the frame rate: one line, then a count a minute.
        self._faults = FaultLog(log, clock)
        self._still: tuple[float, bytearray] | None = None  # the latest still and its time
        self._still_lock = threading.Lock()
        self._forgotten = 0  # counts forget()s: a still encoded across one is not kept

    def status(self, now_s: float) -> CameraStatus:
        """This camera's :class:`CameraStatus` at ``now_s``."""
        return CameraStatus(self.camera_id, self.place, self.source.name, self.ok,
                            self.capture_rate.rate(now_s), self.analysis_rate.rate(now_s),
                            self.dropped)

    def fresh(self) -> bool:
        """Whether a frame the analysis has not taken yet is waiting (call under ``ready``)."""
        return self.latest is not None and self.latest.seq != self.analysed_seq

    def take(self) -> Frame | None:
        """The waiting frame, counting the ones it replaced as dropped (call under ``ready``)."""
        frame = self.latest
        if frame is None or frame.seq == self.analysed_seq:
            return None
        if self.analysed_seq is not None and frame.seq > self.analysed_seq + 1:
            self.dropped += frame.seq - self.analysed_seq - 1
        self.analysed_seq = frame.seq
        self.taken += 1
        return frame

    def show(self, faces: tuple[FaceObservation, ...], plate_marks: tuple[tuple[Box, str], ...],
             now_s: float) -> None:
        """Keep what the analysis found in this camera's latest frame, for drawing."""
        self.faces, self.plate_marks, self.faces_s = faces, plate_marks, now_s

    def shown_faces(self, now_s: float) -> tuple[FaceObservation, ...]:
        """The faces to draw now: none once they are older than :data:`MAX_BOX_AGE_S`."""
        return self.faces if now_s - self.faces_s <= MAX_BOX_AGE_S else ()

    def forget(self) -> None:
        """Zero and drop the held frame, boxes and pictures (a wipe or a pause)."""
        with self._ready:
            self.drop_latest()
        self.faces, self.plate_marks = (), ()
        self.stream.clear()
        self._drop_still()

    def _drop_still(self) -> None:
        with self._still_lock:
            self._forgotten += 1
            if self._still is not None:
                self._still[1][:] = bytes(len(self._still[1]))  # a JPEG of a face: zero it
            self._still = None

    def drop_latest(self) -> None:
        """Zero and drop the held frame; call with ``ready`` held."""
        if self.latest is not None:
            zero_frame(self.latest)
        self.latest = None

    def thumbnail_jpeg(self, width_px: int = THUMBNAIL_WIDTH_PX,
                       quality: int = 70) -> bytearray | None:
        """A small JPEG of the latest frame with its boxes, as the caller's own copy (to zero
        once sent); ``None`` without a frame.

        Encoded at most every :data:`STILL_MAX_AGE_S` and shared by every kiosk asking.
        """
        now = self._clock()
        with self._still_lock:
            if self._still is not None and now - self._still[0] < STILL_MAX_AGE_S:
                return bytearray(self._still[1])
            forgotten = self._forgotten
        data = self._encode_still(width_px, quality)
        if data is None:
            return None
        with self._still_lock:
            if forgotten != self._forgotten:
                data[:] = bytes(len(data))
                return None  # wiped or paused meanwhile: this picture belongs to no session
            if self._still is not None:
                self._still[1][:] = bytes(len(self._still[1]))
            self._still = (now, bytearray(data))
        return data

    def _encode_still(self, width_px: int, quality: int) -> bytearray | None:
        with self._ready:
            frame = self.latest
            image = None if frame is None else frame.image.copy()
        if image is None:
            return None
        try:
            from device.overlay import annotate

            shown = annotate(image, self.shown_faces(self._clock()), self.plate_marks,
                             self.hidden)
            height = max(1, round(shown.shape[0] * width_px / shown.shape[1]))
            small = cv2.resize(shown, (width_px, height), interpolation=cv2.INTER_AREA)
            ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
            small.fill(0)
            shown.fill(0)
            return bytearray(data.tobytes()) if ok else None
        finally:
            image.fill(0)  # a copy of a camera frame: biometric data

    def run(self) -> None:
        """The capture loop: read, check, keep the newest frame; reconnect on faults."""
        while not self._stop.is_set():
            raw = None
            try:
                raw = self.source.read()
                frame = self._guard.check(raw, self._clock())
            except CameraUnavailable as exc:
                if raw is not None:
                    zero_frame(raw)
                self._faults.warning("camera %s fault: %s; reconnecting", self.camera_id, exc)
                self._reconnect()
                continue
            except Exception as exc:  # noqa: BLE001 - a decoder bug must not kill the exhibit
                self._faults.warning("camera %s fault (%s); reconnecting", self.camera_id,
                                     type(exc).__name__)
                log.debug("capture failed", exc_info=True)
                if isinstance(raw, Frame):
                    zero_frame(raw)
                self._reconnect()
                continue
            if frame is not raw:
                zero_frame(raw, keep=frame)  # a glitch, or the original of a repaired copy
            if frame is None:
                continue  # a glitch: skip this frame
            if frame.camera != self.camera_id:
                frame = dataclasses.replace(frame, camera=self.camera_id)
            self.ok = True
            self.capture_rate.tick(self._clock())
            with self._ready:  # the engine flips `paused` under this condition
                if self.paused:
                    frame.image.fill(0)  # blanked: viewers see black, nothing is kept
                else:
                    replaced, self.latest = self.latest, frame
                    if replaced is not None and replaced is not self.analysing:
                        zero_frame(replaced)  # never analysed; the analysis zeroes its own
                    self._ready.notify_all()
            if self.stream.watched:
                now = self._clock()
                self.stream.publish(frame.image, self.shown_faces(now),
                                    self.plate_marks if now - self.faces_s <= MAX_BOX_AGE_S
                                    else (), self.hidden)

    def close(self) -> None:
        """End the stream, close the source and log the faults not yet told."""
        self.stream.close()
        self.source.close()
        self._faults.flush()

    def _reconnect(self) -> None:
        """Close and reopen the source until it works; the other cameras carry on."""
        self.ok = False
        with self._ready:
            self.drop_latest()
        self._guard.reset()
        delay_s = 0.25
        while not self._stop.is_set():
            self.source.close()
            try:
                self.source.open()
                log.info("camera %s (%s) reconnected", self.camera_id, self.source.name)
                return
            except Exception:  # noqa: BLE001 - keep trying whatever the driver raises
                log.debug("camera reopen failed", exc_info=True)
                self._stop.wait(delay_s)
                # Capped so a camera plugged back in is picked up within a couple of seconds.
                delay_s = min(delay_s * 2, MAX_RECONNECT_WAIT_S)

