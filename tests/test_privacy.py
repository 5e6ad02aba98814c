"""The wipe guarantee, as tests: nothing on disk or network, nothing left in memory or logs."""

import gc
import logging
import os
import sys
import threading
import time

import cv2
import numpy as np
import pytest

from dashboard import create_app
from device.assembly import build_engine
from device.camera import DemoSource
from device.config import Config
from tests.helpers import FACES, start_engine, wait_for

WATCHLIST_LABEL = "Jelena Consented-Testperson"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_events: list[tuple[str, str]] = []
_recording = threading.Event()


def _audit(event, args):
    if not _recording.is_set():
        return
    if event == "open":
        path, mode, flags = args
        writing = (mode is not None and any(c in str(mode) for c in "wax+")) or (
            mode is None and isinstance(flags, int) and flags & _WRITE_FLAGS)
        # Python may cache bytecode for a module first imported now: not session data.
        if writing and not str(path).endswith(".pyc") and "__pycache__" not in str(path):
            _events.append((event, str(path)))
    elif event in ("socket.connect", "socket.sendto", "socket.bind"):
        _events.append((event, repr(args[1])))


sys.addaudithook(_audit)  # hooks cannot be removed; it only records while _recording is set




@pytest.fixture
def session_run(caplog):
    """A whole session on the demo clip at DEBUG, with a watchlist entry, then a wipe."""
    caplog.set_level(logging.DEBUG)
    source = DemoSource()
    source.open()
    engine = build_engine(Config(), source)
    session = engine.session
    client = create_app(engine).test_client()
    _events.clear()
    _recording.set()
    try:
        engine.enrol_photo(WATCHLIST_LABEL, (FACES / "lin-manuel-miranda.png").read_bytes())
        engine.start()
        wait_for(lambda: len(engine.snapshot().visitors) >= 2)
        assert engine.wait_jpeg(-1, timeout_s=5) is not None  # the stream was watched
        busy_state = client.get("/api/state").get_json()
        assert engine.thumbnail_jpeg(busy_state["visitors"][0]["id"])[:3] == b"\xff\xd8\xff"
        count = session.dossier.identities.encoding_count
        encodings = session.dossier.identities._buf[:count].copy()  # the test's own copy
        receipt = engine.stop()
    finally:
        _recording.clear()
    yield {"engine": engine, "client": client, "receipt": receipt, "encodings": encodings,
           "busy_state": busy_state, "log": caplog.text}
    encodings.fill(0.0)


def test_nothing_written_to_disk_and_no_connections(session_run):
    assert session_run["receipt"].visitors >= 2
    assert _events == []


def reachable_arrays():
    gc.collect()
    seen = set()
    for obj in gc.get_objects():
        for ref in gc.get_referents(obj):
            if isinstance(ref, np.ndarray) and id(ref) not in seen:
                seen.add(id(ref))
                yield ref


def test_nothing_left_in_memory_after_the_wipe(session_run):
    known = session_run["encodings"]
    assert len(known) >= 2
    leaks = []
    for array in reachable_arrays():
        if array is known or array.base is known:
            continue
        if array.dtype.kind == "f" and array.shape[-1:] == (128,) and array.size:
            rows = array.reshape(-1, 128)
            close = np.abs(rows[:, None, :] - known[None]).max(axis=2) < 1e-9
            if close.any():
                leaks.append(("faceprint", array.shape))
        if array.dtype == np.uint8 and array.shape in ((360, 640, 3), (128, 128, 3)) \
                and array.any():
            leaks.append(("frame or face thumbnail", array.shape))
    assert leaks == []
    jpegs = [ref for obj in gc.get_objects() for ref in gc.get_referents(obj)
             if isinstance(ref, (bytes, bytearray)) and ref[:3] == b"\xff\xd8\xff"
             and len(ref) > 2000]
    assert jpegs == []


def test_api_shows_an_empty_session_with_the_receipt(session_run):
    assert session_run["busy_state"]["visitors"]
    state = session_run["client"].get("/api/state").get_json()
    assert state["visitors"] == [] and state["faces"] == []
    assert state["session"]["active"] is False and state["session"]["number"] == 2
    assert state["last_wipe"]["reason"] == "stop"
    assert state["last_wipe"]["visitors"] == session_run["receipt"].visitors
    assert state["recognition"]["watchlist_size"] == 0


def test_nothing_biometric_in_the_log(session_run):
    log = session_run["log"]
    assert "session 1 wiped" in log  # the log did capture the session
    assert WATCHLIST_LABEL not in log and "Jelena" not in log
    for row in session_run["encodings"]:
        for value in row[:8]:
            assert f"{value:.6f}" not in log and repr(value)[:10] not in log


def test_exactly_one_receipt_per_wipe_under_concurrent_wipes():
    with start_engine() as engine:
        wait_for(lambda: engine.snapshot().visitors, 40)
        receipts, errors = [], []

        def wipe_many():
            try:
                for _ in range(10):
                    receipts.append(engine.wipe(reason="test"))
                    time.sleep(0.01)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=wipe_many) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    final = engine.stop()  # the receipt of the wipe on leaving, as often as asked
    assert errors == [] and len(receipts) == 30
    numbers = sorted(r.session for r in receipts + [final])
    assert numbers == list(range(1, 32))  # one receipt per wipe, none lost or doubled
    assert sum(r.visitors for r in receipts) >= 1


def test_pause_blanks_the_camera_and_stops_analysis():
    with start_engine() as engine:
        assert engine.recording
        engine.pause(True)
        assert not engine.recording and engine.snapshot().paused
        seq, data = engine.wait_jpeg(-1, timeout_s=5)
        frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert frame.max() < 10  # a black picture
        before = engine.snapshot()
        time.sleep(3.0)  # the clip's faces appear in these seconds; nobody is analysed
        after = engine.snapshot()
        assert after.health.analysis_fps < 1.0 and after.visitors == before.visitors
        engine.pause(False)
        assert engine.recording
        wait_for(lambda: engine.snapshot().health.analysis_fps > 1.0)
