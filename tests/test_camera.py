"""One contract for every frame source that can load here, plus each source's own errors."""

import logging
import time

import numpy as np
import pytest

from device.camera import (
    DEMO_CLIP,
    DemoSource,
    OpenCVSource,
    Picamera2Source,
    make_source,
    open_source,
)
from recognition.errors import CameraUnavailable, ConfigError
from tests.fakes import FilePicamera2

SOURCES = {
    "demo": lambda: DemoSource(),
    "file": lambda: OpenCVSource(DEMO_CLIP),
    "picamera": lambda: Picamera2Source(width=640, height=480, camera_factory=FilePicamera2),
}


@pytest.fixture(params=sorted(SOURCES))
def source(request):
    src = SOURCES[request.param]()
    src.open()
    yield src
    src.close()


def test_frames_are_bgr_with_increasing_seq_and_time(source):
    frames = [source.read() for _ in range(5)]
    assert [f.seq for f in frames] == [0, 1, 2, 3, 4]
    assert all(b.captured_s >= a.captured_s for a, b in zip(frames, frames[1:]))
    for frame in frames:
        assert frame.image.dtype == np.uint8 and frame.image.ndim == 3
        assert frame.image.shape[2] == 3 and frame.image.flags["C_CONTIGUOUS"]
        if frame.lores is not None:
            assert frame.lores.shape[2] == 3 and frame.lores.shape[1] < frame.image.shape[1]


def test_close_is_idempotent_and_read_after_close_fails(source):
    source.close()
    source.close()
    with pytest.raises(CameraUnavailable):
        source.read()


def test_with_opens_the_source_and_closes_it_even_on_error(source):
    source.close()
    with pytest.raises(ZeroDivisionError):
        with source as opened:
            assert opened is source and source.is_open
            assert source.read().image.size > 0
            1 / 0
    assert not source.is_open
    with pytest.raises(CameraUnavailable):
        source.read()


def test_source_has_a_name(source):
    assert source.name in {"demo", "picamera", f"file:{DEMO_CLIP}"}


def test_file_plays_at_its_own_frame_rate():
    with OpenCVSource(DEMO_CLIP) as src:
        src.read()
        started = time.monotonic()
        for _ in range(15):
            src.read()
        elapsed = time.monotonic() - started
    assert src.fps == pytest.approx(29.97, abs=0.1)
    assert 0.4 < elapsed < 5.0  # 15 frames at ~30 fps take 0.5 s: never faster (paced)


def test_file_loops_at_the_end():
    clock = iter(range(10**6)).__next__  # fake clock: no waiting between frames
    with OpenCVSource(DEMO_CLIP, clock=lambda: float(clock()), sleep=lambda s: None) as src:
        frames = [src.read() for _ in range(280)]  # the clip has 275 frames
    assert np.array_equal(frames[0].image, frames[275].image)
    assert frames[279].seq == 279


def test_picamera_uses_lores_for_analysis_and_main_for_display():
    camera = FilePicamera2()
    src = Picamera2Source(width=640, height=480, lores_width=320, fps=25, camera_factory=lambda: camera)
    src.open()
    frame = src.read()
    src.close()
    assert camera.config["main"]["size"] == (640, 480)
    assert camera.config["lores"]["size"] == (320, 240)
    assert camera.config["controls"] == {"FrameRate": 25}
    assert frame.image.shape == (480, 640, 3) and frame.lores.shape == (240, 320, 3)
    assert all(r.released for r in camera.requests) and camera.closed


def test_picamera_fault_becomes_camera_unavailable():
    src = Picamera2Source(camera_factory=lambda: FilePicamera2(fail_after=1))
    src.open()
    src.read()
    with pytest.raises(CameraUnavailable, match="stopped delivering"):
        src.read()


def test_no_picamera_module_is_a_clear_error():
    try:
        import picamera2  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("picamera2 is installed here (a Raspberry Pi)")
    with pytest.raises(CameraUnavailable, match="python3-picamera2"):
        Picamera2Source().open()


def test_missing_and_broken_files_are_clear_errors(tmp_path):
    with pytest.raises(CameraUnavailable, match="does not exist"):
        OpenCVSource(tmp_path / "none.mp4").open()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video" * 100)
    with pytest.raises(CameraUnavailable, match="cannot be decoded"):
        OpenCVSource(broken).open()


def test_missing_webcam_is_a_clear_error():
    with pytest.raises(CameraUnavailable, match="No webcam at index 57"):
        OpenCVSource(57).open()


@pytest.mark.parametrize("spec", ["webcam", "webcam:x", "file:", "usb", ""])
def test_unknown_source_spec(spec):
    with pytest.raises(ConfigError, match="Unknown camera source"):
        make_source(spec)


def test_auto_falls_back_to_the_demo_and_logs_why(caplog):
    caplog.set_level(logging.INFO, logger="device.camera")
    src = open_source("auto")
    src.close()
    assert src.name == "demo"
    reasons = [r.getMessage() for r in caplog.records if "unavailable" in r.getMessage()]
    assert any("picamera" in r for r in reasons) and any("webcam:0" in r for r in reasons)


def test_picamera_rotation_autofocus_and_stream_sizes():
    camera = FilePicamera2(autofocus=True)
    src = Picamera2Source(width=640, height=480, lores_width=640, rotation=90,
                          camera_factory=lambda: camera)
    src.open()
    frame = src.read()
    src.close()
    assert camera.config["lores"]["size"] == (640, 480)
    assert camera.controls_set == {"AfMode": 2}  # continuous autofocus on Camera Module 3
    assert frame.image.shape == (640, 480, 3) and frame.lores.shape == (640, 480, 3)


def test_picamera_without_autofocus_sets_no_focus_control():
    camera = FilePicamera2(autofocus=False)
    src = Picamera2Source(camera_factory=lambda: camera)
    src.open()
    src.close()
    assert camera.controls_set == {}


def test_picamera_busy_and_missing_are_clear_errors():
    def busy():
        raise RuntimeError("Failed to acquire camera: Device or resource busy")

    def missing():
        raise IndexError("list index out of range")

    with pytest.raises(CameraUnavailable, match="busy; stop the other program"):
        Picamera2Source(camera_factory=busy).open()
    with pytest.raises(CameraUnavailable, match="No Raspberry Pi camera found"):
        Picamera2Source(camera_factory=missing).open()


def test_bad_rotation_is_a_config_error():
    with pytest.raises(ConfigError, match="rotation 45"):
        Picamera2Source(rotation=45)


def test_picamera_module_is_imported_lazily_and_used(monkeypatch):
    import sys
    import types

    module = types.ModuleType("picamera2")
    made = []
    module.Picamera2 = lambda: made.append(FilePicamera2()) or made[-1]
    monkeypatch.setitem(sys.modules, "picamera2", module)
    src = make_source("picamera", lores_width=320)
    src.open()
    src.read()
    src.close()
    assert made and made[0].closed and not made[0].started
