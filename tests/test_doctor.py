"""``oko doctor``: each check on this machine, plus fakes for a Pi's vcgencmd and low memory."""

import os
import stat

from device.config import load_config
from device.tools.doctor import (
    check_camera,
    check_dashboard,
    check_memory,
    check_temperature,
)
from tests.helpers import oko


def config(**env):
    return load_config(None, environ={f"OKO_{k.upper()}": v for k, v in env.items()})


def test_camera_check_names_the_source_and_the_fix(tmp_path):
    assert check_camera(config(camera__source="demo")).status == "ok"
    missing = check_camera(config(camera__source=f"file:{tmp_path}/none.mp4"))
    assert missing.status == "fail" and "does not exist" in missing.message
    auto = check_camera(config(camera__source="auto"))
    assert auto.status == "warn" and "demo clip will play" in auto.message


def test_throttling_reported_from_vcgencmd(tmp_path, monkeypatch):
    fake = tmp_path / "vcgencmd"
    fake.write_text("#!/bin/sh\necho throttled=0x50005\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    check = check_temperature()
    assert check.status == "warn"
    assert "under-voltage now" in check.message and "throttled now" in check.message
    assert "official power supply" in check.message


def test_low_memory_fails(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 1000000 kB\nMemAvailable: 102400 kB\n")
    check = check_memory(str(meminfo))
    assert check.status == "fail" and "100 MB free" in check.message
    assert check_memory().status == "ok"


def test_dashboard_check_against_a_live_server(live_oko):
    server = live_oko("--source", "demo")
    assert check_dashboard(config(dashboard__port=str(server.port))).status == "ok"


def test_doctor_exit_codes():
    warned = oko("doctor", env={"OKO_CAMERA__SOURCE": "demo"})
    assert warned.returncode in (0, 3)  # warnings only (no service or GPIO on a PC)
    assert "[ ok ] camera" in warned.stdout and "face models" in warned.stdout
    assert "[ ok ] plate OCR" in warned.stdout and "shape reader" in warned.stdout
    failed = oko("doctor", env={"OKO_CAMERA__SOURCE": "file:/nonexistent.mp4"})
    assert failed.returncode == 1 and "[FAIL] camera" in failed.stdout
    assert "Traceback" not in failed.stderr
