"""``oko eval detection``: recall by face width and false detections against imglab XML."""

import json

import cv2

from device.tools.detection_eval import BUCKETS, evaluate_detection, match, read_imglab
from recognition.pipeline import RecognitionSettings
from recognition.types import Box
from tests.helpers import assert_one_clear_line, oko, small_faces_frame

PEOPLE = ["obama.jpg", "biden.jpg", "rose_leslie1.jpg", "kit_harington1.jpeg"]


def annotated_folder(tmp_path, face_px=44, extra=""):
    """Real faces shrunk to ``face_px`` in a 640×480 frame, with imglab XML naming them."""
    frame, boxes = small_faces_frame(PEOPLE, face_px=face_px)
    cv2.imwrite(str(tmp_path / "crowd.jpg"), frame)
    cv2.imwrite(str(tmp_path / "wall.jpg"), frame[:, :, :] * 0 + 110)  # no face at all
    rows = "".join(f"<box top='{b.top}' left='{b.left}' width='{b.width}' height='{b.height}'/>"
                   for b in boxes)
    (tmp_path / "faces.xml").write_text(
        "<?xml version='1.0'?><dataset><images>"
        f"<image file='crowd.jpg'>{rows}</image><image file='wall.jpg'></image>{extra}"
        "</images></dataset>")
    return boxes


def test_each_face_and_detection_pairs_once():
    faces = (Box(0, 0, 40, 40), Box(100, 0, 140, 40))
    found = [Box(2, 2, 42, 42), Box(1, 1, 41, 41), Box(300, 300, 340, 340)]
    # The closer box finds the face; the other on the same face is a false detection.
    assert match(faces, found) == ({0}, {1})


def test_recall_by_width_and_false_detections(tmp_path):
    boxes = annotated_folder(tmp_path)
    images = read_imglab(tmp_path)
    assert [len(i.faces) for i in images] == [len(PEOPLE), 0]
    scores = evaluate_detection(tmp_path, RecognitionSettings())
    by = {b.label: b for b in scores.buckets}
    assert [b.label for b in scores.buckets] == [label for label, _, _ in BUCKETS]
    assert by["40-60"].faces == len(boxes) and by["40-60"].found == len(boxes)
    assert scores.false_detections == 0 and scores.images == 2
    hog = evaluate_detection(tmp_path, RecognitionSettings(model="hog"))
    assert hog.found == 0  # the 80 px window of HOG misses every 44 px face


def test_cli_json_and_table(tmp_path):
    annotated_folder(tmp_path, face_px=34)
    result = oko("eval", "detection", str(tmp_path), "--json", "--tiles", "2", timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["by_width"]["30-40"]["faces"] == len(PEOPLE)
    assert report["by_width"]["30-40"]["recall"] >= 0.75
    assert set(report["ms_per_frame"]) == {"median", "p95"} and report["model"] == "blazeface"
    assert report["tiles"] == 2
    table = oko("eval", "detection", str(tmp_path / "faces.xml"), "--model", "hog", timeout=120)
    assert "30-40" in table.stdout and "false detections: 0" in table.stdout


def test_bad_input_is_one_clear_line(tmp_path):
    assert_one_clear_line(oko("eval", "detection", str(tmp_path / "gone")), "does not exist")
    assert_one_clear_line(oko("eval", "detection", str(tmp_path)), "no imglab XML")
    (tmp_path / "bad.xml").write_text("<dataset><images><image file='x.jpg'><box top='1'/>")
    assert_one_clear_line(oko("eval", "detection", str(tmp_path)), "not readable imglab XML")
    (tmp_path / "bad.xml").write_text(
        "<dataset><images><image file='x.jpg'><box top='1'/></image></images></dataset>")
    assert_one_clear_line(oko("eval", "detection", str(tmp_path)), "lacks top/left/width/height")
    (tmp_path / "bad.xml").write_text(
        "<dataset><images><image file='x.jpg'></image></images></dataset>")
    assert_one_clear_line(oko("eval", "detection", str(tmp_path)), "could be read")
