"""Plates across frames: following each plate and voting its readings into one vehicle.

A car in front of the camera is read in many frames, and each read can slip a character. The
tracker follows each plate box from frame to frame (overlap, or a short move of its centre),
collects the readings of that plate, and votes them character by character, weighted by OCR
confidence: one vehicle entry ("C1", "C2", …) per car, not one per frame. A car that leaves
and comes back is a new track at first and is merged into its earlier entry as soon as its
voted plate matches. Time is passed in (``now_s``); nothing here reads a clock.

Plate texts are personal data: nothing here logs them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from recognition.plates.format import UNREADABLE, is_serbian, normalise
from recognition.plates.read import PlateReading
from recognition.types import Box

#: Readings after which a plate whose vote is settled is no longer OCRed (saves ~12 ms each).
ENOUGH_READINGS = 5


@dataclass(frozen=True)
class Vehicle:
    """One car as the system knows it after voting its plate readings.

    ``text``/``display``/``valid``/``country`` are the voted plate (as in
    :class:`~recognition.plates.read.PlateReading`; ``""``/``"unreadable"`` until a reading could
    be used). ``readings`` counts the readings taken, ``agreement`` the share of readable
    ones that matched the vote (0–1). Times are the caller's seconds; ``box`` is where the
    plate was last seen, in frame pixels.
    """

    vehicle_id: str
    text: str
    display: str
    valid: bool
    country: str
    readings: int
    agreement: float
    first_seen_s: float
    last_seen_s: float
    box: Box


@dataclass
class _Track:
    """Mutable state of one followed plate (owned by :class:`PlateTracker`)."""

    vehicle_id: str
    box: Box
    first_seen_s: float
    last_seen_s: float
    readings: list[PlateReading] = field(default_factory=list)
    camera: str = "C1"


class PlateTracker:
    """Follows plates between frames and votes their readings into vehicles.

    Args:
        min_iou: overlap with a track's last box that continues it (0–1).
        max_shift: or a centre move of at most this many plate widths.
        max_gap_s: a track not seen for this long ends; its vehicle stays in :meth:`vehicles`.
        enough_readings: see :data:`ENOUGH_READINGS`.
    """

    def __init__(self, *, min_iou: float = 0.2, max_shift: float = 0.5, max_gap_s: float = 2.0,
                 enough_readings: int = ENOUGH_READINGS):
        self.min_iou = min_iou
        self.max_shift = max_shift
        self.max_gap_s = max_gap_s
        self.enough_readings = enough_readings
        self._tracks: dict[str, _Track] = {}   # live and ended tracks, by vehicle id
        self._live: set[str] = set()
        self._next = 1

    def track(self, boxes: Sequence[Box], now_s: float, *, camera: str = "C1") -> list[str]:
        """The vehicle id of each plate box seen at ``now_s``, starting new ones as needed.

        Matching is greedy, best overlap first; each live track takes at most one box. Boxes
        only continue tracks of the same ``camera`` (a car at another camera is matched by
        its plate text instead, when its vote settles).
        """
        self._expire(now_s)
        live = [v for v in self._live if self._tracks[v].camera == camera]
        pairs = sorted(((self._closeness(box, self._tracks[v].box), i, v)
                        for i, box in enumerate(boxes) for v in live), reverse=True)
        assigned: dict[int, str] = {}
        for score, i, vehicle_id in pairs:
            if score <= 0:
                break
            if i in assigned or vehicle_id in assigned.values():
                continue
            assigned[i] = vehicle_id
        ids = []
        for i, box in enumerate(boxes):
            vehicle_id = assigned.get(i) or self._start(box, now_s, camera)
            track = self._tracks[vehicle_id]
            track.box, track.last_seen_s = box, now_s
            ids.append(vehicle_id)
        return ids

    def due(self, vehicle_id: str) -> bool:
        """Whether the plate of ``vehicle_id`` should be OCRed in this frame.

        Yes until it has ``enough_readings`` readings and they agree on one plate; a plate
        whose readings disagree keeps being read.
        """
        track = self._tracks.get(vehicle_id)
        if track is None or len(track.readings) < self.enough_readings:
            return True
        vehicle = self._vote(track)
        return not vehicle.valid or vehicle.agreement < 0.6

    def add(self, vehicle_id: str, reading: PlateReading) -> str:
        """Vote ``reading`` into ``vehicle_id``; return the vehicle id it now belongs to.

        That is a different, older id when the voted plate turns out to be a car already
        seen (it left and came back): the two entries are merged under the older id.
        """
        track = self._tracks[vehicle_id]
        track.readings.append(reading)
        return self._merge(track)

    def update(self, readings: Sequence[PlateReading], now_s: float
               ) -> list[tuple[PlateReading, str]]:
        """Track and vote every reading of one frame: ``(reading, vehicle id)`` per reading."""
        ids = self.track([r.box for r in readings], now_s)
        return [(r, self.add(v, r)) for r, v in zip(readings, ids)]

    def vehicles(self) -> tuple[Vehicle, ...]:
        """Every vehicle seen since the last wipe, in order of first sighting."""
        return tuple(self._vote(t) for t in sorted(
            self._tracks.values(), key=lambda t: (t.first_seen_s, int(t.vehicle_id[1:]))))

    def in_view(self) -> tuple[str, ...]:
        """Ids of the vehicles whose plate is being followed now."""
        return tuple(sorted(self._live, key=lambda v: int(v[1:])))

    def wipe(self) -> int:
        """Forget every plate and vehicle; return how many vehicles there were. Ids restart."""
        count = len(self._tracks)
        for track in self._tracks.values():
            track.readings.clear()
        self._tracks.clear()
        self._live.clear()
        self._next = 1
        return count

    def _closeness(self, box: Box, last: Box) -> float:
        overlap = box.iou(last)
        if overlap >= self.min_iou:
            return 1.0 + overlap
        (x0, y0), (x1, y1) = box.center, last.center
        shift = ((x0 - x1) ** 2 + (y0 - y1) ** 2) ** 0.5 / max(last.width, 1)
        return 1.0 - shift / self.max_shift if shift <= self.max_shift else 0.0

    def _start(self, box: Box, now_s: float, camera: str = "C1") -> str:
        vehicle_id = f"C{self._next}"
        self._next += 1
        self._tracks[vehicle_id] = _Track(vehicle_id, box, now_s, now_s, camera=camera)
        self._live.add(vehicle_id)
        return vehicle_id

    def _expire(self, now_s: float) -> None:
        self._live = {v for v in self._live
                      if now_s - self._tracks[v].last_seen_s <= self.max_gap_s}

    def _merge(self, track: _Track) -> str:
        voted = self._vote(track)
        if not voted.text:
            return track.vehicle_id
        for other in list(self._tracks.values()):
            if other is track or other.first_seen_s > track.first_seen_s:
                continue
            if self._vote(other).text == voted.text:
                other.readings.extend(track.readings)
                other.box, other.last_seen_s = track.box, track.last_seen_s
                other.camera = track.camera
                del self._tracks[track.vehicle_id]
                if track.vehicle_id in self._live:
                    self._live.discard(track.vehicle_id)
                    self._live.add(other.vehicle_id)
                return other.vehicle_id
        return track.vehicle_id

    def _vote(self, track: _Track) -> Vehicle:
        text, agreement = vote([r for r in track.readings if r.text])
        plate = normalise(text, max_corrections=0) if text else None
        if plate is None or not plate.text:
            display, valid, country, text = UNREADABLE, False, "unknown", ""
        else:
            display, valid, country = plate.display, plate.valid, plate.country
        return Vehicle(track.vehicle_id, text, display, valid, country, len(track.readings),
                       agreement, track.first_seen_s, track.last_seen_s, track.box)


def vote(readings: Sequence[PlateReading]) -> tuple[str, float]:
    """The plate text the readings agree on, and the share of readings that match it.

    Readings of the most supported length vote character by character, each with its OCR
    confidence; a valid Serbian reading outweighs any number of foreign ones (a foreign
    reading of a Serbian plate is a misread). If the per-character winner is not a
    well-formed Serbian plate (or, among foreign readings, not one that was read), the
    best-supported whole reading wins instead, so voting never builds an invalid plate.
    Returns ``("", 0.0)`` without readings.
    """
    if not readings:
        return "", 0.0
    serbian = [r for r in readings if r.valid]
    pool = serbian or list(readings)
    weight = {id(r): max(r.confidence, 0.05) for r in pool}
    by_length: dict[int, float] = defaultdict(float)
    for r in pool:
        by_length[len(r.text)] += weight[id(r)]
    length = max(by_length, key=lambda n: (by_length[n], n))
    same = [r for r in pool if len(r.text) == length]
    chars = []
    for i in range(length):
        tally: Counter[str] = Counter()
        for r in same:
            tally[r.text[i]] += weight[id(r)]
        chars.append(tally.most_common(1)[0][0])
    text = "".join(chars)
    if not (is_serbian(text) if serbian else text in {r.text for r in pool}):
        whole: Counter[str] = Counter()
        for r in pool:
            whole[r.text] += weight[id(r)]
        text = whole.most_common(1)[0][0]
    return text, sum(r.text == text for r in readings) / len(readings)
