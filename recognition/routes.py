"""Routes: the places each visitor was seen at, in order, across the session's cameras.

One camera shows that a face was here. A network of them shows where a person went: a
visitor seen at camera C1 and later at C2 has a route, C1 → C2, with the times and the gap
between them. This module keeps, per visitor, *legs* — a stay in view of one camera — and
derives the route from them. Time is passed in; nothing here reads a clock, logs or stores
anything outside RAM (a route is derived from faces: it is biometric data too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

#: A visitor seen again at the same camera within this many seconds is still on the same
#: leg there; later (after being seen elsewhere) it is a new leg of the route.
LEG_GAP_S = 5.0
#: Legs kept per visitor; the oldest are dropped first (a route of hours is not needed).
MAX_LEGS = 50


@dataclass(frozen=True)
class RouteLeg:
    """One stay of a visitor in view of one camera; times are the caller's seconds."""

    camera: str
    first_seen_s: float
    last_seen_s: float


@dataclass
class _Leg:
    camera: str
    first_seen_s: float
    last_seen_s: float


@dataclass
class _Route:
    legs: list[_Leg] = field(default_factory=list)


class RouteBook:
    """The legs of every visitor's route, as sightings come in camera by camera.

    A sighting extends the visitor's leg at that camera when it is the latest leg of the
    route (they never went elsewhere) or was last seen within ``gap_s`` (two cameras that
    see the same spot, or a glance away); otherwise it starts a new leg.

    Args:
        gap_s: see :data:`LEG_GAP_S`.
        max_legs: see :data:`MAX_LEGS`.
    """

    def __init__(self, *, gap_s: float = LEG_GAP_S, max_legs: int = MAX_LEGS):
        self.gap_s = gap_s
        self.max_legs = max_legs
        self.version = 0  # counts new legs: readers compare it to see a route change cheaply
        self._routes: dict[str, _Route] = {}

    def record(self, visitor_id: str, camera: str, now_s: float) -> bool:
        """Note that ``visitor_id`` was seen by ``camera`` at ``now_s``.

        Returns ``True`` when this starts a new leg: the visitor appeared at a place (again).
        """
        legs = self._routes.setdefault(visitor_id, _Route()).legs
        here = next((leg for leg in reversed(legs) if leg.camera == camera), None)
        if here is not None and (here is legs[-1] or now_s - here.last_seen_s <= self.gap_s):
            here.last_seen_s = max(here.last_seen_s, now_s)
            return False
        legs.append(_Leg(camera, now_s, now_s))
        del legs[:-self.max_legs]
        self.version += 1
        return True

    def route(self, visitor_id: str, origin_s: float = 0.0) -> tuple[RouteLeg, ...]:
        """``visitor_id``'s legs in the order they began, times relative to ``origin_s``."""
        route = self._routes.get(visitor_id)
        if route is None:
            return ()
        return tuple(RouteLeg(leg.camera, leg.first_seen_s - origin_s, leg.last_seen_s - origin_s)
                     for leg in route.legs)

    def copy(self) -> RouteBook:
        """A copy sharing nothing mutable, to derive routes from outside the caller's lock."""
        book = RouteBook(gap_s=self.gap_s, max_legs=self.max_legs)
        book.version = self.version
        book._routes = {vid: _Route([_Leg(leg.camera, leg.first_seen_s, leg.last_seen_s)
                                     for leg in route.legs])
                        for vid, route in self._routes.items()}
        return book

    def rename(self, old_id: str, new_id: str) -> None:
        """Fold ``old_id``'s legs into ``new_id``'s route (one person found under two numbers),
        in the order they began."""
        old = self._routes.pop(old_id, None)
        if old is None:
            return
        legs = self._routes.setdefault(new_id, _Route()).legs
        legs.extend(old.legs)
        legs.sort(key=lambda leg: leg.first_seen_s)
        del legs[:-self.max_legs]
        self.version += 1

    def cameras(self) -> set[str]:
        """Every camera at which anybody was seen."""
        return {leg.camera for route in self._routes.values() for leg in route.legs}

    @property
    def leg_count(self) -> int:
        """How many legs are held, over all visitors."""
        return sum(len(route.legs) for route in self._routes.values())

    def wipe(self) -> int:
        """Drop every route; return how many legs there were."""
        count = self.leg_count
        for route in self._routes.values():
            route.legs.clear()
        self._routes.clear()
        return count


def gaps_s(legs: Sequence[RouteLeg]) -> tuple[float, ...]:
    """Seconds between leaving each place and appearing at the next (0 when they overlap)."""
    return tuple(max(0.0, b.first_seen_s - a.last_seen_s) for a, b in zip(legs, legs[1:]))


def places_visited(legs: Sequence[RouteLeg]) -> int:
    """How many different cameras the route passes."""
    return len({leg.camera for leg in legs})


def route_text(legs: Sequence[RouteLeg], places: Mapping[str, str],
               when: Callable[[float], str]) -> str:
    """The route as one line: ``"Slavija 14:03:10 → Knez Mihailova 14:05:42"``.

    Args:
        legs: the route, in order.
        places: camera id → place name (an unknown camera is shown by its id).
        when: formats a leg's ``first_seen_s`` (e.g. as a time of day).
    """
    return " → ".join(f"{places.get(leg.camera, leg.camera)} {when(leg.first_seen_s)}"
                      for leg in legs)
