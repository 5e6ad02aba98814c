"""The JSON form of a snapshot, as served by ``GET /api/state``.

The shape is a contract other parts rely on: keys are added, never renamed or removed.
Boxes are ``[x, y, width, height]`` in display pixels, as in ``oko scan --json``.
"""

from __future__ import annotations

from typing import Any

from dashboard.city import city_json, places_of, route_json, session_age_s
from device.snapshot import Snapshot
from recognition.visitor import Profile
from recognition.faces.cues import Cues
from recognition.faces.watchlist import WatchlistHit
from recognition.plates.cars import CarProfile
from recognition.types import Box


def _box(box: Box | None) -> list[int] | None:
    return None if box is None else [box.left, box.top, box.width, box.height]


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _hit(hit: WatchlistHit | None) -> dict[str, Any] | None:
    if hit is None:
        return None
    return {"label": hit.label, "distance": round(hit.distance, 3),
            "similarity": round(hit.similarity, 3)}


def _cues(cues: Cues | None) -> dict[str, Any] | None:
    if cues is None:
        return None
    return {"looking_at_camera": cues.looking_at_camera, "eyes_closed": cues.eyes_closed,
            "smiling": cues.smiling}


def _car(c: CarProfile, places: dict[str, str]) -> dict[str, Any]:
    r = c.registry
    return {
        "vehicle": c.vehicle_id,
        "text": c.text,
        "display": c.display,
        "valid": c.valid,
        "country": c.country,
        "district": c.district,
        "place": c.place,
        "registry": None if r is None else {
            "owner": r.owner, "make": r.make, "model": r.model, "colour": r.colour,
            "year": r.year, "place": r.place, "fictional": r.fictional, "notice": r.notice,
        },
        "visitors": list(c.visitors),
        "box": _box(c.box),
        "in_view": c.in_view,
        "readings": c.readings,
        "agreement": _round(c.agreement, 2),
        "first_seen_s": _round(c.first_seen_s),
        "last_seen_s": _round(c.last_seen_s),
        "cameras": list(c.cameras),
        "seen_at": [places.get(camera, camera) for camera in c.cameras],
    }


def _visitor(p: Profile, places: dict[str, str], age_s: float | None) -> dict[str, Any]:
    return {
        "id": p.visitor_id,
        "first_seen_s": _round(p.first_seen_s),
        "last_seen_s": _round(p.last_seen_s),
        "sightings": p.sightings,
        "seconds_in_view": _round(p.seconds_in_view),
        "in_view": p.in_view,
        "returning": p.returning,
        "box": _box(p.box),
        "trajectory": [[round(t, 1), round(x, 3), round(y, 3)] for t, x, y in p.trajectory],
        "companions": [
            {"id": c.visitor_id, "seconds": _round(c.seconds_together), "frames": c.frames_together,
             "cameras": list(c.cameras), "seen_at": [places.get(x, x) for x in c.cameras]}
            for c in p.companions
        ],
        "watchlist": _hit(p.watchlist),
        "cues": _cues(p.cues),
        "attention": _round(p.attention, 2),
        "clothing": p.clothing,
        "distance": _round(p.distance, 3),
        "cars": list(p.cars),
        "linked": list(p.linked),
        "route": route_json(p.route, places, age_s),
    }


def state_json(snapshot: Snapshot) -> dict[str, Any]:
    """Turn a :class:`~device.snapshot.Snapshot` into plain JSON-ready data."""
    s, h, r = snapshot.session, snapshot.health, snapshot.last_receipt
    return {
        "session": {
            "number": s.number,
            "token": s.token,
            "active": s.active,
            "visitors": s.visitors,
            "wipe_in_s": _round(s.wipe_in_s),
            "mode": s.mode,
            "recording": snapshot.recording,
            "paused": snapshot.paused,
            "started_s_ago": _round(s.started_s_ago),
        },
        "visitors": [_visitor(p, places_of(snapshot), session_age_s(snapshot))
                     for p in snapshot.visitors],
        "faces": [
            {"track": f.track_id, "visitor_id": f.visitor_id, "box": _box(f.box),
             "watchlist": _hit(f.watchlist)}
            for f in snapshot.faces
        ],
        "plates": [_car(c, places_of(snapshot)) for c in snapshot.plates],
        "health": {
            "fps": _round(h.fps),
            "analysis_fps": _round(h.analysis_fps),
            "analysis_ms": _round(h.analysis_ms),
            "camera": h.camera,
            "camera_ok": h.camera_ok,
            "frames_dropped": h.frames_dropped,
            "uptime_s": _round(h.uptime_s),
            "error": h.error,
            "cpu_temp_c": _round(h.cpu_temp_c),
            "frames_analysed": h.frames_analysed,
            "analysis_errors": h.analysis_errors,
            "capacity_warning": snapshot.capacity_warning,
        },
        "recognition": {
            "tolerance": snapshot.tolerance,
            "watchlist_size": len(snapshot.watchlist),
        },
        "consent_zone": snapshot.consent_zone.json(),
        "last_wipe": None if r is None else {
            "visitors": r.visitors,
            "encodings": r.encodings,
            "sightings": r.sightings,
            "tracks": r.tracks,
            "trajectory_points": r.trajectory_points,
            "watchlist_hits": r.watchlist_hits,
            "reason": r.reason,
            "session": r.session,
            "plates": r.plates,
            "places": r.places,
            "route_legs": r.route_legs,
            "seconds_ago": _round(snapshot.taken_s - r.wiped_at_s),
        },
        **city_json(snapshot),
    }
