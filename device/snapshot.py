"""What readers of the engine see: an immutable snapshot and the health figures in it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from recognition.consent import EVERYONE, ConsentZone
from recognition.session import SessionInfo
from recognition.plates.cars import CarProfile
from recognition.dossier import WipeReceipt
from recognition.visitor import Profile
from recognition.types import FaceObservation

if TYPE_CHECKING:
    from device.capture import CameraStatus
    from device.marker import Announcement


@dataclass(frozen=True)
class Health:
    """How the engine is doing: frame rates, analysis cost, camera state."""

    fps: float
    analysis_fps: float
    analysis_ms: float
    camera: str
    camera_ok: bool
    frames_dropped: int
    uptime_s: float
    error: str | None = None
    cpu_temp_c: float | None = None
    frames_analysed: int = 0
    analysis_errors: int = 0


@dataclass(frozen=True)
class Snapshot:
    """An immutable view of everything the dashboard may show, taken at one moment.

    ``cameras`` is every camera (place, health); ``marked`` the visitors a facilitator
    marked and ``announcements`` the places they recently appeared at; ``capacity_warning``
    says when there are more cameras than the analysis can serve; ``origin_s`` is the
    engine-clock time session times (``first_seen_s`` …) count from.
    """

    session: SessionInfo
    visitors: tuple[Profile, ...]
    faces: tuple[FaceObservation, ...]
    health: Health
    last_receipt: WipeReceipt | None
    tolerance: float = 0.55
    watchlist: tuple[str, ...] = ()
    paused: bool = False
    recording: bool = False
    taken_s: float = 0.0
    plates: tuple[CarProfile, ...] = ()
    consent_zone: ConsentZone = EVERYONE
    cameras: tuple[CameraStatus, ...] = ()
    marked: tuple[str, ...] = ()
    announcements: tuple[Announcement, ...] = ()
    capacity_warning: str | None = None
    origin_s: float | None = None


_THERMAL_ZONE = "/sys/class/thermal/thermal_zone0/temp"


def read_cpu_temp_c(path: str = _THERMAL_ZONE) -> float | None:
    """The CPU temperature in °C from the kernel (a Pi throttles at 80–85 °C), or ``None``."""
    try:
        with open(path, encoding="ascii") as fh:
            return int(fh.read().strip()) / 1000.0
    except (OSError, ValueError):
        return None


class RateMeter:
    """Events per second, smoothed over roughly the last ``window`` events."""

    def __init__(self, window: int = 10):
        self._alpha = 2.0 / (window + 1)
        self._interval_s: float | None = None
        self._last_s: float | None = None

    def tick(self, now_s: float) -> None:
        """Record one event at ``now_s``."""
        if self._last_s is not None:
            dt = now_s - self._last_s
            self._interval_s = dt if self._interval_s is None else (
                self._alpha * dt + (1 - self._alpha) * self._interval_s)
        self._last_s = now_s

    def rate(self, now_s: float) -> float:
        """Current events per second; decays to 0 when events stop."""
        if self._interval_s is None or self._last_s is None:
            return 0.0
        interval = max(self._interval_s, now_s - self._last_s)
        return 1.0 / interval if interval > 0 else 0.0


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of process ``pid`` (default: this one) in MiB, from /proc."""
    with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
