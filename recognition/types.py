"""Value types that cross module boundaries: frames, boxes and what was seen in a frame."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from recognition.faces.cues import Cues
    from recognition.plates.votes import Vehicle
    from recognition.plates.read import PlateReading
    from recognition.faces.watchlist import WatchlistHit


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pixels; ``right`` and ``bottom`` are exclusive."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        """Width in pixels."""
        return self.right - self.left

    @property
    def height(self) -> int:
        """Height in pixels."""
        return self.bottom - self.top

    @property
    def area(self) -> int:
        """Area in square pixels (0 for an empty box)."""
        return max(0, self.width) * max(0, self.height)

    @property
    def center(self) -> tuple[float, float]:
        """Centre point ``(x, y)`` in pixels."""
        return ((self.left + self.right) / 2.0, (self.top + self.bottom) / 2.0)

    def scaled(self, factor: float) -> Box:
        """Return this box with every coordinate multiplied by ``factor`` and rounded."""
        return Box(
            round(self.left * factor),
            round(self.top * factor),
            round(self.right * factor),
            round(self.bottom * factor),
        )

    def shifted(self, dx: int, dy: int) -> Box:
        """Return this box moved by ``dx`` pixels right and ``dy`` down."""
        return Box(self.left + dx, self.top + dy, self.right + dx, self.bottom + dy)

    def clipped(self, width: int, height: int) -> Box:
        """Return this box cut to an image of ``width`` × ``height`` pixels."""
        return Box(
            min(max(self.left, 0), width),
            min(max(self.top, 0), height),
            min(max(self.right, 0), width),
            min(max(self.bottom, 0), height),
        )

    def iou(self, other: Box) -> float:
        """Intersection over union with ``other``, from 0.0 (disjoint) to 1.0 (identical)."""
        inter = Box(
            max(self.left, other.left),
            max(self.top, other.top),
            min(self.right, other.right),
            min(self.bottom, other.bottom),
        )
        if inter.width <= 0 or inter.height <= 0:
            return 0.0
        union = self.area + other.area - inter.area
        return inter.area / union if union else 0.0


@dataclass(frozen=True, eq=False)
class Frame:
    """One camera frame.

    ``image`` is the display picture (BGR, uint8, H×W×3). ``lores`` is an optional smaller
    picture of the same instant for analysis (BGR), as a Raspberry Pi camera delivers it; when
    absent, analysis downscales ``image``. ``captured_s`` is a monotonic time in seconds and
    ``seq`` counts frames from the source, starting at 0. ``camera`` names the camera that
    took it (``"C1"``, ``"C2"``, …): with several cameras each is followed on its own.
    """

    image: np.ndarray
    captured_s: float
    seq: int
    lores: np.ndarray | None = None
    camera: str = "C1"

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` of the display picture in pixels."""
        return (self.image.shape[1], self.image.shape[0])


@dataclass(frozen=True, eq=False)
class FaceObservation:
    """A face seen in one frame: where (display pixels), which track, and who it matched.

    ``encoding`` (128 floats, the track's samples combined) is set only in frames where the
    track was (re-)encoded; the dossier consumes it and hands out observations without it.
    ``cues`` come from this frame's landmarks; ``clothing`` and ``crop`` (a 128×128 BGR face
    thumbnail) are taken when the track is encoded, and the dossier consumes the crop too.
    The dossier fills ``visitor_id`` (``None`` until matched), ``distance`` (faceprint
    distance of the match, ``None`` for a new visitor) and ``watchlist``.
    """

    box: Box
    track_id: int
    encoding: np.ndarray | None = None
    cues: Cues | None = None
    clothing: str | None = None
    crop: np.ndarray | None = None
    visitor_id: str | None = None
    distance: float | None = None
    watchlist: WatchlistHit | None = None


@dataclass(frozen=True)
class PlateObservation:
    """A licence plate seen in one frame: where (display pixels) and which vehicle it is.

    ``reading`` is this frame's OCR result, or ``None`` when the vehicle's plate was already
    read often enough and agreed (OCR only runs on new or uncertain plates).
    """

    box: Box
    vehicle_id: str
    reading: PlateReading | None = None


@dataclass(frozen=True, eq=False)
class FrameResult:
    """Everything the pipeline found in one frame.

    ``vehicles`` is every vehicle's voted plate as of this frame when plates were looked for
    in it, else ``None`` (plates are looked for on face-detection frames only). ``hidden``
    holds the boxes (display pixels) of faces outside the consent zone: never analysed, only
    to be blurred wherever the picture is shown. ``camera`` is the frame's camera.
    """

    seq: int
    captured_s: float
    frame_size: tuple[int, int]
    faces: tuple[FaceObservation, ...] = ()
    encoded_tracks: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)
    plates: tuple[PlateObservation, ...] = ()
    vehicles: tuple[Vehicle, ...] | None = None
    hidden: tuple[Box, ...] = ()
    camera: str = "C1"
