"""Watchlist matches that follow the list and the tolerance, both ways.

A visitor's match is found when a frame of them is analysed. When the facilitator removes an
entry or tightens the tolerance, a match shown a moment ago may no longer hold (and loosening
it may create one); waiting for the next frame is not enough, because a visitor's card keeps
its match while they are away. So every change recomputes all matches from the visitors'
stored faceprints. The engine lock is held only to copy the inputs and to store the result;
the matching runs outside it, so the analysis loop never waits on it.
"""

from __future__ import annotations

import threading

from recognition.faces.watchlist import rematch
from recognition.session import Session


class MatchRefresher:
    """Recomputes every visitor's watchlist match after a change of the list or tolerance.

    Args:
        lock: the engine lock that guards ``session``.
    """

    def __init__(self, lock: threading.Lock):
        self._lock = lock
        self._generation = 0

    def refresh(self, session: Session) -> set[str]:
        """Recompute the matches of ``session``'s visitors; return the ids whose match went.

        When two refreshes overlap, only the one that copied last stores its result, so an
        older list never overwrites a newer one; a wipe in between discards the result.
        """
        with self._lock:
            self._generation += 1
            generation, number = self._generation, session.number
            dossier = session.dossier
            prints = dossier.faceprints()
            entries = dossier.watchlist.copy()
            tolerance = dossier.tolerance
        try:
            hits = rematch(entries, prints, tolerance)
        finally:
            for faceprint in prints.values():
                faceprint.fill(0.0)  # copies of biometric data: zero them
            entries.clear()
        with self._lock:
            if generation != self._generation or session.number != number:
                return set()
            dossier.set_watchlist_hits(hits)
        return {vid for vid, hit in hits.items() if hit is None}
