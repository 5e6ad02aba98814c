"""Drawing what the system sees onto the display frame: face boxes and visitor labels, with
the faces outside the consent zone blurred first."""

from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from recognition.consent import hide_faces
from recognition.types import Box, FaceObservation

_BOX_BGR = (40, 40, 230)
_PENDING_BGR = (0, 200, 255)
_PLATE_BGR = (200, 120, 20)


def annotate(image: np.ndarray, faces: Sequence[FaceObservation],
             plates: Sequence[tuple[Box, str]] = (), hidden: Sequence[Box] = ()) -> np.ndarray:
    """Return a copy of ``image`` (BGR) with a box and label per face and per plate.

    The faces in ``hidden`` (outside the consent zone) are blurred beyond recognition and get
    no box or label: the system does not look at them.

    A face not yet matched is labelled "scanning" in amber; a matched one with its visitor
    id in red, the colour of the recording light. Plates are boxed in blue with their reading.
    """
    out = hide_faces(image.copy(), hidden)
    scale = max(0.5, out.shape[1] / 1280)
    marks = [(f.box, f.visitor_id or "scanning", _BOX_BGR if f.visitor_id else _PENDING_BGR)
             for f in faces]
    marks += [(box, label, _PLATE_BGR) for box, label in plates]
    for b, label, colour in marks:
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
