"""``oko eval plates``: how well plates are found and read, on labelled photos or simulated ones.

A folder holds photos and a ``labels.csv`` with columns ``file`` and ``plate`` (the plate as
printed, spaces and hyphens allowed; one plate per photo). The figures are: exact matches
(the whole plate right), character accuracy (1 − edit distance / length), detection rate (a
plate found at all) and the time per photo for detection + OCR.

:func:`simulated_set` makes the same kind of set in memory from rendered prop plates, as the
exhibit camera would see a facilitator holding one up: smaller or larger, tilted and turned
up to 15°, blurred, noisy, under uneven light, JPEG-compressed.
"""

from __future__ import annotations

import csv
import math
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import cv2
import numpy as np

from recognition.errors import ConfigError
from device.tools.props import plate_bgr, random_texts
from recognition.plates.format import clean
from recognition.plates.detect import detect_plates
from recognition.plates.read import PlateReading, load_readers, read_candidate, shapes_or_none
from recognition.plates.ocr import OcrEngine


@dataclass(frozen=True, eq=False)
class LabelledImage:
    """A picture (BGR) with the plate it shows, as printed, and where it came from."""

    name: str
    image: np.ndarray
    plate: str


@dataclass(frozen=True)
class PlateOutcome:
    """What happened to one labelled picture: the expected plate, the best reading, timing."""

    name: str
    expected: str
    read: str
    detected: bool
    valid: bool
    country: str
    ms: float


@dataclass(frozen=True)
class PlateScores:
    """Figures over a labelled set (shares 0–1, times in milliseconds per picture).

    ``wrong_valid`` counts pictures where a plate was shown as a valid Serbian plate but with
    the wrong text: the error the exhibit must avoid most. ``wrong_foreign`` counts wrong
    texts shown as foreign (as read, not validated).
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


def read_labels(folder: Path) -> list[LabelledImage]:
    """The pictures listed in ``folder/labels.csv`` (``file,plate``), decoded.

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
            images.append(LabelledImage(row["file"], image, row["plate"]))
    if not images:
        raise ConfigError(f"{labels} lists no picture this tool can read.")
    return images


def evaluate_plates(folder: Path | Iterable[LabelledImage], *, reader: OcrEngine | None = None,
                    method: str = "contour") -> PlateScores:
    """Detect and read the plate in every labelled picture and score the readings.

    Args:
        folder: a folder with ``labels.csv``, or labelled pictures (e.g. :func:`simulated_set`).
        reader: the OCR engine; ``None`` uses the shared Tesseract one.
        method: plate detection method (see :data:`recognition.plates.detect.DETECTION_METHODS`).

    Returns:
        The scores; a picture where several plates are read counts the reading closest to
        the label (the label names one plate).

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
    times = sorted(o.ms for o in outcomes)
    return PlateScores(
        images=len(outcomes),
        exact=_share(o.read == clean(o.expected) for o in outcomes),
        characters=statistics.fmean(_char_accuracy(o.read, clean(o.expected)) for o in outcomes)
        if outcomes else 0.0,
        detected=_share(o.detected for o in outcomes),
        wrong_valid=sum(o.valid and o.read != clean(o.expected) for o in outcomes),
        wrong_foreign=sum(o.country == "foreign" and o.read != clean(o.expected)
                          for o in outcomes),
        median_ms=statistics.median(times) if times else 0.0,
        p95_ms=times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)] if times else 0.0,
        outcomes=tuple(outcomes),
    )


def format_scores(scores: PlateScores, *, details: bool = False) -> str:
    """The scores as a few lines of text; with ``details`` one line per picture."""
    lines = [
        f"{scores.images} pictures: exact {scores.exact:.1%}, characters "
        f"{scores.characters:.1%}, detected {scores.detected:.1%}, wrong but shown valid "
        f"{scores.wrong_valid}, wrong shown as foreign {scores.wrong_foreign}; "
        f"{scores.median_ms:.1f} ms median, {scores.p95_ms:.1f} ms p95",
    ]
    if details:
        lines += [f"  {o.name}: {o.read or '-'} ({o.country}{', valid' if o.valid else ''})"
                  f"{'' if o.read == clean(o.expected) else ' WRONG'}" for o in scores.outcomes]
    return "\n".join(lines)


def simulated_set(count: int, *, seed: int = 0, frame_size: tuple[int, int] = (640, 480),
                  plate_width_px: tuple[int, int] = (120, 320), max_tilt_deg: float = 15.0,
                  backgrounds: Sequence[np.ndarray] = (),
                  texts: Sequence[str] | None = None) -> list[LabelledImage]:
    """Camera-like frames of rendered prop plates, built in memory (nothing is written).

    Args:
        count: number of frames.
        seed: makes the set repeatable.
        frame_size: ``(width, height)`` of each frame in pixels.
        plate_width_px: range of the plate's width in the frame (a 277 mm prop plate is
            ~120 px wide at 1.6 m from a 62° camera at 640 px, ~320 px at 0.6 m).
        max_tilt_deg: the plate is rotated in the image plane and turned about its vertical
            and horizontal axes by up to this many degrees each.
        backgrounds: BGR pictures to hold the plate in front of (a random part of one is
            used per frame); by default a synthetic scene of gradients and blocks.
        texts: plate texts; by default ``count`` random valid ones from ``seed``.
    """
    rng = random.Random(seed)
    texts = list(texts) if texts is not None else random_texts(count, seed=seed)
    frames = []
    for i in range(count):
        text = texts[i % len(texts)]
        background = _background(rng, frame_size, backgrounds)
        frame = _photograph(plate_bgr(text, width_px=640), background, rng,
                            rng.uniform(*plate_width_px), max_tilt_deg)
        frames.append(LabelledImage(f"sim-{i:04d}", frame, text))
    return frames


def _outcome(item: LabelledImage, reader: OcrEngine | None, method: str) -> PlateOutcome:
    expected = clean(item.plate)
    started = time.perf_counter()
    candidates = detect_plates(item.image, method=method)
    readings = [read_candidate(c, reader) for c in candidates]
    ms = (time.perf_counter() - started) * 1000.0
    best: PlateReading | None = max(
        readings, key=lambda r: (_char_accuracy(r.text, expected), r.valid), default=None)
    if best is None:
        return PlateOutcome(item.name, item.plate, "", False, False, "unknown", ms)
    return PlateOutcome(item.name, item.plate, best.text, True, best.valid, best.country, ms)


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


def _background(rng: random.Random, size: tuple[int, int],
                backgrounds: Sequence[np.ndarray]) -> np.ndarray:
    width, height = size
    if backgrounds:
        source = backgrounds[rng.randrange(len(backgrounds))]
        scale = max(width / source.shape[1], height / source.shape[0]) * rng.uniform(1.0, 1.5)
        big = cv2.resize(source, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        x = rng.randrange(big.shape[1] - width + 1)
        y = rng.randrange(big.shape[0] - height + 1)
        return big[y:y + height, x:x + width].copy()
    # A room-like scene: a vertical light gradient and a few coloured blocks (furniture,
    # clothes), so the detector has edges and dark shapes to reject.
    ramp = np.linspace(rng.uniform(60, 200), rng.uniform(60, 200), height, dtype=np.float32)
    image = np.repeat(np.repeat(ramp[:, None, None], width, 1), 3, 2)
    image = image * np.float32([rng.uniform(0.8, 1.2) for _ in range(3)])
    for _ in range(rng.randrange(3, 9)):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(20, width // 2), y0 + rng.randrange(20, height // 2)
        colour = [rng.uniform(0, 255) for _ in range(3)]
        cv2.rectangle(image, (x0, y0), (x1, y1), colour, -1)
    return np.clip(image, 0, 255).astype(np.uint8)


def _photograph(plate: np.ndarray, background: np.ndarray, rng: random.Random,
                width_px: float, max_tilt_deg: float) -> np.ndarray:
    """``plate`` placed in ``background`` as a camera would see it (see :func:`simulated_set`)."""
    height, width = background.shape[:2]
    ph, pw = plate.shape[:2]
    # Corners of the plate in 3-D (plate centre at the origin, width ``width_px``), turned
    # about the vertical (yaw) and horizontal (pitch) axes, then projected with a focal
    # length of one frame width, and finally rotated in the image plane.
    half_w, half_h = width_px / 2, width_px * ph / pw / 2
    yaw, pitch, roll = (math.radians(rng.uniform(-max_tilt_deg, max_tilt_deg)) for _ in range(3))
    focal = float(width)
    distance = focal  # the plate's scale is set by width_px at this distance
    corners = []
    for x, y in ((-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)):
        x, z = x * math.cos(yaw), x * math.sin(yaw)
        y, z = y * math.cos(pitch) - z * math.sin(pitch), y * math.sin(pitch) + z * math.cos(pitch)
        scale = focal / (distance + z)
        u, v = x * scale, y * scale
        u, v = u * math.cos(roll) - v * math.sin(roll), u * math.sin(roll) + v * math.cos(roll)
        corners.append((u, v))
    corners = np.float32(corners)
    span = corners.max(axis=0) - corners.min(axis=0)
    cx = rng.uniform(span[0] / 2 + 4, width - span[0] / 2 - 4)
    cy = rng.uniform(span[1] / 2 + 4, height - span[1] / 2 - 4)
    corners += np.float32([cx, cy])
    source = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    matrix = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(plate, matrix, (width, height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (width, height),
                               flags=cv2.INTER_LINEAR)[..., None] / 255.0
    frame = background * (1 - mask) + warped * mask
    # Light: overall exposure and a gradient across the frame (a lamp to one side).
    gain = rng.uniform(0.55, 1.25)
    gx, gy = rng.uniform(-0.35, 0.35), rng.uniform(-0.25, 0.25)
    xs = np.linspace(-0.5, 0.5, width, dtype=np.float32)[None, :, None]
    ys = np.linspace(-0.5, 0.5, height, dtype=np.float32)[:, None, None]
    frame = frame * gain * (1 + gx * xs + gy * ys) + rng.uniform(-15, 15)
    sigma = rng.uniform(0.0, 1.2)
    if sigma > 0.3:
        frame = cv2.GaussianBlur(frame, (0, 0), sigma)
    noise = np.random.default_rng(rng.randrange(2 ** 32)).normal(0, rng.uniform(0, 8), frame.shape)
    frame = np.clip(frame + noise, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, rng.randrange(45, 91)])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else frame
