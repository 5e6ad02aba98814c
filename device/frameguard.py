"""Catching a camera that lies: frozen pictures and corrupt or odd frames.

A camera can fail without raising: a USB webcam whose driver hangs repeats its last frame
forever, a flaky cable delivers truncated buffers. The guard turns both into
:class:`CameraUnavailable`, which the engine answers by reconnecting.
"""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np

from recognition.errors import CameraUnavailable
from recognition.images import UnusableImage, as_bgr
from recognition.types import Frame

#: Byte-identical pictures for this long mean the camera froze (a live sensor always has noise).
FREEZE_S = 3.0
#: This many unusable frames in a row mean the camera is broken, not just glitching.
MAX_BAD_FRAMES = 30


class FrameGuard:
    """Checks each captured frame; repairs what it can, drops glitches, reports failures.

    Args:
        freeze_s: seconds of identical pictures before the camera counts as frozen.
        max_bad_frames: consecutive unusable frames before the camera counts as broken.
    """

    def __init__(self, *, freeze_s: float = FREEZE_S, max_bad_frames: int = MAX_BAD_FRAMES):
        self.freeze_s = freeze_s
        self.max_bad_frames = max_bad_frames
        self.bad_frames = 0
        self._signature: bytes | None = None
        self._same_since: float | None = None

    def check(self, frame: Frame, now_s: float) -> Frame | None:
        """Return ``frame`` in the standard layout, or ``None`` to skip a glitch.

        Raises:
            CameraUnavailable: the picture has been frozen for ``freeze_s`` or the last
                ``max_bad_frames`` frames were all unusable.
        """
        try:
            image = as_bgr(frame.image) if isinstance(frame.image, np.ndarray) else None
        except UnusableImage:
            image = None
        if image is None or min(image.shape[:2]) < 16:
            self.bad_frames += 1
            if self.bad_frames >= self.max_bad_frames:
                self.bad_frames = 0
                raise CameraUnavailable("The camera delivers corrupt frames.")
            return None
        self.bad_frames = 0
        lores = frame.lores
        if lores is not None and (lores.ndim != 3 or lores.shape[2] != 3 or lores.size == 0):
            lores = None  # analyse the display picture instead
        self._check_frozen(image, now_s)
        if image is frame.image and lores is frame.lores:
            return frame
        return dataclasses.replace(frame, image=image, lores=lores)

    def reset(self) -> None:
        """Forget the history, e.g. after reconnecting."""
        self.bad_frames = 0
        self._signature = None
        self._same_since = None

    def _check_frozen(self, image: np.ndarray, now_s: float) -> None:
        # A sparse sample is enough: a live sensor's noise changes nearly every pixel.
        signature = hashlib.blake2b(image[::8, ::8].tobytes(), digest_size=16).digest()
        if signature != self._signature:
            self._signature, self._same_since = signature, now_s
            return
        if self._same_since is not None and now_s - self._same_since >= self.freeze_s:
            self.reset()
            raise CameraUnavailable(f"The camera picture has been frozen for {self.freeze_s:.0f} s.")


def zero_frame(frame: Frame, *, keep: Frame | None = None) -> None:
    """Overwrite ``frame``'s pictures with zeros, except arrays ``keep`` still uses.

    A camera frame shows the visitors: one that is replaced by a newer one, repaired into a
    copy or dropped as a glitch is zeroed, not just left to the allocator.
    """
    kept = () if keep is None else (id(keep.image), id(keep.lores))
    for picture in (frame.image, frame.lores):
        if isinstance(picture, np.ndarray) and id(picture) not in kept \
                and picture.flags.writeable and picture.size:
            picture.fill(0)
