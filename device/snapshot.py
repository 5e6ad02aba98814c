"""What readers of the engine see: an immutable snapshot and the health figures in it."""

from __future__ import annotations

from dataclasses import dataclass

from device.session import SessionInfo
from recognition.dossier import Profile, WipeReceipt
from recognition.types import FaceObservation


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
    """An immutable view of everything the dashboard may show, taken at one moment."""

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


_THERMAL_ZONE = "/sys/class/thermal/thermal_zone0/temp"


def read_cpu_temp_c(path: str = _THERMAL_ZONE) -> float | None:
    """The CPU temperature in °C from the kernel (a Pi throttles at 80–85 °C), or ``None``."""
    try:
        with open(path, encoding="ascii") as fh:
            return int(fh.read().strip()) / 1000.0
    except (OSError, ValueError):
        return None
