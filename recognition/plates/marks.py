"""What the English OCR model cannot see on a plate glyph: diacritic marks and shape hints.

The caron over Č Š Ž and the acute over Ć are told from the ink above a letter
(:func:`mark_kind`) or fused to its top by blur (:func:`fused_mark`); the hook at the foot of
J and the bar of Đ from the glyph's outline (:func:`shape_hint`). :func:`with_marks` puts
what they say back into the OCR's alternatives.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from recognition.plates.format import Choices

_MARKED = {"caron": {"C": "Č", "S": "Š", "Z": "Ž"}, "acute": {"C": "Ć"},
           "mark": {"C": "ČĆ", "S": "Š", "Z": "Ž"}}


def with_marks(positions: Sequence[Choices], marks: Sequence[str]) -> list[Choices]:
    """``positions`` with what the marks say about each character put back.

    Where a caron was seen, alternatives that can carry it (C S Z) get it (Č Š Ž); others
    are left alone, since the mark may have been something else (B and 8 can look marked).
    The same for an acute (Ć), and for a mark whose kind was unclear: C becomes both Č and
    Ć, equally likely, which leaves a district such as BČ/BĆ undecided rather than guessed.
    A clear mark over a letter read as one that cannot carry it adds the marked letters as
    weaker alternatives. A hook at the foot of a narrow glyph turns ``I`` into ``J``, a bar
    jutting from the left stem ``D`` into ``Đ``. Positions without a mark are left as read.
    """
    out: list[Choices] = []
    for choices, mark in zip(positions, marks):
        if mark == "hook":
            out.append(tuple(("J" if ch == "I" else ch, c) for ch, c in choices))
        elif mark == "bar":
            out.append(tuple(("Đ" if ch == "D" else ch, c) for ch, c in choices))
        elif mark in _MARKED and choices:
            table = _MARKED[mark]
            mapped = tuple((marked, c) for ch, c in choices for marked in table.get(ch, ch))
            if mark != "mark" and not any(ch in table for ch, _ in choices):
                # A clear mark over a letter read as one that never carries it: the read
                # is doubtful. Offer the marked letters, weaker than what was read.
                mapped += tuple((m, choices[0][1] / 2) for ms in table.values() for m in ms)
            out.append(mapped)
        else:
            out.append(choices)
    return out


def shape_hint(glyph: np.ndarray) -> str:
    """``"hook"`` (J, see :func:`_hook`), ``"bar"`` (Đ, see :func:`_bar`) or ``""``."""
    return _hook(glyph) or _bar(glyph)


def _bar(glyph: np.ndarray) -> str:
    """``"bar"`` if the glyph's left edge juts out at mid-height, as Đ's crossbar does
    and D's straight stem does not."""
    height, width = glyph.shape
    if height < 12 or width < 6:
        return ""
    ink = glyph > 0
    first_ink, inked = ink.argmax(axis=1), ink.any(axis=1)

    def lefts(rows: slice) -> np.ndarray:
        """The leftmost ink column of each inked row in ``rows``, in order."""
        firsts = np.sort(first_ink[rows][inked[rows]])
        return firsts if firsts.size else np.array([width])

    # The bar is a few rows thick: the second-leftmost row of the middle band, so one
    # stray pixel is not a bar.
    middle = lefts(slice(round(height * 0.38), round(height * 0.62)))
    rest = min(_median_of_sorted(lefts(slice(round(height * 0.12), round(height * 0.3)))),
               _median_of_sorted(lefts(slice(round(height * 0.7), round(height * 0.88)))))
    jut = rest - middle[min(1, len(middle) - 1)]
    return "bar" if jut >= max(2, 0.08 * height) else ""


def _median_of_sorted(values: np.ndarray) -> float:
    """The median of ascending ``values`` (as ``np.median``, without its cost per call)."""
    return (float(values[(values.size - 1) // 2]) + float(values[values.size // 2])) / 2


def _hook(glyph: np.ndarray) -> str:
    """``"hook"`` if a narrow glyph curls out to the left at its foot, as J does and I and 1
    do not; Tesseract often reads a small J as I."""
    height, width = glyph.shape
    ink = glyph > 0
    middle = ink[height // 3:2 * height // 3].any(axis=0)
    if height < 12 or not middle.any():
        return ""
    stem_left = int(np.flatnonzero(middle)[0])
    stem_width = int(np.flatnonzero(middle)[-1]) - stem_left + 1
    if stem_width > 0.3 * height:
        return ""  # not a narrow glyph
    foot = ink[round(height * 0.75):].any(axis=0)
    reach = stem_left - int(np.flatnonzero(foot)[0]) if foot.any() else 0
    return "hook" if reach >= max(2, 0.12 * height) else ""


def mark_kind(shape: np.ndarray) -> str:
    """``"caron"`` for a v-shaped mark, ``"acute"`` for one slanting up to the right,
    ``"mark"`` when a few pixels cannot tell.

    Told apart by where the ink sits: a caron's top row is spread to both sides of its
    foot, an acute's top is right of its foot.
    """
    rows = np.flatnonzero(shape.any(axis=1))
    if rows.size < 2 or shape.shape[1] < 3:
        return "mark"
    third = max(1, rows.size // 3)
    cols = np.arange(shape.shape[1])
    top = shape[rows[:third]].sum(axis=0)
    foot = shape[rows[-third:]].sum(axis=0)
    shift = ((cols * top).sum() / top.sum() - (cols * foot).sum() / foot.sum()) / shape.shape[1]
    spread = np.flatnonzero(top)
    both_sides = spread.size and spread[0] < 0.3 * shape.shape[1] and \
        spread[-1] > 0.7 * shape.shape[1]
    if shift > 0.15 and not both_sides:
        return "acute"
    if abs(shift) < 0.1 and both_sides:
        return "caron"
    return "mark"


def fused_mark(glyph: np.ndarray) -> str:
    """The kind of mark fused to the top of a letter by blur, or ``""``.

    A fused caron or acute meets its letter at a narrow neck near the middle of the glyph,
    in its top third, with wider ink above (the mark) and over half as wide again just below
    (the letter's top stroke). The letters that carry marks (C S Z) have no such neck of
    their own: their narrow rows there are at the edge (C, S) or part of a long diagonal
    (Z); the sides of B, O and 8 are two strokes, not one.
    """
    height, width = glyph.shape
    if height < 12 or width < 4:
        return ""
    ink = glyph > 0
    rows = ink.sum(axis=1)
    reach = max(2, round(height * 0.1))
    first, last = max(2, round(height * 0.08)), round(height * 0.35)
    if last <= first:
        return ""
    # Per candidate row r: the widest row above it, and the widest of the reach rows below
    # (a loop over rows would cost a tenth of a millisecond per glyph).
    candidates = np.arange(first, last)
    above = np.maximum.accumulate(rows)[candidates - 1]
    padded = np.concatenate((rows, np.zeros(reach, rows.dtype)))
    below = padded[first + 1:last + 1]
    for step in range(2, reach + 1):
        below = np.maximum(below, padded[first + step:last + step])
    neck = rows[candidates]
    necks = candidates[(neck > 0) & (neck <= 0.7 * above) & (below >= 1.6 * neck)]
    for r in necks:
        cols = np.flatnonzero(ink[r])
        if abs(cols.mean() - (width - 1) / 2) > 0.2 * width or cols[-1] - cols[0] >= cols.size:
            continue  # off-centre, or two strokes (the sides of B, O, 8), not one neck
        shape = ink[:r]
        used = np.flatnonzero(shape.any(axis=0))
        return mark_kind(shape[:, used[0]:used[-1] + 1])
    return ""
