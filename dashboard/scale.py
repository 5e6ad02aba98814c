"""The Belgrade scale: documented camera counts, with their sources, for the visitor screen.

From the fact sheet ``docs/belgrade-facts.md``. Sources are named (publication and year,
texts in :mod:`dashboard.kiosk_text`), not linked: the kiosk loads and links nothing remote.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One documented count: how many, what it counts and who said so (both text keys)."""

    count: int
    text_key: str
    source_key: str


#: Largest first, so the chart's bars shrink towards the exhibit's single camera.
FIGURES: tuple[Figure, ...] = (
    Figure(8000, "k.scale.planned", "k.source.planned"),
    Figure(1000, "k.scale.announced", "k.source.announced"),
    Figure(689, "k.scale.verified", "k.source.verified"),
    Figure(661, "k.scale.police_list", "k.source.police_list"),
)

#: Schools (5,580 cameras) and kindergartens (2,865): a separate city programme, a footnote.
SCHOOLS = (5580, 2865)
SCHOOLS_SOURCE_KEY = "k.source.schools"


@dataclass(frozen=True)
class Bar:
    """A bar of the chart: the figure and its length as a share of the largest (0–1)."""

    figure: Figure
    share: float


def bars() -> tuple[Bar, ...]:
    """The chart's bars, each scaled to the largest figure (8,000 cameras planned)."""
    largest = max(f.count for f in FIGURES)
    return tuple(Bar(f, f.count / largest) for f in FIGURES)


def this_camera_share() -> float:
    """The exhibit's one camera as a share of the largest figure (a sliver, on purpose)."""
    return 1 / max(f.count for f in FIGURES)
