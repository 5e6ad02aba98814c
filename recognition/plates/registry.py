"""A FICTIONAL vehicle registry, to show what a plate lookup gives a city system.

Real systems join a plate to the vehicle register: owner, address, make, model. The exhibit
must not touch real data, so every record here is generated from the plate text alone:
the same plate always gives the same made-up owner and car, and every record says
``fictional=True``, which the screen must show. The names are assembled from common Serbian
first names and surnames, so they look plausible and belong to nobody in particular.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from recognition.plates.format import district_name, district_of, is_serbian

#: Label the dashboard shows with every record.
FICTIONAL_NOTICE = ("Fictional record generated for this exhibit / "
                    "Izmišljeni podaci generisani za ovu izložbu")

_FIRST_NAMES = (
    "Marko", "Nikola", "Stefan", "Luka", "Milan", "Nemanja", "Aleksandar", "Dragan", "Zoran",
    "Vladimir", "Miloš", "Dušan", "Jovan", "Petar", "Ivan", "Goran", "Bojan", "Dejan",
    "Ana", "Jelena", "Milica", "Marija", "Jovana", "Ivana", "Tijana", "Sanja", "Dragana",
    "Snežana", "Tamara", "Nataša", "Katarina", "Maja", "Vesna", "Gordana", "Teodora", "Sara",
)
_SURNAMES = (
    "Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić",
    "Stanković", "Pavlović", "Milošević", "Popović", "Đukić", "Kostić", "Lazić", "Vasić",
    "Tomić", "Ristić", "Mitić", "Savić", "Obradović", "Kovačević", "Simić", "Radović",
    "Živković", "Todorović", "Janković", "Stevanović", "Milić", "Filipović", "Bogdanović",
)
_CARS = (
    ("Škoda", "Octavia"), ("Škoda", "Fabia"), ("Volkswagen", "Golf"), ("Volkswagen", "Polo"),
    ("Fiat", "Punto"), ("Fiat", "500L"), ("Zastava", "Yugo"), ("Opel", "Astra"),
    ("Opel", "Corsa"), ("Renault", "Clio"), ("Dacia", "Sandero"), ("Dacia", "Duster"),
    ("Peugeot", "208"), ("Toyota", "Yaris"), ("Toyota", "Corolla"), ("Hyundai", "i20"),
    ("Kia", "Sportage"), ("Ford", "Focus"), ("Audi", "A4"), ("BMW", "320d"),
    ("Mercedes-Benz", "C 200"), ("Citroën", "C3"),
)
_COLOURS = ("white", "black", "silver", "grey", "dark blue", "red", "dark green", "beige")


@dataclass(frozen=True)
class VehicleRecord:
    """A made-up registry entry for a plate. ``fictional`` is always ``True``.

    ``place`` is the seat of the plate's registration district (``"Beograd"`` for ``BG``).
    """

    plate: str
    owner: str
    make: str
    model: str
    colour: str
    year: int
    place: str
    fictional: bool = True
    notice: str = FICTIONAL_NOTICE


def lookup(text: str) -> VehicleRecord | None:
    """The fictional record of a well-formed Serbian plate (``"BG123AB"``), else ``None``.

    Deterministic: seeded by a hash of the plate, so a plate shows the same record every
    time and on every exhibit, and no list of plates is kept anywhere.
    """
    if not is_serbian(text):
        return None
    seed = int.from_bytes(hashlib.sha256(f"oko-registry:{text}".encode()).digest()[:8], "big")
    rng = random.Random(seed)
    make, model = rng.choice(_CARS)
    # A Yugo is from before 2009; everything else from the plausible life of a car on the road.
    year = rng.randrange(1988, 2009) if model == "Yugo" else rng.randrange(2004, 2025)
    return VehicleRecord(
        plate=text,
        owner=f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}",
        make=make,
        model=model,
        colour=rng.choice(_COLOURS),
        year=year,
        place=district_name(district_of(text) or "") or "",
    )
