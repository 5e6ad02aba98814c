"""What a face's landmarks give away: attention, eyes closed, smiling.

Computed from dlib's 68 landmarks (as returned by ``face_recognition.face_landmarks``), with
ratios that do not depend on the face's size. The thresholds were set on the development
photos (neutral mouths measure 0.33–0.41, broad smiles 0.47–0.55; open eyes 0.19–0.42, a blink
0.12) and are deliberately simple: the point is to show that such signals exist, not to
score people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

#: Eye aspect ratio (Soukupová & Čech, 2016) below which eyes count as closed.
EYES_CLOSED_BELOW = 0.15
#: Mouth width over jaw width at or above which the face counts as smiling.
SMILE_AT_LEAST = 0.45
#: Largest distance of the nose from the middle of the jaw (as a fraction of the jaw width)
#: for the face to count as turned towards the camera.
FACING_WITHIN = 0.12

Landmarks = Mapping[str, Sequence[tuple[int, int]]]


@dataclass(frozen=True)
class Cues:
    """Signals read from one face's landmarks, with the measurements behind them."""

    looking_at_camera: bool
    eyes_closed: bool
    smiling: bool
    yaw: float
    eye_openness: float
    smile_ratio: float


def _eye_aspect_ratio(eye: np.ndarray) -> float:
    # Points run corner, top, top, corner, bottom, bottom around the eye.
    width = np.linalg.norm(eye[0] - eye[3])
    height = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
    return float(height / (2.0 * width)) if width else 0.0


def read_cues(landmarks: Landmarks) -> Cues | None:
    """Derive :class:`Cues` from one face's 68 landmarks; ``None`` if some are missing.

    ``yaw`` is where the nose tip sits between the jaw's left (0.0) and right (1.0) ends;
    0.5 means facing the camera.
    """
    try:
        chin = np.asarray(landmarks["chin"], float)
        nose = np.asarray(landmarks["nose_bridge"], float)
        lip = np.asarray(landmarks["top_lip"], float)
        eyes = [np.asarray(landmarks[k], float) for k in ("left_eye", "right_eye")]
    except KeyError:
        return None
    if len(chin) < 17 or len(nose) < 4 or len(lip) < 7 or any(len(e) < 6 for e in eyes):
        return None
    jaw = float(np.linalg.norm(chin[16] - chin[0]))
    span = chin[16][0] - chin[0][0]
    if jaw <= 0 or span == 0:
        return None
    yaw = float((nose[-1][0] - chin[0][0]) / span)
    openness = float(np.mean([_eye_aspect_ratio(e) for e in eyes]))
    smile = float(np.linalg.norm(lip[6] - lip[0]) / jaw)
    return Cues(
        looking_at_camera=abs(yaw - 0.5) <= FACING_WITHIN,
        eyes_closed=openness < EYES_CLOSED_BELOW,
        smiling=smile >= SMILE_AT_LEAST,
        yaw=yaw,
        eye_openness=openness,
        smile_ratio=smile,
    )
