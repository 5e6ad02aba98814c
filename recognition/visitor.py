"""One visitor as the session knows them: the record kept sighting by sighting, and the
:class:`Profile` derived from it for the screens.

Nothing here is logged: visitor records are biometric data derived from faces.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from recognition.faces.cues import Cues
from recognition.faces.watchlist import WatchlistHit
from recognition.routes import RouteLeg
from recognition.types import Box, FaceObservation

#: Gaps between sightings longer than this do not count as time in view (the camera stalled).
MAX_FRAME_GAP_S = 1.0
#: Trajectory points are kept at most this often, and at most this many (two minutes).
TRAJECTORY_STEP_S = 0.5
TRAJECTORY_POINTS = 240


@dataclass(frozen=True)
class Companion:
    """Another visitor seen in the same frames, for how long (seconds, frames), and by
    which cameras (ids, in the order they first saw the two together)."""

    visitor_id: str
    seconds_together: float
    frames_together: int
    cameras: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """What the system knows about one visitor, at one moment.

    Times are seconds since the session started. ``trajectory`` holds ``(t_s, x, y)`` with
    the face centre as a fraction of the frame (0–1). ``attention`` is the share of analysed
    frames in which the visitor looked at the camera. ``distance`` is the faceprint distance
    of the latest match (``None`` right after the first sighting). ``route`` is the places
    (cameras) the visitor was seen at, in order (see :mod:`recognition.routes`).
    """

    visitor_id: str
    first_seen_s: float
    last_seen_s: float
    sightings: int
    seconds_in_view: float
    in_view: bool
    box: Box | None
    returning: bool = False
    trajectory: tuple[tuple[float, float, float], ...] = ()
    companions: tuple[Companion, ...] = ()
    watchlist: WatchlistHit | None = None
    cues: Cues | None = None
    attention: float | None = None
    clothing: str | None = None
    distance: float | None = None
    cars: tuple[str, ...] = ()
    linked: tuple[str, ...] = ()  # numbers first given to this visitor's sightings, merged in
    route: tuple[RouteLeg, ...] = ()


@dataclass
class VisitorRecord:
    """What the dossier holds of one visitor, updated sighting by sighting (mutable; the
    thumbnail is a face picture, zeroed by :meth:`forget`)."""

    first_seen_s: float
    last_seen_s: float
    sightings: int = 0
    seconds_in_view: float = 0.0
    box: Box | None = None
    in_view: bool = True
    tracks: set[tuple[str, int]] = field(default_factory=set)
    trajectory: list[tuple[float, float, float]] = field(default_factory=list)
    together_s: Counter = field(default_factory=Counter)
    together_frames: Counter = field(default_factory=Counter)
    together_at: dict[str, list[str]] = field(default_factory=dict)  # other → camera ids
    watchlist: WatchlistHit | None = None
    cues: Cues | None = None
    frames_with_cues: int = 0
    frames_looking: int = 0
    clothing: str | None = None
    distance: float | None = None
    thumbnail: np.ndarray | None = None
    linked: list[str] = field(default_factory=list)

    def forget(self) -> None:
        """Zero what cannot simply be dropped (the face thumbnail) and clear the lists."""
        if self.thumbnail is not None:
            self.thumbnail.fill(0)
        self.trajectory.clear()

    def copy(self) -> VisitorRecord:
        """A copy of the record without the thumbnail, sharing nothing mutable."""
        return dataclasses.replace(
            self, tracks=set(self.tracks), trajectory=list(self.trajectory),
            together_s=Counter(self.together_s), together_frames=Counter(self.together_frames),
            together_at={other: list(at) for other, at in self.together_at.items()},
            thumbnail=None, linked=list(self.linked))

    def note_seen(self, face: FaceObservation, frame_size: tuple[int, int], now_s: float) -> None:
        """Take in one sighting: time in view, latest box, clothing, thumbnail, cues and a
        trajectory point. ``face.crop`` becomes the thumbnail (the old one is zeroed)."""
        # The gap since this visitor was last seen, by any camera (with one camera: the
        # frame gap); a longer gap is a stall or an absence, not time in view.
        gap_s = now_s - self.last_seen_s
        if self.in_view and 0.0 < gap_s <= MAX_FRAME_GAP_S:
            self.seconds_in_view += gap_s
        self.last_seen_s = now_s
        self.box = face.box
        if face.clothing is not None:
            self.clothing = face.clothing
        if face.crop is not None:
            if self.thumbnail is not None:
                self.thumbnail.fill(0)
            self.thumbnail = face.crop
        if face.cues is not None:
            self.cues = face.cues
            self.frames_with_cues += 1
            self.frames_looking += face.cues.looking_at_camera
        width, height = frame_size
        if not self.trajectory or now_s - self.trajectory[-1][0] >= TRAJECTORY_STEP_S:
            cx, cy = face.box.center
            self.trajectory.append((now_s, cx / max(width, 1), cy / max(height, 1)))
            del self.trajectory[:-TRAJECTORY_POINTS]

    def profile(self, visitor_id: str, origin: float) -> Profile:
        """The record as ``visitor_id``'s :class:`Profile`, times relative to ``origin``."""
        companions = sorted(
            (Companion(other, self.together_s[other], frames,
                       tuple(self.together_at.get(other, ())))
             for other, frames in self.together_frames.items()),
            key=lambda c: (-c.frames_together, c.visitor_id),
        )
        return Profile(
            visitor_id=visitor_id,
            first_seen_s=self.first_seen_s - origin,
            last_seen_s=self.last_seen_s - origin,
            sightings=self.sightings,
            seconds_in_view=self.seconds_in_view,
            in_view=self.in_view,
            box=self.box,
            returning=self.sightings > 1,
            trajectory=tuple((t - origin, x, y) for t, x, y in self.trajectory),
            companions=tuple(companions),
            watchlist=self.watchlist,
            cues=self.cues,
            attention=self.frames_looking / self.frames_with_cues if self.frames_with_cues else None,
            clothing=self.clothing,
            distance=self.distance,
            linked=tuple(self.linked),
        )
