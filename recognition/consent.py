"""The consent zone: only faces of people who stepped in are analysed; the rest are hidden.

A face counts as *stepped in* when the centre of its box lies inside the zone's polygon and it
is at least ``min_face_px`` wide in the analysed frame (the frame shrunk to
``detect_width_px``): a face that small is far enough back to be a bystander. Every other face
is found only so it can be hidden: the pipeline hands its box on as a *hidden box* before any
encoding, landmarks, tracking or matching, and the pictures Oko serves blur it
(:func:`hide_faces`).

Everything here is pure: coordinates in, decisions and pixels out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import cv2
import numpy as np

from recognition.errors import ConfigError
from recognition.types import Box

Point = tuple[float, float]

#: The default zone: the middle four-fifths of the picture, top to bottom. People passing at
#: the picture's edges are outside it; distance is judged by ``min_face_px``.
DEFAULT_POLYGON: tuple[Point, ...] = ((0.1, 0.0), (0.9, 0.0), (0.9, 1.0), (0.1, 1.0))
#: Why 45: a dlib face box is ~14 cm of a real face. A camera with a ~65° horizontal field of
#: view (Raspberry Pi Camera Module 2/3, most webcams) sees ~1.9 m across at 1.5 m, so on the
#: default 640-px detection frame a face 1.5 m away is 640 × 0.14 / 1.9 ≈ 47 px wide.
DEFAULT_MIN_FACE_PX = 45
#: Limits of a polygon: enough corners for any doorway, few enough to check at a glance.
MAX_POINTS = 32
#: The smallest zone (share of the picture) that still fits a person.
MIN_AREA = 0.01


def parse_polygon(raw: Any) -> tuple[Point, ...]:
    """A polygon from config or form input, checked; raises ``ValueError`` with a sentence.

    Accepts a sequence of ``[x, y]`` pairs, or text: JSON (``[[0.1, 0], ...]``) or pairs
    separated by spaces or semicolons (``"0.1,0 0.9,0 0.9,1 0.1,1"``). Coordinates are
    fractions of the picture, 0 (left/top) to 1 (right/bottom).
    """
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            import json

            try:
                raw = json.loads(text)
            except json.JSONDecodeError:
                raise ValueError("it is not a list of [x, y] pairs") from None
        else:
            raw = [pair.split(",") for pair in text.replace(";", " ").split()]
    try:
        points = tuple((float(x), float(y)) for x, y in raw)
    except (TypeError, ValueError):
        raise ValueError("it must be a list of [x, y] pairs, e.g. [[0.1, 0], [0.9, 0], "
                         "[0.9, 1], [0.1, 1]]") from None
    if not 3 <= len(points) <= MAX_POINTS:
        raise ValueError(f"it needs 3 to {MAX_POINTS} corners, not {len(points)}")
    if not all(math.isfinite(v) and 0.0 <= v <= 1.0 for p in points for v in p):
        raise ValueError("every x and y must be between 0 (left/top) and 1 (right/bottom)")
    if _crosses_itself(points):
        raise ValueError("its edges cross; list the corners in order around the zone")
    if polygon_area(points) < MIN_AREA:
        raise ValueError("the zone is too small for a person to stand in (under 1% of the "
                         "picture)")
    return points


def rectangle(left: float, top: float, right: float, bottom: float) -> tuple[Point, ...]:
    """The polygon of a rectangle given by its edges (fractions 0–1, in any order)."""
    x0, x1 = sorted((left, right))
    y0, y1 = sorted((top, bottom))
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def polygon_area(points: Sequence[Point]) -> float:
    """The area of a simple polygon (shoelace formula), as a share of the picture."""
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, (*points[1:], points[0])))
    return abs(twice) / 2.0


def _crosses_itself(points: Sequence[Point]) -> bool:
    edges = list(zip(points, (*points[1:], points[0])))
    for i, (a, b) in enumerate(edges):
        for j in range(i + 1, len(edges)):
            if j == i + 1 or (i == 0 and j == len(edges) - 1):
                continue  # neighbours share a corner
            c, d = edges[j]
            if _ccw(a, c, d) != _ccw(b, c, d) and _ccw(a, b, c) != _ccw(a, b, d):
                return True
    return False


def _ccw(a: Point, b: Point, c: Point) -> bool:
    return (c[1] - a[1]) * (b[0] - a[0]) > (b[1] - a[1]) * (c[0] - a[0])


@dataclass(frozen=True)
class ConsentZone:
    """Where a visitor stands when they step in; also the ``[consent]`` config section.

    Args:
        enabled: ``False`` analyses every face (workshops where everyone in the room
            consented; ``oko scan`` without ``--consent-zone``).
        polygon: corners of the zone as ``(x, y)`` fractions of the picture (0–1).
        min_face_px: smallest face width counted as stepped in, in pixels of the analysed
            frame (``detect_width_px`` wide); the default is about 1.5 m from a ~65° camera.
            Scale it with ``detect_width_px`` if you change that.

    Raises:
        ConfigError: a polygon that is not 3–32 corners within 0–1 enclosing some area.
    """

    enabled: bool = field(default=True, metadata={
        "doc": "analyse only faces inside the zone; false: analyse everyone (workshops)"})
    polygon: tuple[Point, ...] = field(default=DEFAULT_POLYGON, metadata={
        "parse": parse_polygon, "doc": "corners [x, y] as fractions of the picture (0-1)"})
    min_face_px: int = field(default=DEFAULT_MIN_FACE_PX, metadata={
        "min": 0, "max": 1000, "doc": "smallest face width counted as stepped in (analysed px)"})

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "polygon", parse_polygon(self.polygon))
        except ValueError as exc:
            raise ConfigError(f"The consent zone is not valid: {exc}.") from None

    def admits(self, box: Box, frame_size: tuple[int, int], *, detect_scale: float = 1.0) -> bool:
        """Whether the face in ``box`` stepped in: analysed, not hidden.

        Args:
            box: the face, in pixels of a ``frame_size`` (width, height) picture.
            detect_scale: analysed-frame pixels per pixel of that picture (below 1 when the
                picture is larger than ``detect_width_px``).
        """
        if not self.enabled:
            return True
        if box.width * detect_scale < self.min_face_px:
            return False
        width, height = frame_size
        cx, cy = box.center
        return contains(self.polygon, cx / max(width, 1), cy / max(height, 1))

    def json(self) -> dict[str, Any]:
        """The ``consent_zone`` object of ``/api/state``."""
        return {"enabled": self.enabled,
                "polygon": [[round(x, 4), round(y, 4)] for x, y in self.polygon],
                "min_face_px": self.min_face_px}


#: Analyse everyone: the zone of ``oko scan`` unless ``--consent-zone`` is given.
EVERYONE = ConsentZone(enabled=False)


def contains(polygon: Sequence[Point], x: float, y: float) -> bool:
    """Whether ``(x, y)`` lies inside ``polygon`` (even-odd rule; edges count as inside)."""
    inside = False
    for (x0, y0), (x1, y1) in zip(polygon, (*polygon[1:], polygon[0])):
        if min(x0, x1) <= x <= max(x0, x1) and min(y0, y1) <= y <= max(y0, y1) and math.isclose(
                (x1 - x0) * (y - y0), (y1 - y0) * (x - x0), abs_tol=1e-12):
            return True  # on an edge
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def split_faces(zone: ConsentZone, boxes: Sequence[Box], frame_size: tuple[int, int], *,
                detect_scale: float = 1.0) -> tuple[list[Box], list[Box]]:
    """Split face boxes into those to analyse and those to hide, keeping their order.

    Arguments as for :meth:`ConsentZone.admits`. Returns ``(analysed, hidden)``.
    """
    analysed: list[Box] = []
    hidden: list[Box] = []
    for box in boxes:
        (analysed if zone.admits(box, frame_size, detect_scale=detect_scale) else hidden).append(box)
    return analysed, hidden


#: Each hidden box is widened by this share of its size on every side: hair and ears, and a
#: person moving between two detections, stay covered.
HIDE_MARGIN = 0.3
#: A hidden face keeps this many samples across: a smear of colour, no features.
HIDE_SAMPLES = 5


def hide_faces(image: np.ndarray, boxes: Sequence[Box], *, margin: float = HIDE_MARGIN) -> np.ndarray:
    """Blur ``boxes`` (widened by ``margin``) in ``image`` in place, beyond recognition.

    Each region is shrunk to :data:`HIDE_SAMPLES` pixels across and stretched back smoothly:
    no detail survives to be recovered, and there are no block edges to read shapes from.
    Costs a few microseconds per face. Returns ``image``.
    """
    height, width = image.shape[:2]
    for box in boxes:
        dx, dy = round(box.width * margin), round(box.height * margin)
        area = Box(box.left - dx, box.top - dy, box.right + dx, box.bottom + dy).clipped(width, height)
        if area.width < 2 or area.height < 2:
            continue
        region = image[area.top:area.bottom, area.left:area.right]
        across = max(1, min(HIDE_SAMPLES, area.width))
        down = max(1, min(area.height, round(HIDE_SAMPLES * area.height / area.width)))
        tiny = cv2.resize(region, (across, down), interpolation=cv2.INTER_AREA)
        region[:] = cv2.resize(tiny, (area.width, area.height), interpolation=cv2.INTER_CUBIC)
    return image
