"""A plate crop's background, for :mod:`recognition.plates.glyphs`: where the EU strip ends,
and the light falling on the plate's white (a shadow across it), so neither is taken for ink.
"""

from __future__ import annotations

import cv2
import numpy as np


def percentile(values: np.ndarray, q: float) -> float:
    """``np.percentile(values, q)`` (linear interpolation, the same arithmetic) of a 1-D
    array, by counting grey levels (uint8) or partial sorting: a fifth to a tenth of its time
    on a few thousand pixels, which counts in searches run a dozen times per frame."""
    rank = (values.size - 1) * (q / 100.0)
    low = int(rank)
    high = min(low + 1, values.size - 1)
    if values.dtype == np.uint8:  # grey levels: counting them is faster still
        running = np.cumsum(np.bincount(values, minlength=256))
        below, above = (float(v) for v in np.searchsorted(running, (low, high), side="right"))
    else:
        ordered = np.partition(values, (low, high))
        below, above = float(ordered[low]), float(ordered[high])
    t = rank - low
    return above - (above - below) * (1 - t) if t >= 0.5 else below + (above - below) * t


def flattened(grey: np.ndarray, size: int) -> np.ndarray:
    """``grey`` divided by its background, the plate's white as light falls on it.

    A hard shadow across a plate puts a step in the background; near it a local mean
    threshold takes the shadowed white for ink, and the blob it makes swallows the characters
    the edge crosses. A closing ``size`` pixels wide, wider than any stroke, fills the
    characters in, leaving the background with its step, which the division then flattens.
    """
    background = cv2.morphologyEx(grey, cv2.MORPH_CLOSE,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    flat = cv2.divide(grey, np.maximum(background, 1), scale=255)
    background.fill(0)
    grey.fill(0)  # the plate's picture, replaced by the flattened one
    return flat


def strip_end(blue_columns: np.ndarray, width: int, height: int) -> int:
    """The column just past the EU strip, from which columns are mostly blue; 0 if none.

    The strip is the first run of blue columns at least a sixth of the crop's height wide
    (it is over half a character height). Narrower blue further right is something else,
    blanked pixel by pixel only: the coloured dots between a Slovak plate's groups, a
    sticker. Blanking up to the last blue column in the left third, as before, took the
    letters left of those with it.
    """
    columns = np.flatnonzero(blue_columns)
    # A shadow or a reflection across the strip can leave a few of its columns less blue.
    max_gap = max(2, round(0.02 * width))
    runs: list[list[int]] = []
    for column in columns:
        if runs and column <= runs[-1][1] + max_gap:
            runs[-1][1] = int(column)
        else:
            runs.append([int(column), int(column)])
    for first, last in runs:
        if last + 1 - first >= height / 6:
            return last + 1
    return 0


def strip_edge(grey: np.ndarray, column: int) -> int:
    """The first column right of the blue strip (which ends before ``column``) that is no
    longer its dark, smeared edge: columns dark over most of the middle rows, as no
    character's are (a letter next to the strip has white between its strokes there)."""
    height, width = grey.shape
    dark = grey[height // 4: 3 * height // 4] < 0.7 * percentile(grey.ravel(), 90)
    limit = min(width, column + round(0.25 * height))
    while column < limit and dark[:, column].mean() > 0.6:
        column += 1
    return min(width, column + 2)


# A plate's white in a hard shadow is this many times darker than in the light, at least
# (the simulator's shadows take 35–60 % of the light; a lamp to one side dims the far end
# of most plates by less) ...
_SHADOW_RATIO = 1.5
# ... and at most this share of the plate's white lies between the two, half-way lit: a
# shadow's edge is a step, a lamp's fall-off a slope. Of the first plates found on 180
# simulated props of every condition (seed 1), 16 of the 19 shadowed ones were seen as
# shadowed and 1 of the rest; of the 48 real photos' (openalpr_eu_dev), 1.
_SHADOW_MAX_MIDDLE = 0.15


def shadowed(crop: np.ndarray, span: tuple[float, float]) -> bool:
    """Whether a hard-edged shadow falls across the characters of a BGR plate ``crop``,
    which span its columns ``span`` (left, right; cut to the crop).

    The plate's white is estimated where the characters are (the middle half of the rows,
    a closing filling the strokes in, coloured strip and shield left out): a hard shadow
    splits it into two levels far apart with little between them.
    """
    left, right = max(0, int(span[0])), min(crop.shape[1], int(span[1]) + 1)
    hsv = cv2.cvtColor(crop[crop.shape[0] // 4: 3 * crop.shape[0] // 4, left:right],
                       cv2.COLOR_BGR2HSV)
    size = max(3, round(0.2 * crop.shape[0])) | 1
    background = cv2.morphologyEx(hsv[..., 2], cv2.MORPH_CLOSE,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    white = background[hsv[..., 1] <= 90].astype(np.float32)
    hsv.fill(0)  # pictures of the plate
    background.fill(0)
    if white.size < 50:
        return False
    dark, light = np.percentile(white, (3, 97))
    if light < _SHADOW_RATIO * max(dark, 1.0):
        return False
    quarter = 0.25 * (light - dark)
    middle = ((white > dark + quarter) & (white < light - quarter)).mean()
    return bool(middle <= _SHADOW_MAX_MIDDLE)
