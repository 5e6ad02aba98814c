"""The annotated picture for viewers: one latest-JPEG slot fanned out to every client.

Encoding costs a few milliseconds a frame, so it happens only while someone watches, once per
frame however many watch. Replaced and cleared pictures are overwritten with zeros: a JPEG of
the camera is as much biometric data as the frame it came from.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Sequence

import cv2
import numpy as np

from device.overlay import annotate
from recognition.types import Box, FaceObservation

#: Encode JPEGs while a viewer asked for one within this many seconds.
VIEWER_GRACE_S = 2.0


class JpegStream:
    """The latest annotated JPEG and the condition viewers wait on.

    Args:
        quality: JPEG quality, 30–95.
        clock: monotonic seconds.
    """

    def __init__(self, quality: int = 80, clock: Callable[[], float] = time.monotonic):
        self.quality = quality
        self._clock = clock
        self._ready = threading.Condition()
        self._latest: tuple[int, bytearray] | None = None
        self._seq = -1  # keeps counting across clear(), so viewers never wait on an old number
        self._viewer_s = float("-inf")
        self._closed = False

    @property
    def watched(self) -> bool:
        """Whether a viewer asked for a picture within :data:`VIEWER_GRACE_S`."""
        return self._clock() - self._viewer_s <= VIEWER_GRACE_S

    def publish(self, image: np.ndarray, faces: Sequence[FaceObservation],
                plates: Sequence[tuple[Box, str]] = ()) -> None:
        """Draw ``faces`` and ``plates`` on ``image`` (BGR), encode it and wake every viewer."""
        data = encode_jpeg(annotate(image, faces, plates), self.quality, zero_picture=True)
        if data is None:
            return
        with self._ready:
            self._seq += 1
            self._zero()
            self._latest = (self._seq, data)
            self._ready.notify_all()

    def wait(self, after_seq: int, timeout_s: float = 2.0) -> tuple[int, bytearray] | None:
        """Block until a JPEG newer than ``after_seq`` exists; return ``(seq, jpeg)``.

        ``jpeg`` is the viewer's own copy: zero it once sent (``jpeg[:] = bytes(len(jpeg))``).
        Marks the stream as watched. Returns ``None`` on timeout or once closed.
        """
        self._viewer_s = self._clock()
        with self._ready:
            self._ready.wait_for(lambda: self._closed or self._newer(after_seq), timeout_s)
            if self._closed or not self._newer(after_seq):
                return None
            return self._latest[0], bytearray(self._latest[1])

    def clear(self) -> None:
        """Zero and drop the held picture (a wipe or a pause)."""
        with self._ready:
            self._zero()
            self._latest = None

    def close(self) -> None:
        """Clear, and release every waiting viewer for good."""
        with self._ready:
            self._zero()
            self._latest = None
            self._closed = True
            self._ready.notify_all()

    def _newer(self, after_seq: int) -> bool:
        return self._latest is not None and self._latest[0] > after_seq

    def _zero(self) -> None:
        if self._latest is not None:
            self._latest[1][:] = bytes(len(self._latest[1]))


def encode_jpeg(image: np.ndarray, quality: int, *, zero_picture: bool = False) -> bytearray | None:
    """``image`` (BGR) as JPEG bytes the caller can zero, or ``None`` if it cannot be encoded.

    OpenCV's output buffer is zeroed once copied, and with ``zero_picture`` so is ``image``
    (a working copy), whether encoding works or fails.
    """
    encoded = None
    try:
        ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        return bytearray(encoded.data) if ok else None
    finally:
        if encoded is not None:
            encoded.fill(0)
        if zero_picture:
            image.fill(0)
