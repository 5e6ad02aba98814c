"""``oko soak``: run the engine for a long time with sessions coming and going, and watch
memory, threads and file descriptors for leaks."""

from __future__ import annotations

import dataclasses
import os
import statistics
import threading
import time
from pathlib import Path
from typing import Callable

from device.assembly import build_engine
from device.camera import OpenCVSource
from device.config import Config
from device.snapshot import rss_mb


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def soak(path: Path, *, minutes: float, session_s: float = 20.0, viewers: int = 2,
         config: Config = Config(),
         progress: Callable[[str], None] = lambda _: None) -> dict:
    """Run the real engine on ``path`` for ``minutes``, wiping every ``session_s`` seconds.

    ``viewers`` threads read the stream and the state the way kiosks do. Memory, threads and
    descriptors are sampled every few seconds; the first fifth of the run is warm-up (models,
    allocator pools) and the drift is measured from its end to the end of the run.
    """
    source = OpenCVSource(path)
    source.open()
    sessions = dataclasses.replace(config.session, mode="visit", idle_wipe_s=session_s,
                                   max_session_s=session_s * 3)
    engine = build_engine(dataclasses.replace(config, session=sessions), source)
    stop = threading.Event()

    def watch() -> None:
        seq = -1
        while not stop.is_set():
            item = engine.wait_jpeg(seq, timeout_s=0.5)
            seq = item[0] if item else seq
            engine.snapshot()

    baseline_threads = threading.active_count()
    engine.start()
    readers = [threading.Thread(target=watch, daemon=True) for _ in range(viewers)]
    for reader in readers:
        reader.start()
    samples: list[tuple[float, float, int, int]] = []
    started = time.monotonic()
    end = started + minutes * 60
    next_wipe = started + session_s
    wipes = 0
    while time.monotonic() < end:
        time.sleep(min(2.0, max(0.0, end - time.monotonic())))
        now = time.monotonic()
        if now >= next_wipe:
            engine.wipe(reason="soak")
            wipes += 1
            next_wipe = now + session_s
        samples.append((now - started, rss_mb(), threading.active_count(), _open_fds()))
        progress(f"{(now - started) / 60:.1f} min: RSS {samples[-1][1]:.0f} MB, "
                 f"{samples[-1][2]} threads, {samples[-1][3]} fds")
    analysed = engine.snapshot().health.frames_analysed
    stop.set()
    for reader in readers:
        reader.join(5)
    engine.stop()
    time.sleep(0.5)
    warm = [s for s in samples if s[0] >= minutes * 60 / 5] or samples
    head = statistics.median(s[1] for s in warm[: max(1, len(warm) // 5)])
    tail = statistics.median(s[1] for s in warm[-max(1, len(warm) // 5):])
    return {
        "minutes": minutes,
        "wipes": wipes,
        "frames_analysed": analysed,
        "rss_start_mb": head,
        "rss_end_mb": tail,
        "rss_drift_pct": (tail - head) / head * 100 if head else 0.0,
        "threads_during": sorted({s[2] for s in warm}),
        "threads_leaked": threading.active_count() - baseline_threads,
        "fds_during": sorted({s[3] for s in warm}),
    }
