"""``oko scan``: the live pipeline and session logic over photos and video files.

All inputs are one session, in the order given (directories sorted). Stills are spaced
:data:`STILL_GAP_S` apart so each is a separate encounter, as if the person walked past
another camera; video frames keep their own timing. Inputs can be given as cameras at named
places (``--camera PLACE=PATH``): each camera's faces are followed on their own, visitors keep
one number across them, and each visitor gets a route.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import cv2
import numpy as np

from recognition.dossier import Dossier
from recognition.visitor import Profile
from recognition.errors import ConfigError
from recognition.routes import gaps_s, route_text
from recognition.images import UnusableImage, as_bgr
from recognition.faces.stills import encode_largest_face
from recognition.pipeline import Pipeline, RecognitionSettings
from recognition.types import Box, FaceObservation, Frame, PlateObservation

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"}
#: Seconds between stills: longer than a track lives, shorter than any idle wipe.
STILL_GAP_S = 5.0


@dataclass(frozen=True)
class ScanRecord:
    """The faces found in one image or video frame, or why it could not be read.

    ``hidden`` holds the faces outside the consent zone (only with ``--consent-zone``).
    """

    source: str
    frame: int
    faces: tuple[FaceObservation, ...] = ()
    error: str | None = None
    plates: tuple[PlateObservation, ...] = ()
    hidden: tuple[Box, ...] = ()
    camera: str = "C1"


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named by ``paths``: files as given, directories as their files, sorted, recursive."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            files.append(path)
    return files


def read_frames(path: Path, every: int, start_s: float) -> Iterator[tuple[int, Frame | str]]:
    """Yield ``(frame number, Frame)`` for an image or every ``every``-th video frame.

    Frame times start at ``start_s``. An unreadable file yields ``(0, error message)``.
    """
    if not path.exists():
        yield 0, "file does not exist"
        return
    if path.suffix.lower() in VIDEO_SUFFIXES:
        cap = cv2.VideoCapture(str(path))
        fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
        index = 0
        delivered = False
        try:
            while True:
                ok, image = cap.read()
                if not ok:
                    break
                if index % every == 0:
                    delivered = True
                    yield index, Frame(image=image, captured_s=start_s + index / fps, seq=index)
                index += 1
        finally:
            cap.release()
        if not delivered:
            yield 0, "cannot decode this video"
        return
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None:
        yield 0, "not an image or video this tool can read"
        return
    try:
        yield 0, Frame(image=as_bgr(image), captured_s=start_s, seq=0)
    except UnusableImage as exc:
        yield 0, str(exc)


def scan(
    paths: Sequence[Path], pipeline: Pipeline, dossier: Dossier, *, every: int = 1,
    cameras: Sequence[tuple[str, Path]] = (),
) -> Iterator[ScanRecord]:
    """Run every image and every ``every``-th video frame through the pipeline and dossier.

    ``paths`` are camera ``C1``'s; ``cameras`` gives ``(camera id, path)`` pairs instead, one
    camera after the other, as if the visitors walked from one place to the next.
    Yields one :class:`ScanRecord` per image or analysed frame, in order; unreadable files
    give a record with ``error`` set, and scanning carries on.
    """
    clock_s = 0.0
    inputs = [(camera, path) for camera, given in cameras for path in expand([given])] \
        if cameras else [("C1", path) for path in expand(paths)]
    for camera, path in inputs:
        last_s = clock_s
        for number, frame in read_frames(path, every, clock_s):
            if isinstance(frame, str):
                log.debug("skipped an input: %s", frame)
                yield ScanRecord(str(path), number, error=frame, camera=camera)
                continue
            frame = dataclasses.replace(frame, camera=camera)
            last_s = frame.captured_s
            try:
                result = pipeline.process(frame)
                faces = dossier.record(result)
            except Exception as exc:  # noqa: BLE001 - one bad picture must not end the scan
                log.debug("analysis failed", exc_info=True)
                yield ScanRecord(str(path), number, error=f"analysis failed ({type(exc).__name__})",
                                 camera=camera)
                continue
            yield ScanRecord(str(path), number, faces, plates=result.plates,
                             hidden=result.hidden, camera=camera)
        clock_s = last_s + STILL_GAP_S


def record_json(record: ScanRecord) -> dict:
    """The ``oko scan --json`` object for one record (a contract: keys are only added)."""
    if record.error is not None:
        return {"source": record.source, "frame": record.frame, "error": record.error}
    return {
        "source": record.source,
        "frame": record.frame,
        "faces": [
            {
                "box": [f.box.left, f.box.top, f.box.width, f.box.height],
                "visitor": f.visitor_id,
                "distance": None if f.distance is None else round(f.distance, 3),
                "watchlist": None if f.watchlist is None else {
                    "label": f.watchlist.label,
                    "distance": round(f.watchlist.distance, 3),
                    "similarity": round(f.watchlist.similarity, 3),
                },
                "looking_at_camera": None if f.cues is None else f.cues.looking_at_camera,
                "smiling": None if f.cues is None else f.cues.smiling,
                "eyes_closed": None if f.cues is None else f.cues.eyes_closed,
                "clothing": f.clothing,
                "in_zone": True,
                "camera": record.camera,
            }
            for f in record.faces
        ] + [_hidden_json(box, record.camera) for box in record.hidden],
        "plates": [_plate_json(p) for p in record.plates],
    }


def _hidden_json(box: Box, camera: str) -> dict:
    """A face outside the consent zone: where it was, and nothing else (never analysed)."""
    return {"box": [box.left, box.top, box.width, box.height], "visitor": None,
            "distance": None, "watchlist": None, "looking_at_camera": None, "smiling": None,
            "eyes_closed": None, "clothing": None, "in_zone": False, "camera": camera}


def _plate_json(plate: PlateObservation) -> dict:
    r = plate.reading
    return {
        "text": "" if r is None else r.text,
        "display": "" if r is None else r.display,
        "raw": "" if r is None else r.raw,
        "valid": False if r is None else r.valid,
        "country": "unknown" if r is None else r.country,
        "box": [plate.box.left, plate.box.top, plate.box.width, plate.box.height],
        "confidence": 0.0 if r is None else round(r.confidence, 3),
        "vehicle": plate.vehicle_id,
    }


def record_rows(record: ScanRecord) -> list[tuple[str, ...]]:
    """Table rows (source, frame, visitor, box, distance, watchlist) for one readable record.

    Plates get a row each with the vehicle id in the visitor column and the reading last.
    """
    plates = [
        (record.source, str(record.frame), p.vehicle_id,
         f"{p.box.left},{p.box.top} {p.box.width}x{p.box.height}", "plate",
         "" if p.reading is None else p.reading.display)
        for p in record.plates
    ]
    hidden = [(record.source, str(record.frame), "-",
               f"{b.left},{b.top} {b.width}x{b.height}", "outside the zone", "")
              for b in record.hidden]
    if not record.faces and not hidden:
        return plates or [(record.source, str(record.frame), "-", "no face", "", "")]
    return plates + hidden + [
        (
            record.source,
            str(record.frame),
            f.visitor_id or "?",
            f"{f.box.left},{f.box.top} {f.box.width}x{f.box.height}",
            "new" if f.distance is None else f"{f.distance:.2f}",
            "" if f.watchlist is None else f"{f.watchlist.label} ({f.watchlist.distance:.2f})",
        )
        for f in record.faces
    ]


def load_encoding(path: Path, settings: RecognitionSettings) -> np.ndarray:
    """The faceprint of the largest face in the photo at ``path`` (for watchlist enrolment).

    Raises:
        UnusableImage: the file is unreadable or shows no face.
    """
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise UnusableImage(f"{path} is not an image this tool can read.")
    encoding = encode_largest_face(as_bgr(image), settings)
    if encoding is None:
        raise UnusableImage(f"No face found in {path}; use a photo showing one face clearly.")
    return encoding


def scan_cameras(items: Sequence[str], paths: Sequence[Path]) -> list[tuple[str, Path]]:
    """``(place, path)`` per ``--camera PLACE=PATH`` item, checked; empty without any.

    Raises:
        ConfigError: both PATHs and cameras, neither, an item without ``=``, an empty or
            repeated place.
    """
    if items and paths:
        raise ConfigError("Give either PATHs or --camera PLACE=PATH items, not both.")
    if not items and not paths:
        raise ConfigError("Nothing to scan: give PATHs or --camera PLACE=PATH items.")
    cameras: list[tuple[str, Path]] = []
    for item in items:
        place, sep, path = item.partition("=")
        place = place.strip()
        if not sep or not path:
            raise ConfigError(f"--camera {item!r} must look like PLACE=PATH.")
        if not place:
            raise ConfigError(f"--camera {item!r} has an empty place name.")
        if any(place.casefold() == p.casefold() for p, _ in cameras):
            raise ConfigError(f"The place {place!r} is given to two cameras; give each its own.")
        cameras.append((place, Path(path).expanduser()))
    return cameras


def route_lines(profiles: Sequence[Profile], places: dict[str, str]) -> list[str]:
    """``"V1: Slavija 0:03 → Knez Mihailova 0:12 (9 s later)"`` per visitor seen at two or
    more places (times into the scan)."""
    lines = []
    for p in profiles:
        if len(p.route) < 2:
            continue
        text = route_text(p.route, places, lambda s: f"{int(s) // 60}:{int(s) % 60:02d}")
        gaps = ", ".join(f"{gap:.0f} s" for gap in gaps_s(p.route))
        lines.append(f"{p.visitor_id}: {text} (gaps {gaps})")
    return lines
