"""Re-clustering a session's faceprints as they arrive, so two numbers for one person merge.

Matching each new face once, on arrival, against the nearest stored faceprint must choose
between merging people (a loose tolerance) and splitting them (a strict one). Real systems
re-cluster what they hold as evidence accumulates; so does Oko, with dlib's Chinese Whispers
graph clustering (faceprints are nodes, pairs closer than the tolerance are edges, each node
repeatedly takes the label most common among its neighbours). One close pair between two
people does not carry a label across; many pairs between two groups do.

Cost is bounded: only the new faceprint's neighbourhood is re-clustered: the visitors owning
its :data:`NEIGHBOUR_VISITORS` nearest faceprints within the tolerance, each with at most the
samples the identity index keeps for them (8). The nearest-neighbour search over everything
stored is one numpy operation (~1 ms per 10,000 faceprints).

Pure: arrays in, decisions out; the caller (:class:`~recognition.faces.identities.IdentityIndex`)
applies them. Groups are only ever joined, never split, so a visitor once shown keeps their
number or gives it up to an older one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

#: A new face joins a known visitor on arrival only when this much nearer than the tolerance;
#: between the two it gets a number of its own, merged later if the evidence builds up
#: (:data:`MIN_LINKS`). On the development photos plus the dlib_pascal faces (49 people, 84
#: faces, 20 shuffled orders, each one session through the dossier): matching on arrival
#: alone gave final pairwise precision 0.992, this margin with two links 1.000, both with
#: recall 1.000 (README, "Visitors that turn out to be one").
ARRIVAL_MARGIN = 0.05
#: Pairs of faceprints within the tolerance needed to merge two visitors (unless they are
#: as close as an arrival match): one chance close pair between two people is not enough.
MIN_LINKS = 2
#: Visitors (by nearest faceprint) re-clustered around each new faceprint.
NEIGHBOUR_VISITORS = 6
#: Share of a visitor's faceprints that must fall in one cluster for it to count as there.
MAJORITY = 0.5


@dataclass(frozen=True)
class Merge:
    """Two visitor numbers found to be one person: ``absorbed`` joins ``kept`` (the older)."""

    kept: str
    absorbed: str


def chinese_whispers(distances: np.ndarray, threshold: float) -> list[int]:
    """Cluster labels of the nodes of a distance matrix, with edges where distance ≤ ``threshold``.

    Args:
        distances: N×N symmetric matrix of faceprint distances.
        threshold: largest distance that links two nodes (the matching tolerance).

    Returns:
        One label per node; equal labels mean one cluster. Deterministic for equal input.
    """
    n = len(distances)
    if n == 0:
        return []
    rows, cols = np.nonzero(np.triu(distances <= threshold, k=1))
    # Every node gets a self edge so isolated ones still receive a label of their own.
    edges = [(i, i) for i in range(n)] + [(int(i), int(j)) for i, j in zip(rows, cols)]
    return list(_dlib().chinese_whispers(edges))


def neighbourhood(distances_to_new: np.ndarray, owners: Sequence[str], threshold: float,
                  *, limit: int = NEIGHBOUR_VISITORS) -> list[str]:
    """The visitors owning the faceprints nearest to a new one, within ``threshold``.

    Args:
        distances_to_new: distance of the new faceprint to every stored one (same order as
            ``owners``).
        owners: the visitor owning each stored faceprint.
        threshold: the matching tolerance.
        limit: at most this many visitors, nearest first.
    """
    close = np.flatnonzero(distances_to_new <= threshold)
    visitors: list[str] = []
    for row in close[np.argsort(distances_to_new[close], kind="stable")]:
        if owners[row] not in visitors:
            visitors.append(owners[row])
            if len(visitors) == limit:
                break
    return visitors


def merges_among(samples: np.ndarray, owners: Sequence[str], age: dict[str, int],
                 threshold: float, *, link_threshold: float | None = None,
                 min_links: int = 1, sure_threshold: float = 0.0,
                 sources: Sequence[object] | None = None) -> list[Merge]:
    """Which of the visitors owning ``samples`` are one person, by Chinese Whispers.

    Args:
        samples: M×128 faceprints of a few visitors (a neighbourhood, see :func:`neighbourhood`).
        owners: the visitor of each row of ``samples``.
        age: visitor → order of first sighting (smaller is older); merges keep the older.
        threshold: largest distance that links two faceprints.
        link_threshold: a visitor joins the oldest of its cluster only when the mean
            distance between their faceprints (average linkage) is at most this (default
            ``threshold``); one chance close pair between two people seen once is not
            evidence enough.
        min_links: and at least this many pairs of their faceprints must lie within
            ``threshold`` of each other, unless their mean distance is within
            ``sure_threshold`` (as close as a new face must be to join on arrival).
        sources: what each faceprint came from (a face track); pairs between the same two
            sources count as one link, so one track's successive faceprints are not taken
            for independent evidence. Default: every faceprint its own source.

    Returns:
        Merges to apply, each into the oldest visitor of its cluster. A visitor joins a
        cluster only when at least :data:`MAJORITY` of its faceprints are in it; a visitor
        spread over several clusters stays as it is (visitors are never split).
    """
    if len(set(owners)) < 2:
        return []
    differences = samples[:, None, :] - samples[None, :, :]
    distances = np.linalg.norm(differences, axis=2)
    differences.fill(0.0)  # derived from faceprints: zeroed, not left to the allocator
    labels = chinese_whispers(distances, threshold)
    home: dict[str, int] = {}
    for visitor in dict.fromkeys(owners):
        mine = [label for label, owner in zip(labels, owners) if owner == visitor]
        label = max(set(mine), key=lambda lbl: (mine.count(lbl), -lbl))
        if mine.count(label) >= MAJORITY * len(mine):
            home[visitor] = label
    clusters: dict[int, list[str]] = {}
    for visitor, label in home.items():
        clusters.setdefault(label, []).append(visitor)
    link = threshold if link_threshold is None else link_threshold
    origin = list(range(len(owners))) if sources is None else list(sources)
    owner_array = np.array(owners)
    merges = []
    for members in clusters.values():
        members.sort(key=lambda v: age[v])
        kept = members[0]
        for other in members[1:]:
            mine, theirs = np.flatnonzero(owner_array == kept), np.flatnonzero(owner_array == other)
            cross = distances[np.ix_(mine, theirs)]
            close = np.argwhere(cross <= threshold)
            links = len({(origin[mine[i]], origin[theirs[j]]) for i, j in close})
            sure = cross.mean() <= sure_threshold
            if cross.mean() <= link and (links >= min_links or sure):
                merges.append(Merge(kept, other))
    return merges


def _dlib():
    import dlib  # loaded with face_recognition anyway; imported here to keep import cheap

    return dlib
