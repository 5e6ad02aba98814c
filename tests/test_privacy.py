"""The wipe guarantee, as tests: nothing on disk or network, nothing left in memory or logs."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import logging
import os
import sys
import threading
import time
import types

import cv2
import numpy as np
import pytest

from dashboard import create_app
from device.assembly import build_engine
from device.config import Config
from recognition.plates.ocr import tesseract
from tests.helpers import FACES, PlateHeldUp, start_engine, wait_for

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
    """A whole session on the demo clip with a car in view, at DEBUG, with a watchlist entry,
    then a wipe. Memory is scanned once during the session (which must find its data: the
    scan works) and once after the wipe."""
    caplog.set_level(logging.DEBUG)
    source = PlateHeldUp()
    source.open()
    engine = build_engine(Config(), source)
    client = create_app(engine).test_client()
    before = Baseline(engine)  # models, settings, the prop plate: not session data
    _events.clear()
    _recording.set()
    try:
        engine.enrol_photo(WATCHLIST_LABEL, (FACES / "lin-manuel-miranda.png").read_bytes())
        engine.start()
        wait_for(lambda: len((s := engine.snapshot()).visitors) >= 2 and s.plates)
        assert engine.wait_jpeg(-1, timeout_s=5) is not None  # the stream was watched
        busy_state = client.get("/api/state").get_json()
        assert engine.thumbnail_jpeg(busy_state["visitors"][0]["id"])[:3] == b"\xff\xd8\xff"
        with engine._vision, engine._lock:  # between two frames: a consistent moment
            known = Known.of(engine)
            during = leaks(engine, known, before)
        receipt = engine.stop()
    finally:
        _recording.clear()
    after = leaks(engine, known, before)
    yield {"engine": engine, "client": client, "receipt": receipt, "known": known,
           "busy_state": busy_state, "log": caplog.text, "during": during, "after": after}
    known.zero()


def test_nothing_written_to_disk_and_no_connections(session_run):
    assert session_run["receipt"].visitors >= 2
    assert _events == []


class Known:
    """The test's own copies of the session's data, taken before the wipe."""

    def __init__(self, faceprints: np.ndarray, plate_texts: set[str]):
        self.faceprints = faceprints
        self.plate_texts = plate_texts

    @classmethod
    def of(cls, engine) -> Known:
        dossier, tracker = engine.session.dossier, engine.session.pipeline.tracker
        rows = [dossier.identities._buf[:dossier.identities.encoding_count]]
        rows += [sample[None] for track in tracker.tracks for sample in track.samples]
        rows.append(dossier.watchlist._rows)
        texts = {text for car in dossier.vehicles() for text in (car.text, car.display)
                 if car.text}
        return cls(np.concatenate(rows).copy(), texts)

    def zero(self) -> None:
        self.faceprints.fill(0.0)


#: Objects whose contents are not session state: code, classes, modules and native handles.
_OPAQUE = (type, types.ModuleType, types.CodeType, types.FrameType, types.BuiltinFunctionType,
           types.WrapperDescriptorType, types.MethodWrapperType)


def reachable(root):
    """Every object reachable from ``root``, at any depth: attributes, slots, containers,
    array bases, closures and bound methods (not modules, classes or a function's globals)."""
    seen, stack = set(), [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _OPAQUE):
            continue
        seen.add(id(obj))
        yield obj
        if isinstance(obj, np.ndarray):
            if obj.base is not None:
                stack.append(obj.base)
            if obj.dtype == object:
                stack.extend(obj.ravel().tolist())
        elif isinstance(obj, memoryview):
            stack.append(obj.obj)
        elif isinstance(obj, types.FunctionType):
            stack.extend(c.cell_contents for c in obj.__closure__ or () if _filled(c))
            stack.extend(obj.__defaults__ or ())
        elif isinstance(obj, types.MethodType):
            stack.append(obj.__self__)
        else:
            stack.extend(gc.get_referents(obj))


def _filled(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _digest(buffer) -> bytes:
    data = np.ascontiguousarray(buffer).tobytes() if isinstance(buffer, np.ndarray) else buffer
    return hashlib.blake2b(bytes(data), digest_size=16).digest()


class Baseline:
    """Pictures, buffers and strings the engine holds before any session (models, settings,
    the prop plate): whatever is still there unchanged after a wipe is not session data."""

    def __init__(self, engine=None):
        self.digests, self.strings = set(), set()
        for obj in reachable(engine) if engine is not None else ():
            if _pixels(obj) or _buffer(obj):
                self.digests.add(_digest(obj))
            elif isinstance(obj, str):
                self.strings.add(obj)


def _pixels(obj) -> bool:
    return isinstance(obj, np.ndarray) and obj.dtype.kind in "ui" and obj.size >= 16 \
        and bool(obj.any())


def _buffer(obj) -> bool:
    return isinstance(obj, (bytes, bytearray)) and len(obj) >= 64 and any(obj)


def leaks(engine, known: Known, baseline: Baseline) -> list[tuple[str, str]]:
    """What reachable from ``engine`` still holds the session's data: faceprints (any float
    array with a row near one of ``known``'s), pictures at any resolution (any non-zero
    integer array: frames, crops, templates, thumbnails), buffers (JPEGs, copies) and plate
    text in strings or bytes."""
    found = []
    for obj in reachable(engine):
        if isinstance(obj, np.ndarray) and obj.dtype.kind == "f" and obj.size \
                and obj.size % 128 == 0:
            rows = obj.reshape(-1, 128).astype(np.float64)
            rows = rows[np.abs(rows).sum(axis=1) > 0]
            if len(rows) and (np.linalg.norm(rows[:, None] - known.faceprints[None], axis=2)
                              < 0.05).any():
                found.append(("faceprint", str(obj.shape)))
        elif (_pixels(obj) or _buffer(obj)) and _digest(obj) not in baseline.digests:
            kind = "picture" if isinstance(obj, np.ndarray) else "buffer"
            found.append((kind, str(getattr(obj, "shape", len(obj)))))
        if isinstance(obj, (bytes, bytearray)) or (isinstance(obj, str)
                                                    and obj not in baseline.strings):
            text = obj if isinstance(obj, str) else bytes(obj).decode("utf-8", "replace")
            found += [("plate text", plate) for plate in known.plate_texts if plate in text]
    return found


def test_the_memory_scan_sees_the_sessions_data_while_it_lasts(session_run):
    kinds = {kind for kind, _ in session_run["during"]}
    assert {"faceprint", "picture", "plate text"} <= kinds, session_run["during"]


def test_nothing_left_in_memory_after_the_wipe(session_run):
    assert session_run["after"] == []
    jpegs = [ref for obj in gc.get_objects() for ref in gc.get_referents(obj)
             if isinstance(ref, (bytes, bytearray)) and ref[:3] == b"\xff\xd8\xff"
             and len(ref) > 2000]
    assert jpegs == []


def test_the_memory_scan_finds_data_hidden_at_any_depth(session_run):
    engine, known = session_run["engine"], session_run["known"]

    @dataclasses.dataclass(frozen=True)
    class Kept:
        things: tuple

    plate = next(iter(known.plate_texts))
    hidden = Kept(({"faceprint": known.faceprints[0].astype(np.float32)},
                   [np.full((12, 16, 3), 40, np.uint8)], (plate.encode(),)))
    engine.session.pipeline.tracker.forgotten = [hidden]  # what a careless wipe might leave
    try:
        found = {kind for kind, _ in leaks(engine, known, Baseline())}
    finally:
        del engine.session.pipeline.tracker.forgotten
    assert {"faceprint", "picture", "plate text"} <= found


def test_tesseract_holds_no_plate_after_the_wipe(session_run):
    with pytest.raises(RuntimeError, match="No image"):
        tesseract()._api.GetUTF8Text()


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
    assert session_run["known"].plate_texts and not any(
        text in log for text in session_run["known"].plate_texts)
    for row in session_run["known"].faceprints:
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
