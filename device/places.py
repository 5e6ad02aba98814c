"""The city in miniature: which cameras there are, and the named place each one stands for.

Each camera is a source (``picamera``, ``picamera:1``, ``webcam:N``, ``file:PATH``, ``demo``)
and a place. Places not given are taken in order from :data:`PLACES_CSV`, places Belgrade's
police cameras are reported at. Camera ids are ``C1``, ``C2``, … in the order given.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Sequence

from recognition.errors import ConfigError

PLACES_CSV = Path(__file__).with_name("data") / "places.csv"
#: Longest place name: it has to fit on the map and in the route line.
MAX_PLACE_CHARS = 40
#: More cameras than this are refused: one analysis thread shares its time between them.
MAX_CAMERAS = 8


@dataclass(frozen=True)
class CameraSpec:
    """One camera as configured: ``source`` (see :data:`device.camera.SOURCE_HELP`) and the
    ``place`` it stands for."""

    source: str
    place: str


@dataclass(frozen=True)
class Place:
    """A named place with its position on the kiosk's schematic map (0–1, west→east and
    north→south) and who reported a camera there."""

    name: str
    map_x: float
    map_y: float
    reported_by: str = ""


@cache
def known_places() -> tuple[Place, ...]:
    """The places of :data:`PLACES_CSV`, in the order defaults are taken."""
    with PLACES_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple(Place(row["place"], float(row["map_x"]), float(row["map_y"]),
                           row["reported_by"]) for row in csv.DictReader(fh))


def camera_id(index: int) -> str:
    """The id of the ``index``-th camera (0-based): ``C1``, ``C2``, …"""
    return f"C{index + 1}"


def map_position(place: str, index: int, count: int) -> tuple[float, float]:
    """Where ``place`` is drawn on the schematic map: its known position, or (a place the
    facilitator named) a point on a ring around the centre, by its index among ``count``."""
    for known in known_places():
        if known.name.casefold() == place.casefold():
            return known.map_x, known.map_y
    angle = 2 * math.pi * index / max(count, 1) - math.pi / 2
    return 0.5 + 0.3 * math.cos(angle), 0.5 + 0.3 * math.sin(angle)


def resolve_cameras(sources: Sequence[str],
                    places: Sequence[str | None] = ()) -> tuple[CameraSpec, ...]:
    """Pair each source with a place (given, else the next default); check the list.

    A place of ``None`` (or none given) takes the next default place not named already.

    Raises:
        ConfigError: no source, more than :data:`MAX_CAMERAS`, more places than sources, a
            place empty, too long or repeated, ``auto`` among several cameras, or the same
            device (webcam, Pi camera module or file) given twice. ``demo`` may be repeated:
            each copy plays the clip from a later point.
    """
    if not sources:
        raise ConfigError("The camera list is empty; give at least one camera "
                          "(e.g. --source demo).")
    if len(sources) > MAX_CAMERAS:
        raise ConfigError(f"{len(sources)} cameras given; Oko analyses at most {MAX_CAMERAS}.")
    if len(places) > len(sources):
        raise ConfigError(f"{len(places)} places given for {len(sources)} camera(s); give one "
                          "--place per --source, in the same order.")
    named = {str(p).strip().casefold() for p in places if p is not None}
    defaults = [p.name for p in known_places() if p.name.casefold() not in named]
    specs = []
    for index, source in enumerate(sources):
        source = str(source).strip()
        given = places[index] if index < len(places) else None
        place = defaults.pop(0) if given is None else str(given).strip()
        if not place:
            raise ConfigError(f"Camera {camera_id(index)} ({source}) has an empty place name; "
                              "name the place it stands for.")
        if len(place) > MAX_PLACE_CHARS:
            raise ConfigError(f"The place name of camera {camera_id(index)} is longer than "
                              f"{MAX_PLACE_CHARS} characters; shorten it.")
        specs.append(CameraSpec(source, place))
    _check_unique(specs)
    return tuple(specs)


def cameras_from_toml(raw: Any, origin: str) -> tuple[list[str], list[str | None]]:
    """The sources and places of a ``[[cameras]]`` array of tables.

    Raises:
        ConfigError: it is not a list of tables with ``source`` (and optional ``place``).
    """
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ConfigError(f"cameras in the {origin} must be [[cameras]] tables with "
                          "source = \"...\" and place = \"...\".")
    sources, places = [], []
    for number, item in enumerate(raw, 1):
        unknown = set(item) - {"source", "place"}
        if unknown:
            raise ConfigError(f"Unknown setting cameras.{sorted(unknown)[0]} in the {origin} "
                              f"(camera {number}); [[cameras]] accepts place, source.")
        if not isinstance(item.get("source"), str):
            raise ConfigError(f"Camera {number} in the {origin} has no source; add "
                              "source = \"picamera\" (or webcam:N, file:PATH, demo).")
        sources.append(item["source"])
        place = item.get("place")
        places.append(None if place is None else str(place))  # None: take a default
    return sources, places


def _check_unique(specs: Sequence[CameraSpec]) -> None:
    seen_places: dict[str, int] = {}
    seen_devices: dict[str, int] = {}
    for index, spec in enumerate(specs):
        key = spec.place.casefold()
        if key in seen_places:
            raise ConfigError(f"The place {spec.place!r} is given to cameras "
                              f"{camera_id(seen_places[key])} and {camera_id(index)}; "
                              "give each camera its own place.")
        seen_places[key] = index
        if spec.source == "auto" and len(specs) > 1:
            raise ConfigError("'auto' picks one camera; name each source when you list "
                              "several (picamera, picamera:1, webcam:N, file:PATH, demo).")
        device = _device(spec.source)
        if device is None:
            continue
        if device in seen_devices:
            raise ConfigError(f"The same camera ({spec.source}) is given twice, as "
                              f"{camera_id(seen_devices[device])} and {camera_id(index)}; "
                              "each camera can be opened once.")
        seen_devices[device] = index


def _device(source: str) -> str | None:
    """What ``source`` opens, to find the same device named twice (``None``: may repeat)."""
    kind, _, arg = source.partition(":")
    if source == "demo":
        return None  # each demo camera is its own copy of the clip
    if kind == "picamera":
        return f"picamera:{int(arg) if arg.isdigit() else arg or 0}"
    if kind == "webcam":
        return f"webcam:{arg}"
    if kind == "file" and arg:
        return "file:" + str(Path(arg).expanduser().resolve())
    return source
