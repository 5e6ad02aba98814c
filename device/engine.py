"""The engine: a capture thread per camera, one analysis thread, and the snapshot readers see.

Each capture thread (:mod:`device.capture`) keeps only its camera's newest frame (older ones
are overwritten, never queued), and encodes the annotated JPEG only while someone watches that
camera's stream. The analysis thread takes the newest frame of each camera in turn and runs
the recognition pipeline on it, so when it is slower than the cameras it drops frames instead
of falling behind; every camera's faces go into the one session, so a visitor keeps one
number across the cameras and gets a route.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Callable, Sequence


from device.camera import FrameSource
from device.capture import Capture
from device.stream import JpegStream
from device.controls import EngineEvents
from device.faultlog import FaultLog
from device.frameguard import zero_frame
from device.marker import Marker
from device.places import camera_id, known_places
from device.city import CapacityCheck, MarkerCommands
from device.facilitation import FacilitatorCommands
from device.rematch import MatchRefresher
from recognition.session import Session
from device.snapshot import Health, RateMeter, Snapshot, read_cpu_temp_c
from recognition.dossier import WipeReceipt
from recognition.errors import ModelUnavailable
from recognition.faces.stills import StillEncoder
from recognition.plates.cars import UNREAD_MARK, is_car
from recognition.types import Frame, FrameResult

log = logging.getLogger(__name__)


class Engine(MarkerCommands, FacilitatorCommands):
    """Runs one or several cameras through the pipeline into one session.

    Args:
        source: an opened frame source (one camera, at the first default place), or a
            sequence of ``(place, opened source)`` pairs, one per camera (``C1``, ``C2``, …).
            The engine closes them on :meth:`stop`.
        session: the session (dossier + pipeline) frames are analysed into.
        jpeg_quality: quality of the annotated stream, 30–95.
        clock: monotonic seconds; injectable for tests.
        events: who hears of recording, wipes, watchlist hits and marked visitors (the GPIO
            controls).
    """

    def __init__(
        self,
        source: FrameSource | Sequence[tuple[str, FrameSource]],
        session: Session,
        *,
        jpeg_quality: int = 80,
        clock: Callable[[], float] = time.monotonic,
        events: EngineEvents | None = None,
    ):
        self.session = session
        self.events = events
        self._frame_ready = threading.Condition()
        self._stop = threading.Event()
        cameras = [(known_places()[0].name, source)] if hasattr(source, "read") else source
        self.captures = [
            Capture(camera_id(i), place, src, ready=self._frame_ready, stop=self._stop,
                    jpeg_quality=jpeg_quality, clock=clock)
            for i, (place, src) in enumerate(cameras)
        ]
        self.marker = Marker()
        self._capacity = CapacityCheck(len(self.captures))
        self._clock = clock
        self._paused = False
        self._recording = False
        self._hits_seen: set[str] = set()
        self._lock = threading.Lock()  # guards the session, marker and the analysis results
        # dlib's detector and models are not thread-safe: one caller at a time. Held by the
        # analysis loop around the pipeline, and by wipes so they never run mid-frame.
        self._vision = threading.Lock()
        # Photos are enrolled on models of their own, one photo at a time, so an enrolment
        # never holds up the analysis or a wipe.
        self._stills = StillEncoder()
        self._enrolling = threading.Lock()
        self._recording_lock = threading.Lock()
        self._analysis_rate = RateMeter()
        self._analysis_ms = 0.0
        self._analysed = 0
        self._analysis_errors = 0
        self._error: str | None = None
        self._started_s = clock()
        # A persistent fault repeats at the frame rate: one line, then a count a minute.
        self._analysis_faults = FaultLog(log, clock)
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Lock()
        self._stop_receipt: WipeReceipt | None = None
        self._matches = MatchRefresher(self._lock)

    @property
    def source(self) -> FrameSource:
        """The first camera's source (the only one with a single camera)."""
        return self.captures[0].source

    @property
    def stream(self) -> JpegStream:
        """The first camera's annotated stream (the kiosk's big picture by default)."""
        return self.captures[0].stream

    @property
    def places(self) -> dict[str, str]:
        """Camera id → place name."""
        return {c.camera_id: c.place for c in self.captures}

    @property
    def running(self) -> bool:
        """Whether both threads are alive and no fatal error occurred."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads) and not self._error

    def start(self) -> None:
        """Start the capture and analysis threads."""
        self._started_s = self._clock()
        self._threads = [
            threading.Thread(target=c.run, daemon=True,
                             name="oko-capture" if i == 0 else f"oko-capture-{c.camera_id}")
            for i, c in enumerate(self.captures)
        ] + [threading.Thread(target=self._analysis_loop, name="oko-analysis", daemon=True)]
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
        for capture in self.captures:
            capture.stream.close()
        for thread in self._threads:
            thread.join(timeout_s)
        for capture in self.captures:
            capture.close()
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
        with self._frame_ready:  # the capture threads check `paused` under this condition
            self._paused = paused
            for capture in self.captures:
                capture.paused = paused
        with self._lock:  # paused: nobody is "in view" and the idle countdown waits
            if paused:
                self.session.hold(self._clock())
                self.session.dossier.leave_view()
            else:
                self.session.release(self._clock())
        if paused:
            for capture in self.captures:
                capture.forget()  # the last live picture must not be served while paused
        log.info("camera %s", "paused" if paused else "resumed")
        self._update_recording()

    def _after_wipe(self) -> None:
        """Zero and drop every camera's display caches and the marks; call with ``_lock``."""
        self._hits_seen.clear()
        self.marker.wipe()
        for capture in self.captures:
            capture.forget()

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

    def snapshot(self) -> Snapshot:
        """Everything the dashboard may show, as of now.

        Every viewer calls this about once a second, so the engine lock is held only to copy
        the records; profiles are built, and the temperature read, after releasing it.
        """
        now = self._clock()
        cameras = tuple(c.status(now) for c in self.captures)
        faces = tuple(f for c in self.captures for f in c.shown_faces(now))
        with self._lock:
            records = self.session.dossier.copy_records()
            info = self.session.info(now)
            health = Health(
                fps=cameras[0].fps,
                analysis_fps=self._analysis_rate.rate(now),
                analysis_ms=self._analysis_ms,
                camera=" + ".join(c.name for c in cameras),
                camera_ok=all(c.ok for c in cameras),
                frames_dropped=sum(c.frames_dropped for c in cameras),
                uptime_s=now - self._started_s,
                error=self._error,
                frames_analysed=self._analysed,
                analysis_errors=self._analysis_errors,
            )
            receipt, tolerance = self.session.last_receipt, records.tolerance
            watchlist, paused, recording = records.watchlist.labels, self._paused, self._recording
            zone = self.session.pipeline.consent
            marked, announcements = self.marker.marked, self.marker.recent(now)
            origin_s = self.session.dossier.started_s
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
            consent_zone=zone,
            cameras=cameras,
            marked=marked,
            announcements=announcements,
            capacity_warning=self._capacity.warning,
            origin_s=origin_s,
        )

    def wait_jpeg(self, after_seq: int, timeout_s: float = 2.0,
                  camera: str | None = None) -> tuple[int, bytearray] | None:
        """Block until an annotated JPEG newer than ``after_seq`` exists; return (seq, jpeg).

        ``jpeg`` is the caller's own copy, to zero once sent. ``camera`` picks the camera
        (default the first). Calling this marks that stream as
        watched, which makes its capture thread encode. Returns ``None`` on timeout, when the
        engine stops, or for an unknown camera.
        """
        capture = self._capture(camera) if camera else self.captures[0]
        return None if capture is None else capture.stream.wait(after_seq, timeout_s)

    def _analysis_loop(self) -> None:
        try:
            self.session.pipeline.warm_up()
        except Exception as exc:  # noqa: BLE001 - the first plate seen tries again
            log.warning("loading the plate readers failed (%s)", type(exc).__name__)
        turn = 0  # the camera whose frame is taken next: cameras take turns
        while not self._stop.is_set():
            frame = capture = None
            with self._frame_ready:
                self._frame_ready.wait_for(
                    lambda: self._stop.is_set()
                    or (self._recording and any(c.fresh() for c in self.captures)),
                    timeout=0.5,
                )
                if self._recording:
                    for k in range(len(self.captures)):
                        candidate = self.captures[(turn + k) % len(self.captures)]
                        if candidate.fresh():
                            capture, frame = candidate, candidate.take()
                            capture.analysing = frame
                            turn = (turn + k + 1) % len(self.captures)
                            break
            if self._stop.is_set():
                return
            if frame is None:
                if not self._recording:
                    self._capacity.pause()
                with self._lock:  # no frames: nobody is in view, the idle wipe still runs
                    receipt = self.session.observe(self._clock(), 0)
                    if receipt is not None:
                        self._after_wipe()
                if receipt is not None:
                    self._announce(receipt)
                continue
            try:
                self._analyse(frame, capture)
            finally:
                with self._frame_ready:
                    capture.analysing = None
                    if frame is not capture.latest:
                        zero_frame(frame)  # replaced while analysed: nobody else holds it
            self._check_capacity(capture)

    def _analyse(self, frame: Frame, capture: Capture) -> None:
        """Analyse one frame into the session; no error here may end the loop but a fatal one."""
        started = self._clock()
        session_number = self.session.number
        try:
            with self._vision:
                result = self.session.pipeline.process(frame)
            receipt, new_hits, arrivals = self._record(result, session_number, started, capture)
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
        if arrivals:
            self._tell_marked_seen(arrivals)

    def _record(self, result: FrameResult, session_number: int, started: float,
                capture: Capture) -> tuple[WipeReceipt | None, set[str], tuple]:
        """Put a frame's result into the session (under ``_lock``); return (wipe, new
        watchlist hits, new places of marked visitors)."""
        receipt, arrivals = None, ()
        with self._lock:
            # Where the faces outside the zone are: display state, not session data, so it is
            # kept through a wipe (else bystanders would show unblurred until the next frame).
            capture.hidden = result.hidden
            if self.session.number != session_number or not self._recording or self._paused:
                # Wiped or paused while this frame was analysed: it belongs to no session.
                for face in result.faces:
                    if face.encoding is not None:
                        face.encoding.fill(0.0)
                    if face.crop is not None:
                        face.crop.fill(0)
                return None, set(), ()
            faces = self.session.dossier.record(result)
            receipt = self.session.observe(self._clock(), len(faces))
            if receipt is not None:
                self._after_wipe()
            else:
                marks = capture.plate_marks
                if result.vehicles is not None:
                    # Unread candidates are at most a passing "plate?" box, never a car.
                    shown = {v.vehicle_id: v.display for v in result.vehicles if is_car(v)}
                    marks = tuple((p.box, shown.get(p.vehicle_id, UNREAD_MARK))
                                  for p in result.plates)
                capture.show(faces, marks, self._clock())
                arrivals = self._marked_arrivals(faces)
            self._analysis_ms = (self._clock() - started) * 1000.0
            self._analysis_rate.tick(self._clock())
            capture.analysis_rate.tick(self._clock())
            self._analysed += 1
            new_hits = {f.visitor_id for f in faces if f.watchlist is not None} - self._hits_seen
            self._hits_seen |= new_hits
        return receipt, new_hits, arrivals
