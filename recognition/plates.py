"""Licence plates in a frame: finding them (OpenCV) and reading them (OCR + the Serbian format).

Detection looks for what a plate shows: a row of five to ten dark characters of one height,
close together, on a light ground. Character-like contours of the frame are grouped into
rows; each row's top and bottom lines give a quadrilateral (tilt and turn included), which
is warped level and square-on and kept only if the row of characters is found again on the
straightened crop. OpenCV 4's Haar cascade for plates (``haarcascade_russian_plate_number``)
is available as ``method="cascade"``; measured on simulated props it finds 28 % of plates
against 99 % (and 1 of 10 real Croatian ones against 4), so ``contour`` is the default.

Reading: :func:`read_plate` finds the characters (:mod:`recognition.plate_glyphs`), OCRs them
as one line in three layouts and pools each position's alternatives
(:mod:`recognition.plate_ocr`), then interprets them with :mod:`recognition.plate_format`.
A plate that does not read valid, or reads valid with a character missing, is found and read
again at a stricter and a looser ink threshold; only a sure, valid read is taken from those.
An unreadable plate stays unreadable. Nothing here logs: plate text is personal data.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from recognition.plate_format import UNREADABLE, Choices, PlateText, read_choices
from recognition.plate_glyphs import CharacterLine, character_line, with_marks
from recognition.plate_ocr import OcrEngine, characters, line_image, tesseract
from recognition.plate_shapes import ShapeReader, shape_reader
from recognition.types import Box

#: Detection methods: ``contour`` (rows of character contours), ``cascade`` (OpenCV's Haar
#: cascade for plates, trained on Russian ones), ``both`` (the union, checked the same way).
DETECTION_METHODS = ("contour", "cascade", "both")
#: Width over height of a plate (520 × 113 mm).
PLATE_ASPECT = 520.0 / 113.0
#: Height of a straightened crop, in pixels (enough for OCR, small enough to stay fast).
CROP_HEIGHT_PX = 64
#: Narrower plates (frame pixels) are reported unreadable without OCR. On simulated props
#: 90–140 px wide, this gate at 110 px reads 62 % exactly and 4 % wrong but valid; at 100 px
#: 72 % and 6 %. Below ~100 px (characters under 14 px) more and more reads that come out
#: valid are wrong, and a wrong but valid plate is the error to avoid most.
MIN_READABLE_WIDTH_PX = 110
# The row of characters is extended by this many character heights (left, right) before the
# plate is cut out, in case characters were missed: most often the district code, which the
# shield (dark in grey) joins into one blob; and characters further apart than _ROW_GAP
# heights are not one row.
_ROW_MARGIN = (2.2, 1.0)
_ROW_GAP = 1.2

# Tesseract reads each plate in these layouts (see plate_ocr.line_image), and each
# position's alternatives are pooled with the other layouts' and the shape reader's.
# Before the shape reader, three layouts lifted exact reads of simulated props by ~3
# points over one; with it, a second layout (~7 ms) reads no more of them, nor of the
# real photos.
_LAYOUTS = ({"stretch": 1.3, "gap": 0.3},)
# How much the shape reader's votes count against Tesseract's confidences when they are
# pooled per position (0–1). Measured on 3 × 300 simulated props: Tesseract alone 94–95 %
# exact, the shape reader alone 97–99 % (it learnt their typeface), half and half 98–99 %;
# on the real Croatian photos, in another font, either alone 3 of 10, half and half 4.
_SHAPE_WEIGHT = 0.5
# Ink thresholds (see plate_glyphs.character_line) tried in turn until a plate reads valid.
_THRESHOLD_OFFSETS = (10, 18, 4)
# Least confidence of every position's best alternative in a read from a retry.
_MIN_RETRY_CHOICE = 0.5
# A foreign plate has no format to check it against, so it needs a confident read.
_MIN_FOREIGN_CONFIDENCE = 0.8


@dataclass(frozen=True, eq=False)
class PlateCandidate:
    """A region of a frame that looks like a plate.

    ``box`` bounds its characters (with a margin) in frame pixels; ``corners`` are the same
    region's four corners (top-left, top-right, bottom-right, bottom-left); ``crop`` is the
    plate and its surroundings warped level and square-on (BGR, :data:`CROP_HEIGHT_PX` tall).
    ``characters`` is how many characters were found, ``width_px`` the plate's width in the
    frame estimated from their height, ``cut`` whether it touches the frame edge (a plate
    cut off there may be missing characters), ``method`` which detector proposed it,
    ``line`` the characters found in ``crop`` at the first ink threshold (reading starts
    from them). ``crop`` and ``line.ink`` are pictures of the plate: zero them after use.
    """

    box: Box
    corners: tuple[tuple[float, float], ...]
    crop: np.ndarray
    characters: int
    width_px: float
    cut: bool = False
    method: str = "contour"
    line: CharacterLine | None = None


@dataclass(frozen=True)
class PlateReading:
    """What was read from one plate in one frame.

    ``text`` is the plate without spaces (``"BG123AB"``, ``""`` if unreadable); ``display``
    as printed (``"BG 123-AB"``, foreign plates as read, ``"unreadable"``); ``raw`` the OCR
    engine's own text; ``valid`` whether it is a well-formed Serbian plate (foreign plates
    are shown as read but never valid: there is no format to check them); ``country``
    ``"SRB"``, ``"foreign"`` or ``"unknown"`` (unreadable); ``box`` where, in frame pixels;
    ``confidence`` the mean OCR confidence of the characters kept (0–1).
    """

    text: str
    display: str
    raw: str
    valid: bool
    country: str
    box: Box
    confidence: float


def detect_plates(bgr: np.ndarray, *, method: str = "contour", min_width_px: int = 60,
                  min_characters: int = 5, max_plates: int = 4) -> list[PlateCandidate]:
    """Find licence plates in a BGR frame.

    Args:
        bgr: H×W×3 uint8 frame (640×480 is what the exhibit analyses).
        method: one of :data:`DETECTION_METHODS`.
        min_width_px: narrower plates are ignored; below ~90 px (characters ~13 px tall)
            OCR rarely reads a plate correctly anyway.
        min_characters: a candidate needs this many characters in a row to count.
        max_plates: most plates returned, those with most characters first.

    Returns:
        Candidates that do not overlap, most characters (then widest) first.

    Raises:
        ValueError: ``method`` is not one of :data:`DETECTION_METHODS`.
    """
    if method not in DETECTION_METHODS:
        raise ValueError(f"unknown plate detection method {method!r}")
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    quads: list[tuple[np.ndarray, str]] = []
    if method in ("contour", "both"):
        quads += [(q, "contour") for q in _character_rows(grey, min_width_px)]
    if method in ("cascade", "both"):
        quads += [(q, "cascade") for q in _cascade(grey, min_width_px)]
    height, width = grey.shape
    found: list[PlateCandidate] = []
    for quad, source in quads:
        candidate = _check(bgr, quad, source, min_characters, width, height)
        if candidate is not None:
            found.append(candidate)
    found.sort(key=lambda c: (c.characters, c.box.width), reverse=True)
    kept: list[PlateCandidate] = []
    for candidate in found:
        if all(candidate.box.iou(k.box) < 0.2 and not _inside(candidate.box, k.box)
               for k in kept):
            kept.append(candidate)
    return kept[:max_plates]


def load_readers() -> None:
    """Load both plate readers now (Tesseract, and the shape reader, which learns for about
    a second here and a few on a Pi) instead of at the first plate seen.

    Raises:
        ModelUnavailable: Tesseract, its language data or every typeface is missing.
    """
    tesseract()
    shape_reader()


def read_plate(crop: np.ndarray, reader: OcrEngine | None = None, *,
               shapes: ShapeReader | None = None, box: Box | None = None,
               cut: bool = False, line: CharacterLine | None = None) -> PlateReading:
    """Read the plate in a straightened BGR ``crop``.

    Args:
        crop: the plate, level and square-on (a :attr:`PlateCandidate.crop`).
        reader: the OCR engine; ``None`` uses the shared Tesseract one (:func:`tesseract`).
        shapes: the second reader, by glyph shape; ``None`` uses the shared one
            (:func:`~recognition.plate_shapes.shape_reader`).
        box: where the plate is in the frame, copied into the reading; defaults to the
            crop's own extent.
        cut: the plate touches the frame edge. Only a complete Serbian plate is accepted
            from a cut plate: anything else may be missing characters.
        line: the characters of ``crop`` at the first ink threshold, if already found
            (:attr:`PlateCandidate.line`); saves finding them again.

    Returns:
        The reading; ``valid`` is ``False`` and ``text`` empty when it is unreadable.

    Raises:
        ModelUnavailable: ``reader`` is ``None`` and Tesseract is not installed, or
            ``shapes`` is ``None`` and no typeface to learn from is.
    """
    box = box or Box(0, 0, crop.shape[1], crop.shape[0])
    engine = reader or tesseract()
    shapes = shapes or shape_reader()
    result, raw, gapped = None, "", False
    retried: tuple[PlateText, str] | None = None
    # The first threshold suits most plates; one that comes out unreadable is tried again
    # with the others (characters merged with each other or the frame part at a stricter
    # one, faint ones appear at a looser one). Only a valid Serbian read is taken from a
    # retry, so a retry can never turn an unreadable plate into a foreign guess.
    first = line
    for attempt, offset in enumerate(_THRESHOLD_OFFSETS):
        line = first if attempt == 0 and first is not None else character_line(
            crop, threshold_offset=offset)
        if not line.boxes:
            continue
        found, found_raw, positions = _read_line(line, engine, shapes)
        whole = line.groups == (2, len(line.boxes) - 4, 2)
        if attempt == 0:
            result, raw = found, found_raw
            # A valid read whose characters are not grouped as on a plate, (2, 3|4, 2), has
            # a gap where a character was lost (a 4-digit plate read as a 3-digit one), so
            # it is checked at the other thresholds too.
            gapped = found.valid and not whole
            # A sure foreign read is final too: retries only ever add a Serbian read.
            sure_foreign = (found.country == "foreign"
                            and found.confidence >= _MIN_FOREIGN_CONFIDENCE)
            if (found.valid and whole) or sure_foreign:
                break
        elif found.valid and _sure_retry(found, positions):
            if not gapped:
                result, raw = found, found_raw
                break
            # After a gapped read, a retry must be whole, and the one that found the most
            # characters wins: a retry can lose a character elsewhere (one threshold parts
            # a digit from the frame but loses another to the shield's shadow).
            if whole and len(found.text) > len(retried[0].text if retried else ""):
                retried = (found, found_raw)
    if retried:
        (result, raw), gapped = retried, False
    if result is None:
        return _unreadable(box)
    if gapped:  # no whole read at any threshold: the lost character is not guessed
        return _unreadable(box, raw, result.confidence)
    unsure_foreign = result.country == "foreign" and result.confidence < _MIN_FOREIGN_CONFIDENCE
    if unsure_foreign or (cut and not result.valid):
        return _unreadable(box, raw, result.confidence)
    return PlateReading(result.text, result.display, raw, result.valid, result.country, box,
                        round(result.confidence, 3))


def _read_line(line: CharacterLine, engine: OcrEngine, shapes: ShapeReader,
               layouts: Sequence[dict] = _LAYOUTS) -> tuple[PlateText, str, list[Choices]]:
    """OCR ``line`` in every layout, pool each position's alternatives with the shape
    reader's and interpret them; also the engine's raw text of the first layout and the
    pooled alternatives."""
    raws: list[str] = []
    pooled: list[dict[str, float]] = [{} for _ in line.boxes]
    for layout in layouts:
        image, spans = line_image(line, **layout)
        symbols = engine.read_line(image)
        raws.append("".join(s.choices[0][0] for s in symbols))
        for slot, choices in zip(pooled, with_marks(characters(symbols, spans), line.marks)):
            for ch, confidence in choices:
                slot[ch] = slot.get(ch, 0.0) + confidence / len(layouts)
    for slot, choices in zip(pooled, shapes.read(line)):
        for ch in slot:
            slot[ch] *= 1.0 - _SHAPE_WEIGHT
        for ch, share in choices:
            slot[ch] = slot.get(ch, 0.0) + _SHAPE_WEIGHT * share
    positions = [tuple(sorted(p.items(), key=lambda kv: -kv[1])) for p in pooled]
    return read_choices(positions, groups=line.groups), raws[0], positions


def _sure_retry(result: PlateText, positions: Sequence[Choices]) -> bool:
    """Whether a valid read from a retry (another threshold) may be shown.

    A plate that needed a retry is a poor one, so its read must be surer than a first
    read: every position's best alternative at least :data:`_MIN_RETRY_CHOICE`, and no
    letter corrected into another letter (``C`` → ``O``): unlike ``0`` → ``O`` that is not a
    look-alike of another class but a guess of which district was meant.
    """
    if any(not p or p[0][1] < _MIN_RETRY_CHOICE for p in positions):
        return False
    return not any(read != kept and read.isalpha() and kept.isalpha()
                   for read, kept in zip((p[0][0] for p in positions), result.text))


def read_candidate(candidate: PlateCandidate, reader: OcrEngine | None = None, *,
                   shapes: ShapeReader | None = None,
                   min_width_px: float = MIN_READABLE_WIDTH_PX) -> PlateReading:
    """Read a detected plate; one narrower than ``min_width_px`` is unreadable without OCR.

    Args:
        candidate: from :func:`detect_plates`.
        reader, shapes: the two readers, as for :func:`read_plate`.
        min_width_px: see :data:`MIN_READABLE_WIDTH_PX`; a plate that small is shown as a
            plate that cannot be read, never as a guess.

    Raises:
        ModelUnavailable: ``reader`` is ``None`` and Tesseract is not installed.
    """
    if candidate.width_px < min_width_px:
        return _unreadable(candidate.box)
    return read_plate(candidate.crop, reader, shapes=shapes, box=candidate.box,
                      cut=candidate.cut, line=candidate.line)


def read_plates(bgr: np.ndarray, reader: OcrEngine | None = None, *,
                method: str = "contour") -> list[PlateReading]:
    """Detect and read every plate in a BGR frame (:func:`detect_plates`, :func:`read_candidate`).

    Raises:
        ModelUnavailable: ``reader`` is ``None`` and Tesseract is not installed.
    """
    return [read_candidate(c, reader) for c in detect_plates(bgr, method=method)]


def _unreadable(box: Box, raw: str = "", confidence: float = 0.0) -> PlateReading:
    return PlateReading("", UNREADABLE, raw, False, "unknown", box, round(confidence, 3))


def _check(bgr: np.ndarray, quad: np.ndarray, source: str, min_characters: int, width: int,
           height: int) -> PlateCandidate | None:
    """Warp ``quad`` level and keep it if a row of characters spans much of it.

    The candidate's box and corners are those of the characters found (with a margin), mapped
    back into the frame: the search quad is wider than the plate.
    """
    crop, matrix = _warp(bgr, quad)
    line = character_line(crop, min_chars=min_characters)
    if not line.boxes:
        return None
    # The search quad is a guess (from blobs in the whole frame, or a border's outline);
    # the characters found in it give the plate's own slope and height, so it is cut out
    # again along them, and kept if that finds no fewer characters.
    refined = _refined(line, matrix)
    if refined is not None:
        again, again_matrix = _warp(bgr, refined)
        again_line = character_line(again, min_chars=min_characters)
        if len(again_line.boxes) >= len(line.boxes):
            crop, matrix, line = again, again_matrix, again_line
    span = (line.boxes[-1].right - line.boxes[0].left) / line.ink.shape[1]
    if span < 0.4:
        return None
    # The characters' extent in crop pixels, with margins a plate has around its text.
    h = line.height_px / line.scale
    left = (line.boxes[0].left - line.offset_px) / line.scale - 0.3 * h
    right = (line.boxes[-1].right - line.offset_px) / line.scale + 0.3 * h
    top = min(b.top for b in line.boxes) / line.scale - 0.25 * h
    bottom = max(b.bottom for b in line.boxes) / line.scale + 0.25 * h
    inverse = np.linalg.inv(matrix)
    plate = cv2.perspectiveTransform(
        np.float32([[[left, top], [right, top], [right, bottom], [left, bottom]]]), inverse)[0]
    xs, ys = plate[:, 0], plate[:, 1]
    box = Box(int(np.floor(xs.min())), int(np.floor(ys.min())), int(np.ceil(xs.max())),
              int(np.ceil(ys.max()))).clipped(width, height)
    cut = xs.min() <= 1 or ys.min() <= 1 or xs.max() >= width - 2 or ys.max() >= height - 2
    # Plate width from the character height (characters are 75 mm of a 520 mm plate),
    # which does not depend on how many characters were found.
    middle = (left + right) / 2
    ends = cv2.perspectiveTransform(np.float32([[[middle, top + 0.25 * h],
                                                 [middle, bottom - 0.25 * h]]]), inverse)[0]
    width_px = float(np.linalg.norm(ends[1] - ends[0])) * 520.0 / 75.0
    corners = tuple((float(x), float(y)) for x, y in plate)
    return PlateCandidate(box, corners, crop, len(line.boxes), width_px, bool(cut), source, line)


def _refined(line: CharacterLine, matrix: np.ndarray) -> np.ndarray | None:
    """The plate-shaped quadrilateral (frame pixels) around the characters of ``line``, which
    was found in a crop warped from the frame by ``matrix``."""
    rows = np.float32([[(b.left - line.offset_px) / line.scale, b.top / line.scale,
                        b.width / line.scale, b.height / line.scale] for b in line.boxes])
    quad = _row_quad(rows)
    if quad is None:
        return None
    return cv2.perspectiveTransform(quad[None], np.linalg.inv(matrix))[0]


def _warp(bgr: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The quadrilateral ``quad`` (TL, TR, BR, BL) of ``bgr`` as a level rectangle, and the
    perspective matrix from frame to crop."""
    tl, tr, br, bl = quad
    width_px = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height_px = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    out_w = max(8, round(CROP_HEIGHT_PX * width_px / max(height_px, 1.0)))
    target = np.float32([[0, 0], [out_w, 0], [out_w, CROP_HEIGHT_PX], [0, CROP_HEIGHT_PX]])
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    crop = cv2.warpPerspective(bgr, matrix, (out_w, CROP_HEIGHT_PX), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    return crop, matrix


def _character_rows(grey: np.ndarray, min_width_px: int) -> list[np.ndarray]:
    """Quadrilaterals around rows of dark character-like blobs of one height.

    Each row's top and bottom are fitted separately, so a plate turned away from the camera
    (its far end shorter) gives a trapezoid that the warp undoes; the quadrilateral's ends
    are square to the row, which undoes an in-plane tilt.
    """
    dark = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 31, 12)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    quads = _outlines(labels, stats, min_width_px, grey.shape[0])
    x, y, w, h, area = (stats[1:count, i].astype(np.float32) for i in range(5))
    min_h = max(8.0, min_width_px / PLATE_ASPECT * 0.5)
    keep = np.flatnonzero((h >= min_h) & (h <= grey.shape[0] / 3) & (w >= 2) & (w <= 1.2 * h)
                          & (area >= 0.15 * w * h))
    blobs = np.stack([x[keep], y[keep], w[keep], h[keep]], axis=1)
    for row in _rows(blobs):
        quad = _row_quad(blobs[row])
        if quad is not None and np.linalg.norm(quad[1] - quad[0]) >= min_width_px:
            quads.append(quad)
    return quads


def _outlines(labels: np.ndarray, stats: np.ndarray, min_width_px: int, frame_h: int
              ) -> list[np.ndarray]:
    """Quadrilaterals around plates whose characters touch the plate's dark border.

    In a small or dirty plate, the threshold joins characters and border into one blob that
    no row of separate characters shows; its rotated bounding rectangle is the plate.
    """
    quads = []
    for i in range(1, len(stats)):
        x, y, w, h, area = stats[i]
        if w < min_width_px or h > frame_h / 3 or h < 8:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        (cx, cy), (rw, rh), angle = cv2.minAreaRect(
            np.stack([xs + x, ys + y], axis=1).astype(np.float32))
        if rw < rh:
            rw, rh, angle = rh, rw, angle - 90
        angle = (angle + 90) % 180 - 90  # the same rectangle, its long side within ±90°
        if not (2.5 <= rw / max(rh, 1.0) <= 7.0) or abs(angle) > 30 or area > 0.6 * rw * rh:
            continue
        corners = cv2.boxPoints(((cx, cy), (rw * 1.04, rh * 1.1), angle))
        total, diff = corners.sum(axis=1), corners[:, 1] - corners[:, 0]
        quads.append(np.float32([corners[np.argmin(total)], corners[np.argmin(diff)],
                                 corners[np.argmax(total)], corners[np.argmax(diff)]]))
    return quads


def _rows(blobs: np.ndarray) -> list[list[int]]:
    """Groups (indices into ``blobs``: x, y, w, h rows) of 4–10 blobs that follow each other
    like the characters of one line: similar height, level, less than 1.2 heights apart."""
    order = np.argsort(blobs[:, 0])
    parent = list(range(len(blobs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for rank, i in enumerate(order):
        xi, yi, wi, hi = blobs[i]
        for j in order[rank + 1:]:
            xj, yj, wj, hj = blobs[j]
            if xj - (xi + wi) > _ROW_GAP * max(hi, hj):
                break  # sorted by x: everything further is further away
            if abs(hi - hj) > 0.3 * max(hi, hj) or xj < xi + 0.5 * wi:
                continue
            if abs((yi + hi / 2) - (yj + hj / 2)) <= 0.35 * max(hi, hj):
                parent[root(int(j))] = root(int(i))
    groups: dict[int, list[int]] = {}
    for i in range(len(blobs)):
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if 4 <= len(g) <= 10]


def _row_quad(row: np.ndarray) -> np.ndarray | None:
    """The plate-shaped quadrilateral around one row of character boxes (x, y, w, h)."""
    cx = row[:, 0] + row[:, 2] / 2
    tops, bottoms = row[:, 1], row[:, 1] + row[:, 3]
    top_fit = np.polyfit(cx, tops, 1)
    bottom_fit = np.polyfit(cx, bottoms, 1)
    mid_slope = (top_fit[0] + bottom_fit[0]) / 2
    if abs(mid_slope) > 0.5:  # steeper than ~27°: not a plate held up or on a car
        return None
    heights = np.polyval(bottom_fit, cx) - np.polyval(top_fit, cx)
    if np.any(heights <= 0) or np.max(np.abs(bottoms - tops - heights)) > 0.35 * heights.mean():
        return None
    direction = np.array([1.0, mid_slope]) / np.hypot(1.0, mid_slope)
    normal = np.array([-direction[1], direction[0]])
    corners = []
    ends = ((row[:, 0].min(), -_ROW_MARGIN[0]), ((row[:, 0] + row[:, 2]).max(), _ROW_MARGIN[1]))
    for end, margin in ends:
        height = np.polyval(bottom_fit, end) - np.polyval(top_fit, end)
        centre = np.array([end, (np.polyval(bottom_fit, end) + np.polyval(top_fit, end)) / 2])
        # Margins: _ROW_MARGIN heights along the row, a quarter above and below.
        centre = centre + margin * height * direction
        half = 0.75 * height / np.dot(normal, [0.0, 1.0])
        corners.append((centre - half * normal, centre + half * normal))
    (tl, bl), (tr, br) = corners
    return np.float32([tl, tr, br, bl])


@functools.cache
def _plate_cascade() -> cv2.CascadeClassifier:
    return cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_russian_plate_number.xml")


def _cascade(grey: np.ndarray, min_width_px: int) -> list[np.ndarray]:
    """Boxes from OpenCV's Haar cascade for plates, as quadrilaterals."""
    found = _plate_cascade().detectMultiScale(
        grey, scaleFactor=1.1, minNeighbors=3, minSize=(min_width_px, min_width_px // 5))
    return [np.float32([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
            for x, y, w, h in (found if len(found) else [])]


def _inside(inner: Box, outer: Box) -> bool:
    """Most of ``inner`` lies within ``outer`` (a plate's text band inside the plate)."""
    overlap = Box(max(inner.left, outer.left), max(inner.top, outer.top),
                  min(inner.right, outer.right), min(inner.bottom, outer.bottom))
    return overlap.width > 0 and overlap.height > 0 and overlap.area >= 0.6 * inner.area
