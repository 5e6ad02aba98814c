"""Pictures as the pipeline handles them: any decoded picture brought to 8-bit BGR, shrunk
for analysis, and a face's thumbnail cut out of it."""

from __future__ import annotations

import cv2
import numpy as np

from recognition.errors import OkoError
from recognition.types import Box


class UnusableImage(OkoError, ValueError):
    """A decoded picture that cannot be analysed (empty, or an unknown layout)."""


def as_bgr(image: np.ndarray) -> np.ndarray:
    """Return ``image`` as a contiguous H×W×3 uint8 BGR array.

    Accepts grey (H×W or H×W×1), BGR, BGRA, and 16-bit or float variants of these (16-bit is
    scaled down, floats are taken as 0–1).

    Raises:
        UnusableImage: the image has no pixels or an unsupported shape.
    """
    if image is None or image.size == 0 or image.ndim not in (2, 3):
        raise UnusableImage("the image is empty")
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype.kind == "f":
        image = (np.clip(image, 0.0, 1.0) * 255).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise UnusableImage(f"unsupported pixel type {image.dtype}")
    channels = 1 if image.ndim == 2 else image.shape[2]
    if channels == 1:
        image = cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2BGR)
    elif channels == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    elif channels != 3:
        raise UnusableImage(f"unsupported image with {channels} channels")
    return np.ascontiguousarray(image)


def shrink(image: np.ndarray, width_px: int) -> np.ndarray:
    """Scale ``image`` down to ``width_px`` wide (never up)."""
    height, width = image.shape[:2]
    if width <= width_px:
        return image
    size = (width_px, max(1, round(height * width_px / width)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


#: Side of the face thumbnail shown on the kiosk, in pixels.
THUMBNAIL_PX = 128


def face_crop(image: np.ndarray, box: Box) -> np.ndarray:
    """A square ``THUMBNAIL_PX`` BGR thumbnail of the face in ``box``, with a little margin."""
    height, width = image.shape[:2]
    margin = box.width // 5
    square = Box(box.left - margin, box.top - margin, box.right + margin, box.bottom + margin)
    inside = square.clipped(width, height)
    if inside.area == 0:
        return np.zeros((THUMBNAIL_PX, THUMBNAIL_PX, 3), np.uint8)
    patch = image[inside.top:inside.bottom, inside.left:inside.right]
    return cv2.resize(patch, (THUMBNAIL_PX, THUMBNAIL_PX), interpolation=cv2.INTER_AREA)
