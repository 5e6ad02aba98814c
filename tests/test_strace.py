"""Nothing of a session reaches a disk or the network, seen by the kernel: a real ``oko run``
under ``strace -f``, so native code (OpenCV, dlib, Tesseract) is watched as well as Python.

The session has faces and a car (so Tesseract runs), a viewer of the stream, a thumbnail and a
faceprint fetched, and ends with SIGTERM (the wipe). Any file opened for writing outside
/proc, /sys and /dev, any file created, renamed or removed, and any connection that is not to
loopback fails the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request

import cv2
import numpy as np
import pytest

from device.tools.props import plate_bgr
from tests.helpers import REPO, free_port, load_bgr, wait_for

SYSCALLS = ("open,openat,openat2,creat,truncate,rename,renameat,renameat2,link,linkat,"
            "symlink,symlinkat,unlink,unlinkat,mkdir,mkdirat,mknod,mknodat,connect,sendto,"
            "sendmsg")
#: -s 0: file names are printed in full, but no data buffer (the trace must not hold any).
STRACE = ["strace", "-f", "-qq", "-s", "0", "-e", f"trace={SYSCALLS}"]


def _strace() -> list[str]:
    """The strace command, with --seccomp-bpf (far less slow-down) where the kernel has it;
    skips the test where strace cannot trace at all (no ptrace in this container)."""
    if not shutil.which("strace"):
        pytest.skip("strace is not installed (scripts/setup.sh --test installs it)")
    for extra in (["--seccomp-bpf"], []):
        probe = subprocess.run([*STRACE, *extra, "-o", os.devnull, "true"],
                               capture_output=True, text=True, timeout=30)
        if probe.returncode == 0:
            return [*STRACE, *extra]
    pytest.skip(f"strace cannot trace here: {probe.stderr.strip()[:200]}")
ALLOWED_PREFIXES = ("/proc/", "/sys/", "/dev/")
_WRITE_FLAGS = re.compile(r"\bO_(WRONLY|RDWR|CREAT|TRUNC|APPEND)\b")
_CALL = re.compile(r"^(?:\[pid\s+)?(\d+)\]?\s+(\w+)\((.*)$")
_PATHS = re.compile(r'"((?:[^"\\]|\\.)*)"')


def clip_of_a_visitor_with_a_car(path, frames=90):
    """A short MJPG video: a real face with a prop plate held up, with sensor noise."""
    image = cv2.resize(load_bgr("obama.jpg"), (640, 800))[:480].copy()
    plate = plate_bgr("BG123AB", width_px=220)
    h, w = plate.shape[:2]
    image[480 - h - 20:460, 400:400 + w] = plate
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (640, 480))
    rng = np.random.default_rng(0)
    for _ in range(frames):
        noise = rng.integers(-3, 4, image.shape, dtype=np.int16)
        writer.write(np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8))
    writer.release()


def violations(trace: str) -> list[str]:
    """Lines of an strace log that write to a file, change the file system, or connect out."""
    found = []
    for line in trace.splitlines():
        match = _CALL.match(line.strip())
        if not match:
            continue
        call, args = match.group(2), match.group(3)
        paths = _PATHS.findall(args)
        if call in ("connect", "sendto", "sendmsg"):
            if "sa_family=AF_INET" in args and not _loopback(args):
                found.append(line)
            continue
        if call.startswith("open") and not _WRITE_FLAGS.search(args):
            continue  # reading files is fine
        if call.startswith("open") and "O_CREAT" not in args and paths \
                and paths[0].startswith(ALLOWED_PREFIXES):
            continue  # e.g. /dev/null, /proc/self/…: no file is made
        found.append(line)
    return found


def _loopback(args: str) -> bool:
    v4 = re.search(r'inet_addr\("([\d.]+)"\)', args)
    if v4:
        return v4.group(1).startswith("127.")
    v6 = re.search(r'inet_pton\(AF_INET6, "([^"]+)"', args)
    return bool(v6) and v6.group(1) in ("::1", "::ffff:127.0.0.1")


def test_a_real_session_writes_no_file_and_connects_nowhere(tmp_path):
    strace = _strace()
    clip = tmp_path / "visitor-with-car.avi"
    clip_of_a_visitor_with_a_car(clip)
    trace = tmp_path / "strace.log"
    port = free_port()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen(
        [*strace, "-o", str(trace), sys.executable, "-m", "device.cli", "run", "--source", f"file:{clip}",
         "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        state = wait_for(lambda: _state(url, proc), 180)
        token, visitor = state["session"]["token"], state["visitors"][0]["id"]
        assert "BG123AB" in [p["text"] for p in state["plates"]]  # Tesseract ran
        for path in ("thumbnail.jpg", "faceprint.svg"):
            with urllib.request.urlopen(f"{url}/api/visitors/{visitor}/{path}?session={token}",
                                        timeout=10) as response:
                assert response.status == 200
        with urllib.request.urlopen(url + "/stream.mjpg", timeout=10) as stream:
            assert b"\xff\xd8\xff" in stream.read(200_000)  # JPEGs encoded for a viewer
    finally:
        # SIGTERM to oko itself (as systemd sends it); strace ends when its tracee does.
        for pid in _children(proc.pid) or [proc.pid]:
            os.kill(pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    assert "Stopped. Wiped" in out, err  # the session ended in a wipe
    text = trace.read_text()
    assert "tesseract" in text.lower() and "/stream.mjpg" not in text  # it traced Tesseract
    assert violations(text) == []


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(child) for child in fh.read().split()]
    except OSError:
        return []


def _state(url, proc):
    if proc.poll() is not None:
        raise AssertionError(f"oko run ended: {proc.communicate()}")
    try:
        with urllib.request.urlopen(url + "/api/state", timeout=5) as response:
            state = json.load(response)
    except OSError:
        return None
    return state if state["visitors"] and any(p["valid"] for p in state["plates"]) else None


def test_the_trace_checker_catches_writes_creations_and_outward_connections():
    sample = "\n".join([
        '101 openat(AT_FDCWD, "/opt/oko/x.py", O_RDONLY|O_CLOEXEC) = 3',
        '101 openat(AT_FDCWD, "/dev/null", O_WRONLY|O_CLOEXEC) = 3',
        '101 openat(AT_FDCWD, "/tmp/frame.jpg", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 4',
        '[pid   102] openat(AT_FDCWD, "/var/tmp/x", O_RDWR) = 5',
        '102 connect(7, {sa_family=AF_INET, sin_port=htons(80), '
        'sin_addr=inet_addr("93.184.216.34")}, 16) = 0',
        '102 connect(7, {sa_family=AF_INET, sin_port=htons(80), '
        'sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
        '102 connect(8, {sa_family=AF_INET6, sin6_port=htons(80), '
        'sin6_addr=inet_pton(AF_INET6, "2001:db8::1")}, 28) = 0',
        '103 mkdir("/root/.cache", 0700) = 0',
    ])
    assert [line.split()[-3][:12] for line in violations(sample)] != []
    assert len(violations(sample)) == 5


def test_the_checker_sees_what_python_and_native_code_do(tmp_path):
    strace = _strace()
    trace, target = tmp_path / "trace.log", tmp_path / "frame.png"
    script = ("import cv2, numpy, socket; cv2.imwrite(%r, numpy.zeros((8, 8), numpy.uint8)); "
              "s = socket.socket(); s.settimeout(0.2)\ntry: s.connect(('192.0.2.7', 9))\n"
              "except OSError: pass" % str(target))
    subprocess.run([*strace, "-o", str(trace), sys.executable, "-c", script], timeout=120,
                   capture_output=True)
    found = violations(trace.read_text())
    assert any(str(target) in line for line in found)  # written by OpenCV's native code
    assert any("192.0.2.7" in line for line in found)
