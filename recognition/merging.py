"""Joining two visitor records that re-clustering found to be one person.

The dossier keeps one record per visitor number; when :mod:`recognition.faces.clusters`
finds that two numbers are one person, everything known under the newer number is added to
the older one: sightings, time in view, the trajectory, companions, cues, the best watchlist
hit and the latest thumbnail. Nothing is ever split apart again.
"""

from __future__ import annotations

from recognition.visitor import VisitorRecord


def combine(kept: VisitorRecord, absorbed: VisitorRecord, kept_id: str, absorbed_id: str,
            *, max_points: int) -> None:
    """Add everything ``absorbed`` holds to ``kept`` (in place); ``absorbed`` is then empty.

    Args:
        kept, absorbed: the older and the newer record of one person.
        kept_id, absorbed_id: their visitor numbers (a person is not their own companion).
        max_points: longest trajectory kept (the newest points).
    """
    newer = absorbed.last_seen_s > kept.last_seen_s
    kept.first_seen_s = min(kept.first_seen_s, absorbed.first_seen_s)
    kept.last_seen_s = max(kept.last_seen_s, absorbed.last_seen_s)
    kept.sightings += absorbed.sightings
    kept.seconds_in_view += absorbed.seconds_in_view
    kept.in_view = kept.in_view or absorbed.in_view
    kept.tracks |= absorbed.tracks
    merged = sorted(kept.trajectory + absorbed.trajectory)
    kept.trajectory[:] = merged[-max_points:]
    absorbed.trajectory.clear()
    for counter in ("together_s", "together_frames"):
        mine, theirs = getattr(kept, counter), getattr(absorbed, counter)
        mine.update(theirs)
        for gone in (kept_id, absorbed_id):
            mine.pop(gone, None)
        theirs.clear()
    for other, places in absorbed.together_at.items():
        if other not in (kept_id, absorbed_id):
            mine = kept.together_at.setdefault(other, [])
            mine.extend(p for p in places if p not in mine)
    kept.together_at.pop(absorbed_id, None)
    absorbed.together_at.clear()
    hits = [h for h in (kept.watchlist, absorbed.watchlist) if h is not None]
    kept.watchlist = min(hits, key=lambda h: h.distance) if hits else None
    kept.frames_with_cues += absorbed.frames_with_cues
    kept.frames_looking += absorbed.frames_looking
    if newer:  # what was seen last describes the visitor now
        kept.box = absorbed.box or kept.box
        kept.cues = absorbed.cues or kept.cues
        kept.clothing = absorbed.clothing or kept.clothing
        kept.distance = absorbed.distance
        if absorbed.thumbnail is not None:
            kept.thumbnail, absorbed.thumbnail = absorbed.thumbnail, kept.thumbnail
    if absorbed.thumbnail is not None:
        absorbed.thumbnail.fill(0)  # a face picture: zeroed, not left to the allocator
        absorbed.thumbnail = None


def rename_companion(record: VisitorRecord, old_id: str, new_id: str, self_id: str) -> None:
    """In another visitor's record, count time spent with ``old_id`` as time with ``new_id``."""
    for counter in (record.together_s, record.together_frames):
        if old_id in counter:
            value = counter.pop(old_id)
            if new_id != self_id:
                counter[new_id] += value
    if old_id in record.together_at:
        places = record.together_at.pop(old_id)
        if new_id != self_id:
            mine = record.together_at.setdefault(new_id, [])
            mine.extend(p for p in places if p not in mine)
