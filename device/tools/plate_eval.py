"""``oko eval plates``: how well plates are found and read, on labelled photos or simulated ones.

A folder holds photos and a ``labels.csv`` with columns ``file`` and ``plate`` (the plate as
printed, spaces and hyphens allowed; one plate per photo) and, optionally, the plate's box in
pixels as ``x,y,w,h`` (or ``bbox_x,bbox_y,bbox_w,bbox_h``). The figures are: exact reads (the
whole plate right; on a foreign plate the letter O and the digit 0 count as one, as many
European plates draw them alike), reads shown as a *wrong valid* Serbian plate (the error the
exhibit must avoid most), character accuracy (1 − edit distance / length), detection (with
boxes: a candidate overlapping the labelled box by IoU ≥ 0.5; without: any candidate) and the
time per photo for detection + reading.

Simulated photos (:mod:`device.tools.plate_sim`) carry a condition each (perspective, small,
close, shadow, an unseen typeface …); the same figures are then also given per condition.
"""

from __future__ import annotations

import csv
import math
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

import cv2
import numpy as np

from device.tools.plate_sim import (
    CONDITIONS, LabelledImage, condition_set, empty_set, simulated_set,
)
from recognition.errors import ConfigError
from recognition.plates.detect import detect_plates
from recognition.plates.format import clean, is_serbian
from recognition.plates.ocr import OcrEngine
from recognition.plates.read import load_readers, read_candidate, shapes_or_none
from recognition.types import Box

__all__ = ["CONDITIONS", "EmptyScores", "LabelledImage", "PlateOutcome", "PlateScores",
           "condition_set", "empty_set", "evaluate_empty", "evaluate_plates", "format_scores",
           "read_labels", "same_plate", "scores_json", "simulated_set"]

#: A detection counts when its box overlaps the labelled box by at least this much.
MIN_IOU = 0.5
_BOX_COLUMNS = (("x", "y", "w", "h"), ("bbox_x", "bbox_y", "bbox_w", "bbox_h"))


@dataclass(frozen=True)
class PlateOutcome:
    """What happened to one labelled picture: the expected plate, the best reading, timing.

    ``iou`` is the overlap of the best-placed candidate with the labelled box (``None`` when
    the picture has no box); ``detected`` is ``iou >= 0.5`` with a box, any candidate without;
    ``exact`` whether the reading is the label (O and 0 folded on foreign plates).
    """

    name: str
    expected: str
    read: str
    detected: bool
    valid: bool
    country: str
    ms: float
    exact: bool = False
    iou: float | None = None
    condition: str = ""


@dataclass(frozen=True)
class PlateScores:
    """Figures over a labelled set (shares 0–1, times in milliseconds per picture).

    ``wrong_valid`` counts pictures where a plate was shown as a valid Serbian plate but with
    the wrong text: the error the exhibit must avoid most. ``wrong_foreign`` counts wrong
    texts shown as foreign (as read, not validated). ``conditions`` holds the same figures
    for each simulated condition, in :data:`CONDITIONS` order (empty for real photos).
    """

    images: int
    exact: float
    characters: float
    detected: float
    wrong_valid: int
    wrong_foreign: int
    median_ms: float
    p95_ms: float
    outcomes: tuple[PlateOutcome, ...]
    conditions: tuple[tuple[str, "PlateScores"], ...] = ()


def read_labels(folder: Path) -> list[LabelledImage]:
    """The pictures listed in ``folder/labels.csv`` (``file,plate`` and optionally a box), decoded.

    Raises:
        ConfigError: the folder or its labels.csv is missing, or lists no readable picture.
    """
    labels = folder / "labels.csv"
    if not labels.is_file():
        raise ConfigError(f"{folder} has no labels.csv; it needs the columns file,plate.")
    with labels.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("file") and r.get("plate")]
    images = []
    for row in rows:
        image = cv2.imread(str(folder / row["file"]), cv2.IMREAD_COLOR)
        if image is not None:
            images.append(LabelledImage(row["file"], image, row["plate"], _label_box(row)))
    if not images:
        raise ConfigError(f"{labels} lists no picture this tool can read.")
    return images


def _label_box(row: dict[str, str]) -> Box | None:
    """The plate's box from a labels.csv row, or ``None`` if it has none (or a broken one)."""
    for columns in _BOX_COLUMNS:
        try:
            x, y, w, h = (int(float(row[c])) for c in columns)
        except (KeyError, TypeError, ValueError):
            continue
        if w > 0 and h > 0:
            return Box(x, y, x + w, y + h)
    return None


def evaluate_plates(folder: Path | Iterable[LabelledImage], *, reader: OcrEngine | None = None,
                    method: str = "contour") -> PlateScores:
    """Detect and read the plate in every labelled picture and score the readings.

    Args:
        folder: a folder with ``labels.csv``, or labelled pictures (e.g. :func:`condition_set`).
        reader: the OCR engine; ``None`` uses the shared Tesseract one.
        method: plate detection method (see :data:`recognition.plates.detect.DETECTION_METHODS`).

    Returns:
        The scores. With a labelled box, the reading of the candidate that overlaps it most
        counts; without, the reading closest to the label (the label names one plate).

    Raises:
        ConfigError: the folder has no usable labels.
        ModelUnavailable: Tesseract is not installed.
    """
    images = read_labels(folder) if isinstance(folder, Path) else list(folder)
    # Loading the readers (a second or more) is start-up, not the cost of a plate.
    if reader is None:
        load_readers()
    else:
        shapes_or_none()
    outcomes = [_outcome(item, reader, method) for item in images]
    scores = _scores(outcomes)
    named = [c for c in CONDITIONS if any(o.condition == c for o in outcomes)]
    named += sorted({o.condition for o in outcomes if o.condition and o.condition not in named})
    if named:
        scores = _with_conditions(scores, tuple(
            (c, _scores([o for o in outcomes if o.condition == c])) for c in named))
    return scores


@dataclass(frozen=True)
class EmptyScores:
    """Plate search on frames with no plate in view: how long it takes (milliseconds per
    frame, detection and any reading, as the live loop does) and what it wrongly finds."""

    frames: int
    median_ms: float
    p95_ms: float
    false_plates: int
    false_valid: int


def evaluate_empty(frames: Iterable[np.ndarray], *, reader: OcrEngine | None = None,
                   method: str = "contour") -> EmptyScores:
    """Look for plates in frames that show none (see :func:`~device.tools.plate_sim.empty_set`).

    ``false_plates`` counts readings shown as any plate (valid or foreign), ``false_valid``
    those shown as a valid Serbian plate.
    """
    times, false_plates, false_valid = [], 0, 0
    for frame in frames:
        started = time.perf_counter()
        readings = [read_candidate(c, reader) for c in detect_plates(frame, method=method)]
        times.append((time.perf_counter() - started) * 1000.0)
        false_plates += sum(r.valid or r.country == "foreign" for r in readings)
        false_valid += sum(r.valid for r in readings)
    times.sort()
    return EmptyScores(len(times), statistics.median(times) if times else 0.0,
                       times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
                       if times else 0.0, false_plates, false_valid)


def _with_conditions(scores: PlateScores, conditions: tuple[tuple[str, PlateScores], ...]
                     ) -> PlateScores:
    return PlateScores(**{**{f: getattr(scores, f) for f in PlateScores.__dataclass_fields__},
                          "conditions": conditions})


def _scores(outcomes: list[PlateOutcome]) -> PlateScores:
    times = sorted(o.ms for o in outcomes)
    return PlateScores(
        images=len(outcomes),
        exact=_share(o.exact for o in outcomes),
        characters=statistics.fmean(_char_accuracy(o.read, clean(o.expected)) for o in outcomes)
        if outcomes else 0.0,
        detected=_share(o.detected for o in outcomes),
        wrong_valid=sum(o.valid and not o.exact for o in outcomes),
        wrong_foreign=sum(o.country == "foreign" and not o.exact for o in outcomes),
        median_ms=statistics.median(times) if times else 0.0,
        p95_ms=times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)] if times else 0.0,
        outcomes=tuple(outcomes),
    )


def format_scores(scores: PlateScores, *, details: bool = False) -> str:
    """The scores as a few lines of text: the whole set, then one line per simulated
    condition; with ``details`` one line per picture."""
    lines = [_summary(f"{scores.images} pictures", scores)]
    if scores.conditions:
        width = max(len(name) for name, _ in scores.conditions)
        lines += [_summary(f"  {name:<{width}} {part.images:4d}", part)
                  for name, part in scores.conditions]
    if details:
        lines += [f"  {o.name}: {o.read or '-'} ({o.country}{', valid' if o.valid else ''})"
                  f"{'' if o.detected else ', not found'}"
                  f"{f' [{o.condition}]' if o.condition else ''}"
                  f"{'' if o.exact else ' WRONG'}" for o in scores.outcomes]
    return "\n".join(lines)


def _summary(label: str, scores: PlateScores) -> str:
    return (f"{label}: exact {scores.exact:.1%}, wrong valid {scores.wrong_valid} "
            f"({scores.wrong_valid / max(scores.images, 1):.1%}), detected "
            f"{scores.detected:.1%}, characters {scores.characters:.1%}, wrong shown as "
            f"foreign {scores.wrong_foreign}; {scores.median_ms:.1f} ms median, "
            f"{scores.p95_ms:.1f} ms p95")


def scores_json(scores: PlateScores, *, details: bool = False) -> dict:
    """The scores as a JSON-ready dict (``oko eval plates --json``): the figures of
    :class:`PlateScores`, ``wrong_valid_share``, ``conditions`` by name and, with
    ``details``, ``outcomes`` (one object per picture)."""
    def figures(part: PlateScores) -> dict:
        return {"images": part.images, "exact": round(part.exact, 4),
                "wrong_valid": part.wrong_valid,
                "wrong_valid_share": round(part.wrong_valid / max(part.images, 1), 4),
                "detected": round(part.detected, 4), "characters": round(part.characters, 4),
                "wrong_foreign": part.wrong_foreign, "median_ms": round(part.median_ms, 1),
                "p95_ms": round(part.p95_ms, 1)}

    out = figures(scores)
    out["conditions"] = {name: figures(part) for name, part in scores.conditions}
    if details:
        out["outcomes"] = [{**asdict(o), "ms": round(o.ms, 1),
                            "iou": None if o.iou is None else round(o.iou, 3)}
                           for o in scores.outcomes]
    return out


def _outcome(item: LabelledImage, reader: OcrEngine | None, method: str) -> PlateOutcome:
    expected = clean(item.plate)
    started = time.perf_counter()
    candidates = detect_plates(item.image, method=method)
    readings = [read_candidate(c, reader) for c in candidates]
    ms = (time.perf_counter() - started) * 1000.0
    iou = None
    if item.box is not None:
        overlaps = [r.box.iou(item.box) for r in readings]
        iou = max(overlaps, default=0.0)
        # The candidate on the labelled plate is the one that counts; with none there, the
        # plate was not found, and whatever else was read (a sign, a poster) is no read of it.
        placed = [r for r, v in zip(readings, overlaps) if v >= MIN_IOU]
        best = max(placed, key=lambda r: r.box.iou(item.box), default=None)
        # A valid plate read elsewhere in the picture is still shown to visitors.
        stray = next((r for r in readings if r.valid and r not in placed), None)
        best = best or stray
    else:
        best = max(readings, key=lambda r: (_char_accuracy(r.text, expected), r.valid),
                   default=None)
    detected = bool(candidates) if iou is None else iou >= MIN_IOU
    if best is None:
        return PlateOutcome(item.name, item.plate, "", detected, False, "unknown", ms, False,
                            iou, item.condition)
    return PlateOutcome(item.name, item.plate, best.text, detected, best.valid, best.country,
                        ms, same_plate(best.text, expected), iou, item.condition)


def same_plate(read: str, expected: str) -> bool:
    """Whether ``read`` is the plate ``expected``: exactly for a Serbian plate; with O and 0
    taken as one character for a foreign one (many European typefaces draw them alike, and
    without a format there is nothing to tell them apart)."""
    if read == expected:
        return True
    if is_serbian(expected) or not read:
        return False
    return read.replace("O", "0") == expected.replace("O", "0")


def _char_accuracy(read: str, expected: str) -> float:
    """1 − Levenshtein distance / length of ``expected`` (0 at worst)."""
    if not expected:
        return float(read == expected)
    previous = list(range(len(read) + 1))
    for i, a in enumerate(expected, start=1):
        current = [i]
        for j, b in enumerate(read, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return max(0.0, 1.0 - previous[-1] / len(expected))


def _share(flags: Iterable[bool]) -> float:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else 0.0
