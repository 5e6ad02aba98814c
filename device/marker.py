"""The marker: a facilitator marks a consenting visitor, and every new place they appear at is
announced live ("V3 seen at Slavija") — what "someone puts a marker down" means in a city
network of cameras.

Marks and announcements hold visitor numbers and places only (no faces), and belong to the
session: they are dropped at every wipe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from recognition.routes import RouteLeg

#: Announcements are shown on the kiosk for this long, in seconds.
ANNOUNCE_S = 20.0
#: At most this many announcements are kept (the newest).
MAX_ANNOUNCEMENTS = 10


@dataclass(frozen=True)
class Announcement:
    """A marked visitor appeared at a place: who, which camera, where, and when (the
    engine's monotonic seconds)."""

    visitor_id: str
    camera_id: str
    place: str
    at_s: float


class Marker:
    """Which visitors are marked, and the places they have been announced at so far."""

    def __init__(self) -> None:
        self._legs_known: dict[str, int] = {}
        self._news: list[Announcement] = []
        self.announced = 0  # counts announcements ever made, to see news cheaply

    @property
    def marked(self) -> tuple[str, ...]:
        """The marked visitors, in the order they were marked."""
        return tuple(self._legs_known)

    def mark(self, visitor_id: str, route: tuple[RouteLeg, ...]) -> None:
        """Mark ``visitor_id``, whose route so far is ``route``: only later places are news."""
        self._legs_known.setdefault(visitor_id, len(route))

    def unmark(self, visitor_id: str) -> bool:
        """Take the mark off ``visitor_id``; ``False`` if they were not marked."""
        return self._legs_known.pop(visitor_id, None) is not None

    def update(self, routes: Mapping[str, tuple[RouteLeg, ...]], places: Mapping[str, str],
               now_s: float) -> tuple[Announcement, ...]:
        """Compare the marked visitors' ``routes`` with what was announced; return what is new.

        Args:
            routes: visitor id → route, for (at least) the visitors just seen.
            places: camera id → place name.
            now_s: the engine's clock.
        """
        new = []
        for visitor_id, route in routes.items():
            known = self._legs_known.get(visitor_id)
            if known is None or len(route) <= known:
                continue
            for leg in route[known:]:
                new.append(Announcement(visitor_id, leg.camera,
                                        places.get(leg.camera, leg.camera), now_s))
            self._legs_known[visitor_id] = len(route)
        self._news = (self._news + new)[-MAX_ANNOUNCEMENTS:]
        self.announced += len(new)
        return tuple(new)

    def recent(self, now_s: float, within_s: float = ANNOUNCE_S) -> tuple[Announcement, ...]:
        """Announcements of the last ``within_s`` seconds, newest last."""
        return tuple(a for a in self._news if now_s - a.at_s <= within_s)

    def wipe(self) -> int:
        """Drop every mark and announcement; return how many visitors were marked."""
        count = len(self._legs_known)
        self._legs_known.clear()
        self._news.clear()
        return count
