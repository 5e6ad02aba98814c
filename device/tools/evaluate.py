"""``oko eval faces``: how well session identities work on labelled photos.

Layout of the folder (either):

- ``DIR/manifest.csv`` with columns ``file`` and ``people``: the people in each photo, left to
  right, separated by ``;`` (``?`` for someone unnamed, who is left out of the figures); or
- ``DIR/<person>/<photos>``: one folder per person, one face per photo.
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from recognition.errors import ConfigError
from device.tools.scan import STILL_GAP_S, read_frames
from recognition.dossier import Dossier
from recognition.pipeline import Pipeline
from recognition.types import Box, FaceObservation, FrameResult

UNNAMED = "?"
DEFAULT_SWEEP = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


@dataclass(frozen=True)
class Scores:
    """Figures at one tolerance.

    ``precision``/``recall``: of face pairs judged "same person" (distance ≤ tolerance).
    ``false_match_rate``: share of pairs of different people judged the same.

    The rest run the photos as one session through the real dossier (arrival matching and
    re-clustering). ``live_precision``/``live_recall``: pairwise, of faces given the same
    visitor number as each was labelled ("as you go"); ``final_precision``/``final_recall``:
    the same with every number mapped to the one it ends up as after merges.
    ``identified``: share of a person's later faces whose final number is their first face's.
    ``splits``: people with more than one final number; ``merges``: final numbers given to
    more than one person; ``linked``: numbers merged into an older one during the session.
    """

    tolerance: float
    precision: float
    recall: float
    false_match_rate: float
    identified: float
    splits: int
    merges: int
    live_precision: float = 1.0
    live_recall: float = 1.0
    final_precision: float = 1.0
    final_recall: float = 1.0
    linked: int = 0


@dataclass(frozen=True)
class Evaluation:
    """Encoded faces of a labelled folder and the scores over a tolerance sweep."""

    photos: int
    faces: int
    people: int
    skipped: tuple[str, ...]
    scores: tuple[Scores, ...]


def read_labels(folder: Path) -> list[tuple[Path, list[str]]]:
    """The photos of ``folder`` and who is in each, per the layouts in this module's doc.

    Raises:
        ConfigError: the folder does not exist or holds no labelled photos.
    """
    if not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder; see 'oko eval faces --help' for the layout.")
    manifest = folder / "manifest.csv"
    if manifest.is_file():
        with manifest.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        column = "people" if rows and "people" in rows[0] else "person_id"
        labelled = [(folder / r["file"], r[column].split(";")) for r in rows if r.get(column)]
    else:
        labelled = [
            (photo, [person.name])
            for person in sorted(p for p in folder.iterdir() if p.is_dir())
            for photo in sorted(person.iterdir()) if photo.is_file()
        ]
    if not labelled:
        raise ConfigError(f"{folder} has no manifest.csv and no per-person folders of photos.")
    return labelled


def evaluate(
    folder: Path, pipeline: Pipeline, tolerances: Sequence[float] = DEFAULT_SWEEP
) -> Evaluation:
    """Encode every labelled face in ``folder`` with ``pipeline`` and score each tolerance.

    Photos whose face count differs from their label count are skipped and listed.
    """
    settings = dataclasses.replace(pipeline.settings, max_encodes_per_frame=50)
    encodings, people, skipped, photo_of = [], [], [], []
    labelled = read_labels(folder)
    for i, (path, names) in enumerate(labelled):
        frames = list(read_frames(path, 1, i * STILL_GAP_S))
        if not frames or isinstance(frames[0][1], str):
            skipped.append(f"{path.name}: {frames[0][1] if frames else 'unreadable'}")
            continue
        faces = sorted(Pipeline(settings).process(frames[0][1]).faces, key=lambda f: f.box.left)
        if len(faces) != len(names):
            skipped.append(f"{path.name}: {len(faces)} faces found, {len(names)} labelled")
            continue
        for face, name in zip(faces, names):
            encodings.append(face.encoding)
            people.append(name)
            photo_of.append(i)
    scores = tuple(_score(np.array(encodings), people, photo_of, t) for t in tolerances)
    named = {p for p in people if p != UNNAMED}
    return Evaluation(len(labelled), len(encodings), len(named), tuple(skipped), scores)


def _score(encodings: np.ndarray, people: list[str], photo_of: list[int],
           tolerance: float) -> Scores:
    labels = np.array(people)
    named = labels != UNNAMED
    distances = np.linalg.norm(encodings[:, None] - encodings[None], axis=2)
    upper = np.triu_indices(len(labels), 1)
    pair_named = (named[:, None] & named[None])[upper]
    truth = (labels[:, None] == labels[None])[upper][pair_named]
    judged = (distances[upper] <= tolerance)[pair_named]
    tp = int((truth & judged).sum())

    live, final, linked = run_session(encodings, photo_of, tolerance)
    first: dict[str, str] = {}
    later = hits = 0
    for person, visitor in zip(people, final):
        if person == UNNAMED:
            continue
        if person in first:
            later += 1
            hits += visitor == first[person]
        else:
            first[person] = visitor
    ids_of = {p: {v for q, v in zip(people, final) if q == p} for p in first}
    people_of: dict[str, set[str]] = {}
    for person, visitor in zip(people, final):
        if person != UNNAMED:
            people_of.setdefault(visitor, set()).add(person)
    live_p, live_r = pairwise(live, people)
    final_p, final_r = pairwise(final, people)
    return Scores(
        tolerance=tolerance,
        precision=tp / judged.sum() if judged.sum() else 1.0,
        recall=tp / truth.sum() if truth.sum() else 1.0,
        false_match_rate=float((judged & ~truth).sum() / max((~truth).sum(), 1)),
        identified=hits / later if later else 1.0,
        splits=sum(len(ids) > 1 for ids in ids_of.values()),
        merges=sum(len(ps) > 1 for ps in people_of.values()),
        live_precision=live_p, live_recall=live_r,
        final_precision=final_p, final_recall=final_r, linked=linked,
    )


def run_session(encodings: np.ndarray, photo_of: list[int],
                tolerance: float) -> tuple[list[str], list[str], int]:
    """Feed the faces, photo by photo, through a real :class:`Dossier` at ``tolerance``.

    Returns each face's visitor number as labelled when it arrived, its final number after
    every merge, and how many numbers were merged into older ones.
    """
    dossier = Dossier(tolerance=tolerance)
    live: list[str] = []
    track = 0
    for photo in dict.fromkeys(photo_of):
        rows = [i for i, p in enumerate(photo_of) if p == photo]
        faces = []
        for row in rows:
            track += 1  # every face of every photo is a track of its own, as in a scan
            faces.append(FaceObservation(Box(0, 0, 1, 1), track, encoding=encodings[row].copy()))
        labelled = dossier.record(FrameResult(photo, photo * STILL_GAP_S, (1, 1), tuple(faces)))
        live.extend(f.visitor_id or "?" for f in labelled)
    final = [dossier.resolve(v) for v in live]
    linked = len(set(live)) - len(set(final))
    dossier.wipe(0.0)
    return live, final, linked


def pairwise(assigned: list[str], people: list[str]) -> tuple[float, float]:
    """Pairwise precision and recall of "same visitor number" against "same person" over the
    named faces (1.0 where there is nothing to count)."""
    labels = np.array(people)
    ids = np.array(assigned)
    named = labels != UNNAMED
    upper = np.triu_indices(len(labels), 1)
    keep = (named[:, None] & named[None])[upper]
    truth = (labels[:, None] == labels[None])[upper][keep]
    judged = (ids[:, None] == ids[None])[upper][keep]
    tp = int((truth & judged).sum())
    return (tp / judged.sum() if judged.sum() else 1.0,
            tp / truth.sum() if truth.sum() else 1.0)


def format_table(evaluation: Evaluation, current: float) -> str:
    """The sweep as a text table, marking the configured tolerance with ``*``."""
    lines = [
        f"{evaluation.photos} photos, {evaluation.faces} faces of {evaluation.people} people "
        f"({len(evaluation.skipped)} photos skipped)",
        *(f"  skipped {s}" for s in evaluation.skipped),
        "",
        "faceprint pairs (distance <= tolerance), then the photos as one session: visitor "
        "numbers as given (as you go) and after re-clustering merged them (final)",
        "",
        "                pairs              as you go          final",
        "tolerance  precision  recall  precision  recall  precision  recall  false-match  "
        "identified  splits  merges  linked",
    ]
    for s in evaluation.scores:
        mark = "*" if abs(s.tolerance - current) < 1e-9 else " "
        lines.append(
            f"{s.tolerance:8.2f}{mark}  {s.precision:9.3f}  {s.recall:6.3f}  "
            f"{s.live_precision:9.3f}  {s.live_recall:6.3f}  {s.final_precision:9.3f}  "
            f"{s.final_recall:6.3f}  {s.false_match_rate:11.4f}  {s.identified:10.3f}  "
            f"{s.splits:6d}  {s.merges:6d}  {s.linked:6d}"
        )
    return "\n".join(lines)
