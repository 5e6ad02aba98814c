"""Cars in the session memory: voted plates, the fictional registry, and face↔car links.

Linking a face to a car seen at the same moment is what a city system does to learn who
drives what; here a link is made whenever a visitor and a plate are in the same analysed
frame. Plate text is personal data: it lives here only until the wipe, and is never logged.

Only a plate that was read is a car. A candidate box whose readings never gave plate text
(a picture frame, a poster, a strip of a shirt) is no car: it gets no entry, no registry line
and no link to a face, however long it stays in view; the stream may mark it "plate?".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from recognition.plates.format import district_name, district_of
from recognition.plates.votes import Vehicle
from recognition.plates.registry import VehicleRecord, lookup
from recognition.types import Box, FrameResult


@dataclass(frozen=True)
class CarProfile:
    """What the system knows about one car.

    ``place`` is the registration district as a place ("Beograd" for BG); ``registry`` the
    clearly fictional demo registry's record (``None`` for foreign or unreadable plates);
    ``visitors`` the visitors seen in the same frames. Times are seconds since the session
    started; ``agreement`` the share of readings that matched the voted plate. ``cameras``
    are the cameras that saw the car, in the order they first did.
    """

    vehicle_id: str
    text: str
    display: str
    valid: bool
    country: str
    district: str | None
    place: str | None
    registry: VehicleRecord | None
    visitors: tuple[str, ...]
    box: Box | None
    in_view: bool
    readings: int
    agreement: float
    first_seen_s: float
    last_seen_s: float
    cameras: tuple[str, ...] = ()


#: What the stream labels a plate candidate that has not been read (yet).
UNREAD_MARK = "plate?"


def is_car(vehicle: Vehicle) -> bool:
    """Whether ``vehicle``'s readings gave a plate: a Serbian plate or a foreign one.

    A vote that is still ``unreadable`` means nothing was read, so nothing is known about a
    car; counting it would invent cars out of picture frames and link them to faces.
    """
    return bool(vehicle.text) and (vehicle.valid or vehicle.country == "foreign")


class CarBook:
    """The session's cars and which visitors were seen with each."""

    def __init__(self) -> None:
        self._vehicles: dict[str, Vehicle] = {}
        self._in_view: dict[str, set[str]] = {}  # camera → vehicles in its latest frame
        self._links: dict[str, set[str]] = defaultdict(set)
        self._cameras: dict[str, list[str]] = defaultdict(list)

    def __len__(self) -> int:
        """How many cars (read plates) are on record; unread candidates do not count."""
        return sum(is_car(v) for v in self._vehicles.values())

    def record(self, result: FrameResult, visitors_in_frame: set[str], *,
               camera: str = "C1") -> None:
        """Take in a frame's plates (seen by ``camera``) and link them to the visitors in the
        same frame."""
        if result.vehicles is None:
            return  # plates were not looked for in this frame
        self._vehicles = {v.vehicle_id: v for v in result.vehicles}
        self._in_view[camera] = {p.vehicle_id for p in result.plates}
        for vehicle_id in self._in_view[camera]:
            self._links[vehicle_id] |= visitors_in_frame
            if camera not in self._cameras[vehicle_id]:
                self._cameras[vehicle_id].append(camera)

    def copy(self) -> CarBook:
        """A copy sharing nothing mutable (the vehicles themselves are immutable)."""
        book = CarBook()
        book._vehicles = dict(self._vehicles)
        book._in_view = {camera: set(ids) for camera, ids in self._in_view.items()}
        book._links.update((car, set(people)) for car, people in self._links.items())
        book._cameras.update((car, list(at)) for car, at in self._cameras.items())
        return book

    def cars_of(self, visitor_id: str) -> tuple[str, ...]:
        """The cars (read plates) ``visitor_id`` was seen with."""
        cars = {v for v, vehicle in self._vehicles.items() if is_car(vehicle)}
        return tuple(sorted((v for v, people in self._links.items()
                             if visitor_id in people and v in cars),
                            key=lambda v: int(v[1:])))

    def profiles(self, origin_s: float) -> tuple[CarProfile, ...]:
        """Every car (read plate), in the order first seen; times relative to ``origin_s``."""
        cars = []
        for vehicle in self._vehicles.values():
            if not is_car(vehicle):
                continue
            district = district_of(vehicle.text) if vehicle.valid else None
            cars.append(CarProfile(
                vehicle_id=vehicle.vehicle_id,
                text=vehicle.text,
                display=vehicle.display,
                valid=vehicle.valid,
                country=vehicle.country,
                district=district,
                place=district_name(district) if district else None,
                registry=lookup(vehicle.text) if vehicle.valid else None,
                visitors=tuple(sorted(self._links.get(vehicle.vehicle_id, ()),
                                      key=lambda v: int(v[1:]))),
                box=vehicle.box,
                in_view=any(vehicle.vehicle_id in ids for ids in self._in_view.values()),
                readings=vehicle.readings,
                agreement=vehicle.agreement,
                first_seen_s=vehicle.first_seen_s - origin_s,
                last_seen_s=vehicle.last_seen_s - origin_s,
                cameras=tuple(self._cameras.get(vehicle.vehicle_id, ())),
            ))
        return tuple(cars)

    def rename_visitor(self, old_id: str, new_id: str) -> None:
        """Links to visitor ``old_id`` become links to ``new_id`` (the two were one person)."""
        for people in self._links.values():
            if old_id in people:
                people.discard(old_id)
                people.add(new_id)

    def wipe(self) -> int:
        """Drop every car and link; return how many cars there were."""
        count = len(self._vehicles)
        self._vehicles.clear()
        self._in_view.clear()
        self._links.clear()
        self._cameras.clear()
        return count
