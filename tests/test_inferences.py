"""What is inferred per face and visitor: cues, clothing colour, watchlist, companions."""

import cv2
import numpy as np
import pytest

from recognition.dossier import Dossier
from recognition.faces.api import detect_faces, find_landmarks
from recognition.faces.colour import clothing_colour
from recognition.faces.cues import read_cues
from recognition.faces.watchlist import Watchlist
from recognition.pipeline import Pipeline, RecognitionSettings
from recognition.types import Box
from tests.helpers import encoding, frame_of, load_bgr


def faces_left_to_right(name):
    image = load_bgr(name)
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    boxes = sorted(detect_faces(rgb, upsample=1, model="hog"), key=lambda b: b.left)
    return image, boxes, [read_cues(m) for m in find_landmarks(rgb, boxes)]


def test_cues_on_real_faces():
    _, _, (smiling,) = faces_left_to_right("obama.jpg")
    assert smiling.smiling and smiling.looking_at_camera and not smiling.eyes_closed
    _, _, (turned,) = faces_left_to_right("obama2.jpg")
    assert not turned.looking_at_camera and not turned.smiling and turned.yaw < 0.38
    _, _, (squint, straight, _) = faces_left_to_right("obama_and_biden.jpg")
    assert squint.eyes_closed and not straight.eyes_closed


def test_cues_need_every_landmark():
    assert read_cues({"chin": [(0, 0)] * 17}) is None


def test_clothing_colour_on_real_photos():
    image, (box,), _ = faces_left_to_right("rose_leslie1.jpg")
    assert clothing_colour(image, box) == "white"
    image, boxes, _ = faces_left_to_right("obama_and_biden.jpg")
    assert [clothing_colour(image, b) for b in boxes] == ["black", "black", "red"]


@pytest.mark.parametrize(
    ("bgr", "name"),
    [((30, 30, 200), "red"), ((200, 60, 20), "blue"), ((40, 160, 40), "green"),
     ((20, 20, 20), "black"), ((240, 240, 240), "white"), ((128, 128, 128), "grey"),
     ((30, 220, 230), "yellow"), ((128, 0, 128), "purple"), ((203, 192, 255), "pink"),
     ((30, 70, 120), "brown")],
)
def test_colour_names(bgr, name):
    image = np.zeros((400, 300, 3), np.uint8)
    image[:] = bgr
    assert clothing_colour(image, Box(100, 50, 200, 150)) == name


def test_no_colour_for_a_face_at_the_bottom_edge():
    assert clothing_colour(np.zeros((400, 300, 3), np.uint8), Box(100, 330, 200, 400)) is None


def test_watchlist_match_with_distance_and_tolerance():
    watchlist = Watchlist()
    watchlist.enrol("Ana (consented)", encoding("obama.jpg"))
    hit = watchlist.match(encoding("obama2.jpg"), tolerance=0.55)
    assert hit.label == "Ana (consented)" and 0 < hit.distance < 0.55
    assert hit.similarity == pytest.approx(1 - hit.distance)
    assert watchlist.match(encoding("biden.jpg"), tolerance=0.55) is None
    # Moving the tolerance far up produces a false match: the lesson for the facilitator.
    assert watchlist.match(encoding("biden.jpg"), tolerance=0.9).label == "Ana (consented)"
    assert watchlist.remove("Ana (consented)") == 1 and len(watchlist) == 0


def test_watchlist_rejects_bad_entries():
    with pytest.raises(ValueError):
        Watchlist().enrol("  ", np.zeros(128))
    with pytest.raises(ValueError):
        Watchlist().enrol("x", np.zeros(5))


def run(dossier, pipeline, shots):
    for seq, (name, at_s) in enumerate(shots):
        dossier.record(pipeline.process(frame_of(name, seq=seq, at_s=at_s, width=800)))
    return {p.visitor_id: p for p in dossier.profiles()}


def test_companions_trajectory_watchlist_and_enrolment_in_a_session():
    watchlist = Watchlist()
    watchlist.enrol("Consenting volunteer", encoding("biden2.jpg"))
    dossier = Dossier(watchlist=watchlist)
    pipeline = Pipeline(RecognitionSettings(detect_width_px=800))
    profiles = run(dossier, pipeline, [("two_people.jpg", t / 10) for t in range(8)]
                   + [("obama.jpg", 5.0)])
    biden, obama = profiles["V1"], profiles["V2"]  # the larger face is encoded first
    assert [c.visitor_id for c in obama.companions] == ["V1"]
    assert obama.companions[0].frames_together == 8
    assert obama.companions[0].seconds_together == pytest.approx(0.7)
    assert biden.watchlist.label == "Consenting volunteer" and obama.watchlist is None
    assert obama.sightings == 2 and obama.returning and not biden.returning
    assert len(obama.trajectory) == 3  # 0.0, 0.5 and 5.0 s
    assert all(0 <= x <= 1 and 0 <= y <= 1 for _, x, y in obama.trajectory)
    assert obama.attention is not None and obama.clothing is not None

    assert dossier.enrol("Visitor who agreed", "V2") and not dossier.enrol("x", "V9")
    receipt = dossier.wipe(10.0)
    assert receipt.watchlist_hits == 1 and receipt.trajectory_points >= 4
    assert len(watchlist) == 2  # the event's watchlist outlives the session


def test_tolerance_changes_live():
    dossier = Dossier(tolerance=0.55)
    pipeline = Pipeline(RecognitionSettings(detect_width_px=800))
    run(dossier, pipeline, [("obama.jpg", 0.0)])
    dossier.set_tolerance(0.2)
    profiles = run(dossier, pipeline, [("obama2.jpg", 5.0)])
    assert set(profiles) == {"V1", "V2"}  # too strict: the same man becomes two visitors
