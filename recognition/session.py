"""Session lifecycle: when the session memory starts, what ends it, and the wipe receipt.

Two modes:

- **visit** (unattended, the default): a session starts with the first face and is wiped
  after ``idle_wipe_s`` with nobody in view, or ``max_session_s`` after it started.
- **workshop** (facilitated): nothing is analysed until the facilitator starts a session;
  visitors accumulate until the facilitator ends it, which wipes it.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass

from recognition.dossier import Dossier, WipeReceipt
from recognition.pipeline import Pipeline

log = logging.getLogger(__name__)

MODES = ("visit", "workshop")


@dataclass(frozen=True)
class SessionInfo:
    """The session as visitors see it: number, mode, whether active, the wipe countdown.

    ``token`` is random and new for every session: URLs of a visitor's pictures carry it, so
    they cannot be guessed and stop working at the wipe.
    """

    number: int
    active: bool
    visitors: int
    wipe_in_s: float | None
    mode: str = "visit"
    recording: bool = True
    started_s_ago: float | None = None
    token: str = ""


class Session:
    """Owns a dossier's life and decides when it is wiped.

    Args:
        dossier: the session memory to wipe.
        pipeline: its track state is dropped with the dossier.
        idle_wipe_s: visit mode: seconds with nobody in view after which everything is wiped.
        max_session_s: visit mode: longest a session may run before it is wiped.
        mode: ``"visit"`` or ``"workshop"``.
    """

    def __init__(
        self,
        dossier: Dossier,
        pipeline: Pipeline,
        *,
        idle_wipe_s: float,
        max_session_s: float = 600.0,
        mode: str = "visit",
    ):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.dossier = dossier
        self.pipeline = pipeline
        self.idle_wipe_s = idle_wipe_s
        self.max_session_s = max_session_s
        self.mode = mode
        self.number = 1
        self.token = secrets.token_urlsafe(12)
        self.last_receipt: WipeReceipt | None = None
        self._last_face_s: float | None = None
        self._opened_s: float | None = None  # workshop: when the facilitator started
        self._held_s: float | None = None  # when the camera was paused, while it is

    def hold(self, now_s: float) -> None:
        """The camera is paused at ``now_s``: nobody can be in view, so the idle countdown
        waits (the session's length limit keeps running: paused data is still held)."""
        if self._held_s is None:
            self._held_s = now_s

    def release(self, now_s: float) -> None:
        """The camera resumed at ``now_s``: the idle countdown goes on where it stopped."""
        if self._held_s is not None and self._last_face_s is not None:
            self._last_face_s += max(0.0, now_s - self._held_s)
        self._held_s = None

    @property
    def active(self) -> bool:
        """Whether anything is on record, or a workshop session is open."""
        return self.dossier.started_s is not None or self._opened_s is not None

    @property
    def recording(self) -> bool:
        """Whether frames should be analysed now (always in visit mode; workshop: if open)."""
        return self.mode == "visit" or self._opened_s is not None

    def start(self, now_s: float) -> bool:
        """Open a workshop session; returns False if one is open or the mode is visit."""
        if self.mode != "workshop" or self._opened_s is not None:
            return False
        self._opened_s = now_s
        log.info("session %d started by the facilitator", self.number)
        return True

    def end(self, now_s: float, *, reason: str = "end") -> WipeReceipt:
        """End the current session (either mode) with a wipe."""
        return self.wipe(now_s, reason=reason)

    def set_mode(self, mode: str, now_s: float) -> WipeReceipt:
        """Switch between visit and workshop mode; the current session is wiped first."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        receipt = self.wipe(now_s, reason="mode")
        self.mode = mode
        return receipt

    def observe(self, now_s: float, faces_in_view: int) -> WipeReceipt | None:
        """Note how many faces are in view at ``now_s``; wipe if the session is over.

        Returns the receipt when this call wiped the session, else ``None``.
        """
        if faces_in_view:
            self._last_face_s = now_s
        if self.mode != "visit" or self.dossier.started_s is None:
            return None
        if now_s - self.dossier.started_s >= self.max_session_s:
            return self.wipe(now_s, reason="max-length")
        if not faces_in_view and self._last_face_s is not None and self._held_s is None:
            if now_s - self._last_face_s >= self.idle_wipe_s:
                return self.wipe(now_s, reason="idle")
        return None

    def wipe(self, now_s: float, *, reason: str) -> WipeReceipt:
        """Wipe the session memory now, start the next session, and return the receipt."""
        receipt = dataclasses.replace(self.dossier.wipe(now_s), reason=reason,
                                      session=self.number)
        self.pipeline.reset()
        self.last_receipt = receipt
        self._last_face_s = None
        self._opened_s = None
        if self._held_s is not None:
            self._held_s = now_s  # still paused: the next session's countdown waits too
        self.token = secrets.token_urlsafe(12)  # URLs of the wiped session's pictures die
        log.info(
            "session %d wiped (%s): %d visitors, %d encodings, %d sightings deleted",
            self.number, reason, receipt.visitors, receipt.encodings, receipt.sightings,
        )
        self.number += 1
        return receipt

    def info(self, now_s: float) -> SessionInfo:
        """The session's state at ``now_s``."""
        wipe_in = None
        if self.mode == "visit" and self.dossier.started_s is not None:
            wipe_in = self.max_session_s - (now_s - self.dossier.started_s)
            if self._last_face_s is not None:
                idle_now_s = now_s if self._held_s is None else self._held_s
                wipe_in = min(wipe_in, self.idle_wipe_s - (idle_now_s - self._last_face_s))
            wipe_in = max(0.0, wipe_in)
        began = self._opened_s if self._opened_s is not None else self.dossier.started_s
        return SessionInfo(
            number=self.number,
            active=self.active,
            visitors=self.dossier.visitor_count,
            wipe_in_s=wipe_in,
            mode=self.mode,
            recording=self.recording,
            started_s_ago=None if began is None else now_s - began,
            token=self.token,
        )
