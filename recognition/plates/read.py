"""Reading licence plates: two readers pooled, then the Serbian format.

:func:`read_plate` takes a plate found by :mod:`recognition.plates.detect`, finds its
characters (:mod:`recognition.plates.glyphs`) and reads each of them twice: Tesseract reads
them as one line (:mod:`recognition.plates.ocr`), the shape reader one by one
(:mod:`recognition.plates.shapes`); each position's alternatives are pooled and interpreted
with :mod:`recognition.plates.format`. A plate that does not read valid, or reads valid with
a character missing, is found and read again at a stricter and a looser ink threshold; only
a sure, valid read is taken from those. An unreadable plate stays unreadable. Nothing here
logs: plate text is personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from recognition.errors import ModelUnavailable
from recognition.plates.background import shadowed
from recognition.plates.agreement import arbitrated, contested, spacing_fits, unanimous
from recognition.plates.detect import PlateCandidate, detect_plates
from recognition.plates.choices import read_choices
from recognition.plates.format import UNREADABLE, Choices, PlateText, clean, foreign_layout
from recognition.plates.glyphs import (
    DEFAULT_THRESHOLD_OFFSET, CharacterLine, character_line,
)
from recognition.plates.marks import with_marks
from recognition.plates.ocr import OcrEngine, characters, line_image, tesseract
from recognition.plates.shapes import ShapeReader, shape_reader
from recognition.types import Box

#: Narrower plates (frame pixels) are reported unreadable without OCR: below ~90 px
#: (characters under 13 px) reads that come out valid are too often wrong.
MIN_READABLE_WIDTH_PX = 90
#: Plates from :data:`MIN_FOREIGN_WIDTH_PX` up to :data:`MIN_READABLE_WIDTH_PX` wide are read,
#: but only a foreign read both readers agree on is shown. On simulated Serbian props 70–90
#: px wide (2 × 150, seeds 1 and 2) reading from 75 px made 3 of 75 valid reads wrong, too
#: many for the error the exhibit must avoid most, and no foreign read, right or wrong; on
#: real European plates of that size (openalpr_eu_dev) both readers agreeing was right.
MIN_FOREIGN_WIDTH_PX = 75
#: Plates narrower than this (but at least :data:`MIN_READABLE_WIDTH_PX`) are only shown
#: when both readers name every character alike (see :func:`~recognition.plates.agreement.
#: unanimous`), or where not, the sure shape reader outvotes a Tesseract character of the
#: wrong kind for its position (:func:`~recognition.plates.agreement.arbitrated`; on seeds
#: 1–3 it read 1 / 1 / 3 more plates of 300 right and none wrong). On simulated props
#: 90–120 px wide (2 × 60, seeds 1 and 2) a gate at 110 px read 25 % exactly; reading from
#: 90 px with the ordinary checks 63 % but 2.5 % wrong and valid; with this one, see the
#: README.
SURE_WIDTH_PX = 110
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
# Ink thresholds (see plate_glyphs.character_line) tried in turn until a plate reads valid,
# each as (threshold offset, flattened). The last try is the first threshold on the crop
# divided by its background (plate_glyphs.character_line's flatten): a hard shadow's edge
# otherwise takes the characters it crosses with it. On 2 × 150 shadowed simulated props
# (seeds 1 and 2) 69 → 78 % exact.
_FIRST_TRY = (DEFAULT_THRESHOLD_OFFSET, False)
_FLATTENED_TRY = (DEFAULT_THRESHOLD_OFFSET, True)
_TRIES = (_FIRST_TRY, (18, False), (4, False), _FLATTENED_TRY)
# A crop seen to be in a hard shadow (background.shadowed) is read flattened first, as a
# first read, and at the others after: a retry must be surer than a first read, and on
# shadowed props the flattened one often read the plate right with a character below that
# bar. On 3 × 300 shadowed simulated props (seeds 1–3) exact 84.0/85.7/79.7 → 86.3/87.0/
# 81.0 %, wrong valid 5/3/6 → 2/1/3.
_SHADOWED_TRIES = (_FLATTENED_TRY, *(t for t in _TRIES if t != _FLATTENED_TRY))
# Least confidence of every position's best alternative in a read from a retry.
_MIN_RETRY_CHOICE = 0.5
# A foreign plate has no format to check it against, so it needs a confident read.
_MIN_FOREIGN_CONFIDENCE = 0.8


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


def load_readers() -> None:
    """Load both plate readers now (Tesseract, and the shape reader, which learns for about
    a second here and a few on a Pi) instead of at the first plate seen.

    Raises:
        ModelUnavailable: Tesseract or its language data is missing. Without the shape
            reader's typefaces plates are read by Tesseract alone (:func:`shapes_or_none`).
    """
    tesseract()
    shapes_or_none()


def shapes_or_none() -> ShapeReader | None:
    """The shared shape reader, or ``None`` when no typeface to learn from is installed:
    plates are then read by Tesseract alone, less well, rather than not at all (``oko
    doctor`` warns)."""
    try:
        return shape_reader()
    except ModelUnavailable:
        return None


def read_plate(crop: np.ndarray, reader: OcrEngine | None = None, *,
               shapes: ShapeReader | None = None, box: Box | None = None,
               cut: bool = False, line: CharacterLine | None = None,
               unanimous_only: bool = False, foreign_only: bool = False) -> PlateReading:
    """Read the plate in a straightened BGR ``crop``.

    Args:
        crop: the plate, level and square-on (a :attr:`PlateCandidate.crop`).
        reader: the OCR engine; ``None`` uses the shared Tesseract one (:func:`tesseract`).
        shapes: the second reader, by glyph shape; ``None`` uses the shared one
            (:func:`shapes_or_none`; if no typeface is installed, Tesseract reads alone).
        box: where the plate is in the frame, copied into the reading; defaults to the
            crop's own extent.
        cut: the plate touches the frame edge. Only a complete Serbian plate is accepted
            from a cut plate: anything else may be missing characters.
        line: the characters of ``crop`` at the first ink threshold, if already found
            (:attr:`PlateCandidate.line`); saves finding them again.
        unanimous_only: accept a read only when both readers name every character alike,
            or where not, the sure shape reader outvotes a Tesseract character of the wrong
            kind for its position (:func:`arbitrated`); for plates too small to trust a
            pooled vote (see :data:`SURE_WIDTH_PX`).
        foreign_only: a valid Serbian read is unreadable (for plates too small to read one
            surely; see :data:`MIN_FOREIGN_WIDTH_PX`).

    Returns:
        The reading; ``valid`` is ``False`` and ``text`` empty when it is unreadable.

    Raises:
        ModelUnavailable: ``reader`` is ``None`` and Tesseract is not installed.
    """
    box = box or Box(0, 0, crop.shape[1], crop.shape[0])
    engine = reader or tesseract()
    shapes = shapes or shapes_or_none()
    result, raw, gapped = None, "", False
    retried: tuple[PlateText, str] | None = None
    # A foreign read both readers agree on, character for character, from any threshold.
    agreed: tuple[PlateText, str] | None = None
    # The first threshold suits most plates; one that comes out unreadable is tried again
    # with the others (characters merged with each other or the frame part at a stricter
    # one, faint ones appear at a looser one). Only a valid Serbian read, or a foreign one
    # both readers agree on character for character, is taken from a retry, so a retry
    # never turns an unreadable plate into a foreign guess.
    first, retry_lines = line, []
    try:
        if first is None:
            first = character_line(crop)
            retry_lines.append(first)
        shadow = bool(first.boxes) and shadowed(crop, first.crop_span())
        for attempt, (offset, flatten) in enumerate(_SHADOWED_TRIES if shadow else _TRIES):
            if (offset, flatten) == _FIRST_TRY:
                line = first
            else:
                line = character_line(crop, threshold_offset=offset, flatten=flatten)
                retry_lines.append(line)
            if not line.boxes:
                continue
            found, found_raw, positions, (by_ocr, by_shape) = _read_line_apart(
                line, engine, shapes)
            boxes, groups = line.boxes, line.groups
            stray = _stray_end(groups)
            if stray is not None and not found.valid:
                # A lone blob before or after a plate's groups is the strip's edge, a
                # shadow's or the frame's, not a character: the plate is read without it.
                # A foreign read is taken without it only where that fits a European
                # layout with fewer changes than the read with it needed, if any.
                rest, rest_groups = stray
                kept = read_choices(positions[rest], groups=rest_groups)
                if kept.valid or (kept.country == "foreign" and foreign_layout(kept.text) and (
                        found.country != "foreign" or kept.corrections < found.corrections)):
                    found, positions = kept, positions[rest]
                    by_ocr, by_shape = by_ocr[rest], by_shape[rest]
                    boxes, groups = boxes[rest], rest_groups
            if found.valid and (contested(found.text, by_ocr, by_shape, unanimous_only)
                                or not spacing_fits(boxes, groups)
                                or (unanimous_only
                                    and not unanimous(by_ocr, by_shape, found.text)
                                    and not arbitrated(by_ocr, by_shape, found.text))):
                # The readers named different characters, or a character was lost between
                # others: the plate is not known, and a retry at another threshold may
                # still find it (and must pass the same checks).
                found = PlateText("", UNREADABLE, False, "unknown",
                                  confidence=found.confidence)
            whole = groups == (2, len(boxes) - 4, 2)
            # In a layout of its country, each reader's character may also be a look-alike
            # of the one kept (8 for B where a letter stands); else they must be the same.
            if (found.country == "foreign" and agreed is None and not cut
                    and unanimous(by_ocr, by_shape,
                                  found.text if foreign_layout(found.text) else "")):
                agreed = (found, found_raw)
            if attempt == 0:
                result, raw = found, found_raw
                # A valid read whose characters are not grouped as on a plate, (2, 3|4, 2),
                # has a gap where a character was lost (a 4-digit plate read as a 3-digit
                # one), so it is checked at the other thresholds too.
                gapped = found.valid and not whole
                # A sure foreign read is final too: a retry could only replace it with a
                # sure Serbian one, which on 3 × 300 simulated props and the real photos
                # never happened, and retries double the time a foreign plate takes.
                # A small plate's (unanimous_only) is not: a retry may still read it as a
                # whole Serbian one, which an extra blob at its edge had hidden.
                # Not so under a hard shadow, though: its edge can take the first characters
                # of a Serbian plate, and the rest then reads as a sure foreign one (on 3 ×
                # 300 shadowed simulated props 64 wrong foreign reads were shown), which
                # another try (_SHADOWED_TRIES) reads whole.
                sure_foreign = found.country == "foreign" and not unanimous_only and (
                    found.confidence >= _MIN_FOREIGN_CONFIDENCE or agreed is not None
                ) and not shadow
                # Tesseract finding under half of the characters is no text it knows (a
                # plate upside down, a pattern), and six groups or more are a line of words
                # (a poster, a book cover), not a plate: other thresholds would only cost
                # the live loop time.
                illegible = (len(clean(found_raw)) < len(line.boxes) / 2
                             or len(line.groups) > 5)
                if (found.valid and whole) or sure_foreign or illegible:
                    break
            elif found.valid and _sure_retry(found, positions):
                if not gapped:
                    result, raw = found, found_raw
                    break
                # After a gapped read, a retry must be whole, and the one that found the
                # most characters wins: a retry can lose a character elsewhere (one
                # threshold parts a digit from the frame but loses another to the shield's
                # shadow).
                if whole and len(found.text) > len(retried[0].text if retried else ""):
                    retried = (found, found_raw)
    finally:
        for retry_line in retry_lines:
            retry_line.forget()  # pictures of the plate's characters, even on a failure
    if retried:
        (result, raw), gapped = retried, False
    if agreed and (result is None or not result.valid):
        # Foreign plates have no format to check: a read both readers agree on, at any
        # threshold, is taken over a first read that is less sure.
        result, raw, gapped = agreed[0], agreed[1], False
    if result is None:
        return _unreadable(box)
    if gapped:  # no whole read at any threshold: the lost character is not guessed
        return _unreadable(box, raw, result.confidence)
    # A foreign read both readers agree on is shown; otherwise only a confident one, and
    # never from a plate too small for a pooled vote.
    unsure_foreign = result.country == "foreign" and (
        agreed is None or result is not agreed[0]) and (
        unanimous_only or result.confidence < _MIN_FOREIGN_CONFIDENCE)
    if unsure_foreign or (cut and not result.valid) or (foreign_only and result.valid):
        return _unreadable(box, raw, result.confidence)
    return PlateReading(result.text, result.display, raw, result.valid, result.country, box,
                        round(result.confidence, 3))


def _read_line(line: CharacterLine, engine: OcrEngine, shapes: ShapeReader | None,
               layouts: Sequence[dict] = _LAYOUTS) -> tuple[PlateText, str, list[Choices]]:
    """OCR ``line`` in every layout, pool each position's alternatives with the shape
    reader's and interpret them; also the engine's raw text of the first layout and the
    pooled alternatives."""
    found, raw, positions, _ = _read_line_apart(line, engine, shapes, layouts)
    return found, raw, positions


def _read_line_apart(line: CharacterLine, engine: OcrEngine, shapes: ShapeReader | None,
                     layouts: Sequence[dict] = _LAYOUTS
                     ) -> tuple[PlateText, str, list[Choices],
                                tuple[list[Choices], list[Choices]]]:
    """As :func:`_read_line`, and also each reader's own alternatives per position
    (Tesseract's of the first layout, the shape reader's), for :func:`contested`."""
    raws: list[str] = []
    pooled: list[dict[str, float]] = [{} for _ in line.boxes]
    by_ocr: list[Choices] = []
    for n, layout in enumerate(layouts):
        image, spans = line_image(line, **layout)
        try:
            symbols = engine.read_line(image)
        finally:
            image.fill(0)  # the plate's characters, redrawn
        raws.append("".join(s.choices[0][0] for s in symbols))
        read = list(with_marks(characters(symbols, spans), line.marks))
        if n == 0:
            by_ocr = read
        for slot, choices in zip(pooled, read):
            for ch, confidence in choices:
                slot[ch] = slot.get(ch, 0.0) + confidence / len(layouts)
    by_shape = shapes.read(line) if shapes else []
    for slot, choices in zip(pooled, by_shape):
        for ch in slot:
            slot[ch] *= 1.0 - _SHAPE_WEIGHT
        for ch, share in choices:
            slot[ch] = slot.get(ch, 0.0) + _SHAPE_WEIGHT * share
    positions = [tuple(sorted(p.items(), key=lambda kv: -kv[1])) for p in pooled]
    return (read_choices(positions, groups=line.groups), raws[0], positions,
            (by_ocr, list(by_shape)))


def _stray_end(groups: tuple[int, ...]) -> tuple[slice, tuple[int, ...]] | None:
    """When a lone character, apart from the rest, precedes or follows two or more groups
    of five to eight characters in all (a Serbian plate's ``(1, 2, 3|4, 2)`` or
    ``(2, 3|4, 2, 1)``, a Slovak one's ``(2, 5, 1)``): the characters to keep and their
    groups; else ``None``."""
    if len(groups) >= 3 and groups[0] == 1 and 5 <= sum(groups[1:]) <= 8:
        return slice(1, None), groups[1:]
    if len(groups) >= 3 and groups[-1] == 1 and 5 <= sum(groups[:-1]) <= 8:
        return slice(0, -1), groups[:-1]
    return None


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
                   min_width_px: float = MIN_READABLE_WIDTH_PX,
                   sure_width_px: float = SURE_WIDTH_PX,
                   min_foreign_width_px: float = MIN_FOREIGN_WIDTH_PX) -> PlateReading:
    """Read a detected plate; one narrower than ``min_width_px`` is unreadable without OCR
    unless it is at least ``min_foreign_width_px`` wide (then only a foreign read both readers
    agree on is shown), one narrower than ``sure_width_px`` is shown only if both readers
    read it alike.

    Args:
        candidate: from :func:`detect_plates`.
        reader, shapes: the two readers, as for :func:`read_plate`.
        min_width_px: see :data:`MIN_READABLE_WIDTH_PX`; a plate that small is shown as a
            plate that cannot be read, never as a guess.
        sure_width_px: see :data:`SURE_WIDTH_PX`.
        min_foreign_width_px: see :data:`MIN_FOREIGN_WIDTH_PX`.

    Raises:
        ModelUnavailable: ``reader`` is ``None`` and Tesseract is not installed.
    """
    if candidate.width_px < min(min_width_px, min_foreign_width_px):
        return _unreadable(candidate.box)
    return read_plate(candidate.crop, reader, shapes=shapes, box=candidate.box,
                      cut=candidate.cut, line=candidate.line,
                      unanimous_only=candidate.width_px < sure_width_px,
                      foreign_only=candidate.width_px < min_width_px)


def read_plates(bgr: np.ndarray, reader: OcrEngine | None = None, *,
                method: str = "contour") -> list[PlateReading]:
    """Detect and read every plate in a BGR frame (:func:`detect_plates`, :func:`read_candidate`).

    Raises:
        ModelUnavailable: ``reader`` is ``None`` and Tesseract is not installed.
    """
    return [read_candidate(c, reader) for c in detect_plates(bgr, method=method)]


def _unreadable(box: Box, raw: str = "", confidence: float = 0.0) -> PlateReading:
    return PlateReading("", UNREADABLE, raw, False, "unknown", box, round(confidence, 3))


