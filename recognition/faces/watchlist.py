"""A demo watchlist of people who consented to be on it, matched like a police database."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recognition.faces.api import face_distances


@dataclass(frozen=True)
class WatchlistHit:
    """A face matched to a watchlist entry: the entry's label and how close it was.

    ``similarity`` is ``1 - distance`` clipped to 0–1, a friendlier number for the screen.
    """

    label: str
    distance: float
    similarity: float


class Watchlist:
    """Enrolled faceprints with labels, all in RAM.

    Entries are only ever people who agreed to be enrolled at the exhibit; labels are what
    the facilitator typed (e.g. "Ana (consented)"). Labels are never logged.
    """

    def __init__(self) -> None:
        self._labels: list[str] = []
        self._rows = np.zeros((0, 128))

    def __len__(self) -> int:
        return len(self._labels)

    @property
    def labels(self) -> tuple[str, ...]:
        """The enrolled labels, in enrolment order."""
        return tuple(self._labels)

    def enrol(self, label: str, encoding: np.ndarray) -> None:
        """Add ``label`` with one faceprint; enrolling the same label again adds a sample."""
        label = label.strip()
        if not label:
            raise ValueError("a watchlist entry needs a label")
        if encoding.shape != (128,):
            raise ValueError("a faceprint has 128 numbers")
        self._labels.append(label)
        old, self._rows = self._rows, np.vstack([self._rows, encoding[None, :]])
        old.fill(0.0)  # the copy that was grown from

    def remove(self, label: str) -> int:
        """Remove every sample of ``label``; return how many were removed."""
        keep = [i for i, existing in enumerate(self._labels) if existing != label]
        removed = len(self._labels) - len(keep)
        old, self._rows = self._rows, self._rows[keep]
        old.fill(0.0)
        self._labels = [self._labels[i] for i in keep]
        return removed

    def match(self, encoding: np.ndarray, tolerance: float) -> WatchlistHit | None:
        """The closest entry within ``tolerance`` of ``encoding``, or ``None``."""
        distances = face_distances(self._rows, encoding)
        if not len(distances):
            return None
        best = int(distances.argmin())
        distance = float(distances[best])
        if distance > tolerance:
            return None
        return WatchlistHit(self._labels[best], distance, max(0.0, min(1.0, 1.0 - distance)))

    def copy(self) -> Watchlist:
        """An independent copy of the entries (to match outside a lock); ``clear()`` it after."""
        twin = Watchlist()
        twin._labels = list(self._labels)
        twin._rows = self._rows.copy()
        return twin

    def clear(self) -> int:
        """Zero and drop every entry; return how many samples there were."""
        count = len(self._labels)
        self._rows.fill(0.0)
        self._rows = np.zeros((0, 128))
        self._labels.clear()
        return count


def rematch(watchlist: Watchlist, faceprints: dict[str, np.ndarray],
            tolerance: float) -> dict[str, WatchlistHit | None]:
    """Each faceprint's match on ``watchlist`` at ``tolerance`` (``None`` where none holds).

    Run after the list or the tolerance changed, on the visitors' stored faceprints, so a
    match shown on the screen always follows the list as it is now, both ways.

    Args:
        watchlist: the entries as they are now.
        faceprints: visitor id → faceprint (128 numbers), e.g. from ``Dossier.faceprints``.
        tolerance: the largest distance that counts as a match.
    """
    return {vid: watchlist.match(fp, tolerance) for vid, fp in faceprints.items()}
