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
from recognition.faces.identities import IdentityIndex
from recognition.pipeline import Pipeline

UNNAMED = "?"
DEFAULT_SWEEP = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


@dataclass(frozen=True)
class Scores:
    """Figures at one tolerance.

    ``precision``/``recall``: of face pairs judged "same person" (distance ≤ tolerance).
    ``false_match_rate``: share of pairs of different people judged the same.
    ``identified``: share of a person's later faces matched back to their first visitor id
    when the photos are run as one session. ``splits``: people given more than one visitor
    id; ``merges``: visitor ids given to more than one person.
    """

    tolerance: float
    precision: float
    recall: float
    false_match_rate: float
    identified: float
    splits: int
    merges: int


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
    encodings, people, skipped = [], [], []
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
    scores = tuple(_score(np.array(encodings), people, t) for t in tolerances)
    named = {p for p in people if p != UNNAMED}
    return Evaluation(len(labelled), len(encodings), len(named), tuple(skipped), scores)


def _score(encodings: np.ndarray, people: list[str], tolerance: float) -> Scores:
    labels = np.array(people)
    named = labels != UNNAMED
    distances = np.linalg.norm(encodings[:, None] - encodings[None], axis=2)
    upper = np.triu_indices(len(labels), 1)
    pair_named = (named[:, None] & named[None])[upper]
    truth = (labels[:, None] == labels[None])[upper][pair_named]
    judged = (distances[upper] <= tolerance)[pair_named]
    tp = int((truth & judged).sum())

    index = IdentityIndex(tolerance=tolerance)
    assigned = [index.match(e).visitor_id for e in encodings]
    first: dict[str, str] = {}
    later = hits = 0
    for person, visitor in zip(people, assigned):
        if person == UNNAMED:
            continue
        if person in first:
            later += 1
            hits += visitor == first[person]
        else:
            first[person] = visitor
    ids_of = {p: {v for q, v in zip(people, assigned) if q == p} for p in first}
    people_of: dict[str, set[str]] = {}
    for person, visitor in zip(people, assigned):
        people_of.setdefault(visitor, set()).add(person)
    return Scores(
        tolerance=tolerance,
        precision=tp / judged.sum() if judged.sum() else 1.0,
        recall=tp / truth.sum() if truth.sum() else 1.0,
        false_match_rate=float((judged & ~truth).sum() / max((~truth).sum(), 1)),
        identified=hits / later if later else 1.0,
        splits=sum(len(ids) > 1 for ids in ids_of.values()),
        merges=sum(len(ps) > 1 for ps in people_of.values()),
    )


def format_table(evaluation: Evaluation, current: float) -> str:
    """The sweep as a text table, marking the configured tolerance with ``*``."""
    lines = [
        f"{evaluation.photos} photos, {evaluation.faces} faces of {evaluation.people} people "
        f"({len(evaluation.skipped)} photos skipped)",
        *(f"  skipped {s}" for s in evaluation.skipped),
        "",
        "tolerance  precision  recall  false-match  identified  splits  merges",
    ]
    for s in evaluation.scores:
        mark = "*" if abs(s.tolerance - current) < 1e-9 else " "
        lines.append(
            f"{s.tolerance:8.2f}{mark}  {s.precision:9.3f}  {s.recall:6.3f}  "
            f"{s.false_match_rate:11.4f}  {s.identified:10.3f}  {s.splits:6d}  {s.merges:6d}"
        )
    return "\n".join(lines)
