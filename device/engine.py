"""The engine: a capture thread, an analysis thread, and the snapshot readers see.

The capture thread keeps only the newest frame (older ones are overwritten, never queued), and
encodes the annotated JPEG only while someone watches the stream. The analysis thread runs the
recognition pipeline on the newest frame it has not seen, so when it is slower than the camera
it drops frames instead of falling behind.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import threading
import time
from typing import Callable

import cv2
import numpy as np

from device.camera import FrameSource
from device.controls import EngineEvents
from device.faultlog import FaultLog
from recognition.errors import CameraUnavailable, ConfigError
from device.frameguard import FrameGuard, zero_frame
from device.rematch import MatchRefresher
from recognition.session import Session
from device.snapshot import Health, RateMeter, Snapshot, read_cpu_temp_c
from device.stream import JpegStream, encode_jpeg
from recognition.dossier import WipeReceipt
from recognition.errors import ModelUnavailable
from recognition.images import UnusableImage, as_bgr
from recognition.faces.stills import StillEncoder
from recognition.pipeline import TOLERANCE_RANGE, encode_largest_face
from recognition.plates.cars import UNREAD_MARK, is_car
from recognition.types import Box, FaceObservation, Frame, FrameResult

log = logging.getLogger(__name__)

#: Boxes older than this are not drawn: the face has probably moved on.
_MAX_BOX_AGE_S = 1.0
#: Longest wait between attempts to reopen a failed camera.
_MAX_RECONNECT_WAIT_S = 2.0


class Engine:
    """Runs a source through the pipeline into the session, in two threads.

    Args:
        source: an opened frame source; the engine closes it on :meth:`stop`.
        session: the session (dossier + pipeline) frames are analysed into.
        jpeg_quality: quality of the annotated stream, 30–95.
        clock: monotonic seconds; injectable for tests.
    """

    def __init__(
        self,
        source: FrameSource,
        session: Session,
        *,
        jpeg_quality: int = 80,
        clock: Callable[[], float] = time.monotonic,
        events: EngineEvents | None = None,
    ):
        self.source = source
        self.session = session
        self.stream = JpegStream(jpeg_quality, clock)
        self.events = events
        self._clock = clock
        self._paused = False
        self._recording = False
        self._hits_seen: set[str] = set()
        self._stop = threading.Event()
        self._lock = threading.Lock()  # guards the session and the analysis results
        # dlib's detector and models are not thread-safe: one caller at a time. Held by the
        # analysis loop around the pipeline, and by wipes so they never run mid-frame.
        self._vision = threading.Lock()
        # Photos are enrolled on models of their own, one photo at a time, so an enrolment
        # never holds up the analysis or a wipe.
        self._stills = StillEncoder()
        self._enrolling = threading.Lock()
        self._recording_lock = threading.Lock()
        self._frame_ready = threading.Condition()
        self._latest: Frame | None = None
        self._analysing: Frame | None = None  # the frame the analysis thread is working on
        self._faces: tuple[FaceObservation, ...] = ()
        self._faces_s = 0.0
        self._plate_marks: tuple[tuple[Box, str], ...] = ()
        self._capture_rate, self._analysis_rate = RateMeter(), RateMeter()
        self._analysis_ms = 0.0
        self._dropped = 0
        self._analysed = 0
        self._analysis_errors = 0
        self._camera_ok = True
        self._error: str | None = None
        self._started_s = clock()
        self._guard = FrameGuard()
        # A persistent fault repeats at the frame rate: one line, then a count a minute (one
        # log per thread, so neither needs a lock).
        self._camera_faults = FaultLog(log, clock)
        self._analysis_faults = FaultLog(log, clock)
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Lock()
        self._stop_receipt: WipeReceipt | None = None
        self._matches = MatchRefresher(self._lock)

    @property
    def running(self) -> bool:
        """Whether both threads are alive and no fatal error occurred."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads) and not self._error

    def start(self) -> None:
        """Start the capture and analysis threads."""
        self._started_s = self._clock()
        self._threads = [
            threading.Thread(target=self._capture_loop, name="oko-capture", daemon=True),
            threading.Thread(target=self._analysis_loop, name="oko-analysis", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._update_recording()

    def __enter__(self) -> Engine:
        """``with engine:`` starts it (unless started) and stops it, wiping, on leaving."""
        if not self._threads:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self, timeout_s: float = 5.0) -> WipeReceipt:
        """Stop both threads, close the source and wipe the session; return the receipt.

        Safe to call again (and from several threads): later calls return the same receipt.
        """
        with self._stopping:
            if self._stop_receipt is not None:
                return self._stop_receipt
            self._stop_receipt = self._stop_and_wipe(timeout_s)
            return self._stop_receipt

    def _stop_and_wipe(self, timeout_s: float) -> WipeReceipt:
        self._stop.set()
        with self._frame_ready:
            self._frame_ready.notify_all()
        self.stream.close()
        for thread in self._threads:
            thread.join(timeout_s)
        self.source.close()
        self._camera_faults.flush()
        self._analysis_faults.flush()
        receipt = self.wipe(reason="stop")  # also puts the recording light out
        with self._lock:
            self.session.dossier.watchlist.clear()  # consented entries last one run only
        log.info("engine stopped")
        return receipt

    def wipe(self, *, reason: str = "command") -> WipeReceipt:
        """Wipe the session now, with the frames and JPEG held for display; return the receipt.

        Safe from any thread and while a frame is being analysed: that frame's result is
        discarded (it belongs to the wiped session). Two wipes at once give two receipts, the
        second with nothing left to delete.
        """
        return self._wipe_by(lambda now: self.session.wipe(now, reason=reason))

    def _wipe_by(self, wipe: Callable[[float], WipeReceipt]) -> WipeReceipt:
        """Run a session wipe from a command thread; notify; update the recording light.

        ``_vision`` is taken first (then ``_lock``, the order used everywhere), so the wipe
        never runs while the analysis thread is inside the pipeline refilling its trackers.
        """
        with self._vision, self._lock:
            receipt = wipe(self._clock())
            self._after_wipe()
        self._announce(receipt)
        return receipt

    def start_session(self) -> bool:
        """Workshop mode: open a session (analysis starts). False if not possible now."""
        with self._lock:
            started = self.session.start(self._clock())
        self._update_recording()
        return started

    def end_session(self, *, reason: str = "end") -> WipeReceipt:
        """End the current session with a wipe (either mode)."""
        return self._wipe_by(lambda now: self.session.end(now, reason=reason))

    def set_mode(self, mode: str) -> WipeReceipt:
        """Switch between ``visit`` and ``workshop``; the current session is wiped first."""
        return self._wipe_by(lambda now: self.session.set_mode(mode, now))

    @property
    def paused(self) -> bool:
        """Whether the facilitator has blanked the camera."""
        return self._paused

    def pause(self, paused: bool = True) -> None:
        """Blank the camera (no analysis, no picture, recording light off), or resume."""
        with self._frame_ready:  # the capture thread checks _paused under this condition
            self._paused = paused
            if paused:
                self._drop_latest()
        with self._lock:  # paused: nobody is "in view" and the idle countdown waits
            if paused:
                self.session.hold(self._clock())
                self.session.dossier.leave_view()
                self._faces = ()
            else:
                self.session.release(self._clock())
        if paused:
            self.stream.clear()  # the last live picture must not be served while paused
        log.info("camera %s", "paused" if paused else "resumed")
        self._update_recording()

    def _after_wipe(self) -> None:
        """Zero and drop the display caches; call with ``_lock`` held."""
        self._faces = ()
        self._plate_marks = ()
        self._hits_seen.clear()
        with self._frame_ready:
            self._drop_latest()
        self.stream.clear()

    def _drop_latest(self) -> None:
        """Zero and drop the held camera frame; call with ``_frame_ready`` held."""
        if self._latest is not None:
            zero_frame(self._latest)
        self._latest = None

    def _announce(self, receipt: WipeReceipt) -> None:
        """Tell the controls about a wipe and bring the recording light up to date."""
        if self.events is not None:
            self.events.when_wiped(receipt)
        self._update_recording()

    def _update_recording(self) -> None:
        with self._recording_lock:  # callers on several threads: keep the light's order
            recording = (not self._stop.is_set() and bool(self._threads) and not self._paused
                         and self.session.recording)
            if recording != self._recording:
                self._recording = recording
                if self.events is not None:
                    self.events.when_recording(recording)

    @property
    def recording(self) -> bool:
        """Whether the camera is being analysed right now (the recording light)."""
        return self._recording

    def set_tolerance(self, tolerance: float) -> None:
        """Move the matching tolerance live (within :data:`TOLERANCE_RANGE`), to show false
        matches and misses."""
        lo, hi = TOLERANCE_RANGE
        if not lo <= tolerance <= hi:
            raise ConfigError(f"Tolerance {tolerance} must be between {lo} and {hi}.")
        with self._lock:
            self.session.dossier.set_tolerance(tolerance)
        self._refresh_matches()

    def _refresh_matches(self) -> None:
        """Make every visitor's watchlist match follow the list and tolerance as they are now;
        a visitor whose match went may set off the buzzer again when matched anew."""
        cleared = self._matches.refresh(self.session)
        with self._lock:
            self._hits_seen -= cleared

    def enrol_visitor(self, label: str, visitor_id: str) -> bool:
        """Put a visitor who consented on the demo watchlist as ``label``; False if unknown."""
        with self._lock:
            enrolled = self.session.dossier.enrol(label, visitor_id)
        if enrolled:
            self._refresh_matches()
        return enrolled

    def enrol_photo(self, label: str, data: bytes) -> None:
        """Put the largest face of an uploaded photo (JPEG/PNG bytes) on the watchlist.

        Raises:
            UnusableImage: the bytes are not a picture or show no face.
        """
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        if image is None:
            raise UnusableImage("The upload is not a JPEG or PNG picture.")
        picture = encoding = None
        try:
            picture = as_bgr(image)
            with self._enrolling:  # not _vision: the live analysis goes on meanwhile
                encoding = encode_largest_face(picture, self.session.pipeline.settings,
                                               encoder=self._stills)
            if encoding is None:
                raise UnusableImage("No face found in the photo; use one showing a face clearly.")
            with self._lock:
                self.session.dossier.watchlist.enrol(label, encoding)  # copies it
        finally:
            image.fill(0)  # the photo is biometric data too: zero every copy
            if picture is not None:
                picture.fill(0)
            if encoding is not None:
                encoding.fill(0.0)
        self._refresh_matches()

    def remove_from_watchlist(self, label: str) -> int:
        """Take every sample of ``label`` off the demo watchlist; return how many were removed."""
        with self._lock:
            removed = self.session.dossier.watchlist.remove(label)
        self._refresh_matches()
        return removed

    def thumbnail_jpeg(self, visitor_id: str, token: str | None = None) -> bytearray | None:
        """The visitor's face thumbnail as JPEG bytes, encoded from RAM on request.

        With ``token``, ``None`` unless it is the current session's token (checked under the
        same lock as the lookup, so a wipe in between cannot hand out the next V1's face).
        The caller zeroes the returned bytes once sent.
        """
        with self._lock:  # copy only: encoding happens outside the lock
            if token is not None and not hmac.compare_digest(token, self.session.token):
                return None
            crop = self.session.dossier.thumbnail(visitor_id)
            if crop is None:
                return None
            crop = crop.copy()
        return encode_jpeg(crop, 85, zero_picture=True)

    def faceprint(self, visitor_id: str, token: str | None = None) -> np.ndarray | None:
        """A copy of the visitor's 128-number faceprint, for drawing; the caller zeroes it.

        ``token`` as for :meth:`thumbnail_jpeg`.
        """
        with self._lock:
            if token is not None and not hmac.compare_digest(token, self.session.token):
                return None
            return self.session.dossier.faceprint(visitor_id)

    def snapshot(self) -> Snapshot:
        """Everything the dashboard may show, as of now.

        Every viewer calls this about once a second, so the engine lock is held only to copy
        the records; profiles are built, and the temperature read, after releasing it.
        """
        now = self._clock()
        with self._lock:
            records = self.session.dossier.copy_records()
            info = self.session.info(now)
            faces = self._faces if now - self._faces_s <= _MAX_BOX_AGE_S else ()
            health = Health(
                fps=self._capture_rate.rate(now),
                analysis_fps=self._analysis_rate.rate(now),
                analysis_ms=self._analysis_ms,
                camera=self.source.name,
                camera_ok=self._camera_ok,
                frames_dropped=self._dropped,
                uptime_s=now - self._started_s,
                error=self._error,
                frames_analysed=self._analysed,
                analysis_errors=self._analysis_errors,
            )
            receipt, tolerance = self.session.last_receipt, records.tolerance
            watchlist, paused, recording = records.watchlist.labels, self._paused, self._recording
        return Snapshot(
            session=info,
            visitors=records.profiles(),
            faces=faces,
            health=dataclasses.replace(health, cpu_temp_c=read_cpu_temp_c()),
            last_receipt=receipt,
            plates=records.vehicles(),
            tolerance=tolerance,
            watchlist=watchlist,
            paused=paused,
            recording=recording,
            taken_s=now,
        )

    def wait_jpeg(self, after_seq: int, timeout_s: float = 2.0) -> tuple[int, bytearray] | None:
        """Block until an annotated JPEG newer than ``after_seq`` exists; return (seq, jpeg).

        ``jpeg`` is the caller's own copy, to zero once sent.
        Calling this marks the stream as watched, which makes the capture thread encode.
        Returns ``None`` on timeout or when the engine stops.
        """
        return self.stream.wait(after_seq, timeout_s)

    def _capture_loop(self) -> None:
        while not self._stop.is_set():
            raw = None
            try:
                raw = self.source.read()
                frame = self._guard.check(raw, self._clock())
            except CameraUnavailable as exc:
                if raw is not None:
                    zero_frame(raw)
                self._camera_faults.warning("camera fault: %s; reconnecting", exc)
                self._reconnect()
                continue
            except Exception as exc:  # noqa: BLE001 - a decoder bug must not kill the exhibit
                self._camera_faults.warning("camera fault (%s); reconnecting",
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
            self._camera_ok = True
            self._capture_rate.tick(self._clock())
            with self._frame_ready:  # pause() flips _paused under this condition
                if self._paused:
                    frame.image.fill(0)  # blanked: nothing of the picture is kept or shown
                else:
                    replaced, self._latest = self._latest, frame
                    if replaced is not None and replaced is not self._analysing:
                        zero_frame(replaced)  # never analysed; the analysis zeroes its own
                    self._frame_ready.notify_all()
            if self.stream.watched:
                fresh = self._clock() - self._faces_s <= _MAX_BOX_AGE_S
                self.stream.publish(frame.image, self._faces if fresh else (),
                                    self._plate_marks if fresh else ())

    def _reconnect(self) -> None:
        """Close and reopen the source until it works; analysis waits meanwhile."""
        self._camera_ok = False
        with self._frame_ready:
            self._drop_latest()
        self._guard.reset()
        delay_s = 0.25
        while not self._stop.is_set():
            self.source.close()
            try:
                self.source.open()
                log.info("camera %s reconnected", self.source.name)
                return
            except Exception:  # noqa: BLE001 - keep trying whatever the driver raises
                log.debug("camera reopen failed", exc_info=True)
                self._stop.wait(delay_s)
                # Capped so a camera plugged back in is picked up within a couple of seconds.
                delay_s = min(delay_s * 2, _MAX_RECONNECT_WAIT_S)

    def _analysis_loop(self) -> None:
        last_seq: int | None = None
        try:
            self.session.pipeline.warm_up()
        except Exception as exc:  # noqa: BLE001 - the first plate seen tries again
            log.warning("loading the plate readers failed (%s)", type(exc).__name__)
        while not self._stop.is_set():
            with self._frame_ready:
                self._frame_ready.wait_for(
                    lambda: self._stop.is_set()
                    or (self._latest is not None and self._latest.seq != last_seq),
                    timeout=0.5,
                )
                frame = self._analysing = self._latest
            try:
                if self._stop.is_set():
                    return
                last_seq = self._take(frame, last_seq)
            finally:
                with self._frame_ready:
                    self._analysing = None
                    if frame is not None and frame is not self._latest:
                        zero_frame(frame)  # replaced while analysed: nobody else holds it

    def _take(self, frame: Frame | None, last_seq: int | None) -> int | None:
        """Analyse ``frame`` if it is new and the camera is analysed, else just let the idle
        wipe run; return the sequence number of the last frame analysed."""
        if frame is None or frame.seq == last_seq or not self._recording:
            with self._lock:  # no frames: nobody is in view, the idle wipe still runs
                receipt = self.session.observe(self._clock(), 0)
                if receipt is not None:
                    self._after_wipe()
            if receipt is not None:
                self._announce(receipt)
            return last_seq
        if last_seq is not None and frame.seq > last_seq + 1:
            self._dropped += frame.seq - last_seq - 1
        self._analyse(frame)
        return frame.seq

    def _analyse(self, frame: Frame) -> None:
        """Analyse one frame into the session; no error here may end the loop but a fatal one."""
        started = self._clock()
        session_number = self.session.number
        try:
            with self._vision:
                result = self.session.pipeline.process(frame)
            receipt, new_hits = self._record(result, session_number, started)
        except ModelUnavailable as exc:
            self._error = str(exc)
            log.error("analysis stopped: %s", exc)
            self._stop.set()
            self.wipe(reason="error")  # nothing may stay in memory once nobody analyses
            return
        except Exception as exc:  # noqa: BLE001 - one bad frame must not end the exhibit
            self._analysis_errors += 1
            self._analysis_faults.warning("analysis of a frame failed (%s); skipping it",
                                          type(exc).__name__)
            log.debug("analysis failure", exc_info=True)
            return
        if receipt is not None:
            self._announce(receipt)
        if new_hits and self.events is not None:
            self.events.when_watchlist_hit()

    def _record(self, result: FrameResult, session_number: int,
                started: float) -> tuple[WipeReceipt | None, set[str]]:
        """Put a frame's result into the session (under ``_lock``); return (wipe, new hits)."""
        receipt = None
        with self._lock:
            if self.session.number != session_number or not self._recording or self._paused:
                # Wiped or paused while this frame was analysed: it belongs to no session.
                for face in result.faces:
                    if face.encoding is not None:
                        face.encoding.fill(0.0)
                    if face.crop is not None:
                        face.crop.fill(0)
                return None, set()
            faces = self.session.dossier.record(result)
            receipt = self.session.observe(self._clock(), len(faces))
            if receipt is not None:
                self._after_wipe()
            else:
                self._faces, self._faces_s = faces, self._clock()
                if result.vehicles is not None:
                    # Unread candidates are at most a passing "plate?" box, never a car.
                    shown = {v.vehicle_id: v.display for v in result.vehicles if is_car(v)}
                    self._plate_marks = tuple((p.box, shown.get(p.vehicle_id, UNREAD_MARK))
                                              for p in result.plates)
            self._analysis_ms = (self._clock() - started) * 1000.0
            self._analysis_rate.tick(self._clock())
            self._analysed += 1
            new_hits = {f.visitor_id for f in faces if f.watchlist is not None} - self._hits_seen
            self._hits_seen |= new_hits
        return receipt, new_hits
