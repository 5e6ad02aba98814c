"""The engine over the demo clip: threads, snapshot, JPEG stream, wipe and stop."""

import time

import cv2
import numpy as np
import pytest

from device.snapshot import RateMeter
from recognition.pipeline import RecognitionSettings
from tests.helpers import start_engine, wait_for


@pytest.fixture
def engine():
    with start_engine(idle_wipe_s=30.0) as engine:
        yield engine


def test_demo_faces_become_visitors_and_jpegs_flow(engine):
    snap = wait_for(lambda: (s := engine.snapshot()).visitors and s)
    assert snap.visitors[0].visitor_id == "V1"
    assert engine.running and snap.health.camera == "demo" and snap.health.camera_ok
    seq, data = engine.wait_jpeg(-1, timeout_s=5)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (360, 640, 3)
    later = engine.wait_jpeg(seq, timeout_s=5)
    assert later is not None and later[0] > seq
    assert wait_for(lambda: engine.snapshot().health.fps > 15)


def test_analysis_drops_frames_it_cannot_keep_up_with():
    # HOG upsampling twice makes detection ~16x slower than the default: on any machine
    # analysis falls behind 30 fps capture, so most frames must be dropped rather than queued.
    slow = RecognitionSettings(model="hog", upsample=2, detect_every=1)
    with start_engine(settings=slow) as engine:
        wait_for(lambda: engine.snapshot().health.frames_analysed > 0)
        time.sleep(2)
        health = engine.snapshot().health
    assert health.frames_dropped > 10
    assert health.frames_dropped > health.frames_analysed
    assert health.fps > 2 * health.analysis_fps  # capture is not held back by analysis


def test_wipe_drops_visitors_frames_and_stream(engine):
    wait_for(lambda: engine.snapshot().visitors)
    receipt = engine.wipe(reason="test")
    assert receipt.visitors >= 1 and receipt.encodings >= 1
    snap = engine.snapshot()
    assert snap.last_receipt is receipt and snap.session.number == 2


def test_stop_wipes_and_ends_waiters(engine):
    wait_for(lambda: engine.snapshot().visitors)
    receipt = engine.stop()
    assert receipt.visitors >= 1
    assert not engine.running
    assert engine.wait_jpeg(-1, timeout_s=0.5) is None
    assert engine.snapshot().visitors == ()


def test_rate_meter_measures_and_decays():
    meter = RateMeter()
    for i in range(20):
        meter.tick(i * 0.1)
    assert meter.rate(1.9) == pytest.approx(10.0)
    assert meter.rate(11.9) == pytest.approx(0.1)


def test_watchlist_enrolment_and_live_tolerance(engine):
    from recognition.errors import ConfigError
    from recognition.images import UnusableImage
    from tests.helpers import FACES

    engine.enrol_photo("Volunteer", (FACES / "obama.jpg").read_bytes())
    assert engine.snapshot().watchlist == ("Volunteer",)
    with pytest.raises(UnusableImage, match="not a JPEG or PNG"):
        engine.enrol_photo("x", b"garbage")
    blank = cv2.imencode(".png", np.zeros((50, 50, 3), np.uint8))[1].tobytes()
    with pytest.raises(UnusableImage, match="No face"):
        engine.enrol_photo("x", blank)
    visitor = wait_for(lambda: engine.snapshot().visitors)[0].visitor_id
    assert engine.enrol_visitor("Agreed on camera", visitor)
    assert not engine.enrol_visitor("Nobody", "V99")
    engine.set_tolerance(0.4)
    assert engine.snapshot().tolerance == 0.4
    with pytest.raises(ConfigError):
        engine.set_tolerance(1.5)
    engine.stop()
    assert engine.snapshot().watchlist == ()  # consented entries last one run only


def test_workshop_wipe_closes_the_session_and_puts_the_light_out():
    with start_engine(idle_wipe_s=5, mode="workshop") as engine:
        assert not engine.recording  # nothing analysed before the facilitator starts
        assert engine.start_session() and engine.recording
        engine.wipe(reason="command")
        assert not engine.recording and not engine.snapshot().session.active
        analysed = engine.snapshot().health.frames_analysed
        time.sleep(1.0)
        assert engine.snapshot().health.frames_analysed == analysed


def test_the_composition_root_builds_what_the_config_says():
    from device.assembly import build_engine
    from device.camera import DemoSource
    from device.config import Config, DashboardConfig, SessionConfig

    config = Config(recognition=RecognitionSettings(tolerance=0.42, plates=False),
                    session=SessionConfig(mode="workshop", idle_wipe_s=7.0),
                    dashboard=DashboardConfig(jpeg_quality=50))
    with DemoSource() as source:
        engine = build_engine(config, source)
        assert engine.source is source and not engine.running
        assert engine.session.mode == "workshop" and engine.session.idle_wipe_s == 7.0
        assert engine.session.dossier.tolerance == 0.42
        assert engine.session.pipeline.settings == config.recognition
        with engine:
            assert engine.running
        assert not engine.running and not source.is_open
