"""Plate candidates from the texture of their characters: dense, short vertical edges.

The row search of :mod:`recognition.plates.detect` needs each character as a blob of its own.
On plates whose characters touch the dark frame (many Slovak and Czech plates, small plates
blurred by the lens) the threshold joins characters and frame into one blob, and on a dark car
that blob runs into the bumper: no row, no plate-shaped blob. What such a plate still shows is
the classic cue of plate finders: a band, wider than tall, dense with vertical edges (every
character stroke gives two), which closing along the band joins into one region. It does not
depend on the typeface or on the characters standing apart.

The search runs on a half-size frame (a plate ≥ 60 px wide is ≥ 30 px there) to keep a frame
with no plate cheap; each region found is only a guess, checked like any other candidate by
finding a row of characters in it once straightened.
"""

from __future__ import annotations

import cv2
import numpy as np

# Regions are searched at this scale of the frame (see the module docstring).
_SCALE = 0.5
# Width over height of a region that may be a plate's characters: a plate's band of
# characters is 4–6 times as wide as tall, less when its ends are lost, more when the frame
# joins it; outside 2–8 it is a line of text, a grille or a pole.
_ASPECT = (2.0, 8.0)
# Share of a region's bounding box its edges must fill (characters fill their band).
_MIN_FILL = 0.5
# Margins added around a region, in its heights (above and below) and widths (each end):
# the straightening needs some of the plate's light field around the characters.
_MARGIN = (0.25, 0.05)


def texture_quads(grey: np.ndarray, min_width_px: int, limit: int) -> list[np.ndarray]:
    """Quadrilaterals (TL, TR, BR, BL; frame pixels, float32) around bands of dense vertical
    edges that may be plates, largest first, at most ``limit``.

    Args:
        grey: the frame in grey levels.
        min_width_px: narrower regions are ignored.
        limit: most regions returned (each costs a check downstream).
    """
    small = cv2.resize(grey, None, fx=_SCALE, fy=_SCALE, interpolation=cv2.INTER_AREA)
    edges = cv2.convertScaleAbs(cv2.Sobel(small, cv2.CV_16S, 1, 0, ksize=3))
    small.fill(0)
    # Otsu's threshold adapts to the frame's contrast: the strongest edges are kept.
    _, strong = cv2.threshold(edges, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    edges.fill(0)
    # Closing along the line joins a character's strokes with its neighbours'; the opening
    # then removes thin lines (a single edge, a wire) that are no band of characters.
    band = cv2.morphologyEx(strong, cv2.MORPH_CLOSE,
                            cv2.getStructuringElement(cv2.MORPH_RECT, (7, 1)))
    band = cv2.morphologyEx(band, cv2.MORPH_OPEN,
                            cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(band, connectivity=8)
    for picture in (strong, band, labels):  # outlines of what the frame shows
        picture.fill(0)
    found = []
    for x, y, w, h, area in stats[1:count]:
        if (w / _SCALE < min_width_px or h / _SCALE < 8
                or not _ASPECT[0] * h <= w <= _ASPECT[1] * h or area < _MIN_FILL * w * h):
            continue
        found.append((int(area), _quad(x / _SCALE, y / _SCALE, w / _SCALE, h / _SCALE)))
    found.sort(key=lambda item: -item[0])
    return [quad for _, quad in found[:limit]]


def _quad(x: float, y: float, w: float, h: float) -> np.ndarray:
    """The box (x, y, w, h) with the margins of :data:`_MARGIN`, as a quadrilateral."""
    dy, dx = _MARGIN[0] * h, _MARGIN[1] * w
    return np.float32([[x - dx, y - dy], [x + w + dx, y - dy], [x + w + dx, y + h + dy],
                       [x - dx, y + h + dy]])
