"""Detection and encodings with the real dlib models on real photos."""

import cv2
import numpy as np
import pytest

from recognition.faces.api import detect_faces, encode_faces, face_distances
from tests.helpers import encoding, load_bgr


def rgb(name: str) -> np.ndarray:
    return cv2.cvtColor(load_bgr(name), cv2.COLOR_BGR2RGB)




@pytest.mark.parametrize(
    ("name", "count"),
    [("obama.jpg", 1), ("biden.jpg", 1), ("two_people.jpg", 2), ("kit_with_rose.jpg", 2),
     ("obama_small.jpg", 1)],
)
def test_detects_every_face(name, count):
    assert len(detect_faces(rgb(name))) == count


def test_box_matches_the_face_location():
    (box,) = detect_faces(rgb("obama.jpg"), upsample=1, model="hog")
    # face_recognition.face_locations() on this photo (upsample 1): (142, 617, 409, 349).
    assert (box.top, box.right, box.bottom, box.left) == (142, 617, 409, 349)


def test_face_cut_by_the_frame_edge_is_kept_inside_the_image():
    image = rgb("obama_partial_face.jpg")
    (box,) = detect_faces(image)
    assert box.left == 0 and box.right <= image.shape[1] and box.width > 100


def test_min_size_drops_small_faces():
    image = rgb("obama_small.jpg")  # the face is ~107 px wide
    assert len(detect_faces(image, min_size_px=80)) == 1
    assert detect_faces(image, min_size_px=150) == []


def test_encodings_separate_people():
    obama, obama2, biden = encoding("obama.jpg"), encoding("obama2.jpg"), encoding("biden.jpg")
    assert obama.shape == (128,)
    same = face_distances(obama[None], obama2)[0]
    different = face_distances(obama[None], biden)[0]
    assert same < 0.5 < different


def test_no_boxes_means_no_encodings():
    assert encode_faces(rgb("obama.jpg"), []) == []
    assert face_distances(np.zeros((0, 128)), np.zeros(128)).shape == (0,)
