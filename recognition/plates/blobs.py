"""Tidying a row of character blobs found on a plate crop (see
:mod:`recognition.plates.glyphs`): pieces of a broken character joined, characters that blur
has joined split, a hyphen joined to a letter cut off, strays at either end dropped, and the
blobs that stand on one line kept.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np

from recognition.types import Box

# A blob wider than this share of its height, and than _SPLIT_MEDIAN times its row's median
# width, is two characters blur has joined (see split_wide).
_SPLIT_WIDTH = 0.85
_SPLIT_MEDIAN = 1.6
# A hyphen joined to the next letter (see unhyphenated): a bar at most this share of the
# character height tall, at least _HYPHEN_MIN_RUN of it long.
_HYPHEN_HEIGHT = 0.3
_HYPHEN_MIN_RUN = 0.15


@dataclass(frozen=True)
class Glyph:
    """A character blob: its component labels, its box (mark included) and its mark kind."""

    labels: tuple[int, ...]
    box: Box
    mark: str = ""


def joined(glyphs: list[Glyph]) -> list[Glyph]:
    """``glyphs`` (left to right) with pieces of one broken character joined again.

    Blur thins the middle strokes of M and W until they break; the pieces nearly touch (a
    few pixels apart, where neighbouring characters keep a tenth of a height between them)
    and together are no wider than a character. On a far plate the opening can also part a
    character across (a G's arc from its bar): such pieces stand one above the other.
    """
    out: list[Glyph] = []
    for glyph in glyphs:
        if out:
            last = out[-1]
            h = max(last.box.height, glyph.box.height)
            union = Box(min(last.box.left, glyph.box.left), min(last.box.top, glyph.box.top),
                        max(last.box.right, glyph.box.right),
                        max(last.box.bottom, glyph.box.bottom))
            side_by_side = (glyph.box.left - last.box.right <= max(1, 0.06 * h)
                            and union.width <= 0.8 * h
                            and abs(glyph.box.center[1] - last.box.center[1]) <= 0.15 * h)
            if (side_by_side or _stacked(last.box, glyph.box, union)) and not (
                    last.mark or glyph.mark):
                out[-1] = Glyph(last.labels + glyph.labels, union)
                continue
        out.append(glyph)
    return out


def _stacked(one: Box, other: Box, union: Box) -> bool:
    """Whether two blobs are the top and bottom of one character that blur and the opening
    broke across (a small G's arc parted from its bar): one above the other, nearly touching,
    and together no wider than a character of their joint height."""
    overlap = min(one.right, other.right) - max(one.left, other.left)
    gap = max(one.top, other.top) - min(one.bottom, other.bottom)
    return (overlap >= 0.5 * min(one.width, other.width)
            and gap <= max(2.0, 0.08 * union.height) and union.width <= 0.8 * union.height)


def split_wide(glyphs: list[Glyph], ink: np.ndarray) -> list[Glyph]:
    """``glyphs`` with each blob as wide as two characters cut in two where least ink joins.

    On a small plate blur thickens strokes until neighbours touch (a district code's ``UB``
    comes out as one blob, read as ``M``), and the plate then has a character too few. Plate
    characters are about half as wide as tall; a blob over :data:`_SPLIT_WIDTH` heights wide
    and :data:`_SPLIT_MEDIAN` times its row's median width is two, parted at the column with
    the least ink in its middle third.
    """
    if len(glyphs) < 3:
        return glyphs
    median_w = float(statistics.median([g.box.width for g in glyphs]))
    out: list[Glyph] = []
    for glyph in glyphs:
        box = glyph.box
        if glyph.mark or box.width <= max(_SPLIT_WIDTH * box.height, _SPLIT_MEDIAN * median_w):
            out.append(glyph)
            continue
        columns = (ink[box.top:box.bottom, box.left:box.right] > 0).sum(axis=0)
        low, high = box.width // 3, box.width - box.width // 3
        cut = box.left + low + int(np.argmin(columns[low:high]))
        for left, right in ((box.left, cut), (cut + 1, box.right)):
            rows = np.flatnonzero((ink[box.top:box.bottom, left:right] > 0).any(axis=1))
            if rows.size:
                out.append(Glyph(glyph.labels, Box(left, box.top + int(rows[0]), right,
                                                    box.top + int(rows[-1]) + 1)))
    return out


def unhyphenated(glyphs: list[Glyph], ink: np.ndarray) -> list[Glyph]:
    """``glyphs`` with a hyphen that blur has joined to the character after it cut off.

    On a small plate the hyphen before the serial letters is thick enough to survive the
    opening and close enough to grow into the next letter: the letter's blob then starts with
    a short bar at mid-height, the gap before it looks like a gap between characters, and the
    row is no longer grouped as a plate ((2, 6) for (2, 4, 2)). No plate character's left edge
    is a bar that short and that high, so leading columns holding only such a bar are dropped
    from the box (the ink stays; readers look inside the boxes).
    """
    out = []
    for glyph in glyphs:
        box = glyph.box
        h = box.height
        cells = ink[box.top:box.bottom, box.left:box.right] > 0
        run = 0
        for column in cells.T:
            rows = np.flatnonzero(column)
            if not rows.size:
                break
            top, bottom = rows[0] / h, (rows[-1] + 1) / h
            if bottom - top > _HYPHEN_HEIGHT or top < 0.3 or bottom > 0.8:
                break
            run += 1
        rest = box.width - run
        # A Đ's bar also sticks out left of its stem, but by a tenth of a height at most.
        if glyph.mark == "bar" or run < _HYPHEN_MIN_RUN * h or rest < 0.3 * h:
            out.append(glyph)
            continue
        out.append(Glyph(glyph.labels, Box(box.left + run, box.top, box.right, box.bottom)))
    return out


def trim_ends(glyphs: list[Glyph]) -> list[Glyph]:
    """``glyphs`` without blobs cut off from the row at either end (see :func:`_apart`): on
    a plate no gap is that wide except beside the shield, inside the row, so such a blob
    is the plate's frame or something beyond the plate."""
    while len(glyphs) > 1:
        h = float(statistics.median([g.box.height for g in glyphs]))
        if _apart(glyphs[0], glyphs[1].box.left - glyphs[0].box.right, h):
            glyphs = glyphs[1:]
        elif _apart(glyphs[-1], glyphs[-1].box.left - glyphs[-2].box.right, h):
            glyphs = glyphs[:-1]
        else:
            break
    return glyphs


def _apart(glyph: Glyph, gap_px: float, height_px: float) -> bool:
    """Whether an end blob is cut off from the row: by more than 0.75 heights, or by more
    than 0.45 if it is as thin as a frame line (an I stands closer to its neighbours)."""
    return gap_px > 0.75 * height_px or (gap_px > 0.45 * height_px
                                         and glyph.box.width < 0.3 * height_px)


def aligned(found: list[Glyph]) -> list[Glyph]:
    """The largest subset of ``found`` of about one height with centres on one line."""
    if not found:
        return []
    heights = np.array([g.box.height for g in found], np.float64)
    centres = np.array([g.box.center[1] for g in found], np.float64)
    # Row a: the glyphs within reach of anchor a's height and centre line.
    near = ((np.abs(heights[None, :] - heights[:, None]) <= 0.2 * heights[:, None])
            & (np.abs(centres[None, :] - centres[:, None]) <= 0.25 * heights[:, None]))
    best = int(np.argmax(near.sum(axis=1)))  # the first anchor with the most, as before
    return [g for g, keep in zip(found, near[best]) if keep]
