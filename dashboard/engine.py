"""What the dashboard needs of the engine, and the one way a request reaches it."""

from __future__ import annotations

from typing import Protocol

import numpy as np
from flask import current_app

from device.snapshot import Snapshot
from recognition.consent import ConsentZone
from recognition.dossier import WipeReceipt
from recognition.scrub import overwrite


class EngineLike(Protocol):
    """What the dashboard needs of the engine (see :class:`device.engine.Engine`)."""

    @property
    def running(self) -> bool:
        """Whether the engine is analysing frames."""

    @property
    def paused(self) -> bool:
        """Whether the facilitator has blanked the camera."""

    def snapshot(self) -> Snapshot:
        """The current snapshot."""

    def wait_jpeg(self, after_seq: int, timeout_s: float = 2.0,
                  camera: str | None = None) -> tuple[int, bytearray] | None:
        """The next annotated JPEG after ``after_seq`` (of ``camera``, default the first; a
        copy to zero once sent), or ``None``."""

    def camera_jpeg(self, camera: str) -> bytearray | None:
        """A small JPEG of one camera's latest picture (a copy to zero once sent), or ``None``."""

    def mark_visitor(self, visitor_id: str) -> bool:
        """Mark a consenting visitor (new places announced); False if unknown."""

    def unmark_visitor(self, visitor_id: str) -> bool:
        """Take the mark off a visitor; False if not marked."""

    def wipe(self, *, reason: str = "command") -> WipeReceipt:
        """Wipe the session now; return the receipt."""

    def start_session(self) -> bool:
        """Workshop mode: open a session."""

    def end_session(self, *, reason: str = "end") -> WipeReceipt:
        """End the session with a wipe; return the receipt."""

    def set_mode(self, mode: str) -> WipeReceipt:
        """Switch ``visit``/``workshop`` (wipes); return the receipt."""

    def pause(self, paused: bool = True) -> None:
        """Blank the camera, or resume."""

    def set_tolerance(self, tolerance: float) -> None:
        """Move the matching tolerance (:data:`~recognition.faces.identities.TOLERANCE_RANGE`); raises ConfigError outside."""

    @property
    def consent_zone(self) -> ConsentZone:
        """The consent zone in force."""

    def set_consent_zone(self, zone: ConsentZone) -> None:
        """Move the consent zone or switch it on or off, from the next frame."""

    def enrol_visitor(self, label: str, visitor_id: str) -> bool:
        """Put a consenting visitor on the watchlist; False if unknown."""

    def enrol_photo(self, label: str, data: bytes) -> None:
        """Put the face in a photo on the watchlist; raises UnusableImage."""

    def remove_from_watchlist(self, label: str) -> int:
        """Remove ``label`` from the watchlist; return how many samples went."""

    def thumbnail_jpeg(self, visitor_id: str, token: str | None = None) -> bytearray | None:
        """The visitor's face thumbnail as JPEG (a copy to zero once sent), or ``None`` (also
        for a stale token)."""

    def faceprint(self, visitor_id: str, token: str | None = None) -> np.ndarray | None:
        """A copy of the visitor's faceprint, or ``None``; the caller zeroes it."""


class SentCopy(bytes):
    """A picture as the bytes a WSGI server requires (PEP 3333), which it copies, not keeps.

    CPython hands back an exact ``bytes`` object itself from ``b"" + data`` and ``data[:]``,
    so a server buffering output could keep our object and send it after we zeroed it; for a
    subclass both make a copy. So once the response has been sent, :func:`zero` can overwrite
    this copy in place.
    """


def sendable(buffer: bytearray) -> SentCopy:
    """``buffer`` as a :class:`SentCopy` for the response; ``buffer`` itself is zeroed."""
    copy = SentCopy(buffer)
    zero(buffer)
    return copy


def zero(buffer: bytearray | SentCopy) -> None:
    """Overwrite the dashboard's copy of a picture with zeros (once sent, or never to be)."""
    if isinstance(buffer, bytearray):
        buffer[:] = bytes(len(buffer))
    else:
        overwrite(buffer)


def current_engine() -> EngineLike:
    """The engine the running app was created around (see :func:`dashboard.create_app`)."""
    return current_app.extensions["oko_engine"]
