"""Pipeline + dossier on real photos: boxes, labels, returning visitors, time in view."""

import cv2
import numpy as np
import pytest

from recognition.dossier import Dossier
from recognition.pipeline import Pipeline, RecognitionSettings
from recognition.types import Frame
from tests.helpers import frame_of


@pytest.fixture
def pipeline():
    return Pipeline(RecognitionSettings(detect_width_px=320, upsample=1, refresh_s=3.0))


def test_boxes_are_in_display_pixels_after_downscaled_detection(pipeline):
    frame = frame_of("two_people.jpg", width=1126)
    result = pipeline.process(frame)
    assert len(result.faces) == 2
    left = min(result.faces, key=lambda f: f.box.left).box
    # Reference location at full size: left=253, top=47, right=408, bottom=202 (± downscaling).
    assert abs(left.left - 253) < 20 and abs(left.right - 408) < 20
    assert all(f.encoding is not None and f.encoding.shape == (128,) for f in result.faces)
    assert result.encoded_tracks == 2 and result.timings_ms["detect"] > 0


def test_track_is_encoded_once_then_reused(pipeline):
    first = pipeline.process(frame_of("obama.jpg", seq=0, at_s=0.0, width=640))
    second = pipeline.process(frame_of("obama.jpg", seq=1, at_s=0.1, width=640))
    assert first.faces[0].encoding is not None and second.faces[0].encoding is None
    assert first.faces[0].track_id == second.faces[0].track_id


def test_returning_visitor_keeps_number_and_counts_sightings(pipeline):
    dossier = Dossier(tolerance=0.5)
    shots = [("obama.jpg", 0.0), ("obama.jpg", 0.5), ("blank", 1.0), ("biden.jpg", 3.0),
             ("obama2.jpg", 6.0)]
    labels = []
    for seq, (name, at_s) in enumerate(shots):
        frame = frame_of("obama.jpg", seq=seq, at_s=at_s, width=640)
        if name == "blank":
            frame.image[:] = 0
        else:
            frame = frame_of(name, seq=seq, at_s=at_s, width=640)
        labels.append([f.visitor_id for f in dossier.record(pipeline.process(frame))])
    assert labels == [["V1"], ["V1"], [], ["V2"], ["V1"]]
    v1, v2 = dossier.profiles()
    assert (v1.visitor_id, v1.sightings, v1.in_view) == ("V1", 2, True)
    assert (v2.visitor_id, v2.sightings, v2.in_view) == ("V2", 1, False)
    assert v1.first_seen_s == 0.0 and v1.last_seen_s == 6.0
    assert v1.seconds_in_view == pytest.approx(0.5)
    assert all(f.encoding is None for f in dossier.record(pipeline.process(frame)))


def test_wipe_returns_a_receipt_and_forgets_everyone(pipeline):
    dossier = Dossier()
    dossier.record(pipeline.process(frame_of("two_people.jpg", width=800)))
    receipt = dossier.wipe(now_s=10.0)
    assert (receipt.visitors, receipt.encodings, receipt.sightings) == (2, 2, 2)
    assert dossier.profiles() == () and dossier.identities.encoding_count == 0
    assert dossier.started_s is None


def shifted(image, dx):
    return np.ascontiguousarray(np.roll(image, dx, axis=1))


def test_faces_are_followed_between_detections_and_a_lost_face_forces_one():
    pipeline = Pipeline(RecognitionSettings(detect_width_px=640, detect_every=3))
    base = frame_of("obama.jpg", width=640).image
    results = [pipeline.process(Frame(shifted(base, 6 * i), i / 30, i)) for i in range(4)]
    detected = ["detect" in r.timings_ms for r in results]
    assert detected == [True, False, False, True]
    lefts = [r.faces[0].box.left for r in results]
    assert all(abs((b - a) - 6) <= 4 for a, b in zip(lefts, lefts[1:]))  # followed the shift
    assert len({r.faces[0].track_id for r in results}) == 1
    blank = pipeline.process(Frame(np.zeros_like(base), 4 / 30, 4))
    assert "detect" in blank.timings_ms and blank.faces == ()


def test_reset_zeroes_the_face_templates():
    pipeline = Pipeline(RecognitionSettings(detect_width_px=640, detect_every=3))
    pipeline.process(frame_of("obama.jpg", width=640))
    (track,) = pipeline.tracker.tracks
    template = track.template
    assert template is not None and template.any()
    pipeline.reset()
    assert not template.any() and pipeline.tracker.tracks == ()


def test_cues_are_read_when_faces_are_detected_and_only_for_faces_with_a_faceprint():
    # Behaviour change (#14): landmark cues were read on every frame for every face; they
    # are now read on detection frames (and the frame a face is encoded), for tracks with
    # a faceprint, since only those belong to a visitor who can receive them.
    pipeline = Pipeline(RecognitionSettings(detect_width_px=640, detect_every=3))
    base = frame_of("obama.jpg", width=640).image
    results = [pipeline.process(Frame(shifted(base, 6 * i), i / 30, i)) for i in range(4)]
    detected = ["detect" in r.timings_ms for r in results]
    encoded = [r.encoded_tracks > 0 for r in results]
    cued = [r.faces[0].cues is not None for r in results]
    assert cued == [d or e for d, e in zip(detected, encoded)]
    assert cued[0] and cued[3] and not all(cued)
    # A face too blurred to identify gets no faceprint, so no cues either.
    blurred = cv2.GaussianBlur(base, (0, 0), 6)
    fresh = Pipeline(RecognitionSettings(detect_width_px=640, detect_every=1))
    (face,) = fresh.process(Frame(blurred, 0.0, 0)).faces
    assert face.encoding is None and face.cues is None
