"""The JSON form of a snapshot, as served by ``GET /api/state``.

The shape is a contract other parts rely on: keys are added, never renamed or removed.
"""

from __future__ import annotations

from typing import Any

from recognition.types import Box


def _box(box: Box | None) -> list[int] | None:
    return None if box is None else [box.left, box.top, box.right, box.bottom]


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def state_json(snapshot: Any) -> dict[str, Any]:
    """Turn a :class:`~device.engine.Snapshot` into plain JSON-ready data."""
    s, h, r = snapshot.session, snapshot.health, snapshot.last_receipt
    return {
        "session": {
            "number": s.number,
            "active": s.active,
            "visitors": s.visitors,
            "wipe_in_s": _round(s.wipe_in_s),
        },
        "visitors": [
            {
                "id": p.visitor_id,
                "first_seen_s": _round(p.first_seen_s),
                "last_seen_s": _round(p.last_seen_s),
                "sightings": p.sightings,
                "seconds_in_view": _round(p.seconds_in_view),
                "in_view": p.in_view,
                "box": _box(p.box),
            }
            for p in snapshot.visitors
        ],
        "faces": [
            {"track": f.track_id, "visitor_id": f.visitor_id, "box": _box(f.box)}
            for f in snapshot.faces
        ],
        "plates": [],
        "health": {
            "fps": _round(h.fps),
            "analysis_fps": _round(h.analysis_fps),
            "analysis_ms": _round(h.analysis_ms),
            "camera": h.camera,
            "camera_ok": h.camera_ok,
            "frames_dropped": h.frames_dropped,
            "uptime_s": _round(h.uptime_s),
            "error": h.error,
        },
        "last_wipe": None if r is None else {
            "visitors": r.visitors,
            "encodings": r.encodings,
            "sightings": r.sightings,
            "tracks": r.tracks,
        },
    }
