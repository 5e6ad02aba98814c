"""Blurred faces are boxed but not identified; tracks do not jump to a smaller face."""

import cv2

from recognition.dossier import Dossier
from recognition.faces.api import detect_faces
from recognition.faces.quality import MIN_SHARPNESS, identifiable, sharpness
from recognition.faces.tracking import Tracker
from recognition.pipeline import Pipeline, RecognitionSettings
from recognition.types import Box, Frame
from tests.helpers import load_bgr


def test_a_blurred_face_is_too_blurred_to_identify():
    image = load_bgr("obama.jpg")
    (box,) = detect_faces(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    blurred = cv2.GaussianBlur(image, (0, 0), 12)
    assert identifiable(image, box) and sharpness(image, box) > 5 * MIN_SHARPNESS
    assert not identifiable(blurred, box)
    assert sharpness(image, Box(5, 5, 5, 5)) == 0.0


def test_pipeline_waits_for_a_sharp_view_before_encoding():
    image = load_bgr("obama.jpg")
    blurred = cv2.GaussianBlur(image, (0, 0), 12)
    pipeline, dossier = Pipeline(RecognitionSettings(detect_every=1)), Dossier()
    first = pipeline.process(Frame(blurred, 0.0, 0))
    assert len(first.faces) == 1 and first.encoded_tracks == 0
    assert dossier.record(first)[0].visitor_id is None and dossier.visitor_count == 0
    sharp = pipeline.process(Frame(image, 0.1, 1))
    assert sharp.encoded_tracks == 1
    assert dossier.record(sharp)[0].visitor_id == "V1"


def test_a_track_does_not_jump_to_a_smaller_face_inside_its_box():
    tracker = Tracker()
    (big,) = tracker.update([Box(100, 100, 200, 200)], 0.0)
    (moved,) = tracker.update([Box(105, 102, 203, 200)], 0.1)
    assert moved.track_id == big.track_id
    (other,) = tracker.update([Box(120, 120, 180, 180)], 0.2)  # 60 px inside the 98 px box
    assert other.track_id != big.track_id
