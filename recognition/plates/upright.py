"""A plate's verticals from the lean of its characters along the row.

A plate seen at an angle whose light field cannot be outlined (:mod:`recognition.plates.
outline`: a light wall or car around it, no dark border) is straightened by its row of
characters alone, whose tops and bottoms give the plate's top and bottom lines but not its
verticals: when the plate's sides converge (tilted back, a corner nearer the camera), the
characters lean one way at one end and the other way at the other, which the one shear
:func:`~recognition.plates.glyphs.character_line` undoes cannot make upright, and the
characters at the ends come out slanted or cut. A projective warp maps lines to lines, so
the line each end's characters stand on, and the plate's top and bottom lines, are the sides
of a quadrilateral that a second warp makes square-on. The lean is fitted as a straight
trend along the row (:func:`_lean_trend`); only a clear difference between the ends turns
the crop.
"""

from __future__ import annotations

import cv2
import numpy as np

from recognition.plates.glyphs import CharacterLine

#: Least difference in lean (horizontal pixels per pixel of height) between the characters
#: at the two ends of a row for :func:`upright_quad` to straighten it: below that, the one
#: shear of :func:`~recognition.plates.glyphs.character_line` is as good.
MIN_LEAN_SPREAD = 0.1
# Fewer characters than this leave too few at each end to measure their lean.
_MIN_CHARACTERS = 5
# Leans tried for each character (in the ink, its line's one shear undone), and the leans
# at the middle of the row and differences between its ends tried for the row.
_SHEARS = np.round(np.arange(-0.8, 0.8001, 0.025), 3)
_CENTRES = np.round(np.arange(-0.3, 0.3001, 0.025), 3)
_SPREADS = np.round(np.arange(-1.0, 1.0001, 0.025), 3)
# Trends scoring within this share of the best count as fitting as well.
_TOLERANCE = 0.02


def upright_quad(line: CharacterLine, matrix: np.ndarray,
                 text_box: tuple[float, float, float, float]) -> np.ndarray | None:
    """The quadrilateral (TL, TR, BR, BL; frame pixels) of ``text_box`` with its ends turned
    along the lean of the characters of ``line`` there, or ``None`` when both ends lean
    alike (within :data:`MIN_LEAN_SPREAD`) or there are too few characters to tell.

    Args:
        line: characters found in a crop warped from the frame by ``matrix``.
        matrix: the perspective matrix from frame to crop.
        text_box: the characters and their margins (left, top, right, bottom) in the crop.
    """
    boxes = line.boxes
    if len(boxes) < _MIN_CHARACTERS or line.height_px <= 0:
        return None
    centre, spread = _lean_trend(line)
    if abs(spread) < MIN_LEAN_SPREAD:
        return None
    # From the ink's columns (the line's one shear undone) to the crop's, at mid-height.
    x0, x1 = line.crop_span()
    lean0 = line.shear + centre - spread / 2
    lean1 = line.shear + centre + spread / 2
    # The shear pivots on the crop's middle row: a stroke through (x, middle) leaning by s
    # passes through x + s * (y - middle) at height y.
    left, top, right, bottom = text_box
    middle_y = line.ink.shape[0] / 2 / line.scale
    corners = []
    for x, y in ((left, top), (right, top), (right, bottom), (left, bottom)):
        slant = lean0 + (lean1 - lean0) * (x - x0) / (x1 - x0)
        corners.append((x + slant * (y - middle_y), y))
    return cv2.perspectiveTransform(np.float32([corners]), np.linalg.inv(matrix))[0]


def _lean_trend(line: CharacterLine) -> tuple[float, float]:
    """The lean of the characters of ``line`` (in its ink) as a straight trend along the
    row: its value at the row's middle and its difference from the first character's left
    to the last one's right.

    Each character's strokes line up in fewest columns at its own lean (as in
    ``recognition.plates.glyphs._lean``), but a character of diagonal strokes (7, A, V,
    Z) lines up at more than one: the trend is fitted to every character at once, so the
    upright strokes of the others outweigh them, and of equal fits the least spread wins.
    """
    boxes = line.boxes
    left, right = float(boxes[0].left), float(boxes[-1].right)
    # Room either side of the widest character for the most any row leans out of it.
    pad = int(np.ceil(_SHEARS.max() * max(b.height for b in boxes) / 2)) + 1
    width = max(b.right - b.left for b in boxes) + 2 * pad + 1
    peaks = np.zeros((len(boxes), len(_SHEARS)))
    places = np.empty(len(boxes))
    for i, b in enumerate(boxes):
        ys, xs = np.nonzero(line.ink[b.top:b.bottom, b.left:b.right])
        places[i] = ((b.left + b.right) / 2 - left) / max(right - left, 1.0) - 0.5
        if len(xs) == 0:
            continue
        # Columns of the character sheared by each lean (pivot at its middle row), as one
        # count per lean and column; the sum of squared counts is high where strokes align.
        columns = np.rint(xs[None, :] - _SHEARS[:, None] * (ys - b.height / 2)[None, :]
                          ).astype(np.int64) + pad
        codes = (np.arange(len(_SHEARS))[:, None] * width + columns).ravel()
        counts = np.bincount(codes, minlength=len(_SHEARS) * width).reshape(len(_SHEARS), width)
        peaks[i] = (counts.astype(np.float64) ** 2).sum(axis=1) / len(xs)
    # Every trend's lean at each character, as the index of the nearest lean tried.
    leans = _CENTRES[:, None, None] + _SPREADS[None, :, None] * places[None, None, :]
    step = _SHEARS[1] - _SHEARS[0]
    index = np.clip(np.rint((leans - _SHEARS[0]) / step).astype(np.int64), 0, len(_SHEARS) - 1)
    score = peaks[np.arange(len(boxes))[None, None, :], index].sum(axis=2)
    # Of the trends that fit about as well as the best, the one with least spread, then
    # least lean: a row leaning alike at both ends needs no turn.
    near = np.argwhere(score >= (1 - _TOLERANCE) * score.max())
    c, d = min(near, key=lambda cd: (abs(_SPREADS[cd[1]]), abs(_CENTRES[cd[0]])))
    return float(_CENTRES[c]), float(_SPREADS[d])
