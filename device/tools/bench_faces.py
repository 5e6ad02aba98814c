"""``oko bench`` parts about faces at a distance and session re-clustering.

- **Small faces**: a clip made from the bench clip's own faces, shrunk to 60–90 px and
  drifting across a 640×480 frame, four at a time (people standing 1.5–2.5 m from a Camera
  Module 3); it reports the share of faces found and the frames per second of our pipeline.
- **Re-clustering cost**: milliseconds per new faceprint (match plus re-clustering of its
  neighbourhood) with 100 and 500 faceprints stored, against clustering the whole session.
"""

from __future__ import annotations

import statistics
import time

import cv2
import dlib
import numpy as np

from device.assembly import build_session
from device.config import Config, SessionConfig
from recognition.consent import EVERYONE
from recognition.faces import api as face_api
from recognition.faces.clusters import ARRIVAL_MARGIN, MIN_LINKS
from recognition.faces.identities import IdentityIndex
from recognition.pipeline import RecognitionSettings
from recognition.types import Box, Frame

SMALL_WIDTHS_PX = (60, 70, 80, 90)
STORED = (100, 500)


def face_patches(frames: list[np.ndarray], wanted: int = 4) -> list[tuple[np.ndarray, Box]]:
    """Up to ``wanted`` faces cut from the clip (with margin) and their dlib box in the patch.

    Searched with HOG at one upsample on frames spread over the clip; an empty list when the
    clip shows no face.
    """
    patches: list[tuple[np.ndarray, Box]] = []
    step = max(1, len(frames) // 24)
    for image in frames[::step]:
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        for box in face_api.detect_faces(rgb, model="hog", upsample=1):
            if box.width < 60:  # shrinking a small face further tells nothing
                continue
            margin = box.width // 2
            top, left = max(0, box.top - margin), max(0, box.left - margin)
            patch = image[top:box.bottom + margin, left:box.right + margin].copy()
            patches.append((patch, Box(box.left - left, box.top - top, box.right - left,
                                       box.bottom - top)))
            break
        if len(patches) == wanted:
            break
    return patches


def small_face_clip(frames: list[np.ndarray], patches: list[tuple[np.ndarray, Box]],
                    count: int = 150) -> tuple[list[np.ndarray], list[list[Box]]]:
    """``count`` 640×480 frames with the ``patches`` shrunk to :data:`SMALL_WIDTHS_PX` wide
    faces, drifting 1 px a frame over a darkened, blurred frame of the clip; returns the
    frames and the faces' boxes in each."""
    background = cv2.GaussianBlur(cv2.resize(frames[0], (640, 480)), (31, 31), 0) // 2
    sized = []
    for n, width in enumerate(SMALL_WIDTHS_PX):
        patch, face = patches[n % len(patches)]
        scale = width / face.width
        sized.append((cv2.resize(patch, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA),
                      face.scaled(scale)))
    out, truth = [], []
    for f in range(count):
        canvas = background.copy()
        boxes = []
        for n, (patch, face) in enumerate(sized):
            x, y = 20 + n * 155 + f % 20, 150 + (n % 2) * 60
            h, w = min(patch.shape[0], 480 - y), min(patch.shape[1], 640 - x)
            canvas[y:y + h, x:x + w] = patch[:h, :w]
            boxes.append(Box(face.left + x, face.top + y, face.right + x, face.bottom + y))
        out.append(canvas)
        truth.append(boxes)
    return out, truth


def run_small_faces(frames: list[np.ndarray], settings: RecognitionSettings) -> dict:
    """Our pipeline and dossier on the small-face clip: share of faces found, frames/s.

    Returns ``{"measured": False, "reason": ...}`` when the clip has no face to shrink.
    """
    patches = face_patches(frames)
    if not patches:
        return {"measured": False, "reason": "the clip shows no face of 60 px or more to shrink"}
    clip, truth = small_face_clip(frames, patches)
    session = build_session(Config(recognition=settings,
                                   session=SessionConfig(idle_wipe_s=600.0)))
    session.pipeline.consent = EVERYONE  # a detection figure: faces at the edges count too
    found = total = 0
    busy_s = 0.0
    for i, (image, boxes) in enumerate(zip(clip, truth)):
        started = time.perf_counter()
        result = session.pipeline.process(Frame(image, i / 30.0, i))
        session.dossier.record(result)
        busy_s += time.perf_counter() - started
        seen = [f.box for f in result.faces]
        total += len(boxes)
        found += sum(any(b.iou(s) >= 0.4 for s in seen) for b in boxes)
    receipt = session.wipe(0.0, reason="bench")
    return {"measured": True, "widths_px": list(SMALL_WIDTHS_PX), "frames": len(clip),
            "faces": total, "found": found, "recall": found / total if total else None,
            "fps": len(clip) / busy_s if busy_s else None, "visitors": receipt.visitors,
            "faces_shown": len(SMALL_WIDTHS_PX)}


def look_alike_prints(stored: int, seed: int = 0, per_person: int = 4,
                      group: int = 6) -> list[np.ndarray]:
    """Made-up faceprints of ``stored // per_person`` people in groups of ``group``
    look-alikes (~0.5 apart, within the tolerance of each other) so every new faceprint has
    a crowded neighbourhood: the costly case for re-clustering."""
    rng = np.random.default_rng(seed)
    people = stored // per_person
    prints = []
    for start in range(0, people, group):
        centre = rng.normal(0.0, 0.09, 128)
        for _ in range(min(group, people - start)):
            person = centre + rng.normal(0.0, 0.034, 128)
            prints.extend(person + rng.normal(0.0, 0.018, 128) for _ in range(per_person))
    return prints


def clustering_cost(tolerance: float, repeats: int = 40) -> dict:
    """Milliseconds per new faceprint, match and neighbourhood re-clustering, at each of
    :data:`STORED` faceprints held; with clustering the whole session once for scale."""
    report = {}
    for stored in STORED:
        prints = look_alike_prints(stored, seed=stored)
        index = IdentityIndex(tolerance=tolerance, arrival_margin=ARRIVAL_MARGIN,
                              min_links=MIN_LINKS)
        for enc in prints:
            index.match(enc)
        rng = np.random.default_rng(1)
        times = []
        for _ in range(repeats):
            probe = prints[int(rng.integers(len(prints)))] + rng.normal(0.0, 0.018, 128)
            started = time.perf_counter()
            index.match(probe)
            index.recluster(probe)
            times.append((time.perf_counter() - started) * 1000)
        vectors = [dlib.vector(p.tolist()) for p in prints]
        started = time.perf_counter()
        dlib.chinese_whispers_clustering(vectors, tolerance)  # what re-clustering all costs
        whole_ms = (time.perf_counter() - started) * 1000
        ordered = sorted(times)
        report[str(stored)] = {
            "median": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
            "whole_session": whole_ms,
            "held": index.encoding_count,
        }
        index.wipe()
    return report
