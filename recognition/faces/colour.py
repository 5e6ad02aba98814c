"""Clothing colour: the dominant colour of the region below a face, named in plain words.

Real systems sell this as "person attribute search" (find everyone in a red jacket). Each
pixel of the chest region is named by simple HSV rules, and the most common name wins.
"""

from __future__ import annotations

import cv2
import numpy as np

from recognition.types import Box

#: Names in the order of the indices :func:`_name_pixels` returns.
COLOUR_NAMES = (
    "black", "white", "grey", "red", "orange", "yellow", "green", "teal", "blue", "purple",
    "pink", "brown",
)
#: Upper hue bounds (OpenCV hue, 0–180) of the chromatic names, in order.
_HUES = ((8, "red"), (20, "orange"), (34, "yellow"), (80, "green"), (95, "teal"),
         (128, "blue"), (158, "purple"), (172, "pink"), (181, "red"))
_INDEX = {name: i for i, name in enumerate(COLOUR_NAMES)}


def chest_region(face: Box, width: int, height: int) -> Box:
    """The box below ``face`` where clothing usually is, clipped to a ``width``×``height`` image.

    It starts half a face below the chin, is 1.6 faces wide and one face tall.
    """
    cx = (face.left + face.right) / 2
    top = face.bottom + face.height * 0.5
    return Box(
        round(cx - face.width * 0.8), round(top), round(cx + face.width * 0.8),
        round(top + face.height),
    ).clipped(width, height)


def _name_pixels(hsv: np.ndarray) -> np.ndarray:
    h, s, v = (hsv[..., i].astype(np.int16) for i in range(3))
    names = np.full(h.shape, _INDEX["grey"], np.int8)
    chromatic = (s >= 60) & (v >= 50)
    for upper, name in reversed(_HUES):
        names[chromatic & (h < upper)] = _INDEX[name]
    # Dark, unsaturated oranges and reds read as brown to people.
    names[chromatic & (h < 20) & (v < 150) & (s < 200)] = _INDEX["brown"]
    # Pale reds (light pink shirts) are pink, not red.
    names[chromatic & ((h >= 158) | (h < 8)) & (s < 130) & (v >= 180)] = _INDEX["pink"]
    names[~chromatic & (v >= 180) & (s < 40)] = _INDEX["white"]
    names[v < 50] = _INDEX["black"]
    return names


def clothing_colour(image: np.ndarray, face: Box, *, min_pixels: int = 150) -> str | None:
    """Name the dominant colour below ``face`` in a BGR ``image``.

    Returns one of :data:`COLOUR_NAMES`, or ``None`` when too little of the region is inside
    the image (fewer than ``min_pixels``), e.g. when the face is at the bottom edge.
    """
    height, width = image.shape[:2]
    region = chest_region(face, width, height)
    if region.area < min_pixels:
        return None
    patch = image[region.top:region.bottom, region.left:region.right]
    # 32×32 is plenty for a dominant colour and keeps this under a millisecond.
    small = cv2.resize(patch, (32, 32), interpolation=cv2.INTER_AREA)
    counts = np.bincount(_name_pixels(cv2.cvtColor(small, cv2.COLOR_BGR2HSV)).ravel(),
                         minlength=len(COLOUR_NAMES))
    return COLOUR_NAMES[int(counts.argmax())]
