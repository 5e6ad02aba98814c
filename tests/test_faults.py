"""Faults a public event brings: pulled cables, frozen or corrupt cameras, bad frames, kills."""

import json
import logging
import re
import signal
import time
import urllib.request

import numpy as np

from device.assembly import build_session
from device.config import Config, SessionConfig
from device.engine import Engine
from tests.fakes import ScriptedSource, UnpluggableSource
from tests.helpers import FakeClock, load_bgr, start_engine, wait_for


def live(image, seq):
    """``image`` with one pixel changed per frame number: a live sensor is never byte-identical
    (identical frames for 3 s mean a frozen camera, which the engine reopens)."""
    frame = image.copy()
    frame[0, 0] = (seq % 256, seq // 256 % 256, 7)
    return frame


def engine_on(source, clock, *, idle_wipe_s=60.0):
    """An engine (not started) on ``source`` whose every timer is ``clock``."""
    session = build_session(Config(session=SessionConfig(idle_wipe_s=idle_wipe_s)))
    return Engine(source, session, clock=clock)


def test_camera_unplugged_and_plugged_back_recovers_within_5_s():
    source = UnpluggableSource()
    with start_engine(source) as engine:
        wait_for(lambda: engine.snapshot().health.frames_analysed > 10)
        source.plugged = False
        wait_for(lambda: not engine.snapshot().health.camera_ok, 2.0)
        analysed = engine.snapshot().health.frames_analysed
        time.sleep(1.0)
        assert engine.snapshot().health.frames_analysed - analysed <= 1  # analysis paused
        assert engine.running  # no restart needed
        source.plugged = True
        plugged_at = time.monotonic()
        wait_for(lambda: engine.snapshot().health.camera_ok, 5.0)
        wait_for(lambda: engine.snapshot().health.frames_analysed > analysed + 5, 5.0)
        assert time.monotonic() - plugged_at < 5.0


def test_frozen_camera_is_detected_and_reopened():
    still = load_bgr("obama.jpg")
    source = ScriptedSource(lambda seq: (still.copy(), None), name="frozen")
    with start_engine(source):
        wait_for(lambda: source.opens >= 2, 8.0)  # ~3 s of identical pictures -> reopen


def test_corrupt_frames_are_skipped_and_persistent_corruption_reopens():
    good = load_bgr("obama.jpg")
    bad = [np.zeros((0, 0, 3), np.uint8), np.zeros((480, 640, 2), np.uint8),
           np.zeros((3, 640, 3), np.uint8), np.zeros((480, 640), np.uint16)]

    def make(seq):
        if seq < 200 and seq % 5:  # mostly glitches, and the odd good (grey 16-bit) frame
            return bad[seq % len(bad)], None
        return good, None

    source = ScriptedSource(make, name="corrupt")
    with start_engine(source) as engine:
        wait_for(lambda: engine.snapshot().health.frames_analysed >= 5)
        assert engine.running and engine.snapshot().health.analysis_errors == 0
    always_bad = ScriptedSource(lambda seq: (bad[0], None), name="broken")
    with start_engine(always_bad) as engine:
        wait_for(lambda: always_bad.opens >= 2, 5.0)  # 30 bad frames in a row -> reopen


def test_an_exception_in_one_frames_analysis_never_stops_the_loop():
    good = load_bgr("obama.jpg")
    # A float picture for analysis makes dlib refuse the frame; every other frame is fine.
    odd = np.zeros((240, 320, 3), np.float64)
    source = ScriptedSource(lambda seq: (live(good, seq), odd if seq % 2 else None), name="odd")
    with start_engine(source) as engine:
        wait_for(lambda: engine.snapshot().health.analysis_errors >= 3)
        wait_for(lambda: engine.snapshot().visitors)
        assert engine.running


def test_the_idle_wipe_follows_the_engines_clock_not_the_wall_clock(monkeypatch):
    clock = FakeClock()
    scene = {"image": load_bgr("obama.jpg")}
    source = ScriptedSource(lambda seq: (live(scene["image"], seq), None), clock=clock)
    with engine_on(source, clock, idle_wipe_s=20.0) as engine:
        wait_for(lambda: engine.snapshot().visitors)
        scene["image"] = np.full_like(scene["image"], 90)  # everybody leaves
        analysed = engine.snapshot().health.frames_analysed
        wait_for(lambda: engine.snapshot().health.frames_analysed > analysed + 10)
        assert not engine.snapshot().faces
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + 86400 * 365)  # NTP sync, a year on
        clock.advance(19.0)  # 19 s with nobody in view: not yet
        analysed = engine.snapshot().health.frames_analysed
        wait_for(lambda: engine.snapshot().health.frames_analysed > analysed + 10)
        monkeypatch.setattr(time, "time", lambda: real() - 86400 * 365)  # and back
        analysed = engine.snapshot().health.frames_analysed
        wait_for(lambda: engine.snapshot().health.frames_analysed > analysed + 10)
        snap = engine.snapshot()
        assert snap.session.number == 1 and snap.visitors  # no wipe from wall-clock jumps
        clock.advance(2.0)  # 21 s: the idle wipe, on the engine's clock alone
        wait_for(lambda: engine.snapshot().session.number == 2, 10)
        assert engine.snapshot().last_receipt.reason == "idle"


def test_a_persistent_analysis_fault_is_logged_once_then_counted_each_minute(caplog):
    caplog.set_level(logging.WARNING, logger="device.engine")
    clock = FakeClock()
    good, odd = load_bgr("obama.jpg"), np.zeros((240, 320, 3), np.float64)  # dlib refuses it
    source = ScriptedSource(lambda seq: (live(good, seq), odd), clock=clock)

    def warnings():
        return [r.getMessage() for r in caplog.records if "analysis of a frame" in r.getMessage()]

    with engine_on(source, clock) as engine:
        wait_for(lambda: engine.snapshot().health.analysis_errors >= 20)
        assert warnings() == ["analysis of a frame failed (error); skipping it"]
        clock.advance(59.0)
        errors = engine.snapshot().health.analysis_errors
        wait_for(lambda: engine.snapshot().health.analysis_errors >= errors + 5)
        assert len(warnings()) == 1  # still within the minute
        clock.advance(2.0)
        errors = engine.snapshot().health.analysis_errors
        wait_for(lambda: engine.snapshot().health.analysis_errors >= errors + 5)
        assert len(warnings()) == 2
        repeats = re.fullmatch(r"analysis of a frame failed \(error\); skipping it "
                               r"\((\d+) more times in the last 61 s\)", warnings()[1])
        assert repeats and int(repeats.group(1)) >= 25
        assert engine.running


def test_sigkill_leaves_nothing_for_the_next_start(live_oko):
    first = live_oko("--source", "demo")
    wait_for(lambda: json.load(urllib.request.urlopen(first.url + "/api/state"))["visitors"], 40)
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)
    second = live_oko("--source", "demo", port=first.port)
    state = json.load(urllib.request.urlopen(second.url + "/api/state"))
    assert state["session"]["number"] == 1 and state["last_wipe"] is None
    assert state["health"]["uptime_s"] < 30
