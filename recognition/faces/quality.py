"""Whether a face is sharp enough to identify: blurred faces make faceprints that match anyone.

An out-of-focus face (a dark audience behind a performer, motion blur) still looks like a face
to a detector, but its dlib faceprint lies near the middle of all faces and links people who
are not alike; on the demo clip such faceprints chained a performer and two audience members
into one visitor. Such faces are still boxed and followed, but encoded only once a sharper
view of them arrives.

Sharpness is the variance of the Laplacian of the face, scaled to 64×64 grey pixels so that it
does not depend on the face's size.
"""

from __future__ import annotations

import cv2
import numpy as np

from recognition.types import Box

#: Below this a face is too blurred to identify. Measured (64×64 Laplacian variance): the 43
#: dlib_pascal faces, 37-52 px, score 105 and more (median 280); the development photos 584 and
#: more; the demo clip's performer 342-1236; its out-of-focus audience 2-116, the blurriest
#: (2-15) being the ones that chained people together.
MIN_SHARPNESS = 40.0
_SIDE_PX = 64


def sharpness(image: np.ndarray, box: Box) -> float:
    """The sharpness of the face in ``box`` of a BGR ``image`` (0 for an empty box).

    Args:
        image: the BGR picture the box refers to.
        box: the face, in pixels of ``image`` (clipped here).
    """
    height, width = image.shape[:2]
    inside = box.clipped(width, height)
    if inside.width < 2 or inside.height < 2:
        return 0.0
    face = image[inside.top:inside.bottom, inside.left:inside.right]
    grey = cv2.cvtColor(cv2.resize(face, (_SIDE_PX, _SIDE_PX), interpolation=cv2.INTER_AREA),
                        cv2.COLOR_BGR2GRAY)
    value = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    grey.fill(0)  # a picture of a face: zeroed, not left to the allocator
    return value


def identifiable(image: np.ndarray, box: Box) -> bool:
    """Whether the face in ``box`` is sharp enough for a faceprint worth matching."""
    return sharpness(image, box) >= MIN_SHARPNESS
