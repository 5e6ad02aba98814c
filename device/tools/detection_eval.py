"""``oko eval detection``: face detection recall and false detections against annotated boxes.

Annotations are dlib's imglab XML (``<image file=...><box top= left= width= height=/>``), as
dlib ships with its example faces; every ``*.xml`` in the folder is read, image paths are
relative to the XML file. A detection counts as finding a face when their boxes overlap with
an intersection-over-union of at least :data:`MIN_IOU` (each face and each detection counts
once); boxes marked ``ignore='1'`` are neither missed nor false when detected.

Each image is analysed as the live pipeline does: shrunk to ``detect_width_px`` (never
enlarged), searched with the configured detector, boxes scaled back.
"""

from __future__ import annotations

import statistics
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import cv2

from recognition.errors import ConfigError
from recognition.faces.api import detect_faces
from recognition.pipeline import RecognitionSettings
from recognition.types import Box

MIN_IOU = 0.4
#: Face-width buckets of the report, in pixels of the annotated image: (label, from, below).
BUCKETS = (("<30", 0, 30), ("30-40", 30, 40), ("40-60", 40, 60), ("60-100", 60, 100),
           (">=100", 100, 10**9))


@dataclass(frozen=True)
class Annotated:
    """One annotated image: its path, the faces to find and the boxes to ignore."""

    path: Path
    faces: tuple[Box, ...]
    ignored: tuple[Box, ...] = ()


@dataclass(frozen=True)
class Bucket:
    """Recall for faces of one width range."""

    label: str
    faces: int
    found: int

    @property
    def recall(self) -> float | None:
        """Share of these faces found, or ``None`` when there are none."""
        return self.found / self.faces if self.faces else None


@dataclass(frozen=True)
class DetectionScores:
    """What ``oko eval detection`` reports."""

    model: str
    detect_width_px: int
    upsample: int
    tiles: int
    images: int
    faces: int
    found: int
    false_detections: int
    buckets: tuple[Bucket, ...]
    ms_per_frame_median: float
    ms_per_frame_p95: float
    skipped: tuple[str, ...] = ()
    per_image: tuple[tuple[str, int, int, int], ...] = ()  # (file, faces, found, false)

    @property
    def false_per_image(self) -> float:
        """False detections per image."""
        return self.false_detections / self.images if self.images else 0.0

    def as_json(self) -> dict:
        """The ``--json`` object (keys are only ever added)."""
        return {
            "model": self.model, "detect_width_px": self.detect_width_px,
            "upsample": self.upsample, "tiles": self.tiles, "images": self.images, "faces": self.faces,
            "found": self.found, "recall": self.found / self.faces if self.faces else None,
            "false_detections": self.false_detections, "false_per_image": self.false_per_image,
            "by_width": {b.label: {"faces": b.faces, "found": b.found, "recall": b.recall}
                         for b in self.buckets},
            "ms_per_frame": {"median": self.ms_per_frame_median, "p95": self.ms_per_frame_p95},
            "skipped": list(self.skipped),
            "per_image": [{"file": f, "faces": n, "found": k, "false": x}
                          for f, n, k, x in self.per_image],
        }


def read_imglab(folder: Path) -> list[Annotated]:
    """Every annotated image of every imglab XML file in ``folder`` (or the one file given).

    Raises:
        ConfigError: no XML file, or one that is not imglab XML.
    """
    files = sorted(folder.glob("*.xml")) if folder.is_dir() else [folder]
    if not files or not all(f.is_file() for f in files):
        raise ConfigError(f"{folder} holds no imglab XML file (e.g. testing.xml).")
    images: list[Annotated] = []
    for xml in files:
        try:
            root = ElementTree.parse(xml).getroot()
        except (ElementTree.ParseError, OSError) as exc:
            raise ConfigError(f"{xml} is not readable imglab XML ({exc}).") from None
        for node in root.iter("image"):
            faces, ignored = [], []
            for b in node.iter("box"):
                try:
                    left, top = int(b.get("left")), int(b.get("top"))
                    box = Box(left, top, left + int(b.get("width")), top + int(b.get("height")))
                except (TypeError, ValueError):
                    raise ConfigError(f"{xml}: a box of {node.get('file')} lacks "
                                      "top/left/width/height.") from None
                (ignored if b.get("ignore") == "1" else faces).append(box)
            images.append(Annotated(xml.parent / node.get("file", ""), tuple(faces), tuple(ignored)))
    if not images:
        raise ConfigError(f"{folder}: the XML files list no images.")
    return images


def match(truth: tuple[Box, ...], found: list[Box],
          min_iou: float = MIN_IOU) -> tuple[set[int], set[int]]:
    """Pair faces with detections, best overlaps first, each at most once; return the
    indices of the faces found and of the detections that found them."""
    pairs = sorted(((t.iou(f), i, j) for i, t in enumerate(truth) for j, f in enumerate(found)),
                   reverse=True)
    used_t: set[int] = set()
    used_f: set[int] = set()
    for iou, i, j in pairs:
        if iou < min_iou:
            break
        if i not in used_t and j not in used_f:
            used_t.add(i)
            used_f.add(j)
    return used_t, used_f


def evaluate_detection(folder: Path, settings: RecognitionSettings) -> DetectionScores:
    """Run the configured detector over every annotated image in ``folder`` and score it.

    Unreadable images are skipped and listed. ``min_face_px`` is not applied: this measures
    what the detector can find; the exhibit then drops faces below ``min_face_px``.
    """
    annotated = read_imglab(folder)
    counts = {label: [0, 0] for label, _, _ in BUCKETS}
    times_ms: list[float] = []
    skipped, per_image = [], []
    false = 0
    warmed = False
    for item in annotated:
        image = cv2.imread(str(item.path), cv2.IMREAD_COLOR)
        if image is None:
            skipped.append(f"{item.path.name}: not an image this tool can read")
            continue
        if not warmed:  # the first call loads the model: not a frame's cost
            detect_like_the_pipeline(image, settings)
            warmed = True
        started = time.perf_counter()
        found = detect_like_the_pipeline(image, settings)
        times_ms.append((time.perf_counter() - started) * 1000)
        hit, matched_found = match(item.faces, found)
        for i, box in enumerate(item.faces):
            label = next(lbl for lbl, lo, hi in BUCKETS if lo <= box.width < hi)
            counts[label][0] += 1
            counts[label][1] += i in hit
        extra = [f for j, f in enumerate(found) if j not in matched_found
                 and not any(f.iou(g) >= MIN_IOU for g in item.ignored)]
        false += len(extra)
        per_image.append((item.path.name, len(item.faces), len(hit), len(extra)))
    if not times_ms:
        raise ConfigError(f"None of the images listed in {folder} could be read.")
    ordered = sorted(times_ms)
    buckets = tuple(Bucket(label, *counts[label]) for label, _, _ in BUCKETS)
    return DetectionScores(
        model=settings.model, detect_width_px=settings.detect_width_px,
        upsample=settings.upsample, tiles=settings.detect_tiles, images=len(times_ms),
        faces=sum(b.faces for b in buckets), found=sum(b.found for b in buckets),
        false_detections=false, buckets=buckets,
        ms_per_frame_median=statistics.median(ordered),
        ms_per_frame_p95=ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        skipped=tuple(skipped), per_image=tuple(per_image),
    )


def detect_like_the_pipeline(image, settings: RecognitionSettings) -> list[Box]:
    """Faces in a BGR ``image`` as the pipeline finds them (before ``min_face_px``), in
    pixels of ``image``."""
    height, width = image.shape[:2]
    small = image
    if width > settings.detect_width_px:
        size = (settings.detect_width_px, max(1, round(height * settings.detect_width_px / width)))
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    boxes = detect_faces(cv2.cvtColor(small, cv2.COLOR_BGR2RGB), upsample=settings.upsample,
                         model=settings.model, tiles=settings.detect_tiles)
    back = width / small.shape[1]
    return [b.scaled(back).clipped(width, height) for b in boxes]


def format_detection(s: DetectionScores, *, details: bool = False) -> str:
    """The scores as a readable report."""
    lines = [
        f"{s.images} images, {s.faces} faces; detector {s.model} at {s.detect_width_px} px"
        + (f", upsample {s.upsample}" if s.model != "blazeface" else f", {s.tiles} tile(s)"),
        *(f"  skipped {x}" for x in s.skipped),
        *((f"  {f}: {k}/{n} found, {x} false" for f, n, k, x in s.per_image) if details else ()),
        "",
        "face width  faces  found  recall",
        *(f"{b.label:>10}  {b.faces:5d}  {b.found:5d}  "
          + ("     -" if b.recall is None else f"{b.recall:6.1%}") for b in s.buckets),
        f"{'all':>10}  {s.faces:5d}  {s.found:5d}  "
        + (f"{s.found / s.faces:6.1%}" if s.faces else "     -"),
        "",
        f"false detections: {s.false_detections} ({s.false_per_image:.2f} per image)",
        f"ms per frame: {s.ms_per_frame_median:.1f} median, {s.ms_per_frame_p95:.1f} p95",
    ]
    return "\n".join(lines)

