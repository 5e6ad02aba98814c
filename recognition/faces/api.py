"""Face detection and 128-d encodings with dlib, through face_recognition.

face_recognition loads its dlib models when it is imported, which takes about a second and
~100 MB; :func:`models` does that once, on first use, and turns a missing install into a
:class:`~recognition.errors.ModelUnavailable` with the fix.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Sequence

import numpy as np

from recognition.errors import ModelUnavailable
from recognition.faces import blazeface
from recognition.types import Box

#: Face detectors: ``blazeface`` (MediaPipe's full-range model through OpenCV, the default)
#: finds faces from ~30 px in ~15 ms per 640×480 frame (two squares: blazeface.detect);
#: ``hog`` (dlib) needs ~80 px without upsampling and takes ~45 ms; ``cnn`` (dlib) takes
#: seconds per frame without a GPU. The comparison is in the README ("Small faces").
DETECTION_MODELS = ("blazeface", "hog", "cnn")


@functools.cache
def models() -> ModuleType:
    """Import face_recognition (and with it the dlib models) once, on first use.

    Raises:
        ModelUnavailable: face_recognition, its models or dlib are not installed.
    """
    try:
        import face_recognition
    except (ImportError, SystemExit) as exc:  # face_recognition calls quit() without models
        raise ModelUnavailable(
            "The face models are not installed; run scripts/setup.sh to install "
            "dlib-bin, face_recognition and face_recognition_models."
        ) from exc
    return face_recognition


def _to_box(css: tuple[int, int, int, int]) -> Box:
    top, right, bottom, left = css
    return Box(left, top, right, bottom)


def _to_css(box: Box) -> tuple[int, int, int, int]:
    return (box.top, box.right, box.bottom, box.left)


def detect_faces(
    rgb: np.ndarray, *, upsample: int = 0, model: str = "blazeface", min_size_px: int = 0,
    tiles: int = 1, known: Sequence[Box] = (),
) -> list[Box]:
    """Find faces in an RGB image.

    Args:
        rgb: H×W×3 uint8 image in RGB order, contiguous.
        upsample: how many times dlib doubles the image before looking (``hog``, ``cnn``).
            Each step finds faces half as small (HOG needs ~80 px without it) and costs about
            4× the time. BlazeFace ignores it: it finds small faces without.
        model: ``"blazeface"``, ``"hog"`` or ``"cnn"`` (see :data:`DETECTION_MODELS`).
        min_size_px: drop faces whose box is narrower than this, in pixels of ``rgb``.
        tiles: BlazeFace only: 1 searches the whole frame (faces from ~40 px at 640 px
            wide); N > 1 searches N overlapping squares across it instead (from ~30 px, one
            model run per square).
        known: BlazeFace only: boxes of faces found before and followed since, in pixels of
            ``rgb``; the detector does not look twice at a face it is unsure of there.

    Returns:
        Boxes in pixels of ``rgb``, dlib-style (what face_recognition's landmarks and
        encodings expect, whichever detector found them), clipped to the image (faces at the
        edge keep the part that is inside), largest first.

    Raises:
        ModelUnavailable: the chosen detector's model is not installed.
    """
    height, width = rgb.shape[:2]
    if model == "blazeface":
        boxes = [blazeface.to_dlib_box(box).clipped(width, height)
                 for box, _score in blazeface.detect(rgb, tiles=tiles, known=known)]
    else:
        found = models().face_locations(rgb, number_of_times_to_upsample=upsample, model=model)
        boxes = [_to_box(css).clipped(width, height) for css in found]
    boxes = [b for b in boxes if b.width >= max(min_size_px, 1) and b.height > 0]
    return sorted(boxes, key=lambda b: b.area, reverse=True)


def encode_faces(rgb: np.ndarray, boxes: Sequence[Box], *, jitters: int = 1) -> list[np.ndarray]:
    """Compute the 128-d dlib encoding ("faceprint") of each face box.

    Args:
        rgb: the RGB image the boxes refer to.
        boxes: face boxes in pixels of ``rgb``.
        jitters: how many randomly distorted copies to average; each one adds the full
            encoding cost (~150 ms per face on a Raspberry Pi 5, ~100 ms on a PC).

    Returns:
        One float64 array of shape (128,) per box, in the order of ``boxes``.
    """
    if not boxes:
        return []
    css = [_to_css(b) for b in boxes]
    return list(models().face_encodings(rgb, css, num_jitters=jitters))


def face_distances(known: np.ndarray, encoding: np.ndarray) -> np.ndarray:
    """Euclidean distances between one encoding and each row of ``known`` (N×128).

    Returns an empty array when ``known`` has no rows. Distances below about 0.5 usually mean
    the same person (see the tolerance setting).
    """
    if len(known) == 0:
        return np.empty(0)
    return np.linalg.norm(known - encoding, axis=1)


def find_landmarks(rgb: np.ndarray, boxes: Sequence[Box]) -> list[dict[str, list[tuple[int, int]]]]:
    """dlib's 68 face landmarks for each box, grouped by feature (``chin``, ``left_eye``, …).

    About a millisecond per face; see :mod:`recognition.faces.cues` for what they reveal.
    """
    if not boxes:
        return []
    return models().face_landmarks(rgb, [_to_css(b) for b in boxes], model="large")
