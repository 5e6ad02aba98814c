"""Bringing any decoded picture into the one layout the pipeline takes: 8-bit BGR."""

from __future__ import annotations

import cv2
import numpy as np

from recognition.errors import OkoError


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
