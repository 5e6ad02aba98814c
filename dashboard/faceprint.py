"""The faceprint drawn for visitors: 128 numbers as a 16 × 8 grid of coloured squares."""

from __future__ import annotations

import numpy as np

COLUMNS, ROWS = 16, 8
CELL_PX = 10
#: Values are clipped to ±this before colouring; dlib's encodings rarely go beyond ±0.25.
_RANGE = 0.25
#: A diverging blue–grey–orange scale (readable with the common colour-vision deficiencies).
_PALETTE = (
    "#08306b", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#9e9e9e",
    "#fddbc7", "#f4a582", "#e08214", "#b35806", "#7f3b08",
)


def faceprint_svg(values: np.ndarray) -> str:
    """An SVG picture of a 128-number faceprint, one square per number.

    Each number is put into one of 11 colour steps, so the picture shows the pattern but
    does not carry the faceprint itself (it cannot be turned back into one that matches).

    Args:
        values: the faceprint, shape ``(128,)``; the caller owns and zeroes it.

    Raises:
        ValueError: ``values`` does not hold 128 numbers.
    """
    if values.shape != (COLUMNS * ROWS,):
        raise ValueError("a faceprint has 128 numbers")
    steps = np.rint((np.clip(values, -_RANGE, _RANGE) / _RANGE + 1.0) * (len(_PALETTE) - 1) / 2)
    levels = steps.astype(int).tolist()
    steps.fill(0.0)
    width, height = COLUMNS * CELL_PX, ROWS * CELL_PX
    cells = "".join(
        f'<rect x="{(i % COLUMNS) * CELL_PX}" y="{(i // COLUMNS) * CELL_PX}" '
        f'width="{CELL_PX - 1}" height="{CELL_PX - 1}" fill="{_PALETTE[level]}"/>'
        for i, level in enumerate(levels)
    )
    levels.clear()
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width * 2}" height="{height * 2}" shape-rendering="crispEdges">'
        f'<rect width="{width}" height="{height}" fill="#101114"/>{cells}</svg>'
    )
