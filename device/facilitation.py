"""The engine's side of the facilitator's page: the tolerance, the demo watchlist (by visitor
or by photo), the consent zone, and the pictures a visitor's card shows.

A mixin of :class:`device.engine.Engine`, kept apart so the engine stays about threads and the
session. Every method holds the engine lock only to copy; pipelines and JPEG encoding run
outside it.
"""

from __future__ import annotations

import hmac
import logging
import threading

import cv2
import numpy as np

from device.rematch import MatchRefresher
from device.stream import encode_jpeg
from recognition.consent import ConsentZone
from recognition.errors import ConfigError
from recognition.faces.stills import StillEncoder, encode_largest_face
from recognition.images import UnusableImage, as_bgr
from recognition.pipeline import TOLERANCE_RANGE
from recognition.session import Session

log = logging.getLogger("device.engine")  # one logger for the engine's events


class FacilitatorCommands:
    """The facilitator's commands on the engine (see :class:`device.engine.Engine`)."""

    session: Session
    _lock: threading.Lock
    _enrolling: threading.Lock
    _stills: StillEncoder
    _matches: MatchRefresher
    _hits_seen: set[str]

    def set_tolerance(self, tolerance: float) -> None:
        """Move the matching tolerance live (within :data:`TOLERANCE_RANGE`), to show false
        matches and misses."""
        lo, hi = TOLERANCE_RANGE
        if not lo <= tolerance <= hi:
            raise ConfigError(f"Tolerance {tolerance} must be between {lo} and {hi}.")
        with self._lock:
            self.session.dossier.set_tolerance(tolerance)
        self._refresh_matches()

    def _refresh_matches(self) -> None:
        """Make every visitor's watchlist match follow the list and tolerance as they are now;
        a visitor whose match went may set off the buzzer again when matched anew."""
        cleared = self._matches.refresh(self.session)
        with self._lock:
            self._hits_seen -= cleared

    @property
    def consent_zone(self) -> ConsentZone:
        """The consent zone in force: only faces inside it are analysed."""
        return self.session.pipeline.consent

    def set_consent_zone(self, zone: ConsentZone) -> None:
        """Move the consent zone or switch it on or off, from the next frame on (no restart).

        Logged as an event, with no picture or face data.
        """
        before = self.session.pipeline.consent
        self.session.pipeline.consent = zone  # one attribute: the analysis reads it per frame
        if zone.enabled != before.enabled:
            log.info("consent zone switched %s by the facilitator", "on" if zone.enabled else "off")
        if zone.polygon != before.polygon or zone.min_face_px != before.min_face_px:
            log.info("consent zone changed by the facilitator (%d corners, faces from %d px)",
                     len(zone.polygon), zone.min_face_px)

    def enrol_visitor(self, label: str, visitor_id: str) -> bool:
        """Put a visitor who consented on the demo watchlist as ``label``; False if unknown."""
        with self._lock:
            enrolled = self.session.dossier.enrol(label, visitor_id)
        if enrolled:
            self._refresh_matches()
        return enrolled

    def enrol_photo(self, label: str, data: bytes) -> None:
        """Put the largest face of an uploaded photo (JPEG/PNG bytes) on the watchlist.

        Raises:
            UnusableImage: the bytes are not a picture or show no face.
        """
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        if image is None:
            raise UnusableImage("The upload is not a JPEG or PNG picture.")
        picture = encoding = None
        try:
            picture = as_bgr(image)
            with self._enrolling:  # not _vision: the live analysis goes on meanwhile
                encoding = encode_largest_face(picture, self.session.pipeline.settings,
                                               encoder=self._stills)
            if encoding is None:
                raise UnusableImage("No face found in the photo; use one showing a face clearly.")
            with self._lock:
                self.session.dossier.watchlist.enrol(label, encoding)  # copies it
        finally:
            image.fill(0)  # the photo is biometric data too: zero every copy
            if picture is not None:
                picture.fill(0)
            if encoding is not None:
                encoding.fill(0.0)
        self._refresh_matches()

    def remove_from_watchlist(self, label: str) -> int:
        """Take every sample of ``label`` off the demo watchlist; return how many were removed."""
        with self._lock:
            removed = self.session.dossier.watchlist.remove(label)
        self._refresh_matches()
        return removed

    def thumbnail_jpeg(self, visitor_id: str, token: str | None = None) -> bytearray | None:
        """The visitor's face thumbnail as JPEG bytes, encoded from RAM on request.

        With ``token``, ``None`` unless it is the current session's token (checked under the
        same lock as the lookup, so a wipe in between cannot hand out the next V1's face).
        The caller zeroes the returned bytes once sent.
        """
        with self._lock:  # copy only: encoding happens outside the lock
            if token is not None and not hmac.compare_digest(token, self.session.token):
                return None
            crop = self.session.dossier.thumbnail(visitor_id)
            if crop is None:
                return None
            crop = crop.copy()
        return encode_jpeg(crop, 85, zero_picture=True)

    def faceprint(self, visitor_id: str, token: str | None = None) -> np.ndarray | None:
        """A copy of the visitor's 128-number faceprint, for drawing; the caller zeroes it.

        ``token`` as for :meth:`thumbnail_jpeg`.
        """
        with self._lock:
            if token is not None and not hmac.compare_digest(token, self.session.token):
                return None
            return self.session.dossier.faceprint(visitor_id)
