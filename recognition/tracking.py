"""Stable track ids for faces between detections, so a face is encoded once per track.

Matching is greedy on intersection-over-union, largest overlaps first: at the few faces and
high frame rates of an exhibit that is as good as the Hungarian method and needs no SciPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from recognition.types import Box


@dataclass
class Track:
    """One face followed across frames (mutable state owned by :class:`Tracker`)."""

    track_id: int
    box: Box
    first_seen_s: float
    last_seen_s: float
    encoded_s: float | None = None


class Tracker:
    """Assigns each detected face box to a track and says which tracks need an encoding.

    Args:
        min_iou: overlap with a track's last box needed to continue it (0–1).
        max_age_s: a track not seen for this long is dropped; its face gets a new track.
        refresh_s: re-encode a track this often, so a wrong first match can heal.
    """

    def __init__(self, *, min_iou: float = 0.3, max_age_s: float = 1.0, refresh_s: float = 3.0):
        self.min_iou = min_iou
        self.max_age_s = max_age_s
        self.refresh_s = refresh_s
        self._tracks: dict[int, Track] = {}
        self._next_id = 1

    @property
    def tracks(self) -> tuple[Track, ...]:
        """The live tracks."""
        return tuple(self._tracks.values())

    def update(self, boxes: Sequence[Box], now_s: float) -> list[Track]:
        """Match ``boxes`` to tracks at time ``now_s``, starting tracks for new faces.

        Returns the track of each box, in the order of ``boxes``.
        """
        self._expire(now_s)
        pairs = sorted(
            (
                (box.iou(track.box), i, track.track_id)
                for i, box in enumerate(boxes)
                for track in self._tracks.values()
            ),
            reverse=True,
        )
        assigned: dict[int, Track] = {}
        taken: set[int] = set()
        for overlap, i, track_id in pairs:
            if overlap < self.min_iou:
                break
            if i in assigned or track_id in taken:
                continue
            track = self._tracks[track_id]
            track.box, track.last_seen_s = boxes[i], now_s
            assigned[i] = track
            taken.add(track_id)
        for i, box in enumerate(boxes):
            if i not in assigned:
                assigned[i] = self._start(box, now_s)
        return [assigned[i] for i in range(len(boxes))]

    def needs_encoding(self, track: Track, now_s: float) -> bool:
        """Whether ``track`` has never been encoded or its encoding is older than refresh_s."""
        return track.encoded_s is None or now_s - track.encoded_s >= self.refresh_s

    def reset(self) -> None:
        """Forget every track (used by the session wipe)."""
        self._tracks.clear()

    def _start(self, box: Box, now_s: float) -> Track:
        track = Track(self._next_id, box, now_s, now_s)
        self._tracks[track.track_id] = track
        self._next_id += 1
        return track

    def _expire(self, now_s: float) -> None:
        stale = [t for t, tr in self._tracks.items() if now_s - tr.last_seen_s > self.max_age_s]
        for track_id in stale:
            del self._tracks[track_id]
