"""Faceprints of still photos on dlib models of their own.

dlib's detectors and its face encoder are not safe to use from two threads at once, and the
live analysis uses face_recognition's shared instances all the time. A facilitator enrolling
a photo on those shared models would have to hold the analysis up (and hold up a wipe with
it) for as long as the photo takes. :class:`StillEncoder` loads a second set of the same
model files (~35 MB, on the first enrolment) so a photo is encoded beside the live analysis,
never inside its lock. One encoder serves one caller at a time; its owner serialises calls.
"""

from __future__ import annotations

import numpy as np

from recognition.faces.api import models
from recognition.types import Box


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
