"""The session memory: every visitor the system has numbered and what it knows of them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from recognition.identities import IdentityIndex
from recognition.types import Box, FaceObservation, FrameResult

#: Gaps between frames longer than this do not count as time in view (the camera stalled).
_MAX_FRAME_GAP_S = 1.0


@dataclass(frozen=True)
class Profile:
    """What the system knows about one visitor, at one moment.

    Times are seconds since the session started.
    """

    visitor_id: str
    first_seen_s: float
    last_seen_s: float
    sightings: int
    seconds_in_view: float
    in_view: bool
    box: Box | None


@dataclass(frozen=True)
class WipeReceipt:
    """Proof of a wipe: how much of each kind of data was deleted, and when.

    ``wiped_at_s`` is the caller's clock (seconds); the counts are what existed just before.
    """

    wiped_at_s: float
    visitors: int
    encodings: int
    sightings: int
    tracks: int


@dataclass
class _Visitor:
    first_seen_s: float
    last_seen_s: float
    sightings: int = 1
    seconds_in_view: float = 0.0
    box: Box | None = None
    in_view: bool = True
    tracks: set[int] = field(default_factory=set)


class Dossier:
    """Accumulates frame results into per-visitor records and derives their profiles.

    Args:
        tolerance: faceprint distance up to which two faces are the same visitor.
    """

    def __init__(self, *, tolerance: float = 0.5):
        self.identities = IdentityIndex(tolerance=tolerance)
        self._visitors: dict[str, _Visitor] = {}
        self._track_owner: dict[int, str] = {}
        self._started_s: float | None = None
        self._last_frame_s: float | None = None

    @property
    def started_s(self) -> float | None:
        """Time of the first recorded face, or ``None`` if nobody was seen yet."""
        return self._started_s

    @property
    def visitor_count(self) -> int:
        """How many visitors are on record."""
        return len(self._visitors)

    def record(self, result: FrameResult) -> tuple[FaceObservation, ...]:
        """Take in one frame's faces; return them labelled with visitor ids, encodings dropped.

        A track is labelled once it has an encoding; until then its ``visitor_id`` is ``None``.
        """
        now_s = result.captured_s
        gap_s = 0.0 if self._last_frame_s is None else now_s - self._last_frame_s
        self._last_frame_s = now_s
        if result.faces and self._started_s is None:
            self._started_s = now_s
        seen: set[str] = set()
        labelled = []
        for face in result.faces:
            visitor_id = self._identify(face, now_s)
            if visitor_id is not None:
                seen.add(visitor_id)
                self._note_seen(visitor_id, face, now_s, gap_s)
            labelled.append(dataclasses.replace(face, encoding=None, visitor_id=visitor_id))
        for visitor_id, visitor in self._visitors.items():
            if visitor_id not in seen:
                visitor.in_view = False
        return tuple(labelled)

    def profiles(self) -> tuple[Profile, ...]:
        """Every visitor's profile, in the order they were first seen."""
        origin = self._started_s or 0.0
        return tuple(
            Profile(
                visitor_id=vid,
                first_seen_s=v.first_seen_s - origin,
                last_seen_s=v.last_seen_s - origin,
                sightings=v.sightings,
                seconds_in_view=v.seconds_in_view,
                in_view=v.in_view,
                box=v.box,
            )
            for vid, v in self._visitors.items()
        )

    def set_tolerance(self, tolerance: float) -> None:
        """Change the matching tolerance for faces matched from now on."""
        self.identities.tolerance = tolerance

    def wipe(self, now_s: float) -> WipeReceipt:
        """Zero every faceprint, drop every record, and return what was deleted."""
        receipt = WipeReceipt(
            wiped_at_s=now_s,
            visitors=len(self._visitors),
            encodings=self.identities.encoding_count,
            sightings=sum(v.sightings for v in self._visitors.values()),
            tracks=len(self._track_owner),
        )
        self.identities.wipe()
        self._visitors.clear()
        self._track_owner.clear()
        self._started_s = None
        self._last_frame_s = None
        return receipt

    def _identify(self, face: FaceObservation, now_s: float) -> str | None:
        if face.encoding is None:
            return self._track_owner.get(face.track_id)
        match = self.identities.match(face.encoding)
        previous = self._track_owner.get(face.track_id)
        self._track_owner[face.track_id] = match.visitor_id
        if match.is_new:
            self._visitors[match.visitor_id] = _Visitor(now_s, now_s, sightings=0)
        visitor = self._visitors[match.visitor_id]
        if face.track_id not in visitor.tracks and previous != match.visitor_id:
            # A new track for this person means they (re)entered the view: one more sighting.
            visitor.sightings += 1
        visitor.tracks.add(face.track_id)
        return match.visitor_id

    def _note_seen(self, visitor_id: str, face: FaceObservation, now_s: float, gap_s: float) -> None:
        visitor = self._visitors[visitor_id]
        if visitor.in_view and 0.0 < gap_s <= _MAX_FRAME_GAP_S:
            visitor.seconds_in_view += gap_s
        visitor.last_seen_s = now_s
        visitor.box = face.box
        visitor.in_view = True
