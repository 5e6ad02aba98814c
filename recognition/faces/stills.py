"""Faceprints of still photos on dlib models of their own.

dlib's detectors and its face encoder are not safe to use from two threads at once, and the
live analysis uses face_recognition's shared instances all the time. A facilitator enrolling
a photo on those shared models would have to hold the analysis up (and hold up a wipe with
it) for as long as the photo takes. :class:`StillEncoder` loads a second set of the same
model files (~35 MB, on the first enrolment) so a photo is encoded beside the live analysis,
never inside its lock. One encoder serves one caller at a time; its owner serialises calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from recognition.faces.api import detect_faces, encode_faces, models
from recognition.images import shrink
from recognition.types import Box

if TYPE_CHECKING:  # the settings live with the pipeline, which uses this module
    from recognition.pipeline import RecognitionSettings


class StillEncoder:
    """Finds the largest face in a still and computes its faceprint, on private models.

    The models load on first use. Not thread-safe: one call at a time (the engine holds an
    enrolment lock that nothing else takes).
    """

    def __init__(self) -> None:
        self._loaded: tuple | None = None

    def _models(self, cnn: bool) -> tuple:
        if self._loaded is None:
            models()  # the same install checks and hints as the live models
            import dlib
            import face_recognition_models as files

            self._loaded = (
                dlib.get_frontal_face_detector(),
                dlib.shape_predictor(files.pose_predictor_five_point_model_location()),
                dlib.face_recognition_model_v1(files.face_recognition_model_location()),
                None,
            )
        if cnn and self._loaded[3] is None:
            import dlib
            import face_recognition_models as files

            self._loaded = (*self._loaded[:3], dlib.cnn_face_detection_model_v1(
                files.cnn_face_detector_model_location()))
        return self._loaded

    def detect(self, rgb: np.ndarray, *, upsample: int = 0, model: str = "hog",
               min_size_px: int = 0) -> list[Box]:
        """Faces in an RGB image, largest first, as :func:`~recognition.faces.api.detect_faces`."""
        hog, _, _, cnn = self._models(model == "cnn")
        found = cnn(rgb, upsample) if model == "cnn" else hog(rgb, upsample)
        height, width = rgb.shape[:2]
        boxes = []
        for item in found:
            rect = getattr(item, "rect", item)  # the CNN wraps each rectangle with a score
            box = Box(rect.left(), rect.top(), rect.right(), rect.bottom()).clipped(width, height)
            if box.width >= max(min_size_px, 1) and box.height > 0:
                boxes.append(box)
        return sorted(boxes, key=lambda b: b.area, reverse=True)

    def encode(self, rgb: np.ndarray, box: Box, *, jitters: int = 1) -> np.ndarray:
        """The 128-number faceprint of the face in ``box`` (pixels of the RGB ``rgb``)."""
        import dlib

        _, predictor, encoder, _ = self._models(False)
        landmarks = predictor(rgb, dlib.rectangle(box.left, box.top, box.right, box.bottom))
        return np.array(encoder.compute_face_descriptor(rgb, landmarks, jitters))


def encode_largest_face(image: np.ndarray, settings: RecognitionSettings, *,
                        encoder: StillEncoder | None = None) -> np.ndarray | None:
    """The faceprint of the largest face in a BGR still ``image``, or ``None`` if no face.

    Used to enrol a watchlist entry from a photo. Only faces are looked for (no plates, no
    tracking), with the detection settings of ``settings``; every working copy of the photo is
    zeroed before returning, whatever happens. With ``encoder`` it runs on that encoder's own
    models, so it may run while the live analysis runs on the shared ones.
    """
    height, width = image.shape[:2]
    if image.size == 0:
        return None
    shrunk = shrink(image, settings.detect_width_px)
    small_rgb = cv2.cvtColor(shrunk, cv2.COLOR_BGR2RGB)
    if shrunk is not image:
        shrunk.fill(0)
    rgb = None
    try:
        to_image = width / small_rgb.shape[1]
        if encoder is not None:  # its own dlib models, beside the live analysis: HOG
            boxes = encoder.detect(small_rgb, upsample=max(settings.upsample, 1), model=(
                "cnn" if settings.model == "cnn" else "hog"),
                min_size_px=round(settings.min_face_px / to_image))
        else:
            boxes = detect_faces(small_rgb, upsample=settings.upsample, model=settings.model,
                                 min_size_px=round(settings.min_face_px / to_image),
                                 tiles=settings.detect_tiles)
        if not boxes:
            return None
        box = boxes[0].scaled(to_image).clipped(width, height)  # largest first
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        if encoder is not None:
            return encoder.encode(rgb, box, jitters=settings.jitters)
        return encode_faces(rgb, [box], jitters=settings.jitters)[0]
    finally:
        small_rgb.fill(0)
        if rgb is not None:
            rgb.fill(0)
