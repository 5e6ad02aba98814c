"""Who is who within a session: vectorised matching of faceprints against known visitors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recognition.faces.api import face_distances

ENCODING_SIZE = 128


@dataclass(frozen=True)
class Match:
    """The outcome of matching one encoding: the visitor, the distance, and whether new."""

    visitor_id: str
    distance: float
    is_new: bool


class IdentityIndex:
    """The faceprints of a session's visitors, matched with one numpy operation per query.

    Each visitor keeps up to ``samples_per_visitor`` encodings (from different moments), and a
    query matches the visitor owning the nearest one, so a face seen from several angles is
    still one person.

    Args:
        tolerance: largest Euclidean distance still counted as the same person. Lower is
            stricter (fewer false matches, more duplicate visitors).
        prefix: visitor ids are ``prefix`` + a number counting from 1.
        samples_per_visitor: encodings kept per visitor; the oldest is replaced.
    """

    def __init__(self, *, tolerance: float = 0.5, prefix: str = "V", samples_per_visitor: int = 8):
        self.tolerance = tolerance
        self.prefix = prefix
        self.samples_per_visitor = samples_per_visitor
        # One preallocated buffer, grown by copying and zeroing the old one, so a wipe can
        # overwrite every faceprint ever held instead of leaving copies to the allocator.
        self._buf = np.zeros((16, ENCODING_SIZE))
        self._owners: list[str] = []
        self._stamps: list[int] = []
        self._stored = 0
        self._count = 0

    @property
    def visitor_count(self) -> int:
        """How many visitors have been numbered since the last wipe."""
        return self._count

    @property
    def encoding_count(self) -> int:
        """How many faceprints are held."""
        return len(self._owners)

    def match(self, encoding: np.ndarray) -> Match:
        """Return the visitor ``encoding`` belongs to, numbering a new one if none is close.

        The encoding is stored as a sample of that visitor.
        """
        distances = face_distances(self._buf[: len(self._owners)], encoding)
        if len(distances) and distances.min() <= self.tolerance:
            best = int(distances.argmin())
            visitor_id, distance, is_new = self._owners[best], float(distances[best]), False
        else:
            self._count += 1
            visitor_id = f"{self.prefix}{self._count}"
            distance, is_new = (float(distances.min()) if len(distances) else float("inf")), True
        self._store(visitor_id, encoding)
        return Match(visitor_id, distance, is_new)

    def faceprint(self, visitor_id: str) -> np.ndarray | None:
        """The mean of ``visitor_id``'s stored encodings (a new array), or ``None``."""
        rows = [i for i, owner in enumerate(self._owners) if owner == visitor_id]
        if not rows:
            return None
        samples = self._buf[rows]  # a copy of the faceprints: zeroed however the mean ends
        try:
            return samples.mean(axis=0)
        finally:
            samples.fill(0.0)

    def wipe(self) -> int:
        """Overwrite every stored encoding with zeros, drop them, and return how many there were."""
        count = len(self._owners)
        self._buf.fill(0.0)
        self._owners.clear()
        self._stamps.clear()
        self._count = 0
        return count

    def _store(self, visitor_id: str, encoding: np.ndarray) -> None:
        self._stored += 1
        mine = [i for i, owner in enumerate(self._owners) if owner == visitor_id]
        if len(mine) >= self.samples_per_visitor:
            row = min(mine, key=self._stamps.__getitem__)
            self._buf[row] = encoding
            self._stamps[row] = self._stored
            return
        row = len(self._owners)
        if row == len(self._buf):
            grown = np.zeros((2 * len(self._buf), ENCODING_SIZE))
            grown[:row] = self._buf
            self._buf.fill(0.0)
            self._buf = grown
        self._buf[row] = encoding
        self._owners.append(visitor_id)
        self._stamps.append(self._stored)
