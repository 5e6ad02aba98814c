"""Drawing what the system sees onto the display frame: face boxes and visitor labels."""

from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from recognition.types import FaceObservation

_BOX_BGR = (40, 40, 230)
_PENDING_BGR = (0, 200, 255)


def annotate(image: np.ndarray, faces: Sequence[FaceObservation]) -> np.ndarray:
    """Return a copy of ``image`` (BGR) with a box and label per face.

    A face not yet matched is labelled "…" (scanning) in amber; a matched one with its visitor
    id in red, the colour of the recording light.
    """
    out = image.copy()
    scale = max(0.5, out.shape[1] / 1280)
    for face in faces:
        b = face.box
        colour = _BOX_BGR if face.visitor_id else _PENDING_BGR
        label = face.visitor_id or "scanning"
        thickness = max(2, round(2 * scale))
        cv2.rectangle(out, (b.left, b.top), (b.right, b.bottom), colour, thickness)
        (tw, th), base = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
        top = max(0, b.top - th - base - 4)
        cv2.rectangle(out, (b.left, top), (b.left + tw + 8, top + th + base + 4), colour, -1)
        cv2.putText(
            out, label, (b.left + 4, top + th + 2), cv2.FONT_HERSHEY_SIMPLEX, scale,
            (255, 255, 255), thickness, cv2.LINE_AA,
        )
    return out
