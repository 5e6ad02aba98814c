"""The engine's side of the city in miniature: the marker's commands, the cameras' still
pictures, and the warning when there are more cameras than one analysis thread can serve.

Kept apart from :mod:`device.engine` so the engine stays about threads and the session.
"""

from __future__ import annotations

import logging
from typing import Sequence

from device.capture import Capture
from device.marker import Announcement
from recognition.types import FaceObservation

log = logging.getLogger(__name__)

#: Below this many analysed frames per second per camera a visitor walking past is seen in
#: too few frames to be followed well; with several cameras Oko then warns, and keeps running.
MIN_ANALYSED_FPS = 10.0
#: Seconds of recording over which the analysed rate per camera is measured.
CAPACITY_WINDOW_S = 10.0


class CapacityCheck:
    """Measures analysed frames per second per camera while recording; warns once when the
    slowest camera stays below :data:`MIN_ANALYSED_FPS` (only with several cameras: one slow
    camera is a slow machine, not too many cameras).

    Args:
        cameras: how many cameras share the analysis thread.
    """

    def __init__(self, cameras: int, *, min_fps: float = MIN_ANALYSED_FPS,
                 window_s: float = CAPACITY_WINDOW_S):
        self.cameras = cameras
        self.min_fps = min_fps
        self.window_s = window_s
        self.warning: str | None = None
        self._since_s: float | None = None
        self._counts: dict[str, int] = {}

    def analysed(self, camera: str, now_s: float, ok_cameras: Sequence[str]) -> str | None:
        """Count one analysed frame of ``camera``; return the warning when it is first due."""
        if self.cameras < 2 or self.warning is not None:
            return None
        if self._since_s is None:
            self._since_s = now_s
        self._counts[camera] = self._counts.get(camera, 0) + 1
        elapsed = now_s - self._since_s
        if elapsed < self.window_s:
            return None
        rates = {c: self._counts.get(c, 0) / elapsed for c in ok_cameras}
        self._since_s, self._counts = now_s, {}
        if not rates or min(rates.values()) >= self.min_fps:
            return None
        each = ", ".join(f"{c} {rate:.1f}" for c, rate in sorted(rates.items()))
        self.warning = (
            f"{self.cameras} cameras share one analysis thread and get only {each} analysed "
            f"frames/s (below {self.min_fps:.0f}, faces are missed); Oko keeps running — use "
            "fewer cameras or a faster machine.")
        return self.warning

    def pause(self) -> None:
        """Restart the measurement (nothing analysed while paused or between sessions)."""
        self._since_s, self._counts = None, {}


class MarkerCommands:
    """The engine's marker commands and its cameras' pictures.

    Mixed into :class:`device.engine.Engine`, whose ``_lock``, ``session``, ``marker``,
    ``captures``, ``events``, ``places``, ``_capacity``, ``_recording`` and ``_clock`` it uses.
    """

    def mark_visitor(self, visitor_id: str) -> bool:
        """Mark a visitor who consented: from now on each new place they appear at is
        announced on the kiosk and beeped. ``False`` if there is no such visitor."""
        with self._lock:
            dossier = self.session.dossier
            if visitor_id not in {p.visitor_id for p in dossier.profiles()}:
                return False
            self.marker.mark(visitor_id, dossier.routes.route(visitor_id))
        log.info("a visitor was marked")
        return True

    def unmark_visitor(self, visitor_id: str) -> bool:
        """Take the mark off a visitor; ``False`` if they were not marked."""
        with self._lock:
            return self.marker.unmark(visitor_id)

    def route_version(self) -> tuple[int, int, int]:
        """Changes whenever a route gains a leg, a marked visitor is announced or the session
        is wiped: cheap to compare, so the kiosk's events can be sent at once on news."""
        with self._lock:
            return (self.session.number, self.session.dossier.routes.version,
                    self.marker.announced)

    def camera_jpeg(self, camera: str) -> bytearray | None:
        """A small JPEG of ``camera``'s latest picture (boxes drawn), from RAM, as the
        caller's own copy to zero once sent; ``None`` for an unknown camera or when it has no
        picture (offline, paused, wiped)."""
        capture = self._capture(camera)
        return None if capture is None else capture.thumbnail_jpeg()

    def _capture(self, camera: str | None) -> Capture | None:
        return next((c for c in self.captures if c.camera_id == camera), None)

    def _marked_arrivals(self, faces: Sequence[FaceObservation]) -> tuple[Announcement, ...]:
        """New places of marked visitors among ``faces``; call under ``_lock``."""
        marked = set(self.marker.marked)
        seen = {f.visitor_id for f in faces if f.visitor_id in marked}
        if not seen:
            return ()
        routes = self.session.dossier.routes
        return self.marker.update({v: routes.route(v) for v in seen}, self.places, self._clock())

    def _tell_marked_seen(self, arrivals: Sequence[Announcement]) -> None:
        """Beep for marked visitors seen at a new place (not under ``_lock``)."""
        log.info("a marked visitor appeared at %d new place(s)", len(arrivals))
        when = getattr(self.events, "when_marked_seen", None)
        if when is not None:
            when()

    def _check_capacity(self, capture: Capture) -> None:
        """Count a frame of ``capture`` analysed; log the capacity warning once when due."""
        if not self._recording:
            self._capacity.pause()
            return
        ok = [c.camera_id for c in self.captures if c.ok]
        warning = self._capacity.analysed(capture.camera_id, self._clock(), ok)
        if warning:
            log.warning("%s", warning)
