"""Several cameras as named places: real clips from two file cameras into one session, a
camera that fails alone, the marker and its buzzer, the wipe, and every kind of bad input."""

import json
import logging
import time

import cv2
import numpy as np
import pytest
from gpiozero.pins.mock import MockFactory

from dashboard.state import state_json
from device.camera import OpenCVSource
from device.city import CapacityCheck
from device.config import Config, load_config, with_cameras
from device.controls import Controls
from device.places import resolve_cameras
from recognition.errors import ConfigError
from recognition.pipeline import RecognitionSettings
from tests.fakes import ScriptedSource, UnpluggableSource
from tests.helpers import (assert_one_clear_line, load_bgr, oko, scan_json, start_city, wait_for,
                           write_clip)


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Obama walks past camera 1 (from 2 s to 4.5 s of every 12) and, later, camera 2 (from
    8 s to 11 s)."""
    folder = tmp_path_factory.mktemp("clips")
    first = write_clip(folder / "first.mp4", [(None, 2.0), ("obama.jpg", 2.5), (None, 7.5)])
    second = write_clip(folder / "second.mp4", [(None, 8.0), ("obama2.jpg", 3.0), (None, 1.0)])
    return first, second


#: Plate readers off: they take seconds to load, and these clips show no car.
FACES_ONLY = RecognitionSettings(plates=False)


def route_of(engine, visitor_id):
    profile = next((p for p in engine.snapshot().visitors if p.visitor_id == visitor_id), None)
    return () if profile is None else profile.route


def test_a_visitor_seen_by_both_cameras_keeps_one_number_and_gets_a_route(clips):
    with start_city(OpenCVSource(clips[0]), OpenCVSource(clips[1]),
                    settings=FACES_ONLY) as engine:
        wait_for(lambda: len(route_of(engine, "V1")) >= 2, 40.0)
        snap = engine.snapshot()
        state = json.loads(json.dumps(state_json(snap)))
    assert [p.visitor_id for p in snap.visitors] == ["V1"]  # one person, one number
    assert state["cameras"][:2] == [
        {**state["cameras"][0], "id": "C1", "place": "Brankov most", "ok": True},
        {**state["cameras"][1], "id": "C2", "place": "Gazela", "ok": True},
    ]
    route = state["visitors"][0]["route"]
    assert [(leg["camera"], leg["place"]) for leg in route[:2]] == [
        ("C1", "Brankov most"), ("C2", "Gazela")]
    assert {"place", "camera", "first_seen_s", "last_seen_s"} <= route[0].keys()
    assert route[1]["first_seen_s"] > route[0]["last_seen_s"]  # he walked: 3 s and more
    assert route[1]["gap_s"] >= 2.0
    assert all(c["analysis_fps"] >= 0 and c["fps"] > 0 for c in state["cameras"])


def test_a_failing_camera_takes_only_its_own_place_offline_and_comes_back(clips):
    broken = UnpluggableSource()
    with start_city(OpenCVSource(clips[0]), broken, settings=FACES_ONLY) as engine:
        wait_for(lambda: all(c.analysis_fps > 0 for c in engine.snapshot().cameras), 30.0)
        broken.plugged = False
        wait_for(lambda: not engine.snapshot().cameras[1].ok, 3.0)
        snap = engine.snapshot()
        assert snap.cameras[0].ok and not snap.health.camera_ok
        cameras = state_json(snap)["cameras"]
        assert [c["ok"] for c in cameras] == [True, False]
        before = engine.captures[0].analysis_rate._last_s
        time.sleep(1.0)
        assert engine.captures[0].analysis_rate._last_s > before  # the other place goes on
        assert engine.running
        broken.plugged = True
        plugged_at = time.monotonic()
        wait_for(lambda: engine.snapshot().cameras[1].ok, 5.0)
        assert time.monotonic() - plugged_at < 5.0


def test_the_wipe_covers_every_cameras_frames_and_the_receipt_counts_places(clips):
    with start_city(OpenCVSource(clips[0]), OpenCVSource(clips[1]),
                    settings=FACES_ONLY) as engine:
        wait_for(lambda: len(route_of(engine, "V1")) >= 2, 40.0)
        held = [c.latest for c in engine.captures]
        still = engine.camera_jpeg("C1")
        assert still is not None and engine.camera_jpeg("C1") == still  # shared by kiosks
        engine.pause()
        receipt = engine.wipe(reason="test")
        assert receipt.places == 2 and receipt.route_legs >= 2 and receipt.visitors == 1
        assert all(c.latest is None and c.faces == () for c in engine.captures)
        assert all(frame is None or not frame.image.any() for frame in held)  # zeroed
        assert engine.camera_jpeg("C1") is None and engine.camera_jpeg("C2") is None
        assert engine.snapshot().visitors == () and engine.snapshot().marked == ()


def test_a_marked_visitor_is_announced_at_each_new_place_and_the_buzzer_beeps(clips):
    factory = MockFactory()
    controls = Controls(None, button_pin=0, led_pin=0, buzzer_pin=22, pin_factory=factory)
    buzzer = factory.pin(22)
    try:
        with start_city(OpenCVSource(clips[0]), OpenCVSource(clips[1]), settings=FACES_ONLY,
                        events=controls) as engine:
            assert not engine.mark_visitor("V1")  # nobody on record yet
            wait_for(lambda: route_of(engine, "V1"), 30.0)
            buzzer.clear_states()
            assert engine.mark_visitor("V1")
            known = len(route_of(engine, "V1"))
            news = wait_for(lambda: engine.snapshot().announcements, 30.0)
            assert news[0].visitor_id == "V1" and news[0].place in ("Brankov most", "Gazela")
            assert len(route_of(engine, "V1")) > known
            time.sleep(0.8)
            assert [s for _, s in buzzer.states].count(True) >= 1
            state = state_json(engine.snapshot())
            assert state["marked"] == ["V1"]
            assert state["announcements"][0]["visitor"] == "V1"
            assert engine.unmark_visitor("V1") and not engine.unmark_visitor("V1")
    finally:
        controls.close()


def noisy(seed_image):
    rng = np.random.default_rng(1)

    def make(seq):
        return np.clip(seed_image + rng.integers(0, 3, seed_image.shape), 0, 255).astype(np.uint8), None
    return make


def test_more_cameras_than_the_analysis_can_serve_warn_once_with_the_fps_and_run_on(caplog):
    still = cv2.resize(load_bgr("obama.jpg"), (640, 480)).astype(np.int16)
    slow = RecognitionSettings(model="hog", upsample=2, detect_every=1)  # ~16x slower detection
    sources = [ScriptedSource(noisy(still), name=f"cam{i}") for i in range(3)]
    with caplog.at_level(logging.WARNING, logger="device.city"):
        with start_city(*sources, settings=slow) as engine:
            wait_for(lambda: engine.snapshot().capacity_warning, 40.0)
            assert engine.running
    lines = [r.getMessage() for r in caplog.records if "analysis thread" in r.getMessage()]
    assert len(lines) == 1 and "3 cameras" in lines[0] and "frames/s" in lines[0]
    assert "Traceback" not in caplog.text


def test_the_capacity_check_measures_per_camera_and_warns_once():
    check = CapacityCheck(2, min_fps=10.0, window_s=10.0)
    for i in range(100):  # 5 frames/s each over 10 s
        assert check.analysed("C1" if i % 2 else "C2", i * 0.1, ["C1", "C2"]) is None
    warning = check.analysed("C1", 10.0, ["C1", "C2"])
    assert warning and "5.0" in warning and "C2" in warning
    assert check.analysed("C1", 30.0, ["C1", "C2"]) is None  # once
    fast = CapacityCheck(2)
    assert all(fast.analysed(f"C{1 + i % 2}", i * 0.02, ["C1", "C2"]) is None for i in range(600))
    assert CapacityCheck(1).analysed("C1", 100.0, ["C1"]) is None  # one camera: no warning


# Bad input: one clear sentence each.

@pytest.mark.parametrize("sources, places, words", [
    ([], [], "camera list is empty"),
    (["webcam:0", "webcam:0"], [], "same camera (webcam:0) is given twice"),
    (["picamera", "picamera:0"], [], "given twice"),
    (["file:a.mp4", "file:./a.mp4"], [], "given twice"),
    (["demo", "demo"], ["Slavija", "slavija"], "is given to cameras C1 and C2"),
    (["demo"], ["  "], "empty place name"),
    (["demo", "auto"], [], "'auto' picks one camera"),
    (["demo"] * 9, [], "at most 8"),
    (["demo"], ["Slavija", "Knez Mihailova"], "2 places given for 1 camera"),
])
def test_bad_camera_lists_are_refused_with_one_sentence(sources, places, words):
    with pytest.raises(ConfigError, match=None) as raised:
        resolve_cameras(sources, places)
    assert words in str(raised.value) and str(raised.value).count(". ") <= 1


def test_places_default_to_reported_camera_locations_and_demo_may_repeat():
    specs = resolve_cameras(["demo", "demo", "picamera:1"], [None, "Slavija"])
    assert [s.place for s in specs] == ["Brankov most", "Slavija", "Gazela"]


def test_cameras_from_the_config_file(tmp_path):
    path = tmp_path / "oko.toml"
    path.write_text('[camera]\nwidth = 640\n\n[[cameras]]\nsource = "picamera"\nplace = "Slavija"\n'
                    '\n[[cameras]]\nsource = "webcam:0"\n')
    config = load_config(path, environ={})
    assert [(s.source, s.place) for s in config.camera_list] == [
        ("picamera", "Slavija"), ("webcam:0", "Brankov most")]
    assert [s.source for s in with_cameras(config, ["demo"]).camera_list] == ["demo"]
    from device.config import describe
    assert '[[cameras]]\nsource = "picamera"\nplace = "Slavija"' in describe(config)
    path.write_text("cameras = []\n")
    with pytest.raises(ConfigError, match="camera list is empty"):
        load_config(path, environ={})
    path.write_text('[[cameras]]\nsource = "demo"\nzoom = 2\n')
    with pytest.raises(ConfigError, match="Unknown setting cameras.zoom"):
        load_config(path, environ={})
    path.write_text('[[cameras]]\nplace = "Slavija"\n')
    with pytest.raises(ConfigError, match="has no source"):
        load_config(path, environ={})


@pytest.mark.parametrize("args, words", [
    (["--source", "webcam:0", "--source", "webcam:0"], "given twice"),
    (["--source", "demo", "--source", "demo", "--place", "Slavija", "--place", "Slavija"],
     "is given to cameras C1 and C2"),
    (["--source", "demo", "--place", ""], "empty place name"),
    (["--place", "Slavija"], "--place needs a --source"),
    (["--source", "demo", "--source", "file:/nonexistent/clip.mp4"],
     "Camera C2 at Gazela: Video file /nonexistent/clip.mp4 does not exist"),
])
def test_oko_run_refuses_bad_camera_lists_in_one_line(args, words):
    assert_one_clear_line(oko("run", "--port", "1", *args, timeout=60), words)


def test_oko_scan_takes_several_cameras_as_one_session():
    result, records = scan_json("--camera", "Slavija=tests/data/faces/obama.jpg",
                                "--camera", "Knez Mihailova=tests/data/faces/obama2.jpg")
    assert result.returncode == 0, result.stderr
    faces = [(face["camera"], face["visitor"]) for record in records for face in record["faces"]]
    assert faces == [("C1", "V1"), ("C2", "V1")]
    table = oko("scan", "--camera", "Slavija=tests/data/faces/obama.jpg",
                "--camera", "Knez Mihailova=tests/data/faces/obama2.jpg")
    assert "V1: Slavija 0:00 → Knez Mihailova 0:05" in table.stdout
    _, (plain,) = scan_json("tests/data/faces/obama.jpg")
    assert plain["faces"][0]["camera"] == "C1"
    assert_one_clear_line(oko("scan", "--camera", "Slavija"), "PLACE=PATH")
    assert_one_clear_line(oko("scan", "--camera", "A=x.jpg", "--camera", "a=y.jpg"), "two cameras")
    assert_one_clear_line(oko("scan", "--camera", "A=x.jpg", "tests/data/faces"), "not both")


def test_a_pi_5s_second_camera_module_is_opened_by_its_number(monkeypatch):
    import sys
    import types

    from device.camera import make_source
    from tests.fakes import FilePicamera2

    module = types.ModuleType("picamera2")
    made = []

    def picamera2(camera_num=0):
        made.append(camera_num)
        return FilePicamera2()

    module.Picamera2 = picamera2
    monkeypatch.setitem(sys.modules, "picamera2", module)
    with make_source("picamera:1") as second, make_source("picamera") as first:
        assert second.read().size == (640, 480) and first.read().size == (640, 480)
    assert made == [1, 0] and (second.name, first.name) == ("picamera:1", "picamera")


def test_the_doctor_checks_every_camera_and_names_its_place(tmp_path):
    from device.tools.doctor import check_cameras

    missing = tmp_path / "gone.mp4"
    config = with_cameras(Config(), ["demo", f"file:{missing}"], ["Slavija", "Knez Mihailova"])
    checks = check_cameras(config)
    assert [(c.name, c.status) for c in checks] == [("camera C1", "ok"), ("camera C2", "fail")]
    assert checks[0].message.startswith("Slavija: demo delivers")
    assert checks[1].message.startswith("Knez Mihailova: Video file") and "does not exist" in checks[1].message
