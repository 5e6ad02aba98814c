"""``oko bench``: what serving costs: dashboard viewers' cost to the analysis, and the memory
of a served ``oko run``.

Each viewer is a thread doing what a kiosk's two streams do to the engine: the MJPEG stream
waits for every new picture (``wait_jpeg``) and zeroes its copy; the event stream takes a
``snapshot()`` once a second. Their cost reaches the analysis two ways: CPU (the picture is
encoded once per frame while watched) and the engine lock (each snapshot holds it). To see
it, the analysis must be the bottleneck, as on a Raspberry Pi: the camera here is the clip at
its own frame rate, and faces are detected with HOG at ``upsample = 1`` (about four times the cost),
which on one core of a PC analyses fewer frames than the clip delivers.
"""

from __future__ import annotations

import dataclasses
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from device.assembly import build_engine
from device.camera import OpenCVSource
from device.config import Config, SessionConfig
from device.snapshot import rss_mb
from recognition.pipeline import RecognitionSettings

#: Viewers of the measurement: 25 kiosks or phones, as the README promises to serve.
VIEWERS = 25
#: The largest drop in analysed frames per second the README promises for them.
TARGET_DROP_PCT = 10.0


def analysis_fps(path: Path, settings: RecognitionSettings, seconds: float,
                 viewers: int) -> tuple[float, float]:
    """Frames analysed by the live engine on ``path`` while ``viewers`` watch: per second of
    wall time, and per second of this process's CPU time (every thread's).

    The second is what a machine busy with other work cannot disturb: on one saturated core
    the two drop by the same share when viewers take their part of the CPU.
    """
    source = OpenCVSource(path)
    source.open()
    config = Config(recognition=settings, session=SessionConfig(idle_wipe_s=600.0))
    engine = build_engine(config, source)
    stop = threading.Event()

    def watch() -> None:
        seq, next_event = -1, 0.0
        while not stop.is_set():
            item = engine.wait_jpeg(seq, timeout_s=0.5)
            if item is not None:
                seq, data = item
                data[:] = bytes(len(data))  # as the stream route does once a part is sent
            if time.monotonic() >= next_event:
                engine.snapshot()
                next_event = time.monotonic() + 1.0

    threads = [threading.Thread(target=watch, daemon=True) for _ in range(viewers)]
    with engine:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60.0  # models and plate readers load first
        while engine.snapshot().health.frames_analysed < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # viewers connected and waiting
        before, started = engine.snapshot().health.frames_analysed, time.monotonic()
        cpu_started = time.process_time()
        time.sleep(seconds)
        frames = engine.snapshot().health.frames_analysed - before
        wall_s, cpu_s = time.monotonic() - started, time.process_time() - cpu_started
        stop.set()
    for thread in threads:
        thread.join(5)
    return frames / wall_s, frames / cpu_s if cpu_s > 0 else 0.0


def viewers_drop(path: Path, settings: RecognitionSettings, seconds: float, *,
                 viewers: int = VIEWERS, rounds: int = 2) -> dict:
    """Analysis fps with 0 and with ``viewers`` viewers, alternated ``rounds`` times (so a
    noisy moment of the machine does not land on one side only), and the drop in percent."""
    # HOG, since BlazeFace (the default detector) ignores upsampling.
    busy = dataclasses.replace(settings, model="hog", upsample=max(settings.upsample, 1))
    alone, one, watched = [], [], []
    for _ in range(rounds):
        alone.append(analysis_fps(path, busy, seconds, 0))
        one.append(analysis_fps(path, busy, seconds, 1))
        watched.append(analysis_fps(path, busy, seconds, viewers))
    fps_alone, fps_one, fps_watched = (sum(r[0] for r in runs) / rounds
                                       for runs in (alone, one, watched))
    cpu_alone, cpu_one, cpu_watched = (sum(r[1] for r in runs) / rounds
                                       for runs in (alone, one, watched))
    return {"viewers": viewers, "fps_alone": fps_alone, "fps_watched": fps_watched,
            "drop_pct": _drop(fps_alone, fps_watched), "target_pct": TARGET_DROP_PCT,
            "upsample": busy.upsample, "frames_per_cpu_s_alone": cpu_alone,
            "frames_per_cpu_s_watched": cpu_watched,
            "cpu_drop_pct": _drop(cpu_alone, cpu_watched),
            # One viewer already makes the engine encode the stream; the rest is what the
            # other 24 add (wake-ups, copies, snapshots, the engine lock).
            "fps_one": fps_one, "frames_per_cpu_s_one": cpu_one,
            "cpu_drop_beyond_one_pct": _drop(cpu_one, cpu_watched)}


def viewers_cost(path: Path, settings: RecognitionSettings, seconds: float,
                 viewers: int = 5) -> dict:
    """Analysis fps of the live engine on ``path`` without and with ``viewers`` kiosks, at
    ``settings`` (unlike :func:`viewers_drop`, the analysis need not be the bottleneck)."""
    alone, _ = analysis_fps(path, settings, seconds, 0)
    watched, _ = analysis_fps(path, settings, seconds, viewers)
    return {"viewers": viewers, "fps_alone": alone, "fps_watched": watched,
            "cost_pct": _drop(alone, watched)}


def serving_rss_mb(path: Path, seconds: float) -> dict:
    """Steady and peak RSS of a real ``oko run`` on ``path`` with one viewer on the stream.

    Measured in a separate process, so the bench's own decoded frames do not count.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "device.cli", "run", "--source", f"file:{path}", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[2])
    samples: list[float] = []
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        with urllib.request.urlopen(url + "/stream.mjpg", timeout=5) as stream:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                stream.read(65536)
                samples.append(rss_mb(proc.pid))
    except OSError:
        pass
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    if not samples:
        return {"steady": None, "peak": None}
    return {"steady": statistics.median(samples[len(samples) // 2:]), "peak": max(samples)}


def _drop(before: float, after: float) -> float:
    """How much lower ``after`` is than ``before``, in percent (0 if not lower)."""
    return max(0.0, (before - after) / before * 100) if before else 0.0
