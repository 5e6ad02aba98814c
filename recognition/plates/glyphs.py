"""Finding the characters on a plate crop: binarising, splitting into glyphs, marks.

Tesseract reads a plate's blue strip, shield, border and the small Cyrillic code under the
shield as letters unless it is shown the characters only. :func:`character_line` finds them:
dark, unsaturated blobs of one height on one line, with the strip and shield blanked, the
frame cut away, broken strokes joined and a lean undone. It also notes what the English OCR
model cannot see: the caron or acute over Č Ć Š Ž, and the hook that tells J from I.
"""

from __future__ import annotations

import functools
import statistics
from dataclasses import dataclass, field
import cv2
import numpy as np

from recognition.plates.background import flattened, percentile, strip_edge, strip_end
from recognition.plates.blobs import Glyph, aligned, joined, split_wide, trim_ends, unhyphenated
from recognition.plates.marks import fused_mark, mark_kind, shape_hint
from recognition.types import Box

#: Character height the crop is scaled to before it is binarised: thresholding a smooth
#: enlargement keeps the shapes of 12-px characters that thresholding first would break,
#: and every filter below is sized for it.
WORK_CHAR_PX = 40
#: How much darker than its surroundings a pixel must be to be ink, at first (grey levels).
DEFAULT_THRESHOLD_OFFSET = 10
# Strokes thinner than this share of the crop height are specks, frame lines or the small
# Cyrillic code, not characters (an opening removes them).
_STROKE = 0.05
#: Characters per group on a Serbian plate: 2, then 3 or 4, then 2.
PLATE_GROUPS = ((2, 3, 2), (2, 4, 2))
# The closing that finds the background is this share of WORK_CHAR_PX wide: wider than any
# stroke, narrow enough to follow a shadow's edge (0.22–0.7 tried; 0.3 read most).
_FLATTEN = 0.3
# The closing that finds the white under the characters for CharacterLine.shade is this
# share of WORK_CHAR_PX wide: wider than the thickest stroke (a blurred bold 0 or 8).
_SHADE_BACKGROUND = 0.6
# With ``stretch``, crops whose grey levels (2nd to 98th percentile) span less than this are
# stretched to the full range before thresholding (see _binarise).
_STRETCH_BELOW = 120


@dataclass(frozen=True, eq=False)
class CharacterLine:
    """The characters found in a plate crop.

    ``boxes`` are the characters left to right in pixels of ``ink`` (diacritic marks joined
    to their letter); ``ink`` is the crop's binary image (255 = character ink), scaled by
    ``scale`` from the crop; ``height_px`` is the median character height in ``ink``.
    ``offset_px`` is how far ``ink`` was shifted right when its lean was undone (at
    mid-height), so crop x ≈ (ink x − ``offset_px``) / ``scale``; ``shear`` is that lean
    (horizontal pixels per pixel of height). ``scaled`` is the crop at ``ink``'s scale (BGR),
    kept for :attr:`shade`. ``marks`` says, per
    character, whether a ``"caron"`` (Č Š Ž), an ``"acute"`` (Ć) or a
    ``"mark"`` of unclear kind was found above it, a J's ``"hook"`` at its foot or a Đ's
    ``"bar"``, else ``""``: the English model reads
    these letters without their mark, and small J as I.
    """

    boxes: tuple[Box, ...]
    ink: np.ndarray
    height_px: float
    scale: float = 1.0
    marks: tuple[str, ...] = ()
    offset_px: int = 0
    shear: float = 0.0
    scaled: np.ndarray | None = field(default=None, repr=False)

    @functools.cached_property
    def shade(self) -> np.ndarray:
        """How dark each pixel of ``ink``'s geometry is against the plate's white as light
        falls on it, before thresholding (0 = white): at the far end of a room a stroke too
        faint or thin to survive as ink still shows here (see
        :mod:`recognition.plates.shapes`). Made on first use: most lines found while
        detecting are never read. Without ``scaled``, ``ink`` is its own shade."""
        if self.scaled is None:
            return self.ink
        shade = _shade(self.scaled)
        if self.shear:
            unsheared, shade = shade, _sheared(shade, self.shear)
            unsheared.fill(0)
        return shade

    def forget(self) -> None:
        """Zero the pictures of the plate's characters (``ink``, ``scaled``, ``shade``)."""
        self.ink.fill(0)
        if self.scaled is not None:
            self.scaled.fill(0)
        if "shade" in self.__dict__:
            self.__dict__["shade"].fill(0)

    @property
    def groups(self) -> tuple[int, ...]:
        """Characters per group, split at gaps wider than 0.3 character heights.

        A Serbian plate shows ``(2, 3, 2)`` or ``(2, 4, 2)``: the shield and the hyphen leave
        the gaps.
        """
        return _grouped(self.boxes, self.height_px)

    def crop_span(self, margin: float = 0.0) -> tuple[float, float]:
        """Where the characters start and end in the crop (x in its pixels, at mid-height),
        each end moved out by ``margin`` character heights."""
        pad = margin * self.height_px / self.scale
        return ((self.boxes[0].left - self.offset_px) / self.scale - pad,
                (self.boxes[-1].right - self.offset_px) / self.scale + pad)


def _grouped(boxes: tuple[Box, ...] | list[Box], height_px: float) -> tuple[int, ...]:
    """Characters per group of ``boxes`` (see :attr:`CharacterLine.groups`).

    A narrow glyph (I, 1) leaves wide white either side within its cell, which can look like
    the gap between groups (ŠI 246-II grouped (2, 3, 1, 1)). Where the plain gaps do not
    group the row as a plate, a glyph under half the line's median width is measured as that
    median width; that grouping is taken only if it is a plate's, as a lone thin blob beside
    the plate (the edge of the strip or of a shadow) is as narrow as an I.
    """
    if not boxes:
        return ()
    groups = _gap_groups(boxes, [0.0] * len(boxes), height_px)
    if groups in PLATE_GROUPS:
        return groups
    width = float(statistics.median([b.width for b in boxes]))
    slack = [(width - b.width) / 2 if b.width < 0.5 * width else 0.0 for b in boxes]
    narrow = _gap_groups(boxes, slack, height_px)
    return narrow if narrow in PLATE_GROUPS else groups


def _gap_groups(boxes: tuple[Box, ...] | list[Box], slack: list[float], height_px: float
                ) -> tuple[int, ...]:
    """Characters per run of ``boxes`` split at gaps wider than 0.3 ``height_px``, each gap
    narrowed by its two glyphs' ``slack``."""
    sizes, run = [], 1
    for i, (before, after) in enumerate(zip(boxes, boxes[1:])):
        if after.left - before.right - slack[i] - slack[i + 1] > 0.3 * height_px:
            sizes.append(run)
            run = 0
        run += 1
    return (*sizes, run)


def _plate_groups(glyphs: list["Glyph"]) -> bool:
    """Whether ``glyphs`` are grouped as a Serbian plate's, (2, 3|4, 2)."""
    if not glyphs:
        return False
    height = float(statistics.median([g.box.height for g in glyphs]))
    return _grouped([g.box for g in glyphs], height) in PLATE_GROUPS


def character_line(crop: np.ndarray, *, min_chars: int = 4,
                   threshold_offset: int = DEFAULT_THRESHOLD_OFFSET,
                   stretch: bool = False, flatten: bool = False) -> CharacterLine:
    """Find the characters of a plate in a BGR ``crop`` (the plate, roughly level).

    Characters seen at an angle lean (a plate turned away shears its glyphs); the lean is
    measured on the characters found and undone before they are found again.

    Args:
        crop: H×W×3 uint8 BGR, the plate cut out and straightened; characters are expected
            to be 25–95 % of its height.
        min_chars: fewer aligned characters than this count as none (not a plate).
        threshold_offset: how much darker than its surroundings a pixel must be to count as
            ink (grey levels). Higher drops the halo that blur and JPEG leave and parts
            characters that touch each other or the frame; lower keeps faint strokes.
        flatten: divide the crop by its background first (see
            :func:`~recognition.plates.background.flattened`), so a hard shadow's edge does
            not take characters with it. A retry only (see ``read``): as a first look it
            read fewer real photos (openalpr_eu_dev).
        stretch: stretch a low-contrast crop's grey levels to the full range first, so the
            offset keeps the thin strokes of a dim, blurred plate. Measured on simulated
            props it reads low-contrast ones less well (the noise is stretched too), so it
            is a second try where nothing was found (see ``detect``).

    Returns:
        The characters, left to right; an empty line if there are not ``min_chars``.
    """
    # Scale so characters come out near WORK_CHAR_PX tall (a plate's are ~2/3 its height):
    # the filters below are sized for that.
    scale = WORK_CHAR_PX / (0.66 * max(crop.shape[0], 1))
    scaled = cv2.resize(crop, None, fx=scale, fy=scale,
                        interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    try:
        raw = _binarise(scaled, threshold_offset, stretch, flatten)
        chars, glyphs = _find(raw)
        offset, shear = 0, 0.0
        if len(chars) >= min_chars:
            shear = _lean(glyphs)
            if shear:
                offset = _shear_pad(shear, raw.shape[0])
                raw = _sheared(raw, shear)
                chars, glyphs = _find(raw)
    except BaseException:
        scaled.fill(0)  # the plate's picture
        raise
    if len(chars) < min_chars:
        scaled.fill(0)
        return CharacterLine((), np.zeros_like(raw), 0.0, scale)
    median_h = float(statistics.median([g.box.height for g in chars]))
    return CharacterLine(tuple(g.box for g in chars), glyphs, median_h, scale,
                         tuple(g.mark for g in chars), offset, shear, scaled)


def _find(raw: np.ndarray) -> tuple[list[Glyph], np.ndarray]:
    """Aligned character blobs in a binary image, left to right, and an image holding only
    their pixels, so nothing else (border, dirt, a stray blob) reaches the OCR.

    Characters are found after an opening that removes anything thinner than a stroke
    (specks, thin frame lines, the small Cyrillic code under the shield, which would bridge
    the gap to the district letters); their marks, often thinner, in ``raw`` as it was.
    """
    height, width = raw.shape
    stroke = max(2, round(height * _STROKE))
    ink = cv2.morphologyEx(raw, cv2.MORPH_OPEN,
                           cv2.getStructuringElement(cv2.MORPH_RECT, (stroke, stroke)))
    ink = _regrown(ink, raw, stroke)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    found = [_with_mark(i, Box(x, y, x + w, y + h), ink, raw)
             for i, (x, y, w, h, area) in enumerate(stats[1:count], start=1)
             if 0.25 * height <= h <= 0.95 * height
             and w <= 2.5 * h
             and area >= 0.12 * w * h
             and y > 0 and y + h < height  # touching an edge: a border, not a glyph
             and x > 0 and x + w < width]
    kept = trim_ends(unhyphenated(aligned(joined(sorted(found, key=lambda g: g.box.left))),
                                    ink))
    if kept and not _plate_groups(kept):
        # Only a row that is not already grouped as a plate is split: on shadowed plates
        # splitting every wide blob read fewer (2 × 300 simulated props).
        split = trim_ends(split_wide(kept, ink))
        if _plate_groups(split):
            kept = split
    kept_labels = np.zeros(count, np.uint8)
    kept_labels[[i for g in kept for i in g.labels]] = 255
    glyphs = kept_labels[labels]
    kept = [g if g.mark else Glyph(g.labels, g.box, shape_hint(
        glyphs[g.box.top:g.box.bottom, g.box.left:g.box.right])) for g in kept]
    for g in kept:
        if g.mark:  # the mark's pixels come from the unopened image
            region = (slice(g.box.top, g.box.bottom), slice(g.box.left, g.box.right))
            glyphs[region] |= raw[region]
    return kept, glyphs


def _shade(scaled: np.ndarray) -> np.ndarray:
    """How dark each pixel of the scaled BGR crop is (see :attr:`CharacterLine.shade`).
    Brightness is the brightest channel, so the blue strip and the red shield are not dark."""
    brightness = scaled.max(axis=2)
    return cv2.bitwise_not(flattened(brightness, round(_SHADE_BACKGROUND * WORK_CHAR_PX) | 1))


def _regrown(ink: np.ndarray, raw: np.ndarray, steps: int) -> np.ndarray:
    """``ink`` (after the opening) grown back into the ink of ``raw`` by up to ``steps``
    pixels.

    The opening that parts characters also cuts strokes thinner than itself, such as the
    middle of a blurred M, into pieces too short to be kept; growing back rejoins them.
    It can also rejoin a bridge up to ~2 × ``steps`` long that the opening cut between two
    characters. Growing each blob apart, so that none can join another, keeps those apart but
    leaves the M in pieces too: measured on 2 × 300 simulated props it read 1 point fewer
    exactly and trebled the wrong but valid reads, so blobs may join.
    """
    grown = ink
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    for _ in range(steps):
        grown = cv2.dilate(grown, cross) & raw
    return grown


def _lean(glyphs: np.ndarray) -> float:
    """The horizontal shear (pixels per pixel of height) that makes the glyphs most upright:
    the one whose column sums are most peaked, as vertical strokes line up."""
    scores: dict[float, tuple[float, float]] = {}
    # The column sums of the sheared glyphs, from where each inked pixel lands, without
    # shearing the picture 13 times.
    rows, columns = np.nonzero(glyphs)
    weights = glyphs[rows, columns].astype(np.float64)

    def score(shear: float) -> tuple[float, float]:
        """How peaked the column sums are at ``shear``; the smaller shear wins a tie."""
        shear = round(float(np.clip(shear, -0.5, 0.5)), 3)
        if shear not in scores:
            sums = np.bincount(columns + _row_shifts(shear, glyphs.shape[0])[rows],
                               weights=weights)
            scores[shear] = (float((sums ** 2).sum()), -abs(shear))
        return scores[shear]

    # Every 0.1 first, then the 0.05 either side of the best: 13 shears, not 21.
    best = max(np.linspace(-0.5, 0.5, 11), key=score)
    best = max((best - 0.05, best, best + 0.05), key=score)
    best = round(float(np.clip(best, -0.5, 0.5)), 3)
    for where in (rows, columns, weights):
        where.fill(0)  # where the plate's ink is: a picture of its characters
    return 0.0 if abs(best) < 0.04 else best


def _shear_pad(shear: float, height: int) -> int:
    return int(abs(shear) * height / 2) + 1


@functools.lru_cache(maxsize=256)
def _row_shifts(shear: float, height: int) -> np.ndarray:
    """How far :func:`_sheared` moves each row to the right, in whole pixels as its warp
    rounds them: read off a sheared column."""
    shifts = _sheared(np.ones((height, 1), np.uint8), shear).argmax(axis=1)
    shifts.setflags(write=False)  # shared by every line of this height
    return shifts


def _sheared(image: np.ndarray, shear: float) -> np.ndarray:
    """``image`` with row ``y`` moved ``-shear * (y - middle)`` pixels sideways."""
    height, width = image.shape
    pad = _shear_pad(shear, height)
    matrix = np.float32([[1, -shear, shear * height / 2 + pad], [0, 1, 0]])
    return cv2.warpAffine(image, matrix, (width + 2 * pad, height), flags=cv2.INTER_NEAREST)


def _binarise(crop: np.ndarray, offset: int = 10, stretch: bool = False,
              flatten: bool = False) -> np.ndarray:
    """255 where the crop shows character ink: dark and unsaturated (the strip and shield are
    coloured), against a local threshold so a shadow across the plate does not swallow it."""
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV)
    grey = hsv[..., 2].copy()
    hue, saturated = hsv[..., 0], (hsv[..., 1] > 90) & (grey > 50)
    height, width = grey.shape
    # Only the strip's blue and the shield's red are blanked: yellow street light makes the
    # whole plate, characters included, saturated orange. Blanked pixels take the plate's
    # own white, not pure white, which would make their neighbours look dark.
    blank = saturated & ((hue <= 8) | (hue >= 165))
    blue = saturated & (hue >= 95) & (hue <= 135)
    blank |= blue
    # The strip's blurred, chroma-subsampled edge is dark but no longer blue, and would be
    # read as an I: blank everything up to a little past the strip's last column.
    strip_end_px = strip_end(blue[:, : width // 3].mean(axis=0) > 0.3, width, height)
    if strip_end_px:
        blank[:, : strip_edge(grey, strip_end_px)] = True
    if blank.any() and not blank.all():
        grey[blank] = np.uint8(percentile(grey[~blank], 90))
    # The ink offset is in grey levels: a dim, low-contrast plate (blur, haze, a blue-lit
    # car) may be stretched to the full range first, so its thin strokes are not lost.
    low, high = np.percentile(grey, (2, 98)) if stretch else (0, 255)
    if 10 < high - low < _STRETCH_BELOW:
        gain = 255.0 / (high - low)
        grey = cv2.convertScaleAbs(grey, alpha=gain, beta=-low * gain)
    if flatten:
        grey = flattened(grey, round(_FLATTEN * WORK_CHAR_PX) | 1)
    grey = cv2.GaussianBlur(grey, (3, 3), 0)  # sensor noise would pepper the strokes with holes
    block = max(15, (height // 2) | 1)
    # A local threshold: light falls unevenly across a plate held by hand, so one threshold
    # for the whole crop loses the characters at its darker end.
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                block, offset)
    # The plate's border and frame touch the characters and would merge with them. No
    # character stroke is taller than a character or longer than 3/4 of its height, so
    # straight runs beyond that are the border: cut them out.
    tall = cv2.getStructuringElement(cv2.MORPH_RECT, (1, round(1.1 * WORK_CHAR_PX)))
    long = cv2.getStructuringElement(cv2.MORPH_RECT, (round(0.75 * WORK_CHAR_PX), 1))
    # The level borders are thickened first by a pixel up and down, so one a degree or two
    # off level (a plate turned or tilted a little) still shows one unbroken run.
    level = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))
    border = cv2.morphologyEx(ink, cv2.MORPH_OPEN, tall) | (
        cv2.morphologyEx(level, cv2.MORPH_OPEN, long) & ink)
    return cv2.subtract(ink, border)


def _with_mark(label: int, char: Box, ink: np.ndarray, raw: np.ndarray) -> Glyph:
    """The character blob ``label``, grown to take in a caron or accent above it.

    Plates shorten the letters that carry marks, so the letter alone is shorter than its
    neighbours; with its mark it lines up again. The mark is looked for in ``raw`` (before
    the opening, which can erase a thin mark): ink centred over the letter, in the half
    height above it, not touching the crop's top. Blur may also have fused the mark to the
    letter; :func:`~recognition.plates.marks.fused_mark` finds those.
    """
    top = max(0, round(char.top - 0.5 * char.height))
    above = raw[top:char.top, max(0, char.left - 1):char.right + 1] > 0
    rows, cols = np.nonzero(above)
    if rows.size and top + rows.min() > 0:
        mark = Box(int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1)
        centred = abs((mark.left + mark.right) / 2 - (above.shape[1] - 1) / 2) \
            <= 0.3 * char.width
        sized = (0.08 * char.height <= mark.height < 0.4 * char.height
                 and 0.3 * char.width <= mark.width <= 1.1 * char.width
                 and mark.bottom >= above.shape[0] - max(2, 0.15 * char.height))
        if centred and sized:
            grown = Box(char.left, top + mark.top, char.right, char.bottom)
            return Glyph((label,), grown, mark_kind(above[mark.top:mark.bottom,
                                                         mark.left:mark.right]))
    return Glyph((label,), char, fused_mark(raw[char.top:char.bottom,
                                                  char.left:char.right]))
