"""Session lifecycle: when the session memory starts and when it is wiped."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from recognition.dossier import Dossier, WipeReceipt
from recognition.pipeline import Pipeline

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionInfo:
    """The session as visitors see it: its number, whether active, and the wipe countdown."""

    number: int
    active: bool
    visitors: int
    wipe_in_s: float | None


class Session:
    """Owns a dossier's life: starts with the first face, wiped after ``idle_wipe_s`` alone.

    Args:
        dossier: the session memory to wipe.
        pipeline: its track state is dropped with the dossier.
        idle_wipe_s: seconds with nobody in view after which everything is wiped.
    """

    def __init__(self, dossier: Dossier, pipeline: Pipeline, *, idle_wipe_s: float):
        self.dossier = dossier
        self.pipeline = pipeline
        self.idle_wipe_s = idle_wipe_s
        self.number = 1
        self.last_receipt: WipeReceipt | None = None
        self._last_face_s: float | None = None

    @property
    def active(self) -> bool:
        """Whether anything is on record in this session."""
        return self.dossier.started_s is not None

    def observe(self, now_s: float, faces_in_view: int) -> WipeReceipt | None:
        """Note how many faces are in view at ``now_s``; wipe if the session has gone idle.

        Returns the receipt when this call wiped the session, else ``None``.
        """
        if faces_in_view:
            self._last_face_s = now_s
            return None
        if self.active and self._last_face_s is not None:
            if now_s - self._last_face_s >= self.idle_wipe_s:
                return self.wipe(now_s, reason="idle")
        return None

    def wipe(self, now_s: float, *, reason: str) -> WipeReceipt:
        """Wipe the session memory now and start the next session."""
        receipt = self.dossier.wipe(now_s)
        self.pipeline.reset()
        self.last_receipt = receipt
        self._last_face_s = None
        log.info(
            "session %d wiped (%s): %d visitors, %d encodings, %d sightings deleted",
            self.number, reason, receipt.visitors, receipt.encodings, receipt.sightings,
        )
        self.number += 1
        return receipt

    def info(self, now_s: float) -> SessionInfo:
        """The session's state at ``now_s``."""
        wipe_in = None
        if self.active and self._last_face_s is not None:
            wipe_in = max(0.0, self.idle_wipe_s - (now_s - self._last_face_s))
        return SessionInfo(self.number, self.active, self.dossier.visitor_count, wipe_in)
