"""Buffers holding biometric data are zeroed even when the step that made them fails.

Faults are injected by making one real step raise (``monkeypatch`` on the module that calls
it); everything else runs the real pipeline on real photos.
"""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

import recognition.pipeline as pipeline_module
from dashboard import create_app
from device.camera import DemoSource
from device.tools.props import plate_bgr
from recognition.dossier import Dossier
from recognition.faces.tracking import Track
from recognition.pipeline import Pipeline
from recognition.types import Frame
from tests.helpers import FACES, fed_engine, frame_of, load_bgr, start_engine, wait_for


class Boom(RuntimeError):
    """The injected fault."""


def car_frame():
    """A real photo of a face with a prop plate held up below it, 640×480."""
    image = cv2.resize(load_bgr("obama.jpg"), (640, 800))[:480].copy()
    plate = plate_bgr("BG123AB", width_px=220)
    h, w = plate.shape[:2]
    image[480 - h - 20:460, 400:400 + w] = plate
    return Frame(image, 0.0, 0)


def test_a_character_line_forgets_every_picture_it_holds():
    from recognition.plates.glyphs import character_line

    line = character_line(plate_bgr("BG123AB", width_px=300))
    assert line.ink.any() and line.scaled.any() and line.shade.any()
    pictures = (line.ink, line.scaled, line.shade)
    line.forget()
    assert not any(picture.any() for picture in pictures)


def test_plate_crops_are_zeroed_when_reading_them_fails(monkeypatch):
    seen = []

    def failing_reader(candidate):
        seen.append(candidate)
        assert candidate.crop.any()  # a real picture of the plate
        raise Boom("OCR failed")

    monkeypatch.setattr(pipeline_module, "read_candidate", failing_reader)
    with pytest.raises(Boom):
        Pipeline().process(car_frame())
    assert seen
    for candidate in seen:
        assert not candidate.crop.any() and not candidate.line.ink.any()
        assert not candidate.line.scaled.any()


def test_new_faceprints_thumbnails_and_frame_copies_are_zeroed_when_a_later_step_fails(
        monkeypatch):
    means, copies = [], []
    real_add, real_encode = Track.add_sample, pipeline_module.encode_faces

    def add_sample(self, encoding, now_s):
        means.append(real_add(self, encoding, now_s))
        return means[-1]

    def encode_faces(rgb, boxes, **kwargs):
        copies.append(rgb)  # the pipeline's full-size RGB copy of the frame
        return real_encode(rgb, boxes, **kwargs)

    def failing_crop(image, box):
        raise Boom("thumbnail failed")

    monkeypatch.setattr(Track, "add_sample", add_sample)
    monkeypatch.setattr(pipeline_module, "encode_faces", encode_faces)
    monkeypatch.setattr(pipeline_module, "face_crop", failing_crop)
    frame = frame_of("obama.jpg", width=640)
    with pytest.raises(Boom):
        Pipeline().process(frame)
    assert means and copies
    assert all(not mean.any() for mean in means)  # the new mean faceprint
    assert all(not copy.any() for copy in copies)
    assert frame.image.any()  # the camera's own picture is the engine's to zero, not ours


def test_a_mean_faceprint_is_zeroed_when_enrolling_it_fails():
    pipeline, dossier = Pipeline(), Dossier()
    dossier.record(pipeline.process(frame_of("obama.jpg", width=640)))
    made = []
    real = dossier.identities.faceprint
    dossier.identities.faceprint = lambda visitor_id: made.append(real(visitor_id)) or made[-1]
    with pytest.raises(ValueError):
        dossier.enrol("   ", "V1")  # a blank label is refused after the mean is made
    assert made and made[0] is not None and not made[0].any()


def test_faceprints_and_crops_of_a_frame_are_zeroed_when_recording_it_fails():
    pipeline, dossier = Pipeline(), Dossier()
    result = pipeline.process(frame_of("obama_and_biden.jpg", width=640))
    # The two men get faceprints; the child behind them is too small to be identified.
    encoded = [f for f in result.faces if f.encoding is not None]
    assert len(encoded) == 2 and all(f.crop is not None for f in encoded)
    dossier.identities = None  # a broken index: matching the first face fails
    with pytest.raises(AttributeError):
        dossier.record(result)
    for face in encoded:
        assert not face.encoding.any() and not face.crop.any()


def test_each_viewers_copy_of_the_stream_is_zeroed_once_sent():
    with start_engine() as engine:
        client = create_app(engine).test_client()
        response = client.get("/stream.mjpg")
        parts = iter(response.response)
        first = next(parts)
        assert b"\xff\xd8\xff" in first and isinstance(first, bytes)  # as WSGI requires
        second = next(parts)  # sending the next one means the first went out
        assert not any(first)
        response.close()  # the viewer leaves
        assert not any(second)


def test_the_thumbnail_bytes_are_zeroed_once_sent():
    engine = fed_engine("obama.jpg", "obama.jpg")
    client = create_app(engine).test_client()
    token = engine.snapshot().session.token
    response = client.get(f"/api/visitors/V1/thumbnail.jpg?session={token}")
    (body,) = list(response.response)
    assert body[:3] == b"\xff\xd8\xff" and isinstance(body, bytes)  # as WSGI requires
    response.close()
    assert not any(body)


class RecordingSource(DemoSource):
    """The demo clip, keeping a reference to every frame it hands over (to check them)."""

    def __init__(self, convert=None):
        super().__init__()
        self.name = "recording"
        self.delivered: list[Frame] = []
        self._convert = convert
        self._lock = threading.Lock()

    def read(self):
        frame = super().read()
        if self._convert is not None:
            frame = Frame(self._convert(frame.image), frame.captured_s, frame.seq, frame.lores)
        with self._lock:
            self.delivered.append(frame)
            del self.delivered[:-200]
        return frame


@pytest.mark.parametrize("convert", [None, lambda bgr: cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)],
                         ids=["BGR", "BGRA repaired to a copy"])
def test_camera_frames_are_zeroed_once_replaced(convert):
    source = RecordingSource(convert)
    with start_engine(source) as engine:
        wait_for(lambda: engine.snapshot().health.frames_analysed >= 5
                 and len(source.delivered) >= 40)
        with engine._frame_ready, source._lock:  # the hand-over between the threads, held
            camera = engine.captures[0]  # one camera: its slot and the frame being analysed
            in_use = (camera.latest, camera.analysing)
            # Replaced frames: all but the newest two (one may be between read and hand-over)
            # and whichever the engine still shows or analyses.
            old = [f for f in source.delivered[:-2] if not any(f is u for u in in_use)]
            live = [f.seq for f in old
                    if f.image.any() or (f.lores is not None and f.lores.any())]
        assert len(old) >= 20 and live == []
    with source._lock:
        assert not any(f.image.any() for f in source.delivered)  # and all once stopped


def test_zero_frame_spares_the_arrays_a_repaired_frame_still_uses():
    from device.frameguard import zero_frame

    image, lores = np.full((8, 8, 3), 7, np.uint8), np.full((4, 4, 3), 9, np.uint8)
    original = Frame(image, 0.0, 0, lores)
    repaired = Frame(image[:, :, ::-1].copy(), 0.0, 0, lores)
    zero_frame(original, keep=repaired)
    assert not image.any() and lores.all()


def test_enrolling_a_photo_never_waits_for_the_analysis():
    engine = fed_engine("obama.jpg")
    done = threading.Event()
    with engine._vision:  # the analysis thread is inside the pipeline
        worker = threading.Thread(target=lambda: (engine.enrol_photo(
            "Ana (consented)", (FACES / "biden.jpg").read_bytes()), done.set()))
        worker.start()
        assert done.wait(60), "the enrolment waited for the analysis lock"
    worker.join()
    assert engine.snapshot().watchlist == ("Ana (consented)",)


def test_the_plate_image_handed_to_tesseract_is_overwritten_once_it_has_its_copy():
    from recognition.plates.ocr import TESSDATA_DIRS, TesseractEngine

    tessdata = next((d for d in TESSDATA_DIRS if (Path(d) / "eng.traineddata").is_file()), None)
    if tessdata is None:
        pytest.skip("Tesseract's English data is not installed")
    engine = TesseractEngine(tessdata)
    handed = []

    class Recording:
        def __init__(self, api):
            self._api = api

        def SetImageBytes(self, data, *args):  # noqa: N802 - tesserocr's name
            handed.append(data)
            return self._api.SetImageBytes(data, *args)

        def __getattr__(self, name):
            return getattr(self._api, name)

    engine._api = Recording(engine._api)
    line = cv2.cvtColor(plate_bgr("BG123AB", width_px=300), cv2.COLOR_BGR2GRAY)
    symbols = engine.read_line(line)
    assert symbols and len(handed) == 1 and isinstance(handed[0], bytes)
    assert not any(handed[0])  # Tesseract read its own copy; ours holds nothing any more
    engine.clear()
