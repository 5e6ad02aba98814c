"""``oko doctor``: check the exhibit's parts and explain each problem in plain words."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
import warnings
from dataclasses import dataclass
from typing import Callable

from device.assembly import open_camera
from device.config import Config
from device.snapshot import read_cpu_temp_c
from recognition.errors import OkoError

#: Below this much available memory the models and a session may not fit.
MIN_FREE_MB = 300
#: Above this the Pi throttles (firmware soft limit ~80 °C, hard limit 85 °C).
HOT_C = 80.0
_THROTTLE_FLAGS = {
    0: "under-voltage now (use the official power supply)",
    1: "ARM frequency capped now",
    2: "throttled now",
    3: "soft temperature limit now",
    16: "under-voltage has occurred since boot",
    18: "throttling has occurred since boot",
}


@dataclass(frozen=True)
class Check:
    """One check's outcome: ``status`` is "ok", "warn" (works, but look) or "fail"."""

    name: str
    status: str
    message: str


def check_camera(config: Config, spec: str | None = None, name: str = "camera") -> Check:
    """The configured camera (or ``spec``) opens and delivers a frame (auto may fall back to
    the demo); the check is called ``name``."""
    cam = config.camera
    try:
        source = open_camera(config, spec)
    except OkoError as exc:
        return Check(name, "fail", str(exc))
    try:
        frame = source.read()
    except OkoError as exc:
        return Check(name, "fail", f"{source.name} opened but delivers no frames: {exc}")
    finally:
        source.close()
    width, height = frame.size
    if source.name == "demo" and (spec or cam.source) == "auto":
        return Check(name, "warn", "No camera found (Pi camera or webcam:0); the demo clip "
                     "will play. Connect a camera and run oko doctor again.")
    return Check(name, "ok", f"{source.name} delivers {width}x{height} frames.")


def check_cameras(config: Config) -> list[Check]:
    """One camera check, or with several cameras one per camera (``camera C2``), each
    saying the place it stands for."""
    specs = config.camera_list
    if len(specs) == 1 and not config.cameras:
        return [check_camera(config)]
    checks = []
    for index, spec in enumerate(specs, 1):
        check = check_camera(config, spec.source, f"camera C{index}")
        checks.append(Check(check.name, check.status, f"{spec.place}: {check.message}"))
    return checks


def check_models(detector: str = "blazeface") -> Check:
    """The dlib face models load, and the small-face detector when it is the one configured."""
    from recognition.faces import api as faces
    from recognition.faces import blazeface

    started = time.perf_counter()
    try:
        faces.models()
        if detector == "blazeface":
            blazeface.load()
    except OkoError as exc:
        return Check("face models", "fail", str(exc))
    extra = " and the BlazeFace small-face detector" if detector == "blazeface" else ""
    return Check("face models", "ok",
                 f"dlib face models{extra} load ({time.perf_counter() - started:.1f} s).")


def check_ocr() -> Check:
    """The plate readers load: Tesseract (through tesserocr) with its language data, and the
    shape reader with the typefaces it learns from."""
    from recognition.plates.shapes import FONT_HINT
    from recognition.plates.read import load_readers, shapes_or_none

    try:
        load_readers()
    except OkoError as exc:
        return Check("plate OCR", "warn", f"{exc} Until then licence plates are off.")
    if shapes_or_none() is None:
        return Check("plate OCR", "warn", f"{FONT_HINT} Until then plates are read by "
                     "Tesseract alone, less accurately.")
    return Check("plate OCR", "ok", "Tesseract and the shape reader load; licence plates are read.")


def check_gpio(config: Config) -> Check:
    """GPIO pins can be claimed for the configured button, light and buzzer."""
    from gpiozero import Device

    c = config.controls
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            factory = Device._default_pin_factory()
            for pin in (c.button_pin, c.led_pin, c.buzzer_pin):
                if pin:
                    factory.pin(pin).close()
    except Exception as exc:  # noqa: BLE001 - gpiozero raises many kinds
        return Check("gpio", "warn", f"No GPIO ({type(exc).__name__}): the button and recording "
                     "light will be absent. Fine on a PC; on a Pi check [controls] pin numbers.")
    return Check("gpio", "ok", f"GPIO pins {c.button_pin}/{c.led_pin}/{c.buzzer_pin} available.")


def check_temperature(run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> Check:
    """CPU temperature, and the firmware's throttling flags where ``vcgencmd`` exists."""
    temp = read_cpu_temp_c()
    problems = []
    if shutil.which("vcgencmd"):
        out = run(["vcgencmd", "get_throttled"], capture_output=True, text=True, timeout=5).stdout
        try:
            flags = int(out.strip().split("=")[1], 16)
        except (IndexError, ValueError):
            flags = 0
        problems = [text for bit, text in _THROTTLE_FLAGS.items() if flags & (1 << bit)]
    if temp is None and not problems:
        return Check("temperature", "ok", "No CPU temperature sensor here (not a Pi).")
    if problems or (temp is not None and temp >= HOT_C):
        hot = f"CPU at {temp:.0f} °C; " if temp is not None else ""
        return Check("temperature", "warn", hot + "; ".join(problems or ["too hot"])
                     + ". Add a heatsink or fan and use the official power supply.")
    return Check("temperature", "ok", f"CPU at {temp:.0f} °C, not throttled.")


def check_memory(meminfo: str = "/proc/meminfo") -> Check:
    """Enough available RAM for the models and a session."""
    try:
        with open(meminfo, encoding="ascii") as fh:
            fields = dict(line.split(":", 1) for line in fh if ":" in line)
        free_mb = int(fields["MemAvailable"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        return Check("memory", "warn", "Cannot read available memory.")
    if free_mb < MIN_FREE_MB:
        return Check("memory", "fail", f"Only {free_mb:.0f} MB free; Oko needs {MIN_FREE_MB} MB. "
                     "Close other programs (e.g. the desktop's extra apps).")
    return Check("memory", "ok", f"{free_mb:.0f} MB available.")


def check_service(run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> Check:
    """Whether the ``oko`` systemd service is installed and running."""
    if not shutil.which("systemctl"):
        return Check("service", "warn", "No systemd here; run 'oko run' by hand.")
    state = run(["systemctl", "is-active", "oko.service"], capture_output=True, text=True,
                timeout=5).stdout.strip()
    if state == "active":
        return Check("service", "ok", "oko.service is running.")
    return Check("service", "warn", f"oko.service is {state or 'not installed'}; install with "
                 "'sudo scripts/install-pi.sh' or run 'oko run' by hand.")


def check_dashboard(config: Config) -> Check:
    """The dashboard answers ``/healthz`` on the configured port (on this machine)."""
    url = f"http://127.0.0.1:{config.dashboard.port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            if response.status == 200:
                return Check("dashboard", "ok", f"{url} answers.")
    except OSError:
        pass
    return Check("dashboard", "warn", f"Nothing answers at {url}; start Oko (service or "
                 "'oko run') to serve the kiosk.")


def run_checks(config: Config, *, camera: bool = True) -> list[Check]:
    """Every check, in the order a facilitator would fix them.

    Args:
        camera: set False while Oko itself holds the camera (the doctor cannot open it then).
    """
    checks = [check_models(config.recognition.model), check_ocr(), check_memory(), check_temperature(),
              check_gpio(config)]
    if camera:
        checks[0:0] = check_cameras(config)
    return checks + [check_service(), check_dashboard(config)]


def format_checks(checks: list[Check]) -> str:
    """Checks as aligned lines: ``[ ok ] camera   demo delivers …``."""
    width = max(len(c.name) for c in checks)
    marks = {"ok": " ok ", "warn": "warn", "fail": "FAIL"}
    return "\n".join(f"[{marks[c.status]}] {c.name.ljust(width)}  {c.message}" for c in checks)
