"""The session memory: every visitor the system has numbered and what it knows of them.

Nothing here is logged: visitor records are biometric data derived from faces.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from itertools import permutations

import numpy as np

from recognition.plates.cars import CarBook, CarProfile
from recognition.faces.clusters import ARRIVAL_MARGIN, MIN_LINKS, Merge
from recognition.faces.identities import IdentityIndex
from recognition.merging import combine, rename_companion
from recognition.routes import RouteBook
from recognition.types import FaceObservation, FrameResult
from recognition.visitor import MAX_FRAME_GAP_S, TRAJECTORY_POINTS, Profile, VisitorRecord
from recognition.faces.watchlist import Watchlist, WatchlistHit

#: A visitor must have been out of sight this long for a new track to count as coming back.
#: A track can break while the person stays in view (a missed detection, a quick move, a new
#: track started before the old one expired); the tracker keeps a lost face for 1 s, so a
#: shorter absence is the same visit, not a return.
RETURN_AFTER_S = 2.0


@dataclass(frozen=True)
class WipeReceipt:
    """Proof of a wipe: how much of each kind of data was deleted, when, and why.

    ``wiped_at_s`` is the caller's clock (seconds); the counts are what existed just before.
    ``reason`` says what triggered it (idle, max-length, end, command, button, stop, …) and
    ``session`` which session it ended; both are filled in by the session lifecycle.
    """

    wiped_at_s: float
    visitors: int
    encodings: int
    sightings: int
    tracks: int
    trajectory_points: int = 0
    watchlist_hits: int = 0
    reason: str = ""
    session: int = 0
    plates: int = 0
    places: int = 0
    route_legs: int = 0


class Dossier:
    """Accumulates frame results into per-visitor records and derives their profiles.

    Args:
        tolerance: faceprint distance up to which two faces are the same visitor (and a face
            matches a watchlist entry); change it live with :meth:`set_tolerance`.
        watchlist: consented demo entries to check every new faceprint against. It belongs
            to the event, not the session, so :meth:`wipe` leaves it alone.
    """

    def __init__(self, *, tolerance: float = 0.55, watchlist: Watchlist | None = None):
        self.identities = IdentityIndex(tolerance=tolerance, arrival_margin=ARRIVAL_MARGIN,
                                        min_links=MIN_LINKS)
        self.watchlist = watchlist if watchlist is not None else Watchlist()
        self._visitors: dict[str, VisitorRecord] = {}
        self.cars = CarBook()
        self.routes = RouteBook()
        # Track ids are per camera: each camera's pipeline numbers its own tracks.
        self._track_owner: dict[tuple[str, int], str] = {}
        # Who is in each camera's latest frame, and when: in view means in any camera's.
        self._in_view_at: dict[str, tuple[float, set[str]]] = {}
        self._started_s: float | None = None
        self._last_frame_s: float | None = None
        self._merged_into: dict[str, str] = {}
        self._in_frame: set[str] = set()

    @property
    def tolerance(self) -> float:
        """The current matching tolerance."""
        return self.identities.tolerance

    @property
    def started_s(self) -> float | None:
        """Time of the first recorded face, or ``None`` if nobody was seen yet."""
        return self._started_s

    @property
    def visitor_count(self) -> int:
        """How many visitors are on record."""
        return len(self._visitors)

    def record(self, result: FrameResult) -> tuple[FaceObservation, ...]:
        """Take in one frame's faces; return them labelled, with encodings dropped.

        Encodings in ``result`` are consumed: copied into the identity index, then zeroed.
        Face crops are kept as thumbnails or zeroed. Both happen even when taking the frame
        in fails part-way, so no faceprint or face picture is left for nobody to zero.

        A face is labelled (``visitor_id``, ``distance``, ``watchlist``) once its track has
        been matched; until then ``visitor_id`` is ``None``.
        """
        try:
            return self._take_in(result)
        finally:
            thumbnails = {id(v.thumbnail) for v in self._visitors.values()}
            for face in result.faces:
                if face.encoding is not None:
                    face.encoding.fill(0.0)
                if face.crop is not None and id(face.crop) not in thumbnails:
                    face.crop.fill(0)

    def _take_in(self, result: FrameResult) -> tuple[FaceObservation, ...]:
        now_s = result.captured_s
        gap_s = 0.0 if self._last_frame_s is None else now_s - self._last_frame_s
        counted_s = gap_s if 0.0 < gap_s <= MAX_FRAME_GAP_S else 0.0
        self._last_frame_s = now_s
        if (result.faces or result.plates) and self._started_s is None:
            self._started_s = now_s  # a car alone starts a session too: it must be wiped
        seen: dict[str, bool] = {}
        labelled = []
        # Faces in one frame are different people: the visitors of tracks already known are
        # taken before any new faceprint is matched. (A visitor in view a moment ago is not:
        # their track may have broken while they stayed, and they are still themselves.)
        self._in_frame = {self._track_owner[(result.camera, f.track_id)] for f in result.faces
                          if (result.camera, f.track_id) in self._track_owner}
        for face in result.faces:
            visitor_id = self._identify(face, now_s, result.camera)
            if visitor_id is None:
                if face.crop is not None:
                    face.crop.fill(0)
                labelled.append(dataclasses.replace(face, encoding=None, crop=None))
                continue
            visitor = self._visitors[visitor_id]
            self._in_frame.add(visitor_id)
            seen[visitor_id] = visitor.in_view
            visitor.note_seen(face, result.frame_size, now_s)
            self.routes.record(visitor_id, result.camera, now_s)
            labelled.append(dataclasses.replace(
                face, encoding=None, crop=None, visitor_id=visitor_id,
                distance=visitor.distance, watchlist=visitor.watchlist,
            ))
        if self._merged_into:  # a merge during this frame renames visitors labelled before it
            seen = {self.resolve(v): in_view for v, in_view in seen.items()}
            labelled = [f if f.visitor_id is None else dataclasses.replace(
                f, visitor_id=self.resolve(f.visitor_id)) for f in labelled]
        for a, b in permutations(seen, 2):
            if seen[a] and seen[b]:  # both were already in view: the gap was spent together
                self._visitors[a].together_s[b] += counted_s
            self._visitors[a].together_frames[b] += 1
            places = self._visitors[a].together_at.setdefault(b, [])
            if result.camera not in places:
                places.append(result.camera)
        self._in_view_at[result.camera] = (now_s, set(seen))
        in_view = set().union(*(ids for at_s, ids in self._in_view_at.values()
                                if now_s - at_s <= MAX_FRAME_GAP_S))
        for visitor_id, visitor in self._visitors.items():
            visitor.in_view = visitor_id in in_view
        self.cars.record(result, set(seen), camera=result.camera)
        return tuple(labelled)

    def profiles(self) -> tuple[Profile, ...]:
        """Every visitor's profile, in the order they were first seen."""
        origin = self._started_s or 0.0
        return tuple(
            dataclasses.replace(v.profile(vid, origin), cars=self.cars.cars_of(vid),
                                route=self.routes.route(vid, origin))
            for vid, v in self._visitors.items()
        )

    def resolve(self, visitor_id: str) -> str:
        """The number ``visitor_id`` goes by now: itself, or the older visitor it was merged
        into when re-clustering found them to be one person."""
        while visitor_id in self._merged_into:
            visitor_id = self._merged_into[visitor_id]
        return visitor_id

    def copy_records(self) -> Dossier:
        """A copy of what :meth:`profiles` and :meth:`vehicles` are derived from, holding no
        faceprint and no picture, so they can be built outside the caller's lock.

        Only copies (a few microseconds a visitor): made under the engine's lock, it keeps
        that lock's critical section to copying.
        """
        view = Dossier(tolerance=self.tolerance, watchlist=self.watchlist)
        view._visitors = {vid: v.copy() for vid, v in self._visitors.items()}
        view.cars = self.cars.copy()
        view.routes = self.routes.copy()
        view._started_s, view._last_frame_s = self._started_s, self._last_frame_s
        view._merged_into = dict(self._merged_into)
        return view

    def vehicles(self) -> tuple[CarProfile, ...]:
        """Every car of the session, with its registry entry and the visitors seen with it."""
        return self.cars.profiles(self._started_s or 0.0)

    def enrol(self, label: str, visitor_id: str) -> bool:
        """Put ``visitor_id``'s faceprint on the watchlist as ``label`` (with their consent).

        Returns ``False`` if there is no such visitor. A number merged into an older one
        stands for that one.
        """
        faceprint = self.identities.faceprint(self.resolve(visitor_id))
        if faceprint is None:
            return False
        try:
            self.watchlist.enrol(label, faceprint)
        finally:
            faceprint.fill(0.0)  # enrol() keeps its own copy
        return True

    def thumbnail(self, visitor_id: str) -> np.ndarray | None:
        """The latest face thumbnail of ``visitor_id`` (BGR, held in RAM only), or ``None``."""
        visitor = self._visitors.get(self.resolve(visitor_id))
        return None if visitor is None else visitor.thumbnail

    def faceprint(self, visitor_id: str) -> np.ndarray | None:
        """A copy of ``visitor_id``'s faceprint (the mean of their stored encodings)."""
        return self.identities.faceprint(self.resolve(visitor_id))

    def set_tolerance(self, tolerance: float) -> None:
        """Change the matching tolerance for faces matched from now on.

        Watchlist matches already shown are not changed here: recompute them with
        :meth:`faceprints`, :func:`~recognition.faces.watchlist.rematch` and
        :meth:`set_watchlist_hits`.
        """
        self.identities.tolerance = tolerance

    def faceprints(self) -> dict[str, np.ndarray]:
        """A copy of every visitor's faceprint, by visitor id; the caller zeroes them."""
        prints = {vid: self.identities.faceprint(vid) for vid in self._visitors}
        return {vid: fp for vid, fp in prints.items() if fp is not None}

    def set_watchlist_hits(self, hits: dict[str, WatchlistHit | None]) -> None:
        """Replace the watchlist match of each visitor in ``hits`` (``None`` clears it).

        Used after the list or the tolerance changed, so a match that no longer holds goes
        and one that now holds appears. Visitors not in ``hits`` (numbered meanwhile, and
        matched against the new list already) keep theirs.
        """
        for visitor_id, hit in hits.items():
            visitor = self._visitors.get(visitor_id)
            if visitor is not None:
                visitor.watchlist = hit

    def leave_view(self) -> None:
        """Mark everybody as out of view and forget the current cues (the camera is paused).

        What was recorded stays until the wipe; only the claims about *now* are dropped.
        """
        for visitor in self._visitors.values():
            visitor.in_view = False
            visitor.cues = None
        self._last_frame_s = None  # time paused is not time in view
        self._in_view_at.clear()

    def wipe(self, now_s: float) -> WipeReceipt:
        """Zero every faceprint, drop every record, and return what was deleted."""
        visitors = self._visitors.values()
        receipt = WipeReceipt(
            wiped_at_s=now_s,
            visitors=len(self._visitors),
            encodings=self.identities.encoding_count,
            sightings=sum(v.sightings for v in visitors),
            tracks=len(self._track_owner),
            trajectory_points=sum(len(v.trajectory) for v in visitors),
            watchlist_hits=sum(v.watchlist is not None for v in visitors),
            plates=len(self.cars),
            places=len(self.routes.cameras()),
            route_legs=self.routes.leg_count,
        )
        self.cars.wipe()
        self.routes.wipe()
        self.identities.wipe()
        for visitor in visitors:
            visitor.forget()
        self._visitors.clear()
        self._track_owner.clear()
        self._merged_into.clear()
        self._in_frame = set()
        self._in_view_at.clear()
        self._started_s = None
        self._last_frame_s = None
        return receipt

    def _identify(self, face: FaceObservation, now_s: float, camera: str = "C1") -> str | None:
        track = (camera, face.track_id)
        if face.encoding is None:
            return self._track_owner.get(track)
        previous = self._track_owner.get(track)
        others = self._in_frame - {previous}
        match = self.identities.match(face.encoding, exclude=others,  # stores its own copy
                                      source=track)
        self._track_owner[track] = match.visitor_id
        if match.is_new:
            self._visitors[match.visitor_id] = VisitorRecord(now_s, now_s)
        visitor = self._visitors[match.visitor_id]
        visitor.distance = None if match.is_new else match.distance
        hit = self.watchlist.match(face.encoding, self.identities.tolerance)
        if hit is not None and (visitor.watchlist is None or hit.distance < visitor.watchlist.distance):
            visitor.watchlist = hit
        away_s = now_s - visitor.last_seen_s
        if track not in visitor.tracks and previous != match.visitor_id and (
                match.is_new or away_s >= RETURN_AFTER_S):
            # A new track for this person after a real absence: they came back.
            visitor.sightings += 1
        visitor.tracks.add(track)
        self._in_frame.add(match.visitor_id)  # so re-clustering knows who is in this frame
        for merge in self.identities.recluster(face.encoding, apart=self._seen_together):
            self._merge(merge)
        # The observation's faceprint is consumed: zero it so no copy outlives a wipe.
        face.encoding.fill(0.0)
        return self.resolve(match.visitor_id)

    def _seen_together(self, a: str, b: str) -> bool:
        """Whether visitors ``a`` and ``b`` were ever in one frame: then they are two people."""
        if {a, b} <= self._in_frame:
            return True
        return any(record is not None and record.together_frames[other] > 0
                   for record, other in ((self._visitors.get(a), b), (self._visitors.get(b), a)))

    def _merge(self, merge: Merge) -> None:
        """Fold ``merge.absorbed``'s record into the older ``merge.kept`` (see
        :mod:`recognition.merging`); every reference to the newer number follows."""
        kept, absorbed = self._visitors[merge.kept], self._visitors.pop(merge.absorbed)
        combine(kept, absorbed, merge.kept, merge.absorbed, max_points=TRAJECTORY_POINTS)
        kept.linked.extend([merge.absorbed, *absorbed.linked])
        for visitor_id, other in self._visitors.items():
            rename_companion(other, merge.absorbed, merge.kept, visitor_id)
        for track_id, owner in self._track_owner.items():
            if owner == merge.absorbed:
                self._track_owner[track_id] = merge.kept
        if merge.absorbed in self._in_frame:
            self._in_frame.discard(merge.absorbed)
            self._in_frame.add(merge.kept)
        self._merged_into[merge.absorbed] = merge.kept
        self.cars.rename_visitor(merge.absorbed, merge.kept)
        self.routes.rename(merge.absorbed, merge.kept)
        for camera, (at_s, ids) in self._in_view_at.items():
            if merge.absorbed in ids:
                self._in_view_at[camera] = (at_s, (ids - {merge.absorbed}) | {merge.kept})
