"""The JSON of the city in miniature: cameras as places, routes, the marker's announcements.

Added to ``/api/state`` by :mod:`dashboard.state` (keys are added, never renamed):
``cameras`` (each with ``id``, ``place``, ``ok`` and its position on the schematic map),
``route`` per visitor, ``cameras`` per car and companion, ``marked`` and ``announcements``.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from device.places import map_position
from device.snapshot import Snapshot
from recognition.routes import RouteLeg, gaps_s

#: The source of "661 camera locations", for the route's sentence on the kiosk.
POLICE_LIST = {"count": 661, "source": "pink.rs, MUP list of camera locations"}


def places_of(snapshot: Snapshot) -> dict[str, str]:
    """Camera id → place name."""
    return {c.camera_id: c.place for c in snapshot.cameras}


def cameras_json(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Every camera: id, place, whether it delivers, rates and where it is on the map."""
    count = len(snapshot.cameras)
    out = []
    for index, c in enumerate(snapshot.cameras):
        x, y = map_position(c.place, index, count)
        out.append({"id": c.camera_id, "place": c.place, "ok": c.ok, "name": c.name,
                    "fps": round(c.fps, 1), "analysis_fps": round(c.analysis_fps, 1),
                    "frames_dropped": c.frames_dropped, "map": [round(x, 3), round(y, 3)]})
    return out


def route_json(route: Sequence[RouteLeg], places: dict[str, str],
               session_age_s: float | None = None) -> list[dict[str, Any]]:
    """A visitor's route: each leg's place, camera, times (session seconds), the seconds
    since the previous leg ended (``gap_s``, ``null`` for the first; 0 when they overlap)
    and, given the session's age, how long ago the leg began (``first_seen_ago_s``, for
    showing the time of day)."""
    gaps = (None, *gaps_s(route))
    return [{"place": places.get(leg.camera, leg.camera), "camera": leg.camera,
             "first_seen_s": round(leg.first_seen_s, 1), "last_seen_s": round(leg.last_seen_s, 1),
             "gap_s": None if gap is None else round(gap, 1),
             "first_seen_ago_s": None if session_age_s is None
             else round(max(0.0, session_age_s - leg.first_seen_s), 1)}
            for leg, gap in zip(route, gaps)]


def session_age_s(snapshot: Snapshot) -> float | None:
    """Seconds from the session's first record to the snapshot (``None`` before it)."""
    return None if snapshot.origin_s is None else snapshot.taken_s - snapshot.origin_s


def city_json(snapshot: Snapshot) -> dict[str, Any]:
    """The top-level keys this module adds to ``/api/state``."""
    return {
        "cameras": cameras_json(snapshot),
        "marked": list(snapshot.marked),
        "announcements": [
            {"visitor": a.visitor_id, "camera": a.camera_id, "place": a.place,
             "seconds_ago": round(max(0.0, snapshot.taken_s - a.at_s), 1)}
            for a in snapshot.announcements
        ],
        "police_list": POLICE_LIST,
    }


def camera_rows(state: dict[str, Any], t: Callable[..., str]) -> list[list[str]]:
    """Facilitator health rows for several cameras (one per camera: place, source, state,
    analysed frames/s) and the capacity warning; none with a single camera."""
    cameras = state.get("cameras", [])
    if len(cameras) < 2:
        return []
    rows = [[f"{t('f.health.cameras')} {c['id']} · {c['place']}",
             f"{c['name']} · {t('f.health.camera_ok' if c['ok'] else 'f.health.camera_bad')}"
             f" · {c['analysis_fps']:.1f}"] for c in cameras]
    warning = state["health"].get("capacity_warning")
    if warning:
        rows.append([t("f.health.capacity"), warning])
    return rows
