"""``oko bench``: our pipeline against face_recognition's textbook loop, on the same frames.

The **textbook loop** is face_recognition's documented real-time recipe run with the same
detector, resolution and settings as ours, so both see the same faces: on every frame detect,
encode every face, compare with the known visitors. Its ¼-scale, every-other-frame variant is
reported for reference only (at ¼ scale it misses most faces, so its speed is not comparable).
All figures come from one run on one machine, so ratios are meaningful even when it is noisy.
The speed-up divides CPU seconds per frame (the process's own, both loops alike), so other
work on the same core does not tilt it; the wall-clock ratio is reported beside it.
"""

from __future__ import annotations

import dataclasses
import os
import resource
import statistics
import time
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from device.assembly import build_engine, build_session
from device.camera import DEMO_CLIP, OpenCVSource
from device.config import Config, SessionConfig
from device.engine import Engine
from device.overlay import annotate
from device.tools.blur_bench import FACES_OUTSIDE, blur_cost
from device.tools.bench_city import bench_cameras, format_cameras
from device.tools.bench_faces import clustering_cost, run_small_faces
from device.tools.bench_viewers import serving_rss_mb, viewers_cost, viewers_drop
from recognition.errors import CameraUnavailable
from recognition.faces import api as face_api
from recognition.pipeline import Pipeline, RecognitionSettings
from recognition.types import Frame

RESOLUTIONS = ((320, 240), (640, 480), (1280, 720))
FACE_COUNTS = (1, 3, 5, 10)


def load_frames(path: Path, limit: int = 600) -> tuple[list[np.ndarray], float, list[float]]:
    """Decode up to ``limit`` frames of a video; return them, its fps and decode times (ms)."""
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise CameraUnavailable(f"Video file {path} cannot be opened.")
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    frames, decode_ms = [], []
    while len(frames) < limit:
        started = time.perf_counter()
        ok, image = cap.read()
        if not ok:
            break
        decode_ms.append((time.perf_counter() - started) * 1000)
        frames.append(image)
    cap.release()
    if not frames:
        raise CameraUnavailable(f"Video file {path} has no frames this machine can decode.")
    return frames, fps, decode_ms


def run_ours(frames: list[np.ndarray], fps: float, settings: RecognitionSettings) -> dict:
    """Our pipeline and dossier over ``frames`` as if live; stage timings per frame."""
    session = build_session(_config(settings))
    pipeline, dossier = session.pipeline, session.dossier
    pipeline.warm_up()  # as the engine does on start; the textbook's models are loaded too
    stages: dict[str, list[float]] = {}
    busy_s = cpu_s = 0.0
    for i, image in enumerate(frames):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = pipeline.process(Frame(image, i / fps, i))
        matched = time.perf_counter()
        labelled = dossier.record(result)
        done = time.perf_counter()
        busy_s += done - started
        cpu_s += time.process_time() - cpu_started
        for name, ms in {**result.timings_ms, "match": (done - matched) * 1000}.items():
            stages.setdefault(name, []).append(ms)
        if i % 10 == 0:  # the display side, measured on a sample (it runs only when watched)
            started = time.perf_counter()
            shown = annotate(image, labelled)
            stages.setdefault("annotate", []).append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            cv2.imencode(".jpg", shown, [cv2.IMWRITE_JPEG_QUALITY, 80])
            stages.setdefault("jpeg", []).append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    receipt = dossier.wipe(0.0)
    pipeline.reset()
    wipe_ms = (time.perf_counter() - started) * 1000
    return {"fps": len(frames) / busy_s, "cpu_fps": len(frames) / max(cpu_s, 1e-9),
            "visitors": receipt.visitors, "stages": stages, "wipe_ms": wipe_ms}


def run_textbook(frames: list[np.ndarray], settings: RecognitionSettings, budget_s: float,
                 *, scale: float = 1.0, every: int = 1, upsample: int | None = None) -> dict:
    """face_recognition's real-time recipe: detect, encode every face, compare, every frame.

    Frames are taken evenly across the clip so the visitors it finds are comparable, until
    ``budget_s`` seconds are spent (its fps does not depend on which frames it gets).
    """
    fr = face_api.models()
    known: list[np.ndarray] = []
    width = frames[0].shape[1]
    factor = min(1.0, settings.detect_width_px / width) * scale
    stride = max(1, every)
    processed = analysed = 0
    spent_s = cpu_s = 0.0
    # Any prefix of this order is spread evenly over the whole clip, so the frames the budget
    # covers show as many faces as the clip does on average (ours runs over all of it).
    starts = list(range(0, len(frames), stride))
    order = [starts[k] for k in spread_order(len(starts))]
    for i in order:
        started, cpu_started = time.perf_counter(), time.process_time()
        small = cv2.resize(frames[i], None, fx=factor, fy=factor) if factor != 1.0 else frames[i]
        rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
        # The same detector and settings as ours (face_recognition's own HOG when that is
        # the one configured), so both loops see the same faces.
        boxes = face_api.detect_faces(rgb, upsample=settings.upsample if upsample is None
                                      else upsample, model=settings.model,
                                      tiles=settings.detect_tiles)
        locations = [(b.top, b.right, b.bottom, b.left) for b in boxes]
        for encoding in fr.face_encodings(rgb, locations):
            distances = fr.face_distance(known, encoding) if known else np.empty(0)
            if not len(distances) or distances.min() > settings.tolerance:
                known.append(encoding)
        spent_s += time.perf_counter() - started
        cpu_s += time.process_time() - cpu_started
        analysed += 1
        processed += stride  # the frames in between are skipped, i.e. "handled"
        if spent_s >= budget_s:
            break
    return {"fps": processed / spent_s if spent_s else 0.0,
            "cpu_fps": processed / cpu_s if cpu_s else 0.0, "frames": analysed,
            "visitors": len(known), "covered": analysed / len(order)}


def spread_order(count: int) -> list[int]:
    """``0 .. count-1`` in van der Corput (bit-reversed) order: every prefix is spread evenly
    over the range, where stepping through fixed phases leaves the end of the clip out until
    the last phase (which made the speed-up depend on the time budget)."""
    bits = max(1, (count - 1).bit_length())
    return sorted(range(count), key=lambda i: int(format(i, f"0{bits}b")[::-1], 2))


def mosaic_frames(face: np.ndarray, count: int, frames: int = 150) -> list[np.ndarray]:
    """640×480 frames showing ``count`` copies of ``face``, drifting 2 px a frame."""
    size = 100  # HOG at 640 px without upsampling finds faces from ~80 px
    face = cv2.resize(face, (size, size))
    columns = 5
    out = []
    for f in range(frames):
        canvas = np.full((480, 640, 3), 60, np.uint8)
        for n in range(count):
            x = 20 + (n % columns) * 124 + (f * 2) % 16
            y = 40 + (n // columns) * 200
            canvas[y:y + size, x:x + size] = face
        out.append(canvas)
    return out


def face_patch(frames: list[np.ndarray]) -> np.ndarray:
    """A face (with some margin) cut from the clip, for composing crowd frames."""
    pipeline = Pipeline(RecognitionSettings(detect_every=1))
    for i in range(len(frames) // 2, len(frames)):
        result = pipeline.process(Frame(frames[i], i / 30, i))
        if result.faces:
            b = result.faces[0].box
            m = b.width // 3
            return frames[i][max(0, b.top - m):b.bottom + m, max(0, b.left - m):b.right + m].copy()
    raise CameraUnavailable("The bench clip shows no face; pick one with faces (--source).")


def first_profile_s(path: Path, frames: list[np.ndarray], fps: float,
                    settings: RecognitionSettings) -> float | None:
    """Seconds from a face entering the (real-time) picture to its profile being published.

    The clip is played in real time through the real engine; the face's entry is the first
    frame in which the detector (on every frame) finds it.
    """
    probe = Pipeline(dataclasses.replace(settings, detect_every=1))
    entry = next((i for i, image in enumerate(frames)
                  if probe.process(Frame(image, i / fps, i)).faces), None)
    if entry is None:
        return None
    probe.warm_up()  # models load once per process, as when an exhibit opens before visitors
    engine = _engine(path, settings)
    started = time.monotonic()
    engine.start()
    try:
        deadline = started + entry / fps + 10.0
        while time.monotonic() < deadline:
            if any(f.visitor_id for f in engine.snapshot().faces):
                return max(0.0, time.monotonic() - started - entry / fps)
            time.sleep(0.005)
    finally:
        engine.stop()
    return None


def _config(settings: RecognitionSettings) -> Config:
    """A config with ``settings`` whose sessions outlast any measurement."""
    return Config(recognition=settings, session=SessionConfig(idle_wipe_s=600.0))


def _engine(path: Path, settings: RecognitionSettings) -> Engine:
    """The live engine, built as ``oko run`` builds it, on the video at ``path``."""
    source = OpenCVSource(path)
    source.open()
    return build_engine(_config(settings), source)


def _summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"median": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]}


def bench(path: Path = DEMO_CLIP, *, seconds: float = 20.0, cores: int | None = None,
          settings: RecognitionSettings = RecognitionSettings(),
          progress: Callable[[str], None] = lambda _: None) -> dict:
    """Run every measurement and return the ``oko bench --json`` object."""
    if cores:
        os.sched_setaffinity(0, set(range(min(cores, os.cpu_count() or 1))))
        cv2.setNumThreads(cores)
    face_api.models()
    progress("decoding the clip")
    frames, fps, decode_ms = load_frames(path)
    progress("our pipeline")
    ours = run_ours(frames, fps, settings)
    progress("the textbook loop")
    textbook = run_textbook(frames, settings, seconds)
    quarter = run_textbook(frames, settings, seconds / 4, scale=0.25, every=2, upsample=1)
    not_measured: list[str] = []  # what this clip could not show, said instead of stopping
    progress("face entering to profile published")
    latency = first_profile_s(path, frames, fps, settings)
    if latency is None:
        not_measured.append("face entering to profile: no face was found in the clip, or "
                            "none became a visitor within 10 s")
    progress("faces in view")
    by_faces = {}
    consent_blur = cameras = None
    try:
        patch = face_patch(frames)
    except CameraUnavailable:
        not_measured.append("frames/s by faces in view, two cameras and blurring faces outside "
                            "the consent zone: the clip shows no face to copy")
    else:
        for count in FACE_COUNTS:
            crowd = mosaic_frames(patch, count)
            by_faces[str(count)] = {
                "fps": run_ours(crowd, 30.0, settings)["fps"],
                "textbook_fps": run_textbook(crowd[:3], settings, seconds / 8)["fps"],
            }
        progress("blurring faces outside the consent zone")
        consent_blur = blur_cost(mosaic_frames(patch, FACES_OUTSIDE, frames=60), settings)
        progress("two cameras")
        cameras = bench_cameras(mosaic_frames(patch, 1), settings, max(3.0, seconds / 4))
    progress("small faces (60-90 px)")
    small = run_small_faces(frames, settings)
    if not small["measured"]:
        not_measured.append(f"small faces: {small['reason']}")
    progress("re-clustering cost per new faceprint")
    clustering = clustering_cost(settings.tolerance)
    progress("resolutions")
    by_resolution = {}
    for width, height in RESOLUTIONS:
        resized = [cv2.resize(f, (width, height)) for f in frames]
        run = run_ours(resized, fps, settings)
        by_resolution[f"{width}x{height}"] = {"fps": run["fps"], "visitors": run["visitors"]}
        del resized
    progress("kiosk viewers")
    viewers = viewers_cost(path, settings, max(2.0, seconds / 4))
    progress("25 viewers against a busy analysis")
    viewers_25 = viewers_drop(path, settings, max(2.0, seconds / 4))
    progress("memory of a serving exhibit")
    rss = serving_rss_mb(path, max(4.0, seconds / 2))
    stages = {"decode": decode_ms, **ours["stages"]}
    return {
        "source": str(path),
        "frames": len(frames),
        "cores": cores or os.cpu_count(),
        "fps": ours["fps"],
        "textbook_fps": textbook["fps"],
        "cpu_fps": ours["cpu_fps"],
        "textbook_cpu_fps": textbook["cpu_fps"],
        # CPU seconds per frame, both loops alike: other work on the core does not tilt it.
        "speedup": ours["cpu_fps"] / textbook["cpu_fps"] if textbook["cpu_fps"] else None,
        "speedup_wall": ours["fps"] / textbook["fps"] if textbook["fps"] else None,
        "visitors": ours["visitors"],
        "textbook_visitors": textbook["visitors"],
        "textbook_coverage": textbook["covered"],
        "textbook_quarter": {"fps": quarter["fps"], "visitors": quarter["visitors"]},
        "first_profile_s": latency,
        "rss_mb": rss["steady"],
        "rss_peak_mb": rss["peak"],
        "bench_rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "wipe_ms": ours["wipe_ms"],
        "stages_ms": {name: _summary(values) for name, values in stages.items() if values},
        "by_faces": by_faces,
        "by_resolution": by_resolution,
        "viewers": viewers,
        "small_faces": small,
        "clustering_ms": clustering,
        "not_measured": not_measured,
        "cameras": cameras,
        "viewers_25": viewers_25,
        "consent_blur_ms": consent_blur,
    }


def format_report(r: dict) -> str:
    """The bench result as a readable report."""
    lines = [
        f"{r['frames']} frames of {r['source']} on {r['cores']} core(s)",
        f"ours      {r['fps']:7.1f} frames/s   visitors {r['visitors']}",
        f"textbook  {r['textbook_fps']:7.1f} frames/s   visitors {r['textbook_visitors']} "
        f"({r['textbook_coverage']:.0%} of the clip in the time budget)",
        f"speed-up  {_times(r['speedup'], 7)} by CPU time per frame ({_times(r['speedup_wall'])} by "
        f"wall clock)",
        f"textbook at 1/4 scale, every other frame (reference only): "
        f"{r['textbook_quarter']['fps']:.1f} frames/s, visitors {r['textbook_quarter']['visitors']}",
        "face entering to profile: " + (f"{r['first_profile_s']:.2f} s"
                                         if r["first_profile_s"] is not None else "not measured"),
        f"serving exhibit RSS {r['rss_mb'] or 0:.0f} MB steady, {r['rss_peak_mb'] or 0:.0f} MB "
        f"peak; wipe {r['wipe_ms']:.2f} ms",
        f"5 viewers: {r['viewers']['fps_alone']:.1f} -> {r['viewers']['fps_watched']:.1f} "
        f"analysed frames/s ({r['viewers']['cost_pct']:.1f}% cost)",
        f"{r['viewers_25']['viewers']} viewers, analysis busy (upsample "
        f"{r['viewers_25']['upsample']}): {r['viewers_25']['fps_alone']:.1f} -> "
        f"{r['viewers_25']['fps_watched']:.1f} analysed frames/s "
        f"({r['viewers_25']['drop_pct']:.1f}% drop; per CPU second "
        f"{r['viewers_25']['cpu_drop_pct']:.1f}%, of which beyond one viewer "
        f"{r['viewers_25']['cpu_drop_beyond_one_pct']:.1f}%; "
        f"target <= {r['viewers_25']['target_pct']:.0f}%)",
        _blur_line(r["consent_blur_ms"]),
        "", "stage       median ms   p95 ms",
        *(f"{name:10s} {s['median']:9.2f} {s['p95']:8.2f}" for name, s in r["stages_ms"].items()),
        "", "faces  ours fps  textbook fps",
        *(f"{n:>5}  {v['fps']:8.1f}  {v['textbook_fps']:12.1f}" for n, v in r["by_faces"].items()),
        "", "resolution  ours fps  visitors",
        *(f"{k:>10}  {v['fps']:8.1f}  {v['visitors']:8d}" for k, v in r["by_resolution"].items()),
        "", *_small_faces_lines(r["small_faces"]),
        "", "re-clustering per new faceprint (ms)   median   p95   whole session once",
        *(f"  {n:>4} faceprints held               {c['median']:7.2f} {c['p95']:6.2f} "
          f"{c['whole_session']:10.1f}" for n, c in r["clustering_ms"].items()),
        "", *(format_cameras(r["cameras"]) if r["cameras"] else
              ["two cameras: not measured"]),
        *(["", "Could not measure:", *(f"  {line}" for line in r["not_measured"])]
          if r["not_measured"] else []),
    ]
    return "\n".join(lines)


def _times(ratio: float | None, width: int = 0) -> str:
    """A speed-up such as ``10.5x``; "n/a" when the textbook loop analysed nothing to compare."""
    return f"{ratio:{width}.1f}x" if ratio is not None else "n/a".rjust(width + 1)


def _blur_line(blur: dict | None) -> str:
    """The consent-zone blurring figure as one line of the table."""
    if blur is None:
        return "blurring faces outside the consent zone: not measured"
    return (f"blurring {blur['faces']:g} faces outside the consent zone at {blur['size']}: "
            f"{blur['median']:.3f} ms median, {blur['p95']:.3f} ms p95")


def _small_faces_lines(small: dict) -> list[str]:
    if not small["measured"]:
        return [f"small faces: not measured ({small['reason']})"]
    widths = "-".join(str(w) for w in (small["widths_px"][0], small["widths_px"][-1]))
    return [f"small faces ({widths} px, {small['frames']} frames of 640x480): "
            f"{small['found']}/{small['faces']} found ({small['recall']:.1%}), "
            f"{small['fps']:.1f} frames/s, {small['visitors']} visitor(s) for "
            f"{small['faces_shown']} faces cut from the clip"]
