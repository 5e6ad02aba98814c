"""The per-frame recognition pipeline: detect on a small copy, track, encode new tracks."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from recognition.consent import EVERYONE, ConsentZone, hide_faces, split_faces
from recognition.faces.colour import clothing_colour
from recognition.faces.cues import Cues, read_cues
from recognition.errors import ModelUnavailable
from recognition.faces import blazeface
from recognition.faces.quality import identifiable
from recognition.faces.api import DETECTION_MODELS, detect_faces, encode_faces, find_landmarks
from recognition.plates.votes import PlateTracker
from recognition.plates.detect import detect_plates, forget
from recognition.plates.ocr import clear_engines
from recognition.plates.read import load_readers, read_candidate
from recognition.faces.tracking import FOLLOW_WIDTH_PX, Track, Tracker, face_template, follow_face
from recognition.images import face_crop, shrink
from recognition.types import Box, FaceObservation, Frame, FrameResult, PlateObservation


log = logging.getLogger(__name__)

#: Longest time faces are followed without a detection: a new face (or a still photo after
#: another) is looked for at least this often, whatever the frame rate.
MAX_FOLLOW_S = 0.25


#: The faceprint tolerance's allowed range, in the config and on the facilitator's slider.
TOLERANCE_RANGE = (0.2, 0.9)


def _bounded(lo: float, hi: float, doc: str) -> dict:
    return {"min": lo, "max": hi, "doc": doc}


@dataclass(frozen=True)
class RecognitionSettings:
    """Knobs of face recognition; also the ``[recognition]`` section of the config file.

    Each field's metadata gives its allowed range, checked when the config loads.
    """

    detect_width_px: int = field(
        default=640, metadata=_bounded(160, 1920, "width the frame is shrunk to for detection")
    )
    upsample: int = field(
        default=0, metadata=_bounded(0, 2, "times dlib doubles the image to find small faces")
    )
    # BlazeFace by measurement (README, "Small faces"): faces from ~30 px at a tenth of HOG's
    # time; "hog" and "cnn" stay available.
    model: str = field(default="blazeface", metadata={"choices": DETECTION_MODELS, "doc": "detector"})
    # Two overlapping squares (480 px each at 640×480) find faces from ~30 px (about 2.3 m
    # away) for one more model run per detection than the whole frame (which finds them from
    # ~40 px): ~10 ms more per detection, ~3 ms per frame with detection every third frame,
    # within the third of the frame budget the issue allows (README, "Small faces").
    detect_tiles: int = field(
        default=2, metadata=_bounded(1, 4, "BlazeFace: 1 whole frame; N overlapping squares across it")
    )
    # 30, not 40: BlazeFace's boxes, mapped to dlib's, put a 40 px face at 38-41 px, and a
    # visitor 1.7 m away must not flicker in and out at the limit.
    min_face_px: int = field(
        default=30, metadata=_bounded(0, 1000, "smallest face width kept, in display pixels")
    )
    jitters: int = field(
        default=1, metadata=_bounded(1, 10, "re-sampled copies averaged per encoding")
    )
    refresh_s: float = field(
        default=3.0, metadata=_bounded(0.2, 60.0, "how often a tracked face is re-encoded")
    )
    detect_every: int = field(
        default=3, metadata=_bounded(1, 10, "detect every Nth frame; follow faces in between")
    )
    max_encodes_per_frame: int = field(
        default=2, metadata=_bounded(1, 50, "faces encoded per frame; the rest wait a frame")
    )
    cues: bool = field(default=True, metadata={"doc": "read landmark cues when faces are detected"})
    plates: bool = field(default=True, metadata={"doc": "look for and read licence plates"})
    # 0.55 is tuned on the development photos: same-person distances there reach 0.525 and
    # different people start at 0.656. It sits below the midpoint because dlib's distances
    # between different people are known to be smaller for groups under-represented in its
    # training data (children, East Asian faces), where a merge is the worse error.
    tolerance: float = field(
        default=0.55, metadata=_bounded(*TOLERANCE_RANGE, "largest faceprint distance for the same person")
    )


class Pipeline:
    """Turns frames into :class:`FrameResult` s; keeps only track state between frames.

    Track state belongs to one camera: frames of another camera (``Frame.camera``) go to a
    pipeline of their own for that camera, made on first use, which shares the settings and
    the plate tracker (so a car seen by two cameras is one vehicle).

    Args:
        settings: detection and encoding knobs.
        consent: the consent zone; faces outside it are only located, to be hidden (see
            :mod:`recognition.consent`). Replace :attr:`consent` to move it or switch it off;
            each frame reads it once (every camera's). Default: analyse every face.
        camera: the camera whose frames this pipeline follows itself.
        plates: the plate tracker to share (default: a new one).
    """

    def __init__(self, settings: RecognitionSettings = RecognitionSettings(),
                 consent: ConsentZone = EVERYONE, *, camera: str = "C1",
                 plates: PlateTracker | None = None):
        self.settings = settings
        self.consent = consent
        self.camera = camera
        self._hidden: list[Box] = []
        self.tracker = Tracker(refresh_s=settings.refresh_s)
        self._since_detect = settings.detect_every  # detect on the first frame
        self._detected_s = float("-inf")
        self._visible: list[Track] = []
        self.plates = plates if plates is not None else PlateTracker()
        self.plates_unavailable: str | None = None  # why plates are off, if the OCR is missing
        self._others: dict[str, Pipeline] = {}  # the other cameras' pipelines

    def warm_up(self) -> None:
        """Load the face detector and the plate readers now, so the first face or car seen
        does not stall the analysis; if the plate readers cannot load, plates are off
        (:attr:`plates_unavailable` says why).

        Raises:
            ModelUnavailable: the configured face detector is not installed.
        """
        if self.settings.model == "blazeface":
            blazeface.load()
        if not self.settings.plates or self.plates_unavailable is not None:
            return
        try:
            load_readers()
        except ModelUnavailable as exc:
            self.plates_unavailable = str(exc)
            log.warning("licence plates are off: %s", exc)

    def process(self, frame: Frame) -> FrameResult:
        """Detect or follow, then track and (where due) encode the faces in ``frame``.

        Faces are detected every ``detect_every`` frames (and at least every
        :data:`MAX_FOLLOW_S`); in between they are followed by template matching, and a face
        lost by following triggers a detection at once.

        Boxes in the result are in display pixels (``frame.image``); encodings are present
        only for tracks encoded in this frame, at most ``max_encodes_per_frame`` of them
        (largest faces first), so a crowd delays encodings instead of stalling the loop.
        Time is taken from ``frame.captured_s``. An empty frame gives an empty result.
        """
        if frame.camera != self.camera:
            return self._pipeline_of(frame.camera).process(frame)
        now_s = frame.captured_s
        display_w, display_h = frame.size
        timings: dict[str, float] = {}
        if frame.image.size == 0:
            return FrameResult(frame.seq, now_s, (display_w, display_h), timings_ms=timings,
                               camera=self.camera)
        source = frame.lores if frame.lores is not None else frame.image
        copies: list[np.ndarray] = []
        try:
            return self._analyse(frame, source, timings, copies)
        finally:
            # Working copies of the frame, at every resolution, are biometric data too: zero
            # them whether the analysis worked or failed.
            for copy in copies:
                copy.fill(0)

    def _analyse(self, frame: Frame, source: np.ndarray, timings: dict[str, float],
                 copies: list[np.ndarray]) -> FrameResult:
        """:meth:`process` on ``source`` (the analysis picture); every working copy of the
        frame it makes is appended to ``copies``, for the caller to zero."""
        s, zone = self.settings, self.consent
        now_s = frame.captured_s
        display_w, display_h = frame.size

        def kept(copy: np.ndarray) -> np.ndarray:
            if copy is not source and copy is not frame.image:
                copies.append(copy)
            return copy

        small = kept(shrink(source, s.detect_width_px))
        to_display = display_w / small.shape[1]

        # perf_counter only measures stage costs for health and the benchmark; no result
        # depends on it, so the pipeline stays a pure function of its frames.
        started = time.perf_counter()
        tiny = kept(cv2.cvtColor(kept(shrink(small, FOLLOW_WIDTH_PX)), cv2.COLOR_BGR2GRAY))
        to_tiny = tiny.shape[1] / display_w
        followed = None
        if self._since_detect + 1 < s.detect_every and now_s - self._detected_s < MAX_FOLLOW_S:
            followed = self._follow(tiny, to_tiny, now_s)
        if followed is not None and zone.enabled and not all(
                zone.admits(t.box, (display_w, display_h), detect_scale=1 / to_display)
                for t in followed):
            followed = None  # someone left the zone: detect, so they are hidden from now on
        timings["track"] = _ms_since(started)

        if followed is not None:
            self._since_detect += 1
            tracks = followed
            boxes = [t.box for t in tracks]
            hidden = self._hidden  # where they were last detected; hiding pads for movement
        else:
            started = time.perf_counter()
            boxes = detect_faces(
                kept(cv2.cvtColor(small, cv2.COLOR_BGR2RGB)),
                upsample=s.upsample,
                model=s.model,
                # Under a consent zone small faces are found too, so they can be hidden.
                min_size_px=0 if zone.enabled else round(s.min_face_px / to_display),
                tiles=s.detect_tiles,
                # Faces followed since the last detection were confirmed then: the detector
                # need not take a second look at them when it is unsure (the dark, turned
                # faces of an audience would cost one more model run every detection).
                known=[t.box.scaled(1 / to_display) for t in self._visible],
            )
            boxes = [b.scaled(to_display).clipped(display_w, display_h) for b in boxes]
            timings["detect"] = _ms_since(started)
            # Before anything else looks at a face: outside the zone it is only hidden.
            boxes, hidden = self._split(boxes, zone, (display_w, display_h), to_display)
            self._hidden = hidden
            tracks = self.tracker.update(boxes, now_s)
            for track in tracks:
                if track.template is not None:
                    track.template.fill(0)
                track.template = face_template(tiny, track.box.scaled(to_tiny))
            self._since_detect, self._detected_s = 0, now_s
        self._visible = tracks

        plates, vehicles = (), None
        if followed is None and s.plates and self.plates_unavailable is None:
            started = time.perf_counter()
            plates, vehicles = self._read_plates(small, to_display, (display_w, display_h), now_s)
            timings["plates"] = _ms_since(started)

        due = [i for i, t in enumerate(tracks) if self.tracker.needs_encoding(t, now_s)
               and identifiable(frame.image, boxes[i])]  # blurred faces wait for a sharp view
        due = due[: s.max_encodes_per_frame]  # boxes come largest first
        rgb = kept(cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB)) if boxes else None

        encodings: dict[int, np.ndarray] = {}
        crops: dict[int, np.ndarray] = {}
        try:
            started = time.perf_counter()
            if due:
                found = encode_faces(rgb, [boxes[i] for i in due], jitters=s.jitters)
                for i, enc in zip(due, found):
                    encodings[i] = tracks[i].add_sample(enc, now_s)
            timings["encode"] = _ms_since(started)

            started = time.perf_counter()
            # Cues describe a visitor, and a face belongs to one only once its track has a
            # faceprint: the landmarks (1-2 ms a face) of a face too blurred to identify, or
            # still waiting its turn in a crowd, would be thrown away. They are read when faces
            # are detected (10 times a second at 30 frames/s), not on every followed frame: a
            # blink lasts 100-400 ms, the kiosk shows cues once a second, and the share of
            # time looking at the camera is the same share of fewer frames.
            cues: list[Cues | None] = [None] * len(boxes)
            cued = [i for i, t in enumerate(tracks)
                    if t.samples and (followed is None or i in encodings)] if s.cues else []
            for i, marks in zip(cued, find_landmarks(rgb, [boxes[i] for i in cued])):
                cues[i] = read_cues(marks)
            timings["cues"] = _ms_since(started)

            # Thumbnails and clothing are cut from a copy with the hidden faces blurred, so a
            # bystander next to a visitor is not in the visitor's thumbnail.
            picture = kept(hide_faces(frame.image.copy(), hidden)) if hidden and encodings \
                else frame.image
            clothing = {i: clothing_colour(picture, boxes[i]) for i in encodings}
            for i in encodings:
                crops[i] = face_crop(picture, boxes[i])
        except BaseException:
            # The new faceprints and thumbnails would reach nobody who zeroes them.
            for array in (*encodings.values(), *crops.values()):
                array.fill(0)
            raise
        faces = tuple(
            FaceObservation(box, track.track_id, encoding=encodings.get(i), cues=cues[i],
                            clothing=clothing.get(i), crop=crops.get(i))
            for i, (box, track) in enumerate(zip(boxes, tracks))
        )
        return FrameResult(
            seq=frame.seq,
            captured_s=now_s,
            frame_size=(display_w, display_h),
            faces=faces,
            encoded_tracks=len(encodings),
            timings_ms=timings,
            plates=plates,
            vehicles=vehicles,
            hidden=tuple(hidden),
            camera=self.camera,
        )

    def _split(self, boxes: list[Box], zone: ConsentZone, size: tuple[int, int],
               to_display: float) -> tuple[list[Box], list[Box]]:
        """(analysed, hidden) display boxes: under an enabled zone, faces smaller than
        ``min_face_px`` of the recognition settings are hidden too, not dropped."""
        if not zone.enabled:
            return boxes, []
        too_small = [b for b in boxes if b.width < self.settings.min_face_px]
        analysed, hidden = split_faces(zone, [b for b in boxes if b not in too_small], size,
                                       detect_scale=1 / to_display)
        return analysed, hidden + too_small

    def reset(self) -> None:
        """Forget all tracks (of every camera), e.g. when the session is wiped."""
        self.tracker.reset()
        self._visible = []
        self._hidden = []
        self._since_detect = self.settings.detect_every
        self._detected_s = float("-inf")
        self.plates.wipe()
        clear_engines()  # Tesseract keeps the last plate's picture and text otherwise
        for other in self._others.values():
            other.reset()
        self._others.clear()

    def _pipeline_of(self, camera: str) -> Pipeline:
        """The pipeline following ``camera``'s frames, made on its first frame."""
        other = self._others.get(camera)
        if other is None:
            other = Pipeline(self.settings, camera=camera, plates=self.plates)
            other.plates_unavailable = self.plates_unavailable
            self._others[camera] = other
        other.consent = self.consent  # the zone is moved or switched on this pipeline only
        return other

    def _read_plates(self, small: np.ndarray, to_display: float, size: tuple[int, int],
                     now_s: float) -> tuple[tuple[PlateObservation, ...], tuple]:
        """Find plates in ``small``, OCR the new or uncertain ones, vote them into vehicles."""
        candidates = detect_plates(small)
        try:
            ids = self.plates.track([c.box for c in candidates], now_s, camera=self.camera)
            seen = []
            for candidate, vehicle_id in zip(candidates, ids):
                reading = None
                if self.plates.due(vehicle_id):
                    try:
                        reading = read_candidate(candidate)
                    except ModelUnavailable as exc:
                        self.plates_unavailable = str(exc)
                        log.warning("licence plates are off: %s", exc)
                        break
                    vehicle_id = self.plates.add(vehicle_id, reading)
                box = candidate.box.scaled(to_display).clipped(*size)
                seen.append(PlateObservation(box, vehicle_id, reading))
        finally:
            for candidate in candidates:
                forget(candidate)  # pictures of the plate text, even when reading failed
        return tuple(seen), self.plates.vehicles()

    def _follow(self, tiny: np.ndarray, to_tiny: float, now_s: float) -> list[Track] | None:
        """Move every visible track by template matching; ``None`` if any face was lost."""
        height, width = tiny.shape[:2]
        moved = []
        for track in self._visible:
            if track.template is None:
                return None
            before = track.box.scaled(to_tiny)
            after = follow_face(tiny, track.template, before)
            if after is None:
                return None
            shifted = track.box.shifted(round((after.left - before.left) / to_tiny),
                                        round((after.top - before.top) / to_tiny))
            moved.append((track, shifted.clipped(round(width / to_tiny), round(height / to_tiny))))
        for track, box in moved:
            self.tracker.follow(track, box, now_s)
        return [track for track, _ in moved]


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
