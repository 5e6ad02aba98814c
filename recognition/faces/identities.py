"""Who is who within a session: vectorised matching of faceprints against known visitors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Collection

import numpy as np

from recognition.faces.api import face_distances
from recognition.faces.clusters import Merge, merges_among, neighbourhood

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
        arrival_margin: a new face joins a known visitor on arrival only within
            ``tolerance - arrival_margin``; nearer the tolerance it gets a number of its own
            until :meth:`recluster` finds enough evidence to merge it (see
            :mod:`recognition.faces.clusters`).
        link_margin: visitors merge only when their faceprints are on average within
            ``tolerance - link_margin``.
        min_links: ... and linked by at least this many independent pairs of faceprints (one
            pair per two sources), unless they are as close as an arrival match.
    """

    def __init__(self, *, tolerance: float = 0.5, prefix: str = "V", samples_per_visitor: int = 8,
                 arrival_margin: float = 0.0, link_margin: float = 0.0, min_links: int = 1):
        self.tolerance = tolerance
        self.arrival_margin = arrival_margin
        self.link_margin = link_margin
        self.min_links = min_links
        self.prefix = prefix
        self.samples_per_visitor = samples_per_visitor
        # One preallocated buffer, grown by copying and zeroing the old one, so a wipe can
        # overwrite every faceprint ever held instead of leaving copies to the allocator.
        self._buf = np.zeros((16, ENCODING_SIZE))
        self._owners: list[str] = []
        self._stamps: list[int] = []
        self._sources: list[object] = []  # what each faceprint came from (a track), if known
        self._stored = 0
        self._count = 0
        self._age: dict[str, int] = {}

    @property
    def visitor_count(self) -> int:
        """How many visitors have been numbered since the last wipe."""
        return self._count

    @property
    def encoding_count(self) -> int:
        """How many faceprints are held."""
        return len(self._owners)

    def match(self, encoding: np.ndarray, *, exclude: Collection[str] = (),
              source: object = None) -> Match:
        """Return the visitor ``encoding`` belongs to, numbering a new one if none is close.

        The encoding is stored as a sample of that visitor.

        Args:
            encoding: the faceprint (128 floats).
            exclude: visitors it cannot be, e.g. those another face in the same frame is.
            source: what the faceprint came from (a face track): faceprints of one source
                count as one piece of evidence when re-clustering; ``None``: its own.
        """
        distances = face_distances(self._buf[: len(self._owners)], encoding)
        if exclude and len(distances):
            distances = np.where(np.isin(self._owners, list(exclude)), np.inf, distances)
        if len(distances) and distances.min() <= self.tolerance - self.arrival_margin:
            best = int(distances.argmin())
            visitor_id, distance, is_new = self._owners[best], float(distances[best]), False
        else:
            self._count += 1
            visitor_id = f"{self.prefix}{self._count}"
            self._age[visitor_id] = self._count
            nearest = distances.min() if len(distances) else np.inf
            distance, is_new = float(nearest), True
        self._store(visitor_id, encoding, ("sample", self._stored) if source is None else source)
        return Match(visitor_id, distance, is_new)

    def recluster(self, encoding: np.ndarray, *,
                  apart: Callable[[str, str], bool] | None = None) -> list[Merge]:
        """Re-cluster the neighbourhood of ``encoding`` (just matched) and merge the visitors
        found to be one person into the older number; return the merges applied.

        Bounded: only the visitors owning the faceprints nearest ``encoding`` take part (see
        :mod:`recognition.faces.clusters`), whatever the number stored.

        Args:
            encoding: the faceprint just passed to :meth:`match`.
            apart: ``apart(a, b)`` is true for visitors known to be two people (seen in one
                frame together); they are never merged.
        """
        held = len(self._owners)
        distances = face_distances(self._buf[:held], encoding)
        visitors = neighbourhood(distances, self._owners, self.tolerance)
        if len(visitors) < 2:
            return []
        rows = [i for i, owner in enumerate(self._owners) if owner in visitors]
        block = self._buf[rows]  # a copy of faceprints: zeroed below, not left behind
        try:
            merges = merges_among(block, [self._owners[i] for i in rows], self._age,
                                  self.tolerance, sources=[self._sources[i] for i in rows],
                                  link_threshold=self.tolerance - self.link_margin,
                                  min_links=self.min_links,
                                  sure_threshold=self.tolerance - self.arrival_margin)
        finally:
            block.fill(0.0)
        applied = []
        for merge in merges:
            kept = self._alias(merge.kept, applied)
            if kept == merge.absorbed or (apart is not None and apart(kept, merge.absorbed)):
                continue
            merge = Merge(kept, merge.absorbed)
            self._absorb(merge)
            applied.append(merge)
        return applied

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
        self._sources.clear()
        self._count = 0
        self._age.clear()
        return count

    def _store(self, visitor_id: str, encoding: np.ndarray, source: object) -> None:
        self._stored += 1
        mine = [i for i, owner in enumerate(self._owners) if owner == visitor_id]
        if len(mine) >= self.samples_per_visitor:
            row = min(mine, key=self._stamps.__getitem__)
            self._buf[row] = encoding
            self._stamps[row] = self._stored
            self._sources[row] = source
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
        self._sources.append(source)

    @staticmethod
    def _alias(visitor_id: str, applied: list[Merge]) -> str:
        for merge in applied:
            if merge.absorbed == visitor_id:
                visitor_id = merge.kept
        return visitor_id

    def _absorb(self, merge: Merge) -> None:
        """Give ``merge.absorbed``'s faceprints to ``merge.kept``, keeping its newest samples."""
        self._owners = [merge.kept if o == merge.absorbed else o for o in self._owners]
        self._age.pop(merge.absorbed, None)
        mine = sorted((i for i, o in enumerate(self._owners) if o == merge.kept),
                      key=self._stamps.__getitem__)
        surplus = set(mine[: max(0, len(mine) - self.samples_per_visitor)])
        if not surplus:
            return
        keep = [i for i in range(len(self._owners)) if i not in surplus]
        held = len(self._owners)
        for new_row, old_row in enumerate(keep):  # row by row: no temporary copy of faceprints
            if new_row != old_row:
                self._buf[new_row] = self._buf[old_row]
        self._buf[len(keep):held] = 0.0  # dropped faceprints are overwritten, not left behind
        self._owners = [self._owners[i] for i in keep]
        self._stamps = [self._stamps[i] for i in keep]
        self._sources = [self._sources[i] for i in keep]
